using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Kubernetes;

public sealed class KubernetesReaderTests
{
    private static string Node(string name, string labels = "{}", string? providerId = null) =>
        $"apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels: {labels}\nspec: {{{(providerId is null ? "" : "providerID: " + providerId)}}}\n";

    [Theory]
    [InlineData("aws:///eu-west-1c/i-0abc", "aws", "eu-west-1")]
    [InlineData("aws://us-east-1-bos-1a/i-0abc", "aws", "us-east-1")]
    [InlineData("gce://proj/europe-west3-b/gke-node", "gcp", "europe-west3")]
    public void Node_ProviderId_GivesProviderAndRegion(string providerId, string provider, string region)
    {
        var (estate, diagnostics) = ImportHarness.Load("c1.yaml", Node("n1", providerId: providerId));
        Assert.Empty(diagnostics);
        var cluster = Assert.Single(estate.Clusters);
        Assert.Equal(("c1", provider, region), (cluster.Name, cluster.Provider, cluster.Region));
    }

    [Fact]
    public void Node_DeprecatedRegionLabel_IsRead()
    {
        var (estate, _) = ImportHarness.Load("c1.yaml", Node("n1", "{failure-domain.beta.kubernetes.io/region: eu-west-2, eks.amazonaws.com/nodegroup: a}"));
        Assert.Equal(("aws", "eu-west-2"), (estate.Clusters[0].Provider, estate.Clusters[0].Region));
    }

    [Fact]
    public void Node_AksZoneAndNodeResourceGroup_GiveTheRegion()
    {
        var zoned = ImportHarness.Load("a.yaml", Node("n1", "{topology.kubernetes.io/zone: germanywestcentral-2, kubernetes.azure.com/agentpool: sys}", "azure:///subscriptions/s/resourceGroups/mc_rg_aks_germanywestcentral/providers/Microsoft.Compute/virtualMachineScaleSets/v/virtualMachines/2"));
        Assert.Equal(("azure", "germanywestcentral"), (zoned.Estate.Clusters[0].Provider, zoned.Estate.Clusters[0].Region));
        var faultDomain = ImportHarness.Load("b.yaml", Node("n1", "{topology.kubernetes.io/zone: '0', kubernetes.azure.com/cluster: MC_rg-payments_aks-payments_westeurope}"));
        Assert.Equal("westeurope", faultDomain.Estate.Clusters[0].Region);
    }

    [Fact]
    public void Node_EksHybrid_IsOnPremisesAndIndeterminate()
    {
        var (estate, diagnostics) = ImportHarness.Load("h.yaml", Node("n1", "{eks.amazonaws.com/compute-type: hybrid, topology.kubernetes.io/region: eu-west-1}", "eks-hybrid:///eu-west-1/h/n1"));
        Assert.Equal("onprem", estate.Clusters[0].Provider);
        Assert.Equal(ImportSession.UnknownCountry, estate.Clusters[0].Country);
        Assert.Equal(DiagnosticSeverity.Warning, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceValueUnknown).Severity);
    }

    [Fact]
    public void Nodes_InTwoRegions_MakeTheClusterIndeterminate()
    {
        var text = Node("n1", "{topology.kubernetes.io/region: eu-west-1, eks.amazonaws.com/nodegroup: a}") + "---\n" + Node("n2", "{topology.kubernetes.io/region: us-east-1, eks.amazonaws.com/nodegroup: a}");
        var (estate, diagnostics) = ImportHarness.Load("c.yaml", text);
        Assert.Equal("unknown", estate.Clusters[0].Region);
        Assert.Contains("eu-west-1, us-east-1", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceValueUnknown).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nodes_ClusterLabel_SplitsOneFileIntoClusters()
    {
        var text = Node("n1", "{compliance-engine.io/cluster: a, topology.kubernetes.io/region: eu-west-1, eks.amazonaws.com/nodegroup: x}") + "---\n"
            + Node("n2", "{compliance-engine.io/cluster: b, topology.kubernetes.io/region: us-east-1, eks.amazonaws.com/nodegroup: x}");
        var (estate, _) = ImportHarness.Load("all.yaml", text);
        Assert.Equal(["a", "b"], estate.Clusters.Select(c => c.Name).Order().ToArray());
    }

    [Fact]
    public void Node_WithoutName_IsAnError()
    {
        var (_, diagnostics) = ImportHarness.Load("c.yaml", "apiVersion: v1\nkind: Node\nmetadata: {labels: {}}\n");
        Assert.Equal(DiagnosticSeverity.Error, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceMalformed).Severity);
    }

    [Fact]
    public void Workload_Annotated_IsAStoreOnTheFileCluster_WithItsPosition()
    {
        var text = Node("n1", providerId: "aws:///eu-west-1a/i-1") + "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: p\n  annotations:\n    compliance-engine.io/categories: user.contact\n    compliance-engine.io/individuals: '10'\nspec: {}\n";
        var (estate, diagnostics) = ImportHarness.Load("prod.yaml", text);
        Assert.Empty(diagnostics);
        var store = Assert.Single(estate.Stores);
        Assert.Equal(("db", "prod", 10L), (store.Name, store.Cluster!.Name, store.Individuals!.Value));
        Assert.Equal(8, store.Info.Location.Line);
    }

    [Fact]
    public void Workload_StoreAnnotationAndMapping_NameAndDescribeIt()
    {
        var text = "apiVersion: compliance/v1\nkind: ImportMapping\nmetadata: {name: m}\nspec:\n  rules:\n    - match: {address: 'p/PersistentVolumeClaim/*'}\n      categories: [user.device]\n      cluster: c9\n"
            + "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data-0\n  namespace: p\n  annotations: {compliance-engine.io/store: telemetry}\nspec: {}\n";
        var (docs, _) = ImportHarness.Import("x.yaml", text);
        var yaml = NativeYamlWriter.ToText("x.yaml", docs);
        Assert.Contains("name: \"telemetry\"", yaml, StringComparison.Ordinal);
        Assert.Contains("cluster: \"c9\"", yaml, StringComparison.Ordinal);
        Assert.Contains("categories: [\"user.device\"]", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Workload_NotAnnotated_IsNamedInAWarning()
    {
        var (estate, diagnostics) = ImportHarness.Load("c.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: p}\nspec: {}\n");
        Assert.Empty(estate.Stores);
        Assert.Contains("Deployment/p/web", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceNotRead).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void List_WithUnreadKinds_NamesThemInAWarning()
    {
        var text = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: s}\n  - apiVersion: v1\n    kind: Node\n    metadata: {name: n, labels: {}}\n";
        var (_, diagnostics) = ImportHarness.Load("c.yaml", text);
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.SourceNotRead && d.Message.Contains("Service", StringComparison.Ordinal));
    }
}
