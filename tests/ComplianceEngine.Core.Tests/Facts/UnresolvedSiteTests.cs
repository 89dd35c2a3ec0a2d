using ComplianceEngine.Core.Facts;
using ComplianceEngine.Loading;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Core.Tests.Facts;

/// <summary>
/// An estate handed to the library without the loader's reference checks: every fact a dangling name touches is kept
/// at a site of unknown country (indeterminate), never dropped.
/// </summary>
public sealed class UnresolvedSiteTests
{
    private static readonly Lazy<Engine> Gdpr = new(TestEngine.Gdpr);

    private static Estate Unchecked(string yaml)
    {
        var bag = new DiagnosticBag();
        var docs = new DocumentLoader().LoadText(yaml, "estate.yaml", bag);
        var estate = WorkspaceLoader.ReadEstate(docs, bag);
        Assert.Contains(bag.Sorted(), d => d.Code == DiagnosticCodes.DanglingReference);
        return estate;
    }

    private static (IReadOnlyList<Fact> Built, IReadOnlyList<Fact> Implied) Facts(Estate estate)
    {
        var engine = Gdpr.Value;
        var resolved = new FactBuilder(engine.Resolver).Resolve(estate);
        var context = new EvaluationContext(new DateOnly(2026, 11, 25), null);
        return (FactBuilder.Build(resolved, context), new FlowAnalyzer(engine.Resolver).Implied(resolved, context));
    }

    [Fact]
    public void Build_StoreOnAMissingCluster_PlacedAtAnUnknownSite()
    {
        var (built, _) = Facts(Unchecked(Estates.Store("db", "nowhere")));
        var p = Assert.Single(built.OfType<PlacementFact>());
        Assert.Null(p.Site.Country);
        Assert.Equal("nowhere", p.Site.Name);
        Assert.Contains("not a cluster of the estate", p.Site.UnknownReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_FlowToAMissingDestination_AnIndeterminateTransfer()
    {
        var estate = Unchecked(Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Store("db", "fra") + Estates.Flow("out", "db", "ghost"));
        var (built, _) = Facts(estate);
        var t = Assert.Single(built.OfType<TransferFact>());
        Assert.Null(t.Destination.Country);
        var report = Gdpr.Value.Evaluate(estate, new Core.Evaluation.EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });
        Assert.Contains(report.Findings, f => f.Subject.Name == "out" && f.Status == FindingStatus.Indeterminate);
    }

    [Fact]
    public void Implied_ReplicaBackupAndDrTargetMissing_TransfersToUnknownSites()
    {
        var estate = Unchecked(
            Estates.Cluster("fra", "aws", "eu-central-1", "  disasterRecovery: {strategy: warm-standby, targets: [dr-ghost]}") +
            Estates.Store("db", "fra", "  replicas: [replica-ghost]\n  backups: [backup-ghost]"));
        var (_, implied) = Facts(estate);
        var destinations = implied.OfType<TransferFact>().Select(t => (t.Destination.Name, t.Destination.Country)).Order().ToList();
        Assert.Equal([("backup-ghost", null), ("dr-ghost", null), ("replica-ghost", null)], destinations);
    }
}
