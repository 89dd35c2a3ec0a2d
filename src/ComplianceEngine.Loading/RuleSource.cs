using System.Collections.Immutable;
using ComplianceEngine.Model.Jurisdictions;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Loading;

/// <summary>Everything read from a rules folder: packs, regimes, country groups, the region catalog and the vocabularies.</summary>
public sealed record RuleSource(
    ImmutableArray<RulePack> Packs,
    ImmutableArray<Regime> Regimes,
    ImmutableArray<CountryGroup> Groups,
    RegionData Regions)
{
    /// <summary>
    /// The vocabularies of the rules folders: data categories and subject types, country codes and names, regime codes,
    /// and the attributes the packs declare. Estates are checked against it (VocabularyChecker) before evaluation.
    /// </summary>
    public Model.Vocabulary.VocabularyCatalog Vocabulary { get; init; } = Model.Vocabulary.VocabularyCatalog.Empty;
}
