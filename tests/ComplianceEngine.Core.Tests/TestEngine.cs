using ComplianceEngine.Core;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Loading;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Core.Tests;

/// <summary>Builds engines over the shipped catalog with test rules, and estates from YAML text.</summary>
internal static class TestEngine
{
    private static readonly Lazy<RuleSource> Catalog = new(() =>
    {
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules", "catalog"), Repo.Path("rules", "eu-gdpr", "jurisdiction.yaml")], bag);
        Assert.Empty(bag.Sorted());
        return source;
    });

    /// <summary>An engine with the shipped catalog, the EU regime and the rules in <paramref name="rulesYaml"/>.</summary>
    public static (Engine Engine, IReadOnlyList<Diagnostic> Diagnostics) Create(string rulesYaml)
    {
        var bag = new DiagnosticBag();
        var docs = new DocumentLoader().LoadText(rulesYaml, "rules.yaml", bag);
        var packs = RuleReader.Read(docs);
        foreach (var d in docs) d.Spec.Finish();
        var c = Catalog.Value;
        var engine = Engine.Create(packs, c.Regimes, c.Groups, c.Regions, bag);
        return (engine, bag.Sorted());
    }

    /// <summary>
    /// An engine over rules loaded as a rules folder is (named lists and predicates inlined, vocabulary checked): the
    /// shipped catalog, the EU and UK regimes, and <paramref name="rulesYaml"/>.
    /// </summary>
    public static (Engine Engine, IReadOnlyList<Diagnostic> Diagnostics) CreateFromFolder(string rulesYaml)
    {
        var bag = new DiagnosticBag();
        using var dir = new TempDir();
        dir.Write("rules.yaml", rulesYaml);
        var source = new WorkspaceLoader().LoadRules(
            [Repo.Path("rules", "catalog"), Repo.Path("rules", "eu-gdpr", "jurisdiction.yaml"), Repo.Path("rules", "uk-gdpr", "jurisdiction.yaml"), dir.Path], bag);
        var engine = Engine.Create(source.Packs, source.Regimes, source.Groups, source.Regions, bag, source.Vocabulary);
        return (engine, bag.Sorted());
    }

    private static readonly Lazy<Engine> BuiltIn = new(() =>
    {
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules")], bag);
        var engine = Engine.Create(source.Packs, source.Regimes, source.Groups, source.Regions, bag, source.Vocabulary);
        Assert.Empty(bag.Sorted());
        return engine;
    });

    /// <summary>One engine with every built-in pack (the shipped rules folder), shared by the tests that evaluate with all of them.</summary>
    public static Engine AllPacks => BuiltIn.Value;

    /// <summary>An engine with the shipped GDPR pack.</summary>
    public static Engine Gdpr()
    {
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules", "catalog"), Repo.Path("rules", "common"), Repo.Path("rules", "eu-gdpr")], bag);
        var engine = Engine.Create(source.Packs, source.Regimes, source.Groups, source.Regions, bag, source.Vocabulary);
        Assert.Empty(bag.Sorted());
        return engine;
    }

    public static Estate Estate(string yaml)
    {
        var bag = new DiagnosticBag();
        var docs = new DocumentLoader().LoadText(yaml, "estate.yaml", bag);
        var estate = WorkspaceLoader.ReadEstate(docs, bag);
        Assert.Empty(bag.Sorted());
        return estate;
    }

    public static Report Evaluate(this Engine engine, string estateYaml, string asOf = "2026-11-25") =>
        engine.Evaluate(Estate(estateYaml), new EvaluationOptions { AsOf = DateOnly.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture), IncludePasses = true });

    /// <summary>A pack around one rule body (indented list item).</summary>
    public static string Pack(string rule) =>
        "apiVersion: compliance/v1\nkind: RulePack\nmetadata:\n  name: test\nspec:\n  jurisdiction: EU\n  rules:\n" + rule + "\n";

    /// <summary>One transfer rule (a pack item): EU personal data leaving the EEA needs SCCs. Shared by the rule-machinery tests.</summary>
    public const string EuTransferNeedsScc = """
            - id: EU-ONWARD
              title: Onward transfers of EU personal data
              appliesTo: transfer
              severity: high
              citations: [{instrument: GDPR, article: Art. 44}]
              when:
                all:
                  - {field: regimes, contains: EU}
                  - {field: categories, prefix: [user]}
                  - {field: destination.country, notInGroup: EEA}
              require: {field: mechanisms, contains: scc}
              message: m
              remediation: r
        """;
}
