using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Tests.Rules;

/// <summary>
/// Named predicates and lists seen by the compiler and the regime index, and the <c>isTrue</c> operator. A predicate must
/// never hide a <c>regimes</c> condition from the index or the onward scope: the verdicts with a predicate are the
/// verdicts with the condition written inline.
/// </summary>
public sealed class RuleReuseTests
{
    private const string Predicate = """
        apiVersion: compliance/v1
        kind: Predicate
        metadata: {name: eu-personal-data-leaving}
        spec:
          description: EU personal data leaving the EEA
          condition:
            all:
              - {field: regimes, contains: EU}
              - {field: categories, prefix: [user]}
              - {field: destination.country, notInGroup: EEA}
        ---

        """;

    private static string Rule(string id, string when, string require = "{field: mechanisms, contains: scc}") => $$"""
            - id: {{id}}
              title: Onward transfers
              appliesTo: transfer
              severity: high
              citations: [{instrument: GDPR, article: Art. 44}]
              when: {{when}}
              require: {{require}}
              message: m
              remediation: r
        """;

    private const string Inline = "{all: [{field: regimes, contains: EU}, {field: categories, prefix: [user]}, {field: destination.country, notInGroup: EEA}]}";

    private static (Engine Engine, CompiledRule[] Rules) Load(string rules)
    {
        var (engine, diagnostics) = TestEngine.CreateFromFolder(rules);
        Assert.Empty(diagnostics);
        return (engine, [.. engine.Rules.Rules]);
    }

    private static readonly EvaluationContext Context = new(new DateOnly(2026, 11, 25), null);

    private static TransferFact Edge(params string[] regimes) =>
        new(Context, new FindingSubject("DataFlow", "f", SourceLocation.None), ["a", "b"],
            new Site("Cluster", "a", "US", null, [], [.. regimes], SourceLocation.None), new Site("Cluster", "b", "JP", null, [], [], SourceLocation.None), "analytics")
        {
            Categories = ["user.contact"],
            Regimes = [.. regimes],
        };

    [Fact]
    public void RegimeIndex_RegimeConditionInsideAPredicate_IsIndexed()
    {
        var (_, rules) = Load(Predicate + TestEngine.Pack(Rule("EU-BY-PREDICATE", "{predicate: eu-personal-data-leaving}") + "\n"
            + Rule("EU-NESTED", "{all: [{predicate: eu-personal-data-leaving}, {field: purpose, notEquals: backup}]}")));
        var index = new RegimeIndex(rules);

        Assert.Equal(["EU-BY-PREDICATE", "EU-NESTED"], index.For(Edge("EU")).Select(r => r.Definition.Id));
        Assert.Empty(index.For(Edge("JP")));
        Assert.All(rules, r => Assert.Equal(["EU"], Assert.Single(RegimeIndex.Required(r.Definition.When))));
        Assert.Equal(["EU"], OnwardScope.Of(rules));
    }

    [Fact]
    public void RegimeIndex_HandWrittenNestedAll_SeenThrough()
    {
        var nested = new AllCondition([new AllCondition([new FieldCondition("regimes", Operators.Contains, ["GB"], SourceLocation.None)], SourceLocation.None),
            new FieldCondition("purpose", Operators.EqualTo, ["x"], SourceLocation.None)], SourceLocation.None);
        Assert.Equal(["GB"], Assert.Single(RegimeIndex.Required(nested)));
        Assert.Equal(["GB"], OnwardScope.Of(nested));
    }

    [Fact]
    public void RegimeIndex_PredicateUnderAny_NotIndexedSoEveryRegimeMeetsIt()
    {
        var (_, rules) = Load(Predicate + TestEngine.Pack(Rule("EU-OR", "{any: [{predicate: eu-personal-data-leaving}, {field: purpose, equals: backup}]}")));
        // Not a conjunct: the index cannot use it, and errs on the side of judging.
        Assert.Single(new RegimeIndex(rules).For(Edge("JP")));
        Assert.Null(OnwardScope.Of(rules));
    }

