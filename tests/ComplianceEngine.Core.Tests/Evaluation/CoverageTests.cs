using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Evaluation;

/// <summary>Design section 7: a run says what each jurisdiction judged, and names each document nothing judged with a reason.</summary>
public sealed class CoverageTests
{
    private static readonly Lazy<Engine> Gdpr = new(TestEngine.Gdpr);

    private static Report Evaluate(string yaml) =>
        Gdpr.Value.Evaluate(TestEngine.Estate(yaml), new EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });

    [Fact]
    public void Evaluate_CrossBorderFlow_CountsTheFlowAndItsTransferUnderEu()
    {
        var report = Evaluate(Estates.TwoSites("ap-southeast-1") + Estates.Flow("f", "db", "far", "[scc]"));

        var eu = report.Coverage.ByJurisdiction["EU"];
        Assert.Equal(1, eu.Flows);
        Assert.Equal(1, eu.DeclaredTransfers);
        Assert.False(report.Coverage.NothingJudged);
        Assert.Equal(new EstateCounts(2, 2, 1, 0), report.Coverage.Documents);
        // Passes are only counted, but they are judged: the flow and both ends are covered.
        Assert.DoesNotContain(report.Coverage.NotJudged, n => n.Name is "f" or "db" or "far" or "fra" or "away");
    }

    [Fact]
    public void Evaluate_FlowInsideTheEu_IsJudgedByEuWhoseScopeExcludesIt()
    {
        // The GDPR Chapter V rules looked at the DE -> IE transfer and found it out of their scope: a lawful, judged outcome.
        var report = Evaluate(IntraEu);

        Assert.False(report.Coverage.NothingJudged);
        Assert.Empty(report.Findings);
        var eu = report.Coverage.ByJurisdiction["EU"];
        Assert.Equal(1, eu.Flows);
        Assert.Equal(1, eu.DeclaredTransfers);
        // The flow, both stores it reads and writes, and both clusters are covered.
        Assert.Empty(report.Coverage.NotJudged);
    }

    [Fact]
    public void Evaluate_FlowInsideTheEu_NRulesRunner_JudgedTheSameAsBatch()
    {
        // The NRules runner hands the facts no rule applied to (they never enter its session) to coverage too.
        var estate = TestEngine.Estate(IntraEu);
        var batch = Gdpr.Value.Evaluate(estate, new EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });
        var nrules = Gdpr.Value.Evaluate(estate, new EvaluationOptions { AsOf = new DateOnly(2026, 11, 25), Runner = RuleRunner.NRules });

        Assert.False(nrules.Coverage.NothingJudged);
        Assert.Equal(batch.Coverage.ByJurisdiction, nrules.Coverage.ByJurisdiction);
        Assert.Equal(batch.Coverage.NotJudged, nrules.Coverage.NotJudged);
    }

    private static readonly string IntraEu = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("dub", "aws", "eu-west-1") +
                                             Estates.Store("a", "fra") + Estates.Store("b", "dub") + Estates.Flow("inside", "a", "b");

    [Fact]
    public void Evaluate_FlowInsideTheEu_BeforeAnyRuleIsInForce_NothingJudged()
    {
        // No rule in force on the date looked at anything: the scope of a rule not yet in force excludes nothing.
        var report = Gdpr.Value.Evaluate(TestEngine.Estate(IntraEu), new EvaluationOptions { AsOf = new DateOnly(2017, 1, 1) });

        Assert.True(report.Coverage.NothingJudged);
        var flow = Assert.Single(report.Coverage.NotJudged, n => n.Name == "inside");
        Assert.Contains("no loaded rule applies", flow.Reason, StringComparison.Ordinal);
        Assert.Contains("from DE to IE", flow.Reason, StringComparison.Ordinal);
        Assert.Equal(5, report.Coverage.NotJudged.Length);
    }

    [Fact]
    public void Evaluate_FlowFromAnUnknownRegionIntoTheEu_StaysNotJudged()
    {
        // Miss: the exporter's region is unknown, so the regimes that bind the transfer are unknown. Chapter V's `when` is
        // false on its destination alone (DE is in the EEA), yet nothing may say EU law looked and excluded it.
        var report = Evaluate(Estates.Cluster("moon", "aws", "eu-moon-1") + Estates.Cluster("fra", "aws", "eu-central-1") +
                              Estates.Store("lost", "moon") + Estates.Store("db", "fra") + Estates.Flow("in", "lost", "db"));

        Assert.True(report.Coverage.NothingJudged);
        Assert.Empty(report.Findings);
        var flow = Assert.Single(report.Coverage.NotJudged, n => n.Name == "in");
        Assert.StartsWith("location unknown:", flow.Reason, StringComparison.Ordinal);
    }

    /// <summary>A rule whose `when` is false on the data alone, whatever the destination: EU health data leaving the EEA.</summary>
    private static readonly Lazy<Engine> HealthOnly = new(() =>
    {
        var (engine, diagnostics) = TestEngine.Create(TestEngine.Pack("""
                - id: EU-HEALTH
                  title: Health data leaves the EEA
                  appliesTo: transfer
                  severity: high
                  citations: [{instrument: GDPR, article: Art. 9}]
                  when:
                    all:
                      - {field: regimes, contains: EU}
                      - {field: categories, prefix: [user.health_and_medical]}
                      - {field: destination.country, notInGroup: EEA}
                  message: m
                  remediation: r
            """));
        Assert.Empty(diagnostics);
        return engine;
    });

    [Fact]
    public void Evaluate_DestinationRegionUnknown_RuleExcludedByDataAlone_StaysNotJudged()
    {
        // Miss: a typo in the destination's region. The rule's `when` is false whatever the destination (no health data),
        // but a transfer with an unknown end is never counted as looked at: a typo must not make an estate "judged".
        var report = HealthOnly.Value.Evaluate(Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("typo", "aws", "eu-wst-1") +
                                               Estates.Store("db", "fra") + Estates.Store("far", "typo") + Estates.Flow("out", "db", "far"));

        Assert.Empty(report.Findings);
        Assert.True(report.Coverage.NothingJudged);
        Assert.StartsWith("location unknown:", Assert.Single(report.Coverage.NotJudged, n => n.Name == "out").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DestinationKnown_RuleExcludedByDataAlone_JudgedByEu()
    {
        // The same flow to a known region: EU's rule looked at it and its scope (health data only) excluded it.
        var report = HealthOnly.Value.Evaluate(Estates.TwoSites("us-east-1") + Estates.Flow("out", "db", "far"));

        Assert.Empty(report.Findings);
        Assert.False(report.Coverage.NothingJudged);
        Assert.Equal(1, report.Coverage.ByJurisdiction["EU"].DeclaredTransfers);
        Assert.DoesNotContain(report.Coverage.NotJudged, n => n.Name == "out");
    }

    [Fact]
    public void Evaluate_FlowOfAStoreWithoutCategories_StaysNotJudged()
    {
        // Miss: the data is not declared, so no rule can have found it out of scope (it is unknown, not "not personal").
        var empty = Estates.Store("a", "fra").Replace("categories: [user.contact]", "categories: []", StringComparison.Ordinal);
        var report = HealthOnly.Value.Evaluate(Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("virginia", "aws", "us-east-1") +
                                               empty + Estates.Store("b", "virginia") + Estates.Flow("out", "a", "b"));

        Assert.True(report.Coverage.NothingJudged);
        Assert.Contains(report.Coverage.NotJudged, n => n.Name == "out");
    }

    [Fact]
    public void Evaluate_FlowNoLoadedRegimeBinds_StaysNotJudged()
    {
        // SG exports to the US: only EU rules are loaded and no loaded regime binds a Singapore exporter.
        var report = Evaluate(Estates.Cluster("sg", "aws", "ap-southeast-1") + Estates.Cluster("virginia", "aws", "us-east-1") +
                              Estates.Store("a", "sg") + Estates.Store("b", "virginia") + Estates.Flow("away", "a", "b"));

        Assert.True(report.Coverage.NothingJudged);
        Assert.Contains(report.Coverage.NotJudged, n => n.Name == "away");
    }

    /// <summary>A placement rule of EU law over health data only.</summary>
    private static readonly Lazy<Engine> HealthPlacement = new(() =>
    {
        var (engine, diagnostics) = TestEngine.Create(TestEngine.Pack("""
                - id: EU-HEALTH-REST
                  title: Health data rests outside the EEA
                  appliesTo: placement
                  severity: high
                  citations: [{instrument: GDPR, article: Art. 9}]
                  when:
                    all:
                      - {field: subjects, contains: EU}
                      - {field: categories, prefix: [user.health_and_medical]}
                  require: {field: country, inGroup: EEA}
                  message: m
                  remediation: r
            """));
        Assert.Empty(diagnostics);
        return engine;
    });

    [Fact]
    public void Evaluate_PlacementOutOfAnEuRuleScope_JudgedByEu()
    {
        var report = HealthPlacement.Value.Evaluate(Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Store("db", "fra"));

        Assert.Empty(report.Findings);
        Assert.Equal(1, report.Coverage.ByJurisdiction["EU"].Placements);
        Assert.Equal(1, report.Coverage.ByJurisdiction["EU"].Stores);
        Assert.Empty(report.Coverage.NotJudged);
    }

    [Fact]
    public void Evaluate_PlacementInAnUnknownRegion_StaysNotJudged()
    {
        // Miss: the rule's `when` is false on the data alone, but where the data rests is unknown.
        var report = HealthPlacement.Value.Evaluate(Estates.Cluster("moon", "aws", "eu-moon-1") + Estates.Store("db", "moon"));

        Assert.True(report.Coverage.NothingJudged);
        Assert.All(report.Coverage.NotJudged, n => Assert.StartsWith("location unknown:", n.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_PlacementWhoseSubjectsNoLoadedRegimeProtects_StaysNotJudged()
    {
        // A store in Singapore about Singaporean subjects: no loaded regime binds it, so EU's rule never reached it.
        var store = Estates.Store("db", "sg").Replace("subjects: [EU]", "subjects: [SG]", StringComparison.Ordinal);
        var report = HealthPlacement.Value.Evaluate(Estates.Cluster("sg", "aws", "ap-southeast-1") + store);

        Assert.True(report.Coverage.NothingJudged);
        Assert.StartsWith("no regime binds its data", Assert.Single(report.Coverage.NotJudged, n => n.Name == "db").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_StoreWithoutSubjects_NoRegimeBindsItsData()
    {
        var store = Estates.Store("orphan", "sg").Replace("subjects: [EU]", "subjects: []", StringComparison.Ordinal);
        var report = Evaluate(Estates.Cluster("sg", "aws", "ap-southeast-1") + store);

        var item = Assert.Single(report.Coverage.NotJudged, n => n.Name == "orphan");
        Assert.StartsWith("no regime binds its data (rests in SG", item.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ClusterWithNothingOnIt_SaysNoDataIsDeclared()
    {
        var report = Evaluate(Estates.TwoSites("ap-southeast-1") + Estates.Flow("f", "db", "far") + Estates.Cluster("idle", "aws", "us-east-1"));

        var idle = Assert.Single(report.Coverage.NotJudged);
        Assert.Equal("idle", idle.Name);
        Assert.StartsWith("no data is declared on it", idle.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_UnknownRegionWithNoRuleNeedingIt_NotJudgedBecauseLocationUnknown()
    {
        var store = Estates.Store("lost", "moon").Replace("subjects: [EU]", "subjects: []", StringComparison.Ordinal);
        var report = Evaluate(Estates.Cluster("moon", "aws", "eu-moon-1") + store);

        Assert.All(report.Coverage.NotJudged, n => Assert.StartsWith("location unknown:", n.Reason, StringComparison.Ordinal));
        Assert.Equal(["moon", "lost"], report.Coverage.NotJudged.Select(n => n.Name).Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public void Evaluate_EveryRuleJurisdiction_ListedInCoverageEvenWhenZero()
    {
        var report = Evaluate(Estates.Cluster("fra", "aws", "eu-central-1"));

        Assert.Equal(report.ByJurisdiction.Keys, report.Coverage.ByJurisdiction.Keys);
        Assert.True(report.Coverage.ByJurisdiction["EU"].IsEmpty);
    }
}
