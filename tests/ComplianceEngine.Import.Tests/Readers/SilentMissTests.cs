using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Readers;

/// <summary>
/// Second sweep of the importers for lookups that missed silently: a namespace defaulted without a word, a required
/// provider read as "unknown", a replication status that is neither value AWS accepts, a Karmada binding whose workload
/// is not imported. Each test was written before its fix.
/// </summary>
public sealed class SilentMissTests
{
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";

    private static string Workload(string ns) =>
        $"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n{ns}  annotations: {{compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}}\n"
        + "spec:\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: c, image: postgres}]}\n---\n";

    /// <summary>
    /// A workload manifest without <c>metadata.namespace</c> lands where <c>kubectl apply</c> puts it (its <c>-n</c> or
    /// the context's namespace, <c>default</c> without either): read as <c>default</c>, a Velero backup or Karmada policy
    /// of its real namespace would miss it, so the assumption is said at the object.
    /// </summary>
    [Fact]
    public void Workload_WithoutNamespace_IsReadAsDefaultWithAWarning()
    {
        var text = Node + Workload("");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Single(estate.Stores);
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceNamespaceAssumed);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("'default'", warning.Message, StringComparison.Ordinal);
        Assert.Equal(6, warning.Location.Line); // the object's first line, after the Node's four and the separator
    }

    [Fact]
    public void Workload_WithNamespace_NoWarning()
    {
        var (_, diagnostics) = ImportHarness.Load("x.yaml", Node + Workload("  namespace: p\n"));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceNamespaceAssumed);
    }

    /// <summary>
    /// Velero's BackupStorageLocation and VolumeSnapshotLocation require <c>spec.provider</c>
    /// (vmware-tanzu/velero@v1.18.1 <c>pkg/apis/velero/v1/backupstoragelocation_types.go</c>,
    /// <c>volume_snapshot_location_type.go</c>): without it the object is malformed, not a location of provider "other".
    /// </summary>
    [Theory]
    [InlineData("BackupStorageLocation", "{objectStorage: {bucket: b}, config: {region: eu-west-1}}")]
    [InlineData("VolumeSnapshotLocation", "{config: {region: eu-west-1}}")]
    public void Velero_LocationWithoutProvider_IsAnError(string kind, string spec)
    {
        var text = $"apiVersion: velero.io/v1\nkind: {kind}\nmetadata: {{name: l, namespace: velero}}\nspec: {spec}\n";
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Contains("spec.provider", error.Message, StringComparison.Ordinal);
    }

    private static string Plan(string status) =>
        "{\"format_version\":\"1.2\",\"resource_changes\":["
        + "{\"address\":\"aws_s3_bucket.a\",\"mode\":\"managed\",\"type\":\"aws_s3_bucket\",\"name\":\"a\",\"change\":{\"actions\":[\"create\"],\"after\":{\"bucket\":\"eu-a\",\"region\":\"eu-west-1\",\"tags\":{\"compliance-engine.io/categories\":\"user.contact\"}}}},"
        + "{\"address\":\"aws_s3_bucket.b\",\"mode\":\"managed\",\"type\":\"aws_s3_bucket\",\"name\":\"b\",\"change\":{\"actions\":[\"create\"],\"after\":{\"bucket\":\"us-b\",\"region\":\"us-east-1\"}}},"
        + "{\"address\":\"aws_s3_bucket_replication_configuration.r\",\"mode\":\"managed\",\"type\":\"aws_s3_bucket_replication_configuration\",\"name\":\"r\",\"change\":{\"actions\":[\"create\"],\"after\":{\"bucket\":\"eu-a\",\"rule\":[{\"id\":\"all\",\"status\":\"" + status + "\",\"destination\":[{\"bucket\":\"arn:aws:s3:::us-b\"}]}]}}}"
        + "]}";

    /// <summary>
    /// An S3 replication rule's <c>status</c> is <c>Enabled</c> or <c>Disabled</c> (hashicorp/terraform-provider-aws
    /// <c>website/docs/r/s3_bucket_replication_configuration.html.markdown</c>); anything else was read as disabled,
    /// dropping the replica. It is an error, and the rule is read as enabled.
    /// </summary>
    [Fact]
    public void S3Replication_StatusThatIsNeitherValue_IsAnErrorAndReadAsEnabled()
    {
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan("Enabeld"));
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Contains("did you mean 'Enabled'", error.Message, StringComparison.Ordinal);
        Assert.Equal(["us-b"], estate.Stores.Single(s => s.Name == "eu-a").Replicas.Select(r => r.Name));
    }

    [Fact]
    public void S3Replication_Disabled_IsNoReplica()
    {
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan("Disabled"));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(estate.Stores.Single(s => s.Name == "eu-a").Replicas);
    }

    /// <summary>
    /// A Karmada ResourceBinding (karmada-io/karmada@f8fdd02d <c>pkg/apis/work/v1alpha2/binding_types.go</c>) whose
    /// <c>spec.resource</c> is no imported workload places nothing the engine reads: said, not skipped.
    /// </summary>
    [Fact]
    public void Karmada_BindingOfAWorkloadNotImported_IsAWarning()
    {
        var text = Node + Workload("  namespace: p\n")
            + "apiVersion: work.karmada.io/v1alpha2\nkind: ResourceBinding\nmetadata: {name: web-deployment, namespace: p}\n"
            + "spec:\n  resource: {apiVersion: apps/v1, kind: Deployment, namespace: p, name: web}\n  clusters: [{name: member1}]\n";
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceDanglingReference);
        Assert.Contains("Deployment 'p/web'", warning.Message, StringComparison.Ordinal);
    }

    private const string GcpNode = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'gce://acme/europe-west3-a/n1'}\n---\n";

    private static string GcpBackup(string vslConfig) =>
        GcpNode + Workload("  namespace: p\n")
        + "apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: default, namespace: velero}\nspec: {provider: velero.io/gcp, default: true, objectStorage: {bucket: b}}\n---\n"
        + $"apiVersion: velero.io/v1\nkind: VolumeSnapshotLocation\nmetadata: {{name: gcp, namespace: velero}}\nspec: {{provider: velero.io/gcp{vslConfig}}}\n---\n"
        + "apiVersion: velero.io/v1\nkind: Backup\nmetadata: {name: b1, namespace: velero}\nspec: {includedNamespaces: [p]}\n";

    /// <summary>
    /// A GCP VolumeSnapshotLocation without <c>snapshotLocation</c> keeps snapshots in GCP's default location, the
    /// multi-region nearest the disk (vmware-tanzu/velero-plugin-for-gcp@21064650929001a8f26c8b1b9aa3dc2ae8db78eb
    /// <c>volumesnapshotlocation.md</c>: "If not specified the snapshots are stored in the default location"): not the
    /// disk's region as read before, so the copy is indeterminate.
    /// </summary>
    [Fact]
    public void Velero_GcpSnapshotLocationWithoutLocation_IsIndeterminate()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", GcpBackup(""));
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.SourceValueUnknown && d.Message.Contains("default location", StringComparison.Ordinal));
        var snapshots = estate.Stores.Single(s => s.Name == "gcp-snapshots-default");
        Assert.Equal("gcp-unknown", snapshots.Cluster!.Name);
        Assert.Contains("gcp-snapshots-default", estate.Stores.Single(s => s.Name == "db").Backups.Select(b => b.Name));
    }

    [Fact]
    public void Velero_GcpSnapshotLocationMultiRegion_IsTheCatalogsSpelling()
    {
        var (estate, _) = ImportHarness.Load("x.yaml", GcpBackup(", config: {snapshotLocation: eu}"));
        Assert.Equal("gcp-EU", estate.Stores.Single(s => s.Name == "gcp-snapshots-eu").Cluster!.Name);
    }

    /// <summary>
    /// fideslang's <c>PrivacyDeclaration.data_use</c> is required (ethyca/fideslang@40394c46 <c>src/fideslang/models.py</c>):
    /// a declaration without it said nothing of why the data moves, and the flows were read with the default purpose.
    /// </summary>
    [Fact]
    public void Fides_DeclarationWithoutDataUse_IsAnError()
    {
        var text = "system:\n  - fides_key: a\n    system_type: Service\n    meta: {k8s_cluster: fra}\n    egress: [{fides_key: b, type: system}]\n"
            + "    privacy_declarations: [{name: p, data_categories: [user.contact], data_subjects: [customer]}]\n"
            + "  - fides_key: b\n    system_type: Service\n    meta: {k8s_cluster: fra}\n    privacy_declarations: [{name: q, data_use: essential, data_categories: [user.contact], data_subjects: [customer]}]\n";
        var (_, diagnostics) = ImportHarness.Load("systems.yml", Node + text);
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Contains("data_use", error.Message, StringComparison.Ordinal);
        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
    }

    private static string OneChange(string type, string after) =>
        "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"" + type + ".t\",\"mode\":\"managed\",\"type\":\"" + type + "\",\"name\":\"t\",\"change\":{\"actions\":[\"create\"],\"after\":" + after + "}}]}";

    /// <summary>
    /// A DynamoDB global table replica whose <c>region_name</c> is unknown until apply was a warning that called it
    /// indeterminate, while no replica was added: the copy disappeared. It is now a replica at an unknown location.
    /// </summary>
    [Fact]
    public void DynamoReplica_RegionUnknown_IsAnIndeterminateReplica()
    {
        var (estate, diagnostics) = ImportHarness.Load("plan.json", OneChange("aws_dynamodb_table", "{\"name\":\"orders\",\"region\":\"eu-west-1\",\"replica\":[{\"region_name\":\"us-east-1\"},{\"region_name\":null}]}"));
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.SourceValueUnknown);
        Assert.Equal(["aws-unknown", "aws-us-east-1"], estate.Stores.Single().Replicas.Select(r => r.Name).Order(StringComparer.Ordinal));
    }

    /// <summary>A GCS custom dual-region whose data location is unknown until apply: a warning and an indeterminate replica, not a crash.</summary>
    [Fact]
    public void GcsDualRegion_LocationUnknown_IsIndeterminateNotACrash()
    {
        var (estate, diagnostics) = ImportHarness.Load("plan.json", OneChange("google_storage_bucket", "{\"name\":\"lake\",\"location\":\"EU\",\"custom_placement_config\":[{\"data_locations\":[\"EUROPE-WEST3\",null]}]}"));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.InternalError);
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.SourceValueUnknown && d.Message.Contains("data_locations", StringComparison.Ordinal));
        var store = estate.Stores.Single();
        Assert.Equal("gcp-europe-west3", store.Cluster!.Name);
        Assert.Equal(["gcp-unknown"], store.Replicas.Select(r => r.Name));
    }
}