    [Fact]
    public void Evaluate_PredicateAndInline_SameVerdictsOnDirectAndOnwardTransfers()
    {
        var estate = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("virginia", "aws", "us-east-1") + Estates.Cluster("tokyo", "aws", "ap-northeast-1")
            + Estates.Store("db", "fra") + Estates.Store("us-db", "virginia") + Estates.Store("jp-db", "tokyo")
            + Estates.Flow("to-us", "db", "us-db") + Estates.Flow("to-jp", "us-db", "jp-db");
        var (byPredicate, _) = Load(Predicate + TestEngine.Pack(Rule("EU-T", "{predicate: eu-personal-data-leaving}")));
        var (inline, _) = Load(TestEngine.Pack(Rule("EU-T", Inline)));

        static string[] Verdicts(Model.Findings.Report r) => [.. r.Findings.Select(f => $"{f.Status} {string.Join(">", f.Path)}")];
        var expected = Verdicts(inline.Evaluate(estate));
        Assert.Contains(expected, v => v.StartsWith("Violation", StringComparison.Ordinal) && v.Contains("tokyo", StringComparison.Ordinal)); // the onward hop is judged
        Assert.Equal(expected, Verdicts(byPredicate.Evaluate(estate)));
    }

    [Fact]
    public void Compile_UnresolvedPredicateOrList_FailsClosed()
    {
        var rule = new RuleDefinition("R-1", "t", "EU", FactKinds.Transfer, Severity.High, "violation", EffectivePeriod.Always, [new Citation("GDPR", "Art. 44", null)],
            Confidence.Verified, new PredicateReference("p", new SourceLocation("r.yaml", 3, 4)),
            new FieldCondition("purpose", Operators.In, [], SourceLocation.None) { Lists = [new ListReference("l", new SourceLocation("r.yaml", 5, 6))] },
            "m", "r", "p", SourceLocation.None);
        var bag = new DiagnosticBag();
        var set = new RuleSetCompiler(TestEngine.Gdpr().Jurisdictions).Compile([rule], bag);
        Assert.Empty(set.Rules);
        Assert.Equal([DiagnosticCodes.RuleUnknownPredicate, DiagnosticCodes.RuleUnknownList], bag.Sorted().Select(d => d.Code));
        Assert.Equal(3, bag.Sorted()[0].Location.Line);
    }

    private const string Attributes = """
          attributes:
            - {name: occasional, type: bool, kinds: [DataFlow], description: occasional}

        """;

    private static string WithAttribute(string rule) => TestEngine.Pack(rule).Replace("  rules:\n", Attributes + "  rules:\n", StringComparison.Ordinal);

    private static string Flow(string occasional) => Estates.TwoSites("us-east-1") + Estates.Flow("f", "db", "far").Replace("  purpose: processing",
        occasional.Length == 0 ? "  purpose: processing" : $"  purpose: processing\n  attributes: {{occasional: {occasional}}}", StringComparison.Ordinal);

    [Theory]
    [InlineData("true", "true", "Pass")]
    [InlineData("false", "true", "Violation")]
    [InlineData("", "true", "Indeterminate")]
    [InlineData("true", "false", "Violation")]
    [InlineData("false", "false", "Pass")]
    [InlineData("", "false", "Indeterminate")]
    public void IsTrue_Attribute_ThreeValued(string occasional, string operand, string status)
    {
        var (engine, _) = Load(WithAttribute(Rule("T-1", "{field: destination.country, notInGroup: EEA}", $"{{field: attributes.occasional, isTrue: {operand}}}")));
        var finding = Assert.Single(engine.Evaluate(Flow(occasional)).Findings);
        Assert.Equal(status, finding.Status.ToString());
    }

