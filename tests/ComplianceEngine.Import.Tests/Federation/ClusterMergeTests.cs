using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Federation;

/// <summary>A cluster described by its Nodes and by Karmada or OCM: what agrees is merged, what differs is never dropped silently.</summary>
public sealed class ClusterMergeTests
{
    private const string FraNode = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";

    private static string Karmada(string spec) => $"apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {{name: fra}}\nspec: {{syncMode: Push, {spec}}}\n---\n";

    private static string Ocm(string labels) => $"apiVersion: cluster.open-cluster-management.io/v1\nkind: ManagedCluster\nmetadata: {{name: fra, labels: {{{labels}}}}}\nspec: {{hubAcceptsClient: true}}\n---\n";

    private static IEnumerable<Diagnostic> Merging(IEnumerable<Diagnostic> diagnostics) =>
        diagnostics.Where(d => d.Code is DiagnosticCodes.SourceConflict or DiagnosticCodes.SourceMerged or DiagnosticCodes.SourceDuplicateName);

    [Fact]
    public void NodesAndKarmada_Agreeing_AreMergedWithoutADiagnostic()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", FraNode + Karmada("provider: AWS, region: eu-central-1"));
        Assert.Empty(Merging(diagnostics));
        var cluster = Assert.Single(estate.Clusters);
        Assert.Equal(("aws", "eu-central-1"), (cluster.Provider, cluster.Region));
    }

    [Fact]
    public void NodesAndKarmada_KarmadaSaysLess_KeepsTheNodesLocationWithoutADiagnostic()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", FraNode + Karmada("provider: aws"));
        Assert.Empty(Merging(diagnostics));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceValueUnknown);
        Assert.Equal("eu-central-1", Assert.Single(estate.Clusters).Region);
    }

    [Fact]
    public void NodesAndKarmada_RegionsDiffer_IsAnErrorNamingBothSources_AndTheLocationIsUnknown()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", FraNode + Karmada("provider: aws, region: us-east-1"));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceConflict);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(6, d.Location.Line); // the Karmada Cluster
        Assert.Contains("kubernetes (first from x.yaml:1:1)", d.Message, StringComparison.Ordinal);
        Assert.Contains("region 'eu-central-1' (kubernetes at x.yaml:", d.Message, StringComparison.Ordinal);
        Assert.Contains("'us-east-1' (karmada at x.yaml:9:", d.Message, StringComparison.Ordinal);
        Assert.Equal("unknown", Assert.Single(estate.Clusters).Region);
    }

    [Fact]
    public void NodesAndKarmada_ProvidersDiffer_IsAnError()
    {
        var (_, diagnostics) = ImportHarness.Load("x.yaml", FraNode + Karmada("provider: Azure, region: germanywestcentral"));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceConflict);
        Assert.Contains("provider 'aws'", d.Message, StringComparison.Ordinal);
        Assert.Contains("'azure'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NodesWithoutRegion_KarmadaAddsIt_IsAWarningAndTheRegionIsUsed()
    {
        const string azureNode = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss/virtualMachines/0'}\n---\n";
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", azureNode + Karmada("provider: Azure, region: West Europe"));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceMerged);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("karmada adds region 'westeurope' (x.yaml:9:", d.Message, StringComparison.Ordinal);
        Assert.Contains("kubernetes (first from x.yaml:1:1)", d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(diagnostics, x => x.Severity == DiagnosticSeverity.Error);
        Assert.Equal("westeurope", Assert.Single(estate.Clusters).Region);
    }

    [Fact]
    public void KarmadaAndOcm_RegionsDiffer_IsAnErrorNamingBoth()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Karmada("provider: aws, region: eu-central-1") + Ocm("cloud: Amazon, region: eu-west-1"));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceConflict);
        Assert.Contains("described by karmada", d.Message, StringComparison.Ordinal);
        Assert.Contains("and by ocm", d.Message, StringComparison.Ordinal);
        Assert.Equal("unknown", Assert.Single(estate.Clusters).Region);
    }

    [Fact]
    public void OnPremNodes_OcmWithTheSameUnknownLocation_AddsNothing()
    {
        const string bareNode = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {}\n---\n";
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", bareNode + Ocm("cloud: BareMetal"));
        Assert.Empty(Merging(diagnostics));
        Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceValueUnknown); // the Nodes' warning, not a second one
        Assert.Equal("ZZ", Assert.Single(estate.Clusters).Country);
    }
}
