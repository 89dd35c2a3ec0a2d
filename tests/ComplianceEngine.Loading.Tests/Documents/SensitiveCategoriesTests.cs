using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Jurisdictions;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Documents;

/// <summary>A Jurisdiction's <c>sensitiveCategories</c>: read with their positions, and checked against the category taxonomy.</summary>
public sealed class SensitiveCategoriesTests
{
    private const string Regime = """
        apiVersion: compliance/v1
        kind: Jurisdiction
        metadata: {name: XY}
        spec:
          title: A regime
          countries: [CN]
          sensitiveCategories:
            - user.health_and_medical
            - user.financial
        """;

    private static (IReadOnlyList<Regime> Regimes, IReadOnlyList<Diagnostic> Diagnostics) Load(string yaml, bool withCatalog = true)
    {
        using var dir = new TempDir();
        dir.Write("jurisdiction.yaml", yaml);
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules(withCatalog ? [dir.Path, Repo.Path("rules", "catalog")] : [dir.Path], bag);
        return (source.Regimes, bag.Sorted());
    }

    [Fact]
    public void LoadRules_SensitiveCategories_ReadInOrder()
    {
        var (regimes, diagnostics) = Load(Regime);

        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        var regime = Assert.Single(regimes, r => r.Code == "XY");
        Assert.Equal(["user.health_and_medical", "user.financial"], regime.SensitiveCategories.ToArray());
        Assert.Equal(8, regime.SensitiveCategoryLocations[0].Line);
    }

    [Fact]
    public void LoadRules_SensitiveCategoryNotInTheTaxonomy_CE3020AtItsLine()
    {
        var (_, diagnostics) = Load(Regime.Replace("user.financial", "user.finacial", StringComparison.Ordinal));

        var d = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SensitiveCategoryUnknown);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(9, d.Location.Line);
        Assert.Contains("'user.finacial'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadRules_NoSensitiveCategories_Empty()
    {
        var (regimes, _) = Load(Regime[..Regime.IndexOf("  sensitiveCategories", StringComparison.Ordinal)]);

        Assert.Empty(Assert.Single(regimes, r => r.Code == "XY").SensitiveCategories);
    }

    [Fact]
    public void LoadRules_BuiltInChina_DeclaresPiplArt28Categories()
    {
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules")], bag);

        var cn = Assert.Single(source.Regimes, r => r.Code == "CN");
        Assert.Contains("user.health_and_medical", cn.SensitiveCategories);
        Assert.Contains("user.biometric", cn.SensitiveCategories);
        Assert.DoesNotContain("user.contact", cn.SensitiveCategories);
    }

    [Fact]
    public void BuiltInChina_RulesProbingSensitiveCounts_UseTheRegimesSensitiveCategories()
    {
        // The volume rules' "missing sensitive count" probes list the sensitive categories inline: they must say what the
        // CN Jurisdiction says, or the inference and the probes would disagree about which data is sensitive.
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules")], bag);
        var sensitive = Assert.Single(source.Regimes, r => r.Code == "CN").SensitiveCategories;
        static bool Covered(string key, IEnumerable<string> by) => by.Any(s => key == s || key.StartsWith(s + ".", StringComparison.Ordinal));

        var lists = source.Packs.SelectMany(p => p.Rules).Where(r => r.Jurisdiction == "CN")
            .SelectMany(r => Walk(r.When).Concat(Walk(r.Require)))
            .OfType<Model.Rules.FieldCondition>()
            .Where(f => f.Field == "categories" && f.Operands.Any(o => o.StartsWith("user.", StringComparison.Ordinal)) && f.Operands.Length > 3)
            .ToList();

        Assert.NotEmpty(lists);
        foreach (var list in lists)
        {
            Assert.All(list.Operands, o => Assert.True(Covered(o, sensitive), $"{o} is probed as sensitive but CN does not declare it"));
            Assert.All(sensitive, s => Assert.True(Covered(s, list.Operands), $"CN declares {s} sensitive but a probe does not list it"));
        }
    }

    private static IEnumerable<Model.Rules.Condition> Walk(Model.Rules.Condition? c) => c switch
    {
        null => [],
        Model.Rules.AllCondition all => all.Items.SelectMany(Walk).Prepend(c),
        Model.Rules.AnyCondition any => any.Items.SelectMany(Walk).Prepend(c),
        Model.Rules.NotCondition not => Walk(not.Inner).Prepend(c),
        _ => [c],
    };
}
