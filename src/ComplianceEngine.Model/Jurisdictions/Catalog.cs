using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Model.Jurisdictions;

/// <summary>A named set of countries: EU, EEA, APB members, ITAR 126.1 countries, ...</summary>
public sealed record CountryGroup(string Name, string Title, ImmutableSortedSet<string> Members, string Source, SourceLocation Location);

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
    SourceLocation Location);

/// <summary>A cloud region and the country it is in.</summary>
public sealed record RegionInfo(string Provider, string Region, string Location, string Country, string? PairedRegion, string Source);
