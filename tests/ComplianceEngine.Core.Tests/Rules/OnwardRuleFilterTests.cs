using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Rules;

/// <summary>Which onward hops are worth building, and which transfer rules a transfer's regimes admit.</summary>
public sealed class OnwardRuleFilterTests
{
    private static readonly EvaluationContext Context = new(new DateOnly(2026, 11, 25), null);

    private static Site Site(string name, string? country, params string[] regimes) =>
        new("Cluster", name, country, country is null ? "no region" : null, [], [.. regimes], SourceLocation.None);

    private static TransferFact Edge(string[] categories, string? destinationCountry = "US", params string[] sourceRegimes) =>
        Edge(categories, categories.Length > 0, destinationCountry, sourceRegimes);

    private static TransferFact Edge(string[] categories, bool declared, string? destinationCountry = "US", params string[] sourceRegimes) =>
        new(Context, new FindingSubject("DataFlow", "f", SourceLocation.None), ["a", "b"], Site("a", "US", sourceRegimes), Site("b", destinationCountry), "analytics")
        {
            Categories = [.. categories],
            CarriesOnlyItsCategories = declared,
            Regimes = [.. sourceRegimes],
        };

    private static CompiledRule[] Rules(string rules)
    {
        var (engine, diagnostics) = TestEngine.Create(TestEngine.Pack(rules));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return [.. engine.Rules.Rules];
    }

    private const string EuPersonalData = """
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

    [Fact]
    public void Wanted_EdgeConditionFalseOnTheEdge_NoHopOfAnyRegime()
    {
        var filter = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        filter.Prepare([Edge(["system.operations"]), Edge(["user.contact"]), Edge(["user.contact"], destinationCountry: "DE")]);

        Assert.False(filter.Wanted(0, "EU")); // not personal data: the rule can never apply along this edge
        Assert.True(filter.Wanted(1, "EU"));
        Assert.False(filter.Wanted(2, "EU")); // back inside the EEA
    }

    [Fact]
    public void Wanted_RegimeNoRuleJudges_NoHop()
    {
        var filter = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        filter.Prepare([Edge(["user.contact"])]);

        Assert.False(filter.Wanted(0, "GB"));
    }

    [Fact]
    public void Wanted_UnknownValueOnTheEdge_KeepsTheHop()
    {
        var filter = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        filter.Prepare([Edge(["user.contact"], destinationCountry: null)]);

        Assert.True(filter.Wanted(0, "EU")); // unknown is never "does not apply"
    }

    [Fact]
    public void Wanted_EdgeDeclaresNoCategories_KeepsTheHop()
    {
        var filter = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        filter.Prepare([Edge([])]);

        Assert.True(filter.Wanted(0, "EU")); // the hop carries whatever reached the edge, perhaps user data
    }

    [Fact]
    public void Wanted_EdgeCategoriesTakenFromItsSourceNotDeclared_KeepsTheHop()
    {
        var filter = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        filter.Prepare([Edge(["system.operations"], declared: false)]);

        Assert.True(filter.Wanted(0, "EU")); // a flow declaring no categories carries what reached its source, not only what it holds
    }

    [Fact]
    public void EdgeConditions_CategoriesUnderANegationOrNotIn_NotAnEdgeCondition()
    {
        var notIn = Rules(EuPersonalData.Replace("prefix: [user]", "notIn: [system.operations]", StringComparison.Ordinal))[0];
        var negated = Rules(EuPersonalData.Replace("- {field: categories, prefix: [user]}", "- not: {field: categories, prefix: [system]}",
            StringComparison.Ordinal))[0];

        // Fewer categories on the hop than on its edge could make either true: neither may rule a hop out.
        Assert.Equal(["destination.country"], OnwardRuleFilter.EdgeConditions(notIn.Definition.When).Cast<Model.Rules.FieldCondition>().Select(c => c.Field));
        Assert.DoesNotContain(OnwardRuleFilter.EdgeConditions(negated.Definition.When), c => c is Model.Rules.NotCondition);
    }

    [Fact]
    public void Wanted_RuleForDirectTransfersOnly_NoHop()
    {
        var filter = new OnwardRuleFilter(Rules(EuPersonalData.Replace("- {field: regimes, contains: EU}", "- {field: hop, equals: 1}", StringComparison.Ordinal)), workers: 1);
        filter.Prepare([Edge(["user.contact"])]);

        Assert.False(filter.Wanted(0, "EU"));
    }

    [Fact]
    public void Wanted_ConditionOnTheChainNotTheEdge_KeepsTheHop()
    {
        var filter = new OnwardRuleFilter(
            Rules(EuPersonalData.Replace("- {field: categories, prefix: [user]}", "- {field: origin.country, in: [US]}", StringComparison.Ordinal)), workers: 1);
        filter.Prepare([Edge(["system.operations"], destinationCountry: "DE")]);

        Assert.False(filter.Wanted(0, "EU")); // destination inside the EEA: still an edge condition
        filter.Prepare([Edge(["system.operations"])]);
        Assert.True(filter.Wanted(0, "EU")); // origin.* differs per hop: it cannot rule the hop out
    }

    [Fact]
    public void RegimeIndex_OnlyRulesWhoseRegimeConditionCanHold()
    {
        var rules = Rules(EuPersonalData + "\n" + EuPersonalData.Replace("EU-ONWARD", "GB-ONWARD", StringComparison.Ordinal)
            .Replace("contains: EU}", "contains: GB}", StringComparison.Ordinal));
        var index = new RegimeIndex(rules);

        Assert.Equal(["EU-ONWARD"], index.For(Edge(["user.contact"], "US", "EU")).Select(r => r.Definition.Id));
        Assert.Equal(["GB-ONWARD"], index.For(Edge(["user.contact"], "US", "GB")).Select(r => r.Definition.Id));
        Assert.Empty(index.For(Edge(["user.contact"], "US", "JP")));
    }

    [Fact]
    public void RegimeIndex_RegimesUnknown_EveryRule()
    {
        var rules = Rules(EuPersonalData);
        var index = new RegimeIndex(rules);
        var unknownSource = new TransferFact(Context, new FindingSubject("DataFlow", "f", SourceLocation.None), ["a", "b"], Site("a", null), Site("b", "US"), "x");

        Assert.Null(RegimeIndex.RegimesOf(unknownSource));
        Assert.Equal(rules, index.For(unknownSource));
    }

    [Fact]
    public void EdgeConditions_OnlyConditionsOverFieldsAHopSharesWithItsEdge() =>
        Assert.Equal(["categories", "destination.country"], OnwardRuleFilter.EdgeConditions(Rules(EuPersonalData)[0].Definition.When)
            .Cast<Model.Rules.FieldCondition>().Select(c => c.Field));
}
