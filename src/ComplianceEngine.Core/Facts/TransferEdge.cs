using System.Collections.Immutable;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// What a transfer shares with the onward hops along it: its endpoints and how the data moves (purpose, mechanisms,
/// encryption, retention, graph nodes, where it was declared, the source store's key location). One per direct transfer,
/// set while the transfer is initialised and never after; an onward hop holds its edge's (it is not copied per hop, and
/// there can be millions of hops).
/// </summary>
internal sealed class TransferEdge(Site source, Site destination, string purpose)
{
    /// <summary>Where the data leaves from.</summary>
    public Site Source { get; } = source;

    /// <summary>Where it goes.</summary>
    public Site Destination { get; } = destination;

    /// <summary>replication, backup, analytics, ...</summary>
    public string Purpose { get; } = purpose;

    /// <summary>Declared legal bases (scc, bcr, idta, ...).</summary>
    public ImmutableArray<string> Mechanisms { get; set; } = [];

    /// <summary>Encrypted in transit.</summary>
    public bool? EncryptedInTransit { get; set; }

    /// <summary>Pseudonymised before it moves.</summary>
    public bool? Pseudonymised { get; set; }

    /// <summary>How long the destination keeps it, in hours.</summary>
    public double? RetentionHours { get; set; }

    /// <summary>Graph node the data leaves.</summary>
    public string FromNode { get; set; } = string.Empty;

    /// <summary>Graph node the data reaches.</summary>
    public string ToNode { get; set; } = string.Empty;

    /// <summary>Where the edge that makes the transfer was written.</summary>
    public SourceLocation DeclaredAt { get; set; } = SourceLocation.None;

    /// <summary>The source store's encryption key location, when known.</summary>
    public string? KeyCountry { get; set; }

    /// <summary>The direct transfer's own (a hop along it has none of these): free attributes of the declared flow.</summary>
    public ImmutableSortedDictionary<string, string> Attributes { get; set; } = ImmutableSortedDictionary<string, string>.Empty;

    /// <summary>The direct transfer's own: what implies it, in words (null: declared).</summary>
    public string? ImpliedBy { get; set; }

    /// <summary>The direct transfer's own: the data resting where it leaves from (null: its own data).</summary>
    public CarriedData? Held { get; set; }

    /// <summary>The direct transfer's own: whether it carries only its categories of what rests at its source.</summary>
    public bool CarriesOnlyItsCategories { get; set; }
}

/// <summary>
/// What was exported from a country this year across its declared cross-border flows (upper bounds: see
/// <see cref="TransferFact.ExportedIndividuals"/>): one per country, shared by the transfers and hops that leave it.
/// </summary>
/// <param name="All">Individuals (null: unknown).</param>
/// <param name="Sensitive">Individuals whose sensitive data is exported (null: unknown).</param>
internal sealed record ExportTotals(double? All, double? Sensitive)
{
    /// <summary>The totals <paramref name="all"/> and <paramref name="sensitive"/> (null when neither is known).</summary>
    public static ExportTotals? Of(double? all, double? sensitive) => all is null && sensitive is null ? null : new(all, sensitive);
}

/// <summary>
/// Marks a fact's field that places the fact rather than describing it (an onward hop's edge and node in its search, from
/// which its path is traced on first read): two facts that differ only there hold the same values (see
/// <c>StructuralEquality</c>, which compares the path itself).
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
internal sealed class NotFactDataAttribute : Attribute;
