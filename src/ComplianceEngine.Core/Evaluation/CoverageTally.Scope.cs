using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// Which jurisdictions' rules looked at a fact even where none of them applied to it (design section 7): a fact is judged
/// by a jurisdiction whose rules' scope excluded it (an intra-EEA transfer under GDPR Chapter V), as by one whose rule
/// applied. "Looked" is narrow, so that nothing unknown becomes judged:
/// <list type="bullet">
/// <item>the jurisdiction binds the fact: for a transfer, it is one of the regimes the transfer is judged under
/// (<see cref="RegimeIndex.RegimesOf"/>: the exporter's, an onward hop's origin's), which must be known; for a placement,
/// a regime of the site it rests at or of its data subjects;</item>
/// <item>a loaded rule of that jurisdiction about facts of that kind is in force on the as-of date (rules not yet or no
/// longer in force look at nothing);</item>
/// <item>the fact is a placement or a direct transfer (declared or implied), never an onward hop: which hops exist at all
/// depends on how far the onward search and its pre-filter went (hops no rule could apply to are not built, unless the
/// evaluation is exhaustive), and coverage must not change with that; a hop's flow and sites are judged through the
/// direct transfers along its chain;</item>
/// <item>every place the fact names has a known country (a region typo on either end, or an onward hop's origin, leaves it
/// not judged, whatever a rule's three-valued <c>when</c> made of it), and it carries declared data categories.</item>
/// </list>
/// Any of those missing, the fact is judged only where a rule applied (a verdict that is not "not applicable").
/// </summary>
internal sealed class CoverageScope
{
    /// <summary>Looks at nothing: only rules that applied judge a fact.</summary>
    public static CoverageScope None { get; } = new(FrozenSet<string>.Empty, FrozenSet<string>.Empty, static _ => []);

    private readonly FrozenSet<string> _placement;
    private readonly FrozenSet<string> _transfer;
    private readonly Func<string, ImmutableArray<string>> _regimesOfSubject;
    private readonly ConcurrentDictionary<string, ImmutableArray<string>> _subjects = new(StringComparer.Ordinal);

    private CoverageScope(FrozenSet<string> placement, FrozenSet<string> transfer, Func<string, ImmutableArray<string>> regimesOfSubject)
    {
        _placement = placement;
        _transfer = transfer;
        _regimesOfSubject = regimesOfSubject;
    }

    /// <summary>
    /// The scope of <paramref name="rules"/> on <paramref name="asOf"/>; <paramref name="regimesOfSubject"/> gives the regimes that
    /// protect data subjects of a code.
    /// </summary>
    public static CoverageScope Of(IEnumerable<CompiledRule> rules, DateOnly asOf, Func<string, ImmutableArray<string>> regimesOfSubject)
    {
        var inForce = rules.Select(r => r.Definition).Where(d => d.Effective.Contains(asOf)).ToList();
        return new CoverageScope(
            inForce.Where(d => d.AppliesTo == FactKinds.Placement).Select(d => d.Jurisdiction).ToFrozenSet(StringComparer.Ordinal),
            inForce.Where(d => d.AppliesTo != FactKinds.Placement).Select(d => d.Jurisdiction).ToFrozenSet(StringComparer.Ordinal),
            regimesOfSubject);
    }

    /// <summary>Adds to <paramref name="into"/> each jurisdiction that looked at <paramref name="fact"/> and is not listed yet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddLooked(Fact fact, List<string> into)
    {
        if (fact.Categories.IsDefaultOrEmpty) return;
        switch (fact)
        {
            case TransferFact t:
                if (_transfer.Count == 0 || t.Hop > 1 || t.OnwardRegime is not null || t.Source.Country is null || t.Destination.Country is null || t.Origin is { Country: null }) return;
                if (RegimeIndex.RegimesOf(t) is not { } regimes) return;
                foreach (var r in regimes)
                {
                    if (_transfer.Contains(r)) Add(into, r);
                }
                break;
            case PlacementFact p:
                if (_placement.Count == 0 || p.Site.Country is null) return;
                foreach (var r in p.Site.Regimes)
                {
                    if (_placement.Contains(r)) Add(into, r);
                }
                foreach (var subject in p.Subjects)
                {
                    foreach (var r in _subjects.GetOrAdd(subject, _regimesOfSubject))
                    {
                        if (_placement.Contains(r)) Add(into, r);
                    }
                }
                break;
        }
    }

    /// <summary>The jurisdictions that looked at <paramref name="fact"/> (see <see cref="AddLooked"/>), sorted.</summary>
    public IReadOnlyList<string> Looked(Fact fact)
    {
        var looked = new List<string>(2);
        AddLooked(fact, looked);
        looked.Sort(StringComparer.Ordinal);
        return looked;
    }

    private static void Add(List<string> into, string jurisdiction)
    {
        foreach (var j in into)
        {
            if (ReferenceEquals(j, jurisdiction) || j == jurisdiction) return;
        }
        into.Add(jurisdiction);
    }
}
