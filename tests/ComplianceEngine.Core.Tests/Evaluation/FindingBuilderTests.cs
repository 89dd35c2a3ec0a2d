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

    [Fact]
    public void Create_OnwardHopsWithoutGivenText_EvidenceIsTheHopsImpliedBy()
    {
        var rule = Rule(RuleSet.Value, "EU-A");
        var de = Site("de-1", "DE", "EU");
        var us = Site("us-1", "US");
        var jp = Site("jp-1", "JP");
        TransferFact Hop(string flow, Site from, Site to, string regime, params string[] path) =>
            new(Context, new FindingSubject("DataFlow", flow, SourceLocation.None), [.. path], from, to, "analytics")
            {
                Categories = ["user.contact"],
                Regimes = ["EU"],
                Implied = true,
                Hop = path.Length - 1,
                Origin = de,
                OnwardRegime = regime,
            };
        var builder = new FindingBuilder();
        var hops = new[]
        {
            Hop("f2", us, jp, "EU", "de-1", "us-1", "jp-1"),
            Hop("f3", jp, us, "EU", "de-1", "us-1", "jp-1", "us-1"),
            Hop("f4", us, jp, FlowAnalyzer.UnknownOrigin, "de-1", "us-1", "jp-1"),
        };

        var said = hops.Select(h => builder.Create(rule, h, Judgement.Violation, null).Evidence.Single(e => e.Fact == "implied by").Value).ToArray();

        Assert.Equal(
            [
                "onward transfer of data from de-1 (DE, EU) via de-1 -> us-1 -> jp-1",
                "onward transfer of data from de-1 (DE, EU) via de-1 -> us-1 -> jp-1 -> us-1",
                "onward transfer of data from de-1 (DE, whose regimes are unknown) via de-1 -> us-1 -> jp-1",
            ], said);
        Assert.Equal(hops.Select(h => h.ImpliedBy), said);
    }

    private const string UndecidedRules = """
            - id: EU-U1
              title: Nested conditions with unknowns.
              appliesTo: transfer
              severity: high
              citations: [{instrument: GDPR, article: Art. 46}]
              when:
                all:
                  - {field: regimes, contains: EU}
                  - any:
                      - {field: destination.country, notInGroup: EEA}
                      - {field: individuals, gt: 1000}
              require:
                any:
                  - adequate: EU
                  - all:
                      - {field: mechanisms, contains: scc}
                      - not: {field: retentionHours, gt: 720}
              message: "m"
              remediation: "r"
            - id: EU-U2
              title: Source and destination both known
              appliesTo: transfer
              severity: low
              citations: [{instrument: GDPR, article: Art. 5}]
              when: {field: source.country, in: [DE, FR]}
              require:
                all:
                  - {field: destination.country, in: [DE, FR]}
                  - {field: sensitiveIndividuals, lt: 10}
              message: "m"
              remediation: "r"
        """;

    [Fact]
    public void Create_IndeterminateVerdicts_NameTheUnknownsTheConditionTraceFinds()
    {
        var set = Compile(UndecidedRules);
        var de = Site("de-1", "DE", "EU");
        var fr = Site("fr-1", "FR", "EU");
        var us = Site("us-1", "US");
        var nowhere = Site("nowhere", null);
        var elsewhere = new Site("Cluster", "elsewhere", null, "region 'mars-1' is not in the catalog", [], [], new SourceLocation("elsewhere.yaml", 1, 1));
        TransferFact Flow(string name, Site from, Site to, double? individuals, double? retention, string[] mechanisms, CarriedData? data = null) =>
            new(Context, new FindingSubject("DataFlow", name, new SourceLocation($"{name}.yaml", 2, 3)), [from.Name, to.Name], from, to, "analytics")
            {
                Data = (data ?? CarriedData.None) with { Individuals = individuals },
                Regimes = ["EU"],
                Mechanisms = [.. mechanisms],
                RetentionHours = retention,
            };
        var unknownSensitive = CarriedData.None with { SensitiveIndividualsUnknown = "not declared, and it does not follow from the categories" };
        var facts = new[]
        {
            Flow("f1", de, nowhere, null, null, []),
            Flow("f2", de, elsewhere, 5000, null, ["scc"]),
            Flow("f3", de, us, null, 100, ["scc"]),
            Flow("f4", fr, nowhere, null, null, [], unknownSensitive),
            Flow("f5", de, fr, 10, null, [], unknownSensitive),
            Flow("f6", nowhere, us, null, null, []),
            Flow("f7", de, elsewhere, null, null, ["scc"], unknownSensitive),
            Flow("f8", de, nowhere, null, 1000, []),
        };
        var builder = new FindingBuilder();
        var messages = new List<string>();
        // Every fact twice, rules interleaved: the second time the builder's tables are warm.
        foreach (var fact in facts.Concat(facts))
        {
            foreach (var rule in set.Rules)
            {
                var finding = builder.Create(rule, fact, Judgement.Indeterminate, error: null);
                var unknowns = string.Join("; ", ConditionTracer.DecisiveUnknowns(rule, fact));
                var expected = $"Cannot decide whether {rule.Definition.Title.TrimEnd('.')} applies or is met: " +
                    $"{(unknowns.Length > 0 ? unknowns : "a fact the rule needs is missing")}. An unknown is never treated as compliant.";
                Assert.Equal(expected, finding.Message);
                AssertSame(new FindingBuilder().Create(rule, fact, Judgement.Indeterminate, error: null), finding);
                messages.Add(finding.Message);
            }
        }
        // Not vacuous: the facts leave fields unknown with and without reasons, adequacy undecided, and nothing unknown.
        Assert.Contains(messages, m => m.Contains("destination.country is unknown (no region)", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("destination.country is unknown (region 'mars-1' is not in the catalog)", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("adequacy for EU cannot be decided: the destination's country is unknown", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("sensitiveIndividuals is unknown (not declared, and it does not follow from the categories)", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("individuals is unknown;", StringComparison.Ordinal) || m.EndsWith("individuals is unknown. An unknown is never treated as compliant.", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("a fact the rule needs is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_IndeterminateVerdictWithAnError_NamesTheError()
    {
        var rule = Rule(RuleSet.Value, "EU-A");
        var fact = Transfer("f1", Site("de-1", "DE", "EU"), Site("us-1", "US"), []);

        var finding = new FindingBuilder().Create(rule, fact, Judgement.Indeterminate, "the condition failed: boom");

        Assert.Equal("Cannot decide whether Transfers out of the EEA need SCCs applies or is met: the condition failed: boom. An unknown is never treated as compliant.", finding.Message);
    }

    [Fact]
    public void Create_RulesOfTwoRegimesOnOneFact_EachNamesItsOwnAdequacyDecision()
    {
        var (engine, diagnostics) = TestEngine.CreateFromFolder("""
            apiVersion: compliance/v1
            kind: RulePack
            metadata:
              name: two-regimes
            spec:
              jurisdiction: EU
              rules:
                - id: EU-ADQ
                  title: EU adequacy
                  appliesTo: transfer
                  severity: high
                  citations: [{instrument: GDPR, article: Art. 45}]
                  when: {field: regimes, contains: EU}
                  require: {adequate: EU}
                  message: "EU: {adequacy}"
                  remediation: "r"
                - id: UK-ADQ
                  title: UK adequacy
                  appliesTo: transfer
                  severity: high
                  citations: [{instrument: UK GDPR, article: Art. 45}]
                  when: {field: regimes, contains: EU}
                  require: {adequate: GB}
                  message: "UK: {adequacy}"
                  remediation: "r"
            """);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        var eu = engine.Rules.Rules.Single(r => r.Definition.Id == "EU-ADQ");
        var uk = engine.Rules.Rules.Single(r => r.Definition.Id == "UK-ADQ");
        var de = Site("de-1", "DE", "EU");
        var builder = new FindingBuilder();
        foreach (var to in new[] { Site("us-1", "US"), Site("jp-1", "JP"), Site("ch-1", "CH"), Site("nowhere", null) })
        {
            var fact = Transfer("f-" + to.Name, de, to, []);
            foreach (var rule in new[] { eu, uk, eu })
            {
                var finding = builder.Create(rule, fact, Judgement.Violation, error: null);
                var prefix = rule == eu ? "EU: " : "UK: ";
                Assert.Equal(prefix + rule.Adequacy.Single().Check(fact).Reason, finding.Message);
                Assert.Equal(rule.Adequacy.Single().Check(fact).Reason, finding.Evidence.Single(e => e.Fact == rule.Adequacy[0].EvidenceLabel).Value);
            }
        }
    }

    [Fact]
    public void Create_OneBuilderOverTwoEvaluations_EachFindingNamesItsOwnEvaluationsAdequacyDecision()
    {
        // The builder keeps the adequacy decisions it read by reference (table, site, country and subject-type array; the
        // United States' entries require certifications, so decisions there are per site): another evaluation with the
        // very same objects must not be answered from the first one's table of decisions.
        var rule = AdequacyRule();
        var de = Site("de-1", "DE", "EU");
        var us = Site("us-1", "US");
        string[] types = ["customer"];
        var builder = new FindingBuilder();
        foreach (var (day, reason) in new[] { (1, "the first evaluation's decision"), (2, "the second evaluation's decision"), (3, "the third evaluation's decision") })
        {
            var context = new EvaluationContext(new DateOnly(2026, 11, day), null);
            context.Adequacy[(rule.Adequacy[0], us, de.Country, types)] = new AdequacyResult(Tri.False, null, reason);
            Assert.Equal("EU: " + reason, builder.Create(rule, AdequacyTransfer(context, de, us, types), Judgement.Violation, error: null).Message);
        }
    }

    private static CompiledRule AdequacyRule()
    {
        var (engine, diagnostics) = TestEngine.CreateFromFolder("""
            apiVersion: compliance/v1
            kind: RulePack
            metadata:
              name: adequacy
            spec:
              jurisdiction: EU
              rules:
                - id: EU-ADQ
                  title: EU adequacy
                  appliesTo: transfer
                  severity: high
                  citations: [{instrument: GDPR, article: Art. 45}]
                  when: {field: regimes, contains: EU}
                  require: {adequate: EU}
                  message: "EU: {adequacy}"
                  remediation: "r"
            """);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return engine.Rules.Rules.Single();
    }

    private static TransferFact AdequacyTransfer(EvaluationContext context, Site from, Site to, string[] types) =>
        new(context, new FindingSubject("DataFlow", "f-" + to.Name, new SourceLocation("f.yaml", 2, 3)), [from.Name, to.Name], from, to, "analytics")
        {
            Regimes = ["EU"],
            SubjectTypes = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(types),
        };

    [Fact]
    public void Create_AdequacyBySiteCountryAndExporter_EachFindingNamesItsOwnDecision()
    {
        // Decisions that read only the destination's country are kept per country: sites whose certifications, exporters
        // or unknown countries' reasons make other decisions must still get their own, in any order on one builder.
        var rule = AdequacyRule();
        var table = rule.Adequacy[0];
        var de = Site("de-1", "DE", "EU");
        var no = Site("no-1", "NO", "EU");
        var certified = new Site("Cluster", "us-dpf", "US", null, [], [], new SourceLocation("us-dpf.yaml", 1, 1)) { Certifications = ["eu-us-dpf"] };
        var plain = Site("us-1", "US");
        var lost = new Site("Cluster", "lost", null, "no region", [], [], new SourceLocation("lost.yaml", 1, 1));
        var unmapped = new Site("Cluster", "unmapped", null, "region xy-1 is not mapped", [], [], new SourceLocation("unmapped.yaml", 1, 1));
        var brazil = Site("br-1", "BR");
        string[] employees = ["employee"];
        var facts = new[]
        {
            AdequacyTransfer(Context, de, certified, employees), AdequacyTransfer(Context, de, plain, employees), AdequacyTransfer(Context, de, certified, []),
            AdequacyTransfer(Context, de, brazil, []), AdequacyTransfer(Context, no, brazil, []), AdequacyTransfer(Context, de, brazil, []),
            AdequacyTransfer(Context, de, lost, []), AdequacyTransfer(Context, de, unmapped, []), AdequacyTransfer(Context, de, lost, []),
        };
        var reasons = facts.Select(f => table.Check(f).Reason).ToArray();
        // The cases differ (else the test would not tell them apart).
        Assert.NotEqual(reasons[0], reasons[1]);
        Assert.NotEqual(reasons[3], reasons[4]);
        Assert.NotEqual(reasons[6], reasons[7]);
        var builder = new FindingBuilder();
        for (var i = 0; i < facts.Length; i++) Assert.Equal("EU: " + reasons[i], builder.Create(rule, facts[i], Judgement.Violation, error: null).Message);
    }

    [Fact]
    public void Create_SitesOfOneCountry_ShareTheirDecisionsReason()
    {
        // Two sites in New Zealand (no certification there): one decision, so one reason string in both findings' evidence.
        var rule = AdequacyRule();
        var de = Site("de-1", "DE", "EU");
        var builder = new FindingBuilder();
        var evidence = new[] { Site("nz-1", "NZ"), Site("nz-2", "NZ") }
            .Select(to => builder.Create(rule, AdequacyTransfer(Context, de, to, []), Judgement.Pass, error: null))
            .Select(f => f.Evidence.Single(e => e.Fact == rule.Adequacy[0].EvidenceLabel).Value)
            .ToArray();
        Assert.Equal(rule.Adequacy[0].Check(AdequacyTransfer(Context, de, Site("nz-3", "NZ"), [])).Reason, evidence[0]);
        Assert.Same(evidence[0], evidence[1]);
    }

    [Fact]
    public void Create_OneCountryInTwoEvaluations_EachFindingNamesItsEvaluationsDecision()
    {
        // New Zealand's decision applies from 2012-12-19: the same sites on two dates are two decisions, whatever the
        // builder kept from the first evaluation.
        var rule = AdequacyRule();
        var de = Site("de-1", "DE", "EU");
        var nz = Site("nz-1", "NZ");
        var builder = new FindingBuilder();
        var messages = new[] { new DateOnly(2012, 6, 1), new DateOnly(2026, 11, 25), new DateOnly(2012, 6, 1) }.Select(day =>
        {
            var fact = AdequacyTransfer(new EvaluationContext(day, null), de, nz, []);
            var message = builder.Create(rule, fact, Judgement.Violation, error: null).Message;
            Assert.Equal("EU: " + rule.Adequacy[0].Check(fact).Reason, message);
            return message;
        }).ToArray();
        Assert.NotEqual(messages[0], messages[1]);
    }

    [Fact]
    public void Create_FieldNamedAsTheSitesEvidence_ListedOnce()
    {
        // EU-A reads destination.country, which the transfer's own evidence already names: listed once, in its first place.
        var a = Rule(RuleSet.Value, "EU-A");
        var builder = new FindingBuilder();
        foreach (var to in new[] { Site("us-1", "US"), Site("jp-1", "JP"), Site("us-1", "US") })
        {
            var finding = builder.Create(a, Transfer("f-" + to.Name, Site("de-1", "DE", "EU"), to, []), Judgement.Violation, error: null);
            Assert.Equal(["declared flow", "source.name", "source.country", "destination.name", "destination.country", "regimes", "mechanisms"],
                finding.Evidence.Select(e => e.Fact));
            Assert.Equal(to.Country, finding.Evidence.Single(e => e.Fact == "destination.country").Value);
        }
    }

    [Fact]
    public void Create_RuleOfTwoAdequacyTables_NamesBothReasonsOnceJoinedPerList()
    {
        var (engine, diagnostics) = TestEngine.CreateFromFolder("""
            apiVersion: compliance/v1
            kind: RulePack
            metadata:
              name: two-tables
            spec:
              jurisdiction: EU
              rules:
                - id: EU-UK-ADQ
                  title: EU and UK adequacy
                  appliesTo: transfer
                  severity: high
                  citations: [{instrument: GDPR, article: Art. 45}]
                  when: {field: regimes, contains: EU}
                  require: {all: [{adequate: EU}, {adequate: GB}]}
                  message: "{adequacy}"
                  remediation: "r"
            """);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        var rule = engine.Rules.Rules.Single(r => r.Definition.Id == "EU-UK-ADQ");
        Assert.Equal(2, rule.Adequacy.Length);
        var de = Site("de-1", "DE", "EU");
        var builder = new FindingBuilder();
        var us = Site("us-1", "US");
        var jp = Site("jp-1", "JP");
        var findings = new[] { us, jp, us, Site("nowhere", null) }.Select((to, i) => (To: to, Finding: builder.Create(rule, Transfer($"f{i}", de, to, []), Judgement.Violation, error: null))).ToList();
        foreach (var (to, finding) in findings)
        {
            var fact = Transfer("check", de, to, []);
            Assert.Equal($"{rule.Adequacy[0].Check(fact).Reason}; {rule.Adequacy[1].Check(fact).Reason}", finding.Message);
        }
        // Two transfers to the same destination name the same joined text, not a copy each.
        Assert.Same(findings[0].Finding.Text!.Values[0], findings[2].Finding.Text!.Values[0]);
        Assert.NotEqual(findings[0].Finding.Message, findings[1].Finding.Message);
    }
}