    [Fact]
    public void Explain_IsTrueOnAnAttribute_SuggestsSettingIt()
    {
        var (engine, _) = Load(WithAttribute(Rule("T-1", "{field: destination.country, notInGroup: EEA}", "{field: attributes.occasional, isTrue: true}")));
        var (_, explanations) = engine.Explain(TestEngine.Estate(Flow("false")),
            new ComplianceEngine.Core.Evaluation.EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });
        Assert.Contains(Assert.Single(explanations).Fixes, f => f.StartsWith("set spec.attributes.occasional: true on DataFlow/f", StringComparison.Ordinal));
    }

    private const string DoubtfulGroup = """
        apiVersion: compliance/v1
        kind: CountryGroup
        metadata: {name: DOUBT}
        spec:
          members: [US, FO, JP]
          unverifiedMembers: [FO]
        ---
        apiVersion: compliance/v1
        kind: CountryGroup
        metadata: {name: UNSURE}
        spec:
          members: [JP]
          confidence: unverified
        ---

        """;

    [Theory]
    [InlineData("{field: destination.country, inGroup: DOUBT}", "US", "verified")]
    [InlineData("{field: destination.country, inGroup: DOUBT}", "FO", "unverified")]
    [InlineData("{field: destination.country, notInGroup: DOUBT}", "CA", "verified")]
    [InlineData("{field: destination.country, notInGroup: UNSURE}", "US", "unverified")]
    [InlineData("{field: destination.country, notInGroup: EEA}", "FO", "verified")]
    public void Confidence_GroupMembershipUnverified_FindingUnverified(string when, string country, string confidence)
    {
        var (engine, _) = Load(DoubtfulGroup + TestEngine.Pack(Rule("T-1", when)));
        var estate = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Store("db", "fra") + Estates.Recipient("r", country) + Estates.Flow("f", "db", "r");
        var finding = engine.Evaluate(estate).Findings.Single(f => f.RuleId == "T-1");
        Assert.Equal(confidence, finding.Confidence);
    }

    [Theory]
    [InlineData("{field: mechanisms, contains: contract}", "[contract]", "Pass")]
    [InlineData("{field: mechanisms, contains: contract}", "[EU:contract]", "Pass")]
    [InlineData("{field: mechanisms, contains: contract}", "[GB:contract]", "Violation")]
    [InlineData("{field: mechanisms, containsAny: [scc, contract]}", "[GB:scc, EU:contract]", "Pass")]
    [InlineData("{field: mechanisms, containsAll: [scc, contract]}", "[EU:scc, contract]", "Pass")]
    [InlineData("{field: mechanisms, containsAll: [scc, contract]}", "[GB:scc, contract]", "Violation")]
    [InlineData("{not: {field: mechanisms, notIn: [contract]}}", "[EU:contract]", "Pass")]
    [InlineData("{field: mechanisms, contains: GB:contract}", "[GB:contract]", "Pass")]
    public void Mechanisms_QualifiedByRegime_CountOnlyForThatRegime(string require, string mechanisms, string status)
    {
        var (engine, _) = Load(TestEngine.Pack(Rule("T-1", "{field: destination.country, notInGroup: EEA}", require)));
        var finding = Assert.Single(engine.Evaluate(Estates.TwoSites("us-east-1") + Estates.Flow("f", "db", "far", mechanisms)).Findings);
        Assert.Equal(status, finding.Status.ToString());
    }

    [Fact]
    public void IsTrue_FlagField_MeansEqualsTrue()
    {
        var (engine, diags) = TestEngine.Create(TestEngine.Pack(Rule("T-1", "{field: destination.country, notInGroup: EEA}", "{field: encryptedInTransit, isTrue: true}")));
        Assert.Empty(diags);
        Assert.Equal(FindingStatus.Violation, Assert.Single(engine.Evaluate(Estates.TwoSites("us-east-1") + Estates.Flow("f", "db", "far")).Findings).Status);
    }

    [Theory]
    [InlineData("{field: purpose, isTrue: true}")]
    [InlineData("{field: individuals, isTrue: true}")]
    [InlineData("{field: encryptedInTransit, isTrue: yes}")]
    public void IsTrue_NotAYesNoValue_Diagnostic(string condition)
    {
        var (_, diags) = TestEngine.Create(TestEngine.Pack(Rule("T-1", condition)));
        Assert.Equal(DiagnosticCodes.RuleBadOperator, Assert.Single(diags).Code);
    }

    [Fact]
    public void Ops_IsTrue_UnknownStaysUnknown()
    {
        Assert.Equal(Tri.True, Ops.IsTrue("true"));
        Assert.Equal(Tri.False, Ops.IsTrue("false"));
        Assert.Equal(Tri.Unknown, Ops.IsTrue(null));
        Assert.Equal(Tri.Unknown, Ops.IsTrue("maybe"));
    }

    [Fact]
    public void Evaluate_DatedCitations_FindingCitesTheArticleInForce()
    {
        var rule = Rule("T-1", "{field: destination.country, notInGroup: EEA}").Replace(
            "citations: [{instrument: GDPR, article: Art. 44}]",
            "citations: [{instrument: X, article: Old, effective: {until: 2022-04-01}}, {instrument: X, article: New, effective: {from: 2022-04-01}}]",
            StringComparison.Ordinal);
        var (engine, _) = Load(TestEngine.Pack(rule));
        var estate = Estates.TwoSites("us-east-1") + Estates.Flow("f", "db", "far");
        Assert.Equal("X Old", Assert.Single(engine.Evaluate(estate, "2022-03-31").Findings).Citation);
        Assert.Equal("X New", Assert.Single(engine.Evaluate(estate, "2022-04-01").Findings).Citation);
    }
}
