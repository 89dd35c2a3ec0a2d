using System.Collections.Immutable;
using ComplianceEngine.Model.Jurisdictions;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Loading;

/// <summary>Everything read from a rules folder: packs, regimes, country groups and the region catalog (regions, zone forms, multi-regions).</summary>
public sealed record RuleSource(
    ImmutableArray<RulePack> Packs,
    ImmutableArray<Regime> Regimes,
    ImmutableArray<CountryGroup> Groups,
    RegionData Regions);
