using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Core.Location;

/// <summary>
/// A resolved place where data is: a cluster of the estate or a recipient. <see cref="Country"/> is null when it
/// could not be worked out; <see cref="UnknownReason"/> then says why, and rules that need it are indeterminate.
/// </summary>
public sealed class Site
{
    /// <summary>Creates a site.</summary>
    public Site(string kind, string name, string? country, string? unknownReason, ImmutableArray<string> groups, ImmutableArray<string> regimes,
        SourceLocation location)
    {
        Kind = kind;
        Name = name;
        Country = country;
        UnknownReason = unknownReason;
        Groups = groups;
        Regimes = regimes;
        Location = location;
    }

    /// <summary>Cluster or Recipient.</summary>
    public string Kind { get; }
    /// <summary>Document name.</summary>
    public string Name { get; }
    /// <summary>ISO country code, or null when unknown.</summary>
    public string? Country { get; }
    /// <summary>Why the country is unknown.</summary>
    public string? UnknownReason { get; }
    /// <summary>Country groups the country is in.</summary>
    public ImmutableArray<string> Groups { get; }
    /// <summary>Regimes whose law applies to an exporter here.</summary>
    public ImmutableArray<string> Regimes { get; }
    /// <summary>Where the site's document is.</summary>
    public SourceLocation Location { get; }
    /// <summary>Cloud provider (clusters).</summary>
    public string? Provider { get; init; }
    /// <summary>Provider region (clusters).</summary>
    public string? Region { get; init; }
    /// <summary>development, staging, production, ... (clusters).</summary>
    public string? Environment { get; init; }
    /// <summary>primary, standby, backup, edge (clusters).</summary>
    public string? Role { get; init; }
    /// <summary>Who operates the cloud (clusters).</summary>
    public string? Operator { get; init; }
    /// <summary>processor or controller (recipients).</summary>
    public string? RecipientRole { get; init; }
    /// <summary>Certifications held here: the recipient's, or the organisation's for its own sites.</summary>
    public ImmutableArray<string> Certifications { get; init; } = [];
    /// <summary>Agreements with the recipient (dpa, baa, ...).</summary>
    public ImmutableArray<string> Agreements { get; init; } = [];
    /// <summary>Free attributes of the site's document.</summary>
    public ImmutableSortedDictionary<string, string> Attributes { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    /// <summary>The provider's paired region's site, for geo-redundant storage (set by the resolver).</summary>
    public string? PairedRegion { get; init; }
    /// <summary>How the cluster's region was read from what its document says (null for recipients and regionless sites).</summary>
    public RegionLookup? RegionLookup { get; init; }
    /// <summary>
    /// For a multi-region or dual-region location: every member region, the first its home (where <see cref="Country"/>
    /// comes from). Data here rests in each member's country too. Empty otherwise.
    /// </summary>
    public ImmutableArray<Model.Jurisdictions.RegionInfo> Spans { get; init; } = [];

    /// <summary>True for a third party.</summary>
    public bool IsRecipient => Kind == "Recipient";

    /// <summary>An attribute's value, or null.</summary>
    public string? Attribute(string name) => Attributes.TryGetValue(name, out var v) ? v : null;

    /// <inheritdoc />
    public override string ToString() => $"{Kind}/{Name} ({Country ?? "unknown country"})";
}
