using System.Collections.Immutable;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Evaluation.Incremental;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Model.Jurisdictions;
using ComplianceEngine.Model.Rules;
using ComplianceEngine.Model.Vocabulary;

namespace ComplianceEngine.Core;

/// <summary>
/// The library entry point: compiled rules plus catalogs, ready to evaluate any number of estates (thread-safe).
/// Build it once with <see cref="Create(IEnumerable{RulePack}, IEnumerable{Regime}, IEnumerable{CountryGroup}, RegionData, DiagnosticBag, VocabularyCatalog?)"/>; each <see cref="Evaluate"/> runs its own rules session.
/// </summary>
public sealed class Engine
{
    private readonly Evaluator _evaluator;
    private readonly LocationResolver _resolver;

    private Engine(CompiledRuleSet rules, RegionCatalog regions, JurisdictionCatalog jurisdictions, VocabularyCatalog vocabulary)
    {
        Vocabulary = vocabulary;
        Rules = rules;
        Regions = regions;
        Jurisdictions = jurisdictions;
        _resolver = new LocationResolver(regions, jurisdictions);
        _evaluator = new Evaluator(rules, _resolver);
    }

    /// <summary>The compiled rules.</summary>
    public CompiledRuleSet Rules { get; }

    /// <summary>Region to country.</summary>
    public RegionCatalog Regions { get; }

    /// <summary>Countries, groups and regimes.</summary>
    public JurisdictionCatalog Jurisdictions { get; }

    /// <summary>The vocabularies loaded with the rules (categories, subject types, countries, declared attributes), for checking estates.</summary>
    public VocabularyCatalog Vocabulary { get; }

    /// <summary>The resolver used for sites.</summary>
    public LocationResolver Resolver => _resolver;

    /// <summary>Compiles rule packs over the catalogs (regions only: no zone forms, no multi-regions). Mistakes go to <paramref name="diagnostics"/>.</summary>
    /// <param name="vocabulary">The vocabularies loaded with the rules; without them, checking an estate's vocabulary fails closed.</param>
    public static Engine Create(IEnumerable<RulePack> packs, IEnumerable<Regime> regimes, IEnumerable<CountryGroup> groups, IEnumerable<RegionInfo> regions,
        DiagnosticBag diagnostics, VocabularyCatalog? vocabulary = null) =>
        Create(packs, regimes, groups, new RegionData([.. regions], [], []), diagnostics, vocabulary);

