using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Model.Jurisdictions;

/// <summary>A named set of countries: EU, EEA, APB members, ITAR 126.1 countries, ...</summary>
public sealed record CountryGroup(string Name, string Title, ImmutableSortedSet<string> Members, string Source, SourceLocation Location)
{
    /// <summary>
    /// Whether the membership is confirmed in a source (<see cref="Rules.Confidence"/>): an unverified group makes every
    /// finding whose rule tested a country against it unverified.
    /// </summary>
    public string Confidence { get; init; } = Rules.Confidence.Verified;

    /// <summary>Members whose inclusion is not confirmed: a finding whose rule tested one of them against the group is unverified.</summary>
    public ImmutableSortedSet<string> UnverifiedMembers { get; init; } = [];

    /// <summary>True when testing <paramref name="country"/> against the group rests on an unverified fact.</summary>
    public bool IsDoubtful(string country) => Confidence == Rules.Confidence.Unverified || UnverifiedMembers.Contains(country);

    /// <summary>True when some membership test against the group can be unverified.</summary>
    public bool HasDoubts => Confidence == Rules.Confidence.Unverified || !UnverifiedMembers.IsEmpty;
}

/// <summary>A condition attached to an adequacy decision, e.g. "only DPF-certified recipients".</summary>
/// <param name="Certification">The recipient must hold this certification.</param>
/// <param name="ForSubjectTypes">The certification is only needed when the data concerns these subject types (e.g. HR data).</param>
/// <param name="ExporterNotIn">The decision does not cover exporters in these countries.</param>
public sealed record AdequacyCondition(
    string? Certification,
    ImmutableArray<string> ForSubjectTypes,
    ImmutableArray<string> ExporterNotIn,
    SourceLocation Location);

/// <summary>One adequacy (or approval, designation, recognition) entry of a regime.</summary>
/// <param name="Country">A country code, or null when <paramref name="Group"/> names a country group.</param>
public sealed record AdequacyEntry(
    string? Country,
    string? Group,
    string Decision,
    EffectivePeriod Effective,
    ImmutableArray<AdequacyCondition> Conditions,
    string Note,
    string Confidence,
    SourceLocation Location);

/// <summary>A data-protection regime and the places it considers adequate.</summary>
/// <param name="Code">The jurisdiction code of findings: EU, GB, CH, ... (design section 6).</param>
/// <param name="Countries">Where an exporter is bound by this regime (country codes and group names).</param>
public sealed record Regime(
    string Code,
    string Title,
    string Law,
    ImmutableArray<string> Countries,
    ImmutableArray<AdequacyEntry> Adequacy,
    SourceLocation Location)
{
    /// <summary>
    /// The data categories this regime's law treats as sensitive (taxonomy keys; a key covers its descendants), or empty
    /// when the regime declares none. The engine infers <c>sensitiveIndividuals</c> from them when it is not declared: all of
    /// the individuals when every category a transfer carries is sensitive, none when no category is.
    /// </summary>
    public ImmutableArray<string> SensitiveCategories { get; init; } = [];

    /// <summary>Where each entry of <see cref="SensitiveCategories"/> was written (same order), for diagnostics.</summary>
    public ImmutableArray<SourceLocation> SensitiveCategoryLocations { get; init; } = [];
}

/// <summary>A cloud region and the country it is in.</summary>
/// <param name="Location">The place (city, state) as the catalog writes it.</param>
/// <param name="PairedRegion">The provider's paired region (geo-redundant storage), or null when it has none.</param>
public sealed record RegionInfo(string Provider, string Region, string Location, string Country, string? PairedRegion, string Source)
{
    /// <summary>The provider's display names of the region (<c>name="Brazil South"</c> in the catalog's notes).</summary>
    public ImmutableArray<string> Names { get; init; } = [];

    /// <summary>The catalog line the region was read from.</summary>
    public SourceLocation Declared { get; init; } = SourceLocation.None;
}

/// <summary>
/// How a provider names the zones of a region: the region code followed by <see cref="Suffix"/> (a regular expression).
/// A zone that <see cref="InRegion"/> is in the region's place; otherwise (AWS Local and Wavelength Zones) it may be in
/// another metro or country, and its country is not taken from the region.
/// </summary>
public sealed record ZoneForm(string Provider, string Suffix, bool InRegion, string Example, string Source, SourceLocation Declared);

/// <summary>
/// A location that spans several regions (GCS multi-regions such as <c>EU</c>, dual-regions such as <c>eur4</c>): data
/// there rests in every member region.
/// </summary>
/// <param name="Kind">multi-region or dual-region.</param>
/// <param name="Members">The catalog regions of the same provider it spans, the first one its home.</param>
public sealed record MultiRegion(string Provider, string Name, string Kind, ImmutableArray<string> Members, string Source, SourceLocation Declared);

/// <summary>Everything the region catalog files hold: regions, zone forms and multi-regions.</summary>
public sealed record RegionData(ImmutableArray<RegionInfo> Regions, ImmutableArray<ZoneForm> Zones, ImmutableArray<MultiRegion> MultiRegions)
{
    /// <summary>Nothing loaded.</summary>
    public static RegionData Empty { get; } = new([], [], []);
}

/// <summary>Country codes with a meaning of their own.</summary>
public static class CountryCodes
{
    /// <summary>
    /// ISO 3166-1's user-assigned "unknown or unspecified country" code. A document (or an importer) that cannot say where
    /// something is writes it: the location is unknown, and every rule that needs it is indeterminate (never a pass).
    /// </summary>
    public const string Unknown = "ZZ";
}
