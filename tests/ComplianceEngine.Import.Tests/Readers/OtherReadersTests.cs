using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Import.Tests.Readers;

/// <summary>Velero, Istio, Karmada, OCM and Fides readers: the misses and the choices that matter.</summary>
public sealed class OtherReadersTests
{
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";

    private static string Workload(string name, string ns, string extra = "") =>
        $"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels: {{tier: data}}\n  annotations: {{compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact{extra}}}\nspec: {{}}\n---\n";

    [Fact]
    public void Velero_ScheduleWithUnknownLocation_IsAnError()
    {
        var text = Node + Workload("db", "p") + "apiVersion: velero.io/v1\nkind: Schedule\nmetadata: {name: s, namespace: velero}\nspec:\n  template: {includedNamespaces: [p], storageLocation: dr}\n";
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceDanglingReference);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("'dr'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Velero_AzureLocationWithoutMapping_IsIndeterminate()
    {
        var text = Node + Workload("db", "p")
            + "apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: default, namespace: velero}\nspec: {provider: azure, default: true, objectStorage: {bucket: b}, config: {storageAccount: acct}}\n---\n"
            + "apiVersion: velero.io/v1\nkind: Backup\nmetadata: {name: b1, namespace: velero}\nspec: {includedNamespaces: ['*']}\n";
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Contains("Azure locations", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceValueUnknown).Message, StringComparison.Ordinal);
        Assert.Equal("acct", Assert.Single(estate.Stores.Single(s => s.Name == "db").Backups).Name);
        Assert.Equal("azure-unknown", estate.Stores.Single(s => s.Name == "acct").Cluster!.Name);
    }

    [Fact]
    public void Velero_TwoLocationsWithOneName_IsAnErrorNotACrash()
    {
        // Found by the importer fuzzer: a second BackupStorageLocation of the same name threw from a dictionary.
        const string Bsl = "apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: bsl, namespace: NS}\nspec: {provider: aws, objectStorage: {bucket: bk}, config: {region: eu-west-1}}\n---\n";
        var text = Node + Workload("db", "p") + Bsl.Replace("NS", "velero", StringComparison.Ordinal) + Bsl.Replace("NS", "other", StringComparison.Ordinal);
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceDuplicateName);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("two Velero BackupStorageLocations are named 'bsl'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Velero_ExcludedNamespace_IsNotBackedUp()
    {
        var text = Node + Workload("db", "p") + Workload("db2", "q")
            + "apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: bsl, namespace: velero}\nspec: {provider: aws, objectStorage: {bucket: bk}, config: {region: eu-west-1}}\n---\n"
            + "apiVersion: velero.io/v1\nkind: Schedule\nmetadata: {name: s, namespace: velero}\nspec:\n  template: {excludedNamespaces: [q], storageLocation: bsl}\n";
        var (estate, _) = ImportHarness.Load("x.yaml", text);
        Assert.Single(estate.Stores.Single(s => s.Name == "db").Backups);
        Assert.Empty(estate.Stores.Single(s => s.Name == "db2").Backups);
    }

    [Fact]
    public void Istio_PlainHttp_IsNotEncrypted_AndMeshInternalIsNotEgress()
    {
        var text = Node + Workload("db", "p")
            + "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: a, namespace: p}\nspec: {hosts: [h.example], ports: [{number: 80, name: http, protocol: HTTP}]}\n---\n"
            + "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: b, namespace: p}\nspec: {hosts: [in.example], location: MESH_INTERNAL}\n";
        var (estate, _) = ImportHarness.Load("x.yaml", text);
        var flow = Assert.Single(estate.Flows);
        Assert.False(flow.EncryptedInTransit);
        Assert.Equal("h.example", Assert.Single(estate.Recipients).Name);
    }

    [Fact]
    public void Istio_WithoutHosts_IsAnError()
    {
        var (_, diagnostics) = ImportHarness.Load("x.yaml", "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: a, namespace: p}\nspec: {location: MESH_EXTERNAL}\n");
        Assert.Equal(DiagnosticSeverity.Error, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceMalformed).Severity);
    }

    private const string Members =
        "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: fra, labels: {env: prod}}\nspec: {syncMode: Push, provider: aws, region: eu-central-1}\n---\n"
        + "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: iad, labels: {env: dr}}\nspec: {syncMode: Push, provider: aws, region: us-east-1}\n---\n";