    /// <summary>
    /// Compiles rule packs over the catalogs: countries, regimes and the whole region catalog (regions, zone forms and
    /// multi-regions). Mistakes go to <paramref name="diagnostics"/>; the engine holds only the rules that compiled. A
    /// catalog without regions is an error: every cloud region would be unknown and every rule that needs a country
    /// indeterminate.
    /// </summary>
    /// <param name="vocabulary">The vocabularies loaded with the rules; without them, checking an estate's vocabulary fails closed.</param>
    public static Engine Create(IEnumerable<RulePack> packs, IEnumerable<Regime> regimes, IEnumerable<CountryGroup> groups, RegionData regions,
        DiagnosticBag diagnostics, VocabularyCatalog? vocabulary = null)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        ArgumentNullException.ThrowIfNull(regions);
        if (regions.Regions.IsEmpty)
            diagnostics.Error(DiagnosticCodes.CatalogInvalid, "no region catalog was loaded (no cloud-regions.tsv rows in the rules folders): every cloud region would be unknown", SourceLocation.None);
        var jurisdictions = new JurisdictionCatalog(groups, regimes);
        CheckCatalog(jurisdictions, diagnostics);
        var compiled = new RuleSetCompiler(jurisdictions).Compile(packs.SelectMany(p => p.Rules), diagnostics);
        return new Engine(compiled, new RegionCatalog(regions), jurisdictions, vocabulary ?? VocabularyCatalog.Empty);
    }

    /// <summary>Evaluates an estate and explains every finding (pass findings included when asked in the options).</summary>
    public (Report Report, ImmutableArray<Explanation> Explanations) Explain(Estate estate, EvaluationOptions options)
    {
        var sources = new Dictionary<string, (CompiledRule Rule, Fact Fact)>(StringComparer.Ordinal);
        var report = EvaluateCore(estate, options, null, sources);
        return (report, [.. report.Findings.Where(f => sources.ContainsKey(f.Id)).Select(f => Explainer.Explain(f, sources[f.Id].Rule, sources[f.Id].Fact))]);
    }

    /// <summary>Evaluates an estate. Sites whose country is unknown are reported as warnings and evaluate as indeterminate.</summary>
    public Report Evaluate(Estate estate, EvaluationOptions options, IEnumerable<Diagnostic>? diagnostics = null) => EvaluateCore(estate, options, diagnostics, null);

    /// <summary>
    /// A long-lived evaluation of one estate that re-judges only the facts an edit changes (an NRules session that
    /// inserts, updates and retracts them): give it each new version with <see cref="IncrementalEvaluation.Update"/>;
    /// every report equals <see cref="Evaluate"/>'s on the same version, byte for byte.
    /// </summary>
    public IncrementalEvaluation StartIncremental() => new(this, _evaluator, Diagnose);

    private Report EvaluateCore(Estate estate, EvaluationOptions options, IEnumerable<Diagnostic>? diagnostics, IDictionary<string, (CompiledRule Rule, Fact Fact)>? sources)
    {
        ArgumentNullException.ThrowIfNull(estate);
        return _evaluator.Evaluate(estate, options, Diagnose(estate, diagnostics), sources);
    }

    /// <summary>The caller's diagnostics and the warnings of the estate's locations (unknown countries and paired regions), without repeats.</summary>
    private IEnumerable<Diagnostic> Diagnose(Estate estate, IEnumerable<Diagnostic>? diagnostics)
    {
        var all = new List<Diagnostic>(diagnostics ?? []);
        var clusterSites = new Dictionary<string, Site>(StringComparer.Ordinal);
        foreach (var cluster in estate.Clusters)
        {
            var site = _resolver.Resolve(cluster, estate.Organization);
            clusterSites.TryAdd(cluster.Name, site);
            all.AddRange(LocationResolver.Diagnose(cluster, site));
        }
        var recipientSites = new Dictionary<string, Site>(StringComparer.Ordinal);
        foreach (var recipient in estate.Recipients)
        {
            var site = _resolver.Resolve(recipient);
            recipientSites.TryAdd(recipient.Name, site);
            if (site.UnknownReason is not null)
                all.Add(Diagnostic.Warning(DiagnosticCodes.UnknownCountry, $"Recipient '{recipient.Name}': {site.UnknownReason}; rules that need its country are indeterminate", recipient.Info.Location));
        }
        foreach (var store in estate.Stores)
        {
            if (!store.GeoRedundant) continue;
            var site = store.Cluster is { } c ? clusterSites.GetValueOrDefault(c.Name) : store.Recipient is { } r ? recipientSites.GetValueOrDefault(r.Name) : null;
            // A store whose cluster or recipient names nothing is CE3001 at load; the evaluation gives it an unresolved
            // site (indeterminate), so there is no paired region to warn about here.
            if (site is null) continue;
            if (_resolver.GeoRedundantCopy(site, estate.Organization) is { Country: null } pair)
                all.Add(Diagnostic.Warning(DiagnosticCodes.UnknownPairedRegion,
                    $"DataStore '{store.Name}' is geoRedundant: {pair.UnknownReason}; rules that need the copy's country are indeterminate", store.Info.Location));
        }
        return all.Distinct();
    }

    private static void CheckCatalog(JurisdictionCatalog catalog, DiagnosticBag diagnostics)
    {
        foreach (var regime in catalog.Regimes)
        {
            foreach (var c in regime.Countries.Where(c => catalog.Group(c) is null && !catalog.IsKnownCountry(c)))
                diagnostics.Error(DiagnosticCodes.CatalogInvalid, $"Jurisdiction '{regime.Code}': '{c}' is neither a country code nor a CountryGroup", regime.Location);
            foreach (var entry in regime.Adequacy)
            {
                if (entry.Country is { } country && !catalog.IsKnownCountry(country))
                    diagnostics.Error(DiagnosticCodes.CatalogInvalid, $"Jurisdiction '{regime.Code}': adequacy entry for unknown country '{country}'", entry.Location);
                if (entry.Group is { } g && catalog.Group(g) is null)
                    diagnostics.Error(DiagnosticCodes.CatalogInvalid, $"Jurisdiction '{regime.Code}': adequacy entry for unknown group '{g}'", entry.Location);
            }
        }
    }

    /// <summary>The adequacy list of every regime on <paramref name="asOf"/> (for <c>compliance jurisdictions</c>).</summary>
    public ImmutableArray<(Regime Regime, ImmutableArray<AdequacyEntry> InForce)> AdequacyOn(DateOnly asOf) =>
        [.. Jurisdictions.Regimes.Select(r => (r, r.Adequacy.Where(a => a.Effective.Contains(asOf)).ToImmutableArray()))];
}
