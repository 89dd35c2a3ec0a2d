using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Evaluation;

/// <summary>
/// One builder per thread makes every finding of a chunk and keeps what rules, sites and facts share (rule plans, a reused
/// fact text, per-fact place and evidence). Nothing one rule or fact read may reach another's finding: each finding equals
/// the one a fresh builder makes.
/// </summary>
public sealed class FindingBuilderTests
{
    private static readonly EvaluationContext Context = new(new DateOnly(2026, 11, 25), null);

    private const string Rules = """
            - id: EU-A
              title: Transfers out of the EEA need SCCs
              appliesTo: transfer
              severity: high
              citations: [{instrument: GDPR, article: Art. 46}]
              when:
                all:
                  - {field: regimes, contains: EU}
                  - {field: destination.country, notInGroup: EEA}
              require: {field: mechanisms, contains: scc}
              message: "{subject} sends data to {destination.country} ({destination.name}) with {mechanisms} on {asOf}"
              remediation: "Sign SCCs for {path} to {destination.country}"
            - id: EU-B
              title: Analytics transfers need encryption
              appliesTo: transfer
              severity: medium
              citations: [{instrument: GDPR, article: Art. 32}]
              when: {field: purpose, equals: analytics}
              require: {field: encryptedInTransit, equals: true}
              message: "{purpose} from {source.country} to {destination.country} is not encrypted"
              remediation: "Encrypt {subject}"
        """;

    private static readonly Lazy<CompiledRuleSet> RuleSet = new(() => Compile(Rules));

    private static CompiledRuleSet Compile(string rules)
    {
        var (engine, diagnostics) = TestEngine.Create(TestEngine.Pack(rules));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return engine.Rules;
    }

    private static Site Site(string name, string? country, params string[] regimes) =>
        new("Cluster", name, country, country is null ? "no region" : null, [], [.. regimes], new SourceLocation($"{name}.yaml", 1, 1));

    private static TransferFact Transfer(string flow, Site from, Site to, string[] mechanisms, string purpose = "analytics") =>
        new(Context, new FindingSubject("DataFlow", flow, new SourceLocation($"{flow}.yaml", 2, 3)), [from.Name, to.Name], from, to, purpose)
        {
            Categories = ["user.contact"],
            Regimes = ["EU"],
            Mechanisms = [.. mechanisms],
            EncryptedInTransit = false,
        };

    private static CompiledRule Rule(CompiledRuleSet set, string id) => set.Rules.Single(r => r.Definition.Id == id);

    private static void AssertSame(Finding expected, Finding actual)
    {
        Assert.Equal(expected, actual);
        Assert.Equal(expected.Message, actual.Message);
        Assert.Equal(expected.Remediation, actual.Remediation);
        Assert.Equal(expected.Evidence.Select(e => $"{e.Fact}={e.Value}@{e.Location}"), actual.Evidence.Select(e => $"{e.Fact}={e.Value}@{e.Location}"));
        Assert.Equal(expected.Place, actual.Place);
    }

    [Fact]
    public void Create_OneBuilderOverRulesAndFacts_EachFindingAsAFreshBuilderMakesIt()
    {
        var a = Rule(RuleSet.Value, "EU-A");
        var b = Rule(RuleSet.Value, "EU-B");
        var de = Site("de-1", "DE", "EU");
        var us = Site("us-1", "US");
        var jp = Site("jp-1", "JP");
        var unknown = Site("nowhere", null);
        var facts = new Fact[]
        {
            Transfer("f1", de, us, []),
            Transfer("f2", de, jp, ["bcr"]),
            Transfer("f3", us, unknown, [], "backup"),
            Transfer("f1", de, us, ["scc"]),
        };
        var builder = new FindingBuilder();
        var made = 0;
        // Interleaved rules on one fact, then the next fact: the same rule again, another site, the same subject.
        foreach (var fact in facts)
        {
            foreach (var (rule, judgement) in new[] { (a, Judgement.Violation), (b, Judgement.Violation), (a, Judgement.Indeterminate), (b, Judgement.Pass) })
            {
                var shared = builder.Create(rule, fact, judgement, error: null);
                var fresh = new FindingBuilder().Create(rule, fact, judgement, error: null);
                AssertSame(fresh, shared);
                made++;
            }
        }
        Assert.Equal(16, made);
    }

    [Fact]
    public void Create_RuleOfAnotherRuleSetAtTheSameIndex_UsesItsOwnTemplates()
    {
        var first = Rule(RuleSet.Value, "EU-A");
        var other = Compile("""
                - id: EU-C
                  title: Another rule at the same position
                  appliesTo: transfer
                  severity: low
                  citations: [{instrument: GDPR, article: Art. 5}]
                  when: {field: regimes, contains: EU}
                  require: {field: mechanisms, contains: scc}
                  message: "other rule about {destination.name}"
                  remediation: "other remediation"
            """).Rules.Single();
        Assert.Equal(first.Index, other.Index);
        var fact = Transfer("f1", Site("de-1", "DE", "EU"), Site("us-1", "US"), []);
        var builder = new FindingBuilder();

        builder.Create(first, fact, Judgement.Violation, error: null);
        var finding = builder.Create(other, fact, Judgement.Violation, error: null);

        Assert.Equal("other rule about us-1", finding.Message);
        Assert.Equal("other remediation", finding.Remediation);
        Assert.Equal("EU-C", finding.RuleId);
    }

    [Fact]
    public void Create_OnwardHopsOfOneOrigin_EvidenceEndsWithEachHopsOwnPath()
    {
        var rule = Rule(RuleSet.Value, "EU-A");
        var de = Site("de-1", "DE", "EU");
        var us = Site("us-1", "US");
        var jp = Site("jp-1", "JP");
        TransferFact Hop(string flow, Site from, Site to, params string[] path) =>
            new(Context, new FindingSubject("DataFlow", flow, SourceLocation.None), [.. path], from, to, "analytics")
            {
                Categories = ["user.contact"],
                Regimes = ["EU"],
                Implied = true,
                ImpliedBy = "onward transfer of data from de-1 (DE, EU) via " + string.Join(" -> ", path),
            };
        var builder = new FindingBuilder();

        var one = builder.Create(rule, Hop("f2", us, jp, "de-1", "us-1", "jp-1"), Judgement.Violation, null);
        var two = builder.Create(rule, Hop("f3", jp, us, "de-1", "us-1", "jp-1", "us-1"), Judgement.Violation, null);

        Assert.Equal("onward transfer of data from de-1 (DE, EU) via de-1 -> us-1 -> jp-1", one.Evidence.Single(e => e.Fact == "implied by").Value);
        Assert.Equal("onward transfer of data from de-1 (DE, EU) via de-1 -> us-1 -> jp-1 -> us-1", two.Evidence.Single(e => e.Fact == "implied by").Value);
    }
}