    [Fact]
    public void Karmada_ClusterAffinities_EveryFailoverTermCounts()
    {
        var text = Members + Workload("db", "p")
            + "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: pp, namespace: p}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: StatefulSet, name: db}]\n"
            + "  placement:\n    clusterAffinities:\n      - {affinityName: primary, clusterNames: [fra]}\n      - {affinityName: backup, labelSelector: {matchLabels: {env: dr}}}\n";
        var (estate, _) = ImportHarness.Load("x.yaml", text);
        Assert.Equal("iad", Assert.Single(estate.Stores.Single().Replicas).Name);
    }

    [Fact]
    public void Karmada_FieldSelectorNotIn_KeepsTheWorkloadHome()
    {
        var text = Members + Workload("db", "p")
            + "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: pp, namespace: p}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: StatefulSet}]\n"
            + "  placement:\n    clusterAffinity:\n      fieldSelector:\n        matchExpressions: [{key: region, operator: NotIn, values: [us-east-1]}]\n";
        var (estate, _) = ImportHarness.Load("x.yaml", text);
        Assert.Empty(estate.Stores.Single().Replicas);
    }

    [Fact]
    public void Karmada_PolicySelectingNothing_IsAWarning()
    {
        var text = Members + Workload("db", "p")
            + "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: pp, namespace: p}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: StatefulSet}]\n"
            + "  placement:\n    clusterAffinity: {labelSelector: {matchLabels: {env: staging}}}\n";
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Contains("selects none", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceDanglingReference).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ocm_RegionLabel_IsTheFallbackForTheClaim()
    {
        var (estate, _) = ImportHarness.Load("x.yaml",
            "apiVersion: cluster.open-cluster-management.io/v1\nkind: ManagedCluster\nmetadata: {name: m, labels: {cloud: Amazon, region: ap-south-1}}\nspec: {hubAcceptsClient: true}\n");
        var cluster = Assert.Single(estate.Clusters);
        Assert.Equal(("aws", "ap-south-1"), (cluster.Provider, cluster.Region));
    }

    [Fact]
    public void Fides_EgressToUnknownSystem_IsIndeterminateWithAWarning()
    {
        var text = "system:\n  - fides_key: a\n    system_type: Service\n    meta: {k8s_cluster: fra}\n    egress: [{fides_key: vendor_x, type: system}]\n    privacy_declarations: [{name: p, data_use: essential, data_categories: [user.contact], data_subjects: [customer]}]\n";
        var (docs, diagnostics) = ImportHarness.Import("s.yml", text);
        Assert.Contains("vendor_x", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceDanglingReference).Message, StringComparison.Ordinal);
        Assert.Contains("country: \"ZZ\"", NativeYamlWriter.ToText("s.yml", docs), StringComparison.Ordinal);
    }

    [Fact]
    public void Fides_ThirdCountryNotAlpha3_IsAWarning()
    {
        var text = "system:\n  - fides_key: a\n    system_type: Service\n    meta: {k8s_cluster: fra}\n    third_country_transfers: [XYZ]\n    privacy_declarations: [{name: p, data_use: essential, data_categories: [user.contact], data_subjects: [customer]}]\n";
        var (_, diagnostics) = ImportHarness.Import("s.yml", text);
        Assert.Contains("'XYZ'", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceValueUnknown).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fides_SystemWithoutKey_IsAnError()
    {
        var (_, diagnostics) = ImportHarness.Import("s.yml", "system:\n  - fides_key: a\n    system_type: Service\n  - name: nameless\n");
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed && d.Severity == DiagnosticSeverity.Error);
    }

    [Theory]
    [InlineData("improve.system", "processing")] // fideslang 2.0 replaced it with functional.service.improve
    [InlineData("improve", "processing")] // ... and improve with functional
    [InlineData("train_ai_system", "ml-training")]
    [InlineData("marketing.advertising", "processing")]
    [InlineData("analytics.reporting", "analytics")]
    public void Fides_DataUse_MapsToAPurpose(string use, string purpose) => Assert.Equal(purpose, Fides.FidesReader.Purpose(use));

    /// <summary>
    /// A fideslang 1.x data use means what its 2.0 replacement means: for every deprecated row of the shipped table, the
    /// old key and its replacement give the same purpose (improve.system was "analytics", functional.service.improve "processing").
    /// </summary>
    [Fact]
    public void Fides_DeprecatedDataUse_HasItsReplacementsPurpose()
    {
        var rows = File.ReadAllLines(Repo.Path("src", "ComplianceEngine.Import", "Fides", "fideslang-data-uses.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).Where(c => c.Length == 2 && c[1].Length > 0).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(Fides.FidesReader.Purpose(r[1]), Fides.FidesReader.Purpose(r[0])));
    }
}
