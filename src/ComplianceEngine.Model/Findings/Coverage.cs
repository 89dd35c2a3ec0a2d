using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Model.Findings;

/// <summary>
/// What one jurisdiction's rules judged in a run (design section 7): distinct stores and flows that were the subject of
/// a judged fact, and the facts judged by kind. A fact counts once per jurisdiction however many of its rules applied.
/// </summary>
public sealed record CoverageCounts(int Stores, int Flows, int Placements, int DeclaredTransfers, int ImpliedTransfers, int OnwardTransfers)
{
    /// <summary>All zero.</summary>
    public static CoverageCounts Zero { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>Transfers of every kind.</summary>
    public int Transfers => DeclaredTransfers + ImpliedTransfers + OnwardTransfers;

    /// <summary>True when nothing was judged.</summary>
    public bool IsEmpty => Stores == 0 && Flows == 0 && Placements == 0 && Transfers == 0;
}

/// <summary>How many documents of each inventory kind the estate declared.</summary>
public sealed record EstateCounts(int Clusters, int Stores, int Flows, int Recipients)
{
    /// <summary>None.</summary>
    public static EstateCounts Zero { get; } = new(0, 0, 0, 0);

    /// <summary>All documents.</summary>
    public int Total => Clusters + Stores + Flows + Recipients;
}

/// <summary>A document of the estate that no rule judged, and why (design section 7).</summary>
public sealed record NotJudged(string Kind, string Name, SourceLocation Location, string Reason)
{
    /// <summary><c>Kind/name</c>.</summary>
    public string Reference => $"{Kind}/{Name}";
}

/// <summary>The coverage of a run: what was declared, what each jurisdiction judged, and what nothing judged.</summary>
public sealed record Coverage(EstateCounts Documents, ImmutableSortedDictionary<string, CoverageCounts> ByJurisdiction, ImmutableArray<NotJudged> NotJudged)
{
    /// <summary>No estate, nothing judged.</summary>
    public static Coverage Empty { get; } = new(EstateCounts.Zero, ImmutableSortedDictionary<string, CoverageCounts>.Empty.WithComparers(StringComparer.Ordinal), []);

    /// <summary>True when no jurisdiction judged anything: the run cannot say the estate is fine.</summary>
    public bool NothingJudged => ByJurisdiction.Values.All(c => c.IsEmpty);

    /// <summary>Jurisdictions that judged at least one fact, sorted.</summary>
    public IEnumerable<string> JudgingJurisdictions => ByJurisdiction.Where(kv => !kv.Value.IsEmpty).Select(kv => kv.Key);
}
