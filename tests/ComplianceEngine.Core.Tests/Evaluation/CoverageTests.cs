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
    public void Evaluate_FlowInsideTheEu_IsNotJudgedAndSaysNoRuleApplies()
    {
        var report = Evaluate(Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("dub", "aws", "eu-west-1") +
                              Estates.Store("a", "fra") + Estates.Store("b", "dub") + Estates.Flow("inside", "a", "b"));

        Assert.True(report.Coverage.NothingJudged);
        Assert.Empty(report.Findings);
        var flow = Assert.Single(report.Coverage.NotJudged, n => n.Name == "inside");
        Assert.Equal("DataFlow", flow.Kind);
        Assert.Contains("no loaded rule applies", flow.Reason, StringComparison.Ordinal);
        Assert.Contains("from DE to IE", flow.Reason, StringComparison.Ordinal);
        Assert.Equal(5, report.Coverage.NotJudged.Length);
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
