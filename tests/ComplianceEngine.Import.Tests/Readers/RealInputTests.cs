using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Readers;

/// <summary>
/// Shapes the upstream projects document and the readers used to let fall through. Each source is named beside its test.
/// </summary>
public sealed class RealInputTests
{
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";

    private static string Workload(string name, string ns) =>
        $"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\n  namespace: {ns}\n  annotations: {{compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}}\nspec: {{}}\n---\n";

    private const string Bsl =
        "apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: bsl, namespace: velero}\nspec: {provider: aws, objectStorage: {bucket: bk}, config: {region: us-east-1}}\n---\n";

    // Velero 1.18 accepts glob patterns in included/excludedNamespaces: * (any run), ? (one character), [abc], [a-z]
    // (velero.io/docs/v1.18/namespace-glob-patterns). "payments-*" matched no namespace literally, so the schedule backed
    // up nothing and the transfer to us-east-1 was lost behind a warning.
    [Fact]
    public void Velero_NamespaceGlobs_MatchLikeVelero()
    {
        var text = Node + Workload("eu", "payments-eu") + Workload("us", "payments-us") + Workload("ops", "ops") + Bsl
            + "apiVersion: velero.io/v1\nkind: Schedule\nmetadata: {name: s, namespace: velero}\nspec:\n  schedule: '0 2 * * *'\n"
            + "  template: {includedNamespaces: ['payments-*', 'op?'], excludedNamespaces: ['payments-[u-z]s'], storageLocation: bsl}\n";
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceDanglingReference);
        Assert.Equal("bk", Assert.Single(estate.Stores.Single(s => s.Name == "eu").Backups).Name);
        Assert.Equal("bk", Assert.Single(estate.Stores.Single(s => s.Name == "ops").Backups).Name);
        Assert.Empty(estate.Stores.Single(s => s.Name == "us").Backups);
    }

    [Theory]
    [InlineData("'pay**'")]
    [InlineData("'{a,b}'")]
    [InlineData("'!ops'")]
    [InlineData("'ns[]'")]
    [InlineData("'ns[ab'")]
    public void Velero_NamespacePatternVeleroRejects_IsAnErrorAtThePattern(string pattern)
    {
        var text = Node + Workload("eu", "payments-eu") + Bsl
            + $"apiVersion: velero.io/v1\nkind: Schedule\nmetadata: {{name: s, namespace: velero}}\nspec:\n  template:\n    includedNamespaces: [payments-eu, {pattern}]\n    storageLocation: bsl\n";
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("is not a namespace pattern Velero accepts", d.Message, StringComparison.Ordinal);
        Assert.Equal(24, d.Location.Line);
    }

    // Karmada's Cluster.spec.provider and OCM's platform claim / `cloud` label are free text (input-formats.md sections 2
    // and 3; ACM writes cloud: IBM). Only aws, azure and gcp were known: an Alibaba, Oracle or IBM cluster whose region
    // the catalog has was made "a cloud the engine does not know", indeterminate.
    [Theory]
    [InlineData("Alibaba Cloud", "cn-hangzhou", "alibaba", "CN")]
    [InlineData("alibabacloud", "cn-hangzhou", "alibaba", "CN")]
    [InlineData("Oracle", "eu-frankfurt-1", "oci", "DE")]
    [InlineData("IBMCloud", "us-south", "ibm", "US")]
    public void Karmada_CatalogProviderByAnyName_IsLocated(string provider, string region, string code, string country)
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml",
            $"apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {{name: m}}\nspec: {{syncMode: Push, provider: {provider}, region: {region}}}\n");
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceValueUnknown);
        var cluster = Assert.Single(estate.Clusters);
        Assert.Equal((code, region), (cluster.Provider, cluster.Region));
        Assert.Equal(country, ImportHarness.BuiltIn.Value.Resolver.Resolve(cluster, null).Country);
    }

    [Fact]
    public void Ocm_IbmCloudLabel_IsLocated()
    {
        var (estate, _) = ImportHarness.Load("x.yaml",
            "apiVersion: cluster.open-cluster-management.io/v1\nkind: ManagedCluster\nmetadata: {name: m, labels: {cloud: IBM, region: us-south}}\nspec: {hubAcceptsClient: true}\n");
        var cluster = Assert.Single(estate.Clusters);
        Assert.Equal(("ibm", "us-south"), (cluster.Provider, cluster.Region));
    }

    [Fact]
    public void Karmada_UnknownProviderName_StaysIndeterminateWithAWarning()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml",
            "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: m}\nspec: {syncMode: Push, provider: huaweicloud, region: cn-north-4}\n");
        Assert.Contains("'huaweicloud' is not a cloud the engine knows", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceValueUnknown).Message, StringComparison.Ordinal);
        Assert.Equal("ZZ", Assert.Single(estate.Clusters).Country);
    }

    // Karmada's Cluster has the deprecated spec.zone and spec.zones beside spec.region (karmada-io/karmada@f8fdd02d
    // pkg/apis/cluster/v1alpha1/types.go); registrations written by hand often give only a zone. A zone names its region.
    [Theory]
    [InlineData("zones: [eu-central-1a, eu-central-1b]")]
    [InlineData("zone: eu-central-1a")]
    public void Karmada_ZoneWithoutRegion_IsReadAsItsRegion(string zones)
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml",
            $"apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {{name: m}}\nspec: {{syncMode: Push, provider: AWS, {zones}}}\n");
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceValueUnknown);
        Assert.Equal("eu-central-1", Assert.Single(estate.Clusters).Region);
    }

    [Fact]
    public void Karmada_ZonesOfTwoRegions_IsAConflictNotAGuess()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml",
            "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: m}\nspec: {syncMode: Push, provider: aws, zones: [eu-central-1a, us-east-1a]}\n");
        Assert.Contains("zones of more than one region", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceValueUnknown).Message, StringComparison.Ordinal);
        Assert.Equal("unknown", Assert.Single(estate.Clusters).Region);
    }

    // spec.providerID schemes of the cloud controller managers besides aws/azure/gce: IBM Cloud `ibm://<account>///<cluster>/<worker>`,
    // Alibaba `alicloud:///<zone>/<instance>`, Oracle `oci://<instance OCID>` (seen through code search). Their nodes were
    // read as on-premises machines ("no cloud location"), so the topology region label the CCM sets was thrown away.
    [Theory]
    [InlineData("ibm://a0bc///c0d1/kube-c0d1-w1", "us-south", "ibm", "us-south")]
    [InlineData("alicloud:///cn-hangzhou-h/i-bp1x", "cn-hangzhou", "alibaba", "cn-hangzhou")]
    [InlineData("oci://ocid1.instance.oc1.eu-frankfurt-1.abc", "eu-frankfurt-1", "oci", "eu-frankfurt-1")]
    public void Node_OtherCatalogCloud_IsReadFromItsRegionLabel(string providerId, string label, string provider, string region)
    {
        var (estate, diagnostics) = ImportHarness.Load("fra.nodes.yaml",
            $"apiVersion: v1\nkind: Node\nmetadata: {{name: n1, labels: {{topology.kubernetes.io/region: {label}}}}}\nspec: {{providerID: '{providerId}'}}\n");
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceValueUnknown);
        var cluster = Assert.Single(estate.Clusters);
        Assert.Equal((provider, region), (cluster.Provider, cluster.Region));
    }

    [Fact]
    public void Node_AlibabaWithoutRegionLabel_ReadsTheZoneOfItsProviderId()
    {
        var (estate, _) = ImportHarness.Load("fra.nodes.yaml", "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec: {providerID: 'alicloud:///cn-hangzhou-h/i-bp1x'}\n");
        var cluster = Assert.Single(estate.Clusters);
        Assert.Equal("alibaba", cluster.Provider);
        Assert.Equal("CN", ImportHarness.BuiltIn.Value.Resolver.Resolve(cluster, null).Country); // the zone, read as its region by the catalog
    }

    [Fact]
    public void Node_ProviderTheCatalogDoesNotList_IsNotCalledOnPremises()
    {
        var (estate, diagnostics) = ImportHarness.Load("fra.nodes.yaml",
            "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {topology.kubernetes.io/region: fsn1}}\nspec: {providerID: 'hcloud://4711'}\n");
        var cluster = Assert.Single(estate.Clusters);
        Assert.Equal("other", cluster.Provider);
        Assert.Equal("ZZ", cluster.Country);
        Assert.Contains("hcloud", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceValueUnknown).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportMapping_ProviderDisplayName_IsAnErrorSayingWhichCode()
    {
        var mapping = "apiVersion: compliance/v1\nkind: ImportMapping\nmetadata: {name: m}\nspec:\n  rules:\n    - match: {name: fra, kind: Node}\n      provider: Amazon Web Services\n      region: eu-central-1\n---\n";
        var (_, diagnostics) = ImportHarness.Load("m.yaml", mapping + Node);
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.InvalidValue);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.EndsWith("did you mean 'aws'?", d.Message, StringComparison.Ordinal);
        Assert.Equal(7, d.Location.Line);
    }

    private static string Entry(string ns, string exportTo = "") =>
        $"apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {{name: crm, namespace: {ns}}}\nspec: {{hosts: [api.crm.example], location: MESH_EXTERNAL, ports: [{{number: 443, name: tls, protocol: TLS}}]{exportTo}}}\n---\n";

    // Istio exports a ServiceEntry to every namespace unless exportTo says otherwise, and its docs put egress entries in a
    // namespace of their own (istio.io/v1.2/docs/ops/traffic-management/deploy-guidelines, "Cross-namespace configuration
    // sharing", with namespace: egress). Read as "only the entry's own namespace", such an entry imported no flow at all.
    [Fact]
    public void Istio_EntryWithoutExportTo_ReachesTheStoresOfEveryNamespace()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Workload("db", "payments") + Workload("crm-cache", "sales") + Entry("egress"));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceDanglingReference);
        Assert.Equal(["crm-cache-to-api.crm.example", "db-to-api.crm.example"], estate.Flows.Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    // exportTo scopes which namespaces' proxies are configured for the entry (istio/api networking/v1alpha3/service_entry.proto:
    // "Exporting a service allows it to be used by sidecars, gateways and virtual services defined in other namespaces"); it
    // blocks no traffic: under ALLOW_ANY, Istio's default outboundTrafficPolicy, a workload outside it still reaches the host
    // as unmatched (passthrough) traffic. So every namespace's stores keep their flows, and the ones outside exportTo are
    // named in a note instead of vanishing.
    [Theory]
    [InlineData(", exportTo: ['.']", "sales")]
    [InlineData(", exportTo: [sales]", "payments")]
    [InlineData(", exportTo: ['*']", null)]
    [InlineData("", null)]
    public void Istio_ExportTo_ScopesConfiguration_AndKeepsTheFlowsOfNamespacesOutsideIt(string exportTo, string? outside)
    {
        var text = Node + Workload("db", "payments") + Workload("crm-cache", "sales") + Entry("payments", exportTo);
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(["crm-cache-to-api.crm.example", "db-to-api.crm.example"], estate.Flows.Select(f => f.Name).Order(StringComparer.Ordinal));
        var notes = diagnostics.Where(d => d.Code == DiagnosticCodes.SourceEgressNotRestricted).ToList();
        if (outside is null)
        {
            Assert.Empty(notes);
            return;
        }
        var note = Assert.Single(notes);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains($"namespace '{outside}'", note.Message, StringComparison.Ordinal);
        Assert.Contains("exportTo", note.Message, StringComparison.Ordinal);
        Assert.Equal(text.Split('\n').ToList().FindIndex(l => l.Contains("exportTo", StringComparison.Ordinal)) + 1, note.Location.Line);
    }
}
