using ComplianceEngine.Import.Velero;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Tests.Velero;

/// <summary>
/// A backup's resourcePolicy volume policies, as vmware-tanzu/velero@d30d389b56068eebd675d9953492183cb7b58a78 documents
/// and implements them (<c>site/content/docs/main/resource-filtering.md</c> "Resource policies";
/// <c>internal/resourcepolicies/resource_policies.go</c>, <c>volume_resources.go</c>): a ConfigMap in the backup's
/// namespace with one data key, <c>version: v1</c>, <c>volumePolicies</c> of conditions (capacity and storageClass of the
/// PersistentVolume, pvcLabels and pvcPhase of the claim, csi, nfs, volumeTypes) and an action (skip, fs-backup,
/// snapshot); the first match wins, and a snapshot action beats <c>snapshotVolumes: false</c>. What the inputs cannot
/// decide is over-reported, with a warning.
/// </summary>
public sealed class VeleroResourcePolicyTests
{
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";

    private static string Db(string claimSpec = "storageClassName: gp3, resources: {requests: {storage: 10Gi}}") =>
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: p\n"
        + "  annotations: {compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}\n"
        + "spec:\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata:\n      labels: {app: db}\n    spec: {containers: [{name: c, image: postgres}]}\n"
        + $"  volumeClaimTemplates:\n  - metadata: {{name: data, labels: {{tier: gold}}}}\n    spec: {{accessModes: [ReadWriteOnce], {claimSpec}}}\n---\n";

    private const string Locations =
        "apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: default, namespace: velero}\n"
        + "spec: {provider: aws, default: true, objectStorage: {bucket: backups-fra}, config: {region: eu-central-1}}\n---\n"
        + "apiVersion: velero.io/v1\nkind: VolumeSnapshotLocation\nmetadata: {name: ebs, namespace: velero}\n"
        + "spec: {provider: aws, config: {region: eu-central-1, altRegion: us-west-2}}\n---\n";

    private static string Backup(string extra = "") =>
        "apiVersion: velero.io/v1\nkind: Backup\nmetadata: {name: b1, namespace: velero}\nspec:\n  includedNamespaces: [p]\n  volumeSnapshotLocations: [ebs]\n"
        + $"  resourcePolicy: {{kind: configmap, name: policies}}\n{extra}---\n";

    private static string Policies(string yaml, string ns = "velero") =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: policies, namespace: {ns}}}\ndata:\n  policies.yaml: |-\n{string.Join("\n", yaml.Split('\n').Select(l => "    " + l))}\n---\n";

    private static string Rule(string conditions, string action) => $"- conditions: {{{conditions}}}\n  action: {{type: {action}}}";

    private static string V1(params string[] rules) => "version: v1\nvolumePolicies:\n" + string.Join("\n", rules);

    private static (IReadOnlyList<string> Backups, IReadOnlyList<Diagnostic> Diagnostics) Load(string text)
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Locations + text);
        return ([.. estate.Stores.Single(s => s.Name == "db").Backups.Select(b => b.Name).Order(StringComparer.Ordinal)], diagnostics);
    }

    private const string Bucket = "backups-fra";

    private static void AssertOverReported(IReadOnlyList<string> backups, IReadOnlyList<Diagnostic> diagnostics, string why)
    {
        Assert.Equal(3, backups.Count); // the bucket, and the snapshots in eu-central-1 and us-west-2
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSelectorUndecided);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains(why, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyConfigMapNotAmongTheInputs_OverReported_WithAWarning()
    {
        var (backups, diagnostics) = Load(Db() + Backup());
        AssertOverReported(backups, diagnostics, "the ConfigMap is not among the inputs");
    }

    [Fact]
    public void PolicyConfigMapInAnotherNamespace_IsNotTheOneVeleroReads()
    {
        var (backups, diagnostics) = Load(Db() + Backup() + Policies(V1(Rule("storageClass: [gp3]", "skip")), ns: "p"));
        AssertOverReported(backups, diagnostics, "the ConfigMap is not among the inputs");
    }

    [Fact]
    public void Skip_ByStorageClass_CopiesNothing_WithANote()
    {
        // Before: a warning that the policy was not applied, and all three copies kept.
        var (backups, diagnostics) = Load(Db() + Backup() + Policies(V1(Rule("storageClass: [gp3]", "skip"))));
        Assert.Empty(backups);
        Assert.Contains("skip every volume of db", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceCopyNotMade).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(diagnostics, d => d.Code is DiagnosticCodes.SourceSelectorUndecided or DiagnosticCodes.SourceNotRead);
    }

    [Fact]
    public void FsBackup_ByClaimLabels_GoesToTheStorageLocationOnly()
    {
        var (backups, diagnostics) = Load(Db() + Backup() + Policies(V1(Rule("pvcLabels: {tier: gold}", "fs-backup"))));
        Assert.Equal([Bucket], backups);
        Assert.Contains("by fs-backup", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceCopyNotMade).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FirstMatchWins()
    {
        var (backups, _) = Load(Db() + Backup() + Policies(V1(Rule("storageClass: [standard]", "skip"), Rule("storageClass: [gp3]", "fs-backup"), Rule("", "skip"))));
        Assert.Equal([Bucket], backups);
    }

    [Fact]
    public void SnapshotAction_BeatsSnapshotVolumesFalse()
    {
        var (backups, diagnostics) = Load(Db() + Backup("  snapshotVolumes: false\n") + Policies(V1(Rule("storageClass: [gp3]", "snapshot"))));
        Assert.Equal(3, backups.Count);
        Assert.DoesNotContain(diagnostics, d => d.Code is DiagnosticCodes.SourceSelectorUndecided or DiagnosticCodes.SourceCopyNotMade);
    }

    [Fact]
    public void NoPolicyMatches_TheBackupsOwnSettingsDecide()
    {
        var (backups, diagnostics) = Load(Db() + Backup("  snapshotVolumes: false\n") + Policies(V1(Rule("storageClass: [standard]", "snapshot"))));
        Assert.Equal([Bucket], backups);
        Assert.Contains("snapshotVolumes is false", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceCopyNotMade).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'5Gi,'", true)] // the volume holds at least the 10Gi requested
    [InlineData("',5Gi'", false)] // more than 5Gi: no match
    [InlineData("'1Gi,20Gi'", null)] // the volume may be larger than requested
    [InlineData("'20Gi,'", null)]
    public void Capacity_IsDecidedOnlyWhereTheRequestSettlesIt(string range, bool? skipped)
    {
        var (backups, diagnostics) = Load(Db() + Backup() + Policies(V1(Rule($"capacity: {range}", "skip"))));
        if (skipped is null) AssertOverReported(backups, diagnostics, "the capacity condition");
        else Assert.Equal(skipped.Value ? 0 : 3, backups.Count);
    }

    [Theory]
    [InlineData("csi: {driver: ebs.csi.aws.com}", "the csi condition")]
    [InlineData("nfs: {}", "the nfs condition")]
    [InlineData("volumeTypes: [csi]", "the volumeTypes condition")]
    [InlineData("pvcPhase: [Bound]", "its phase is not among the inputs")]
    [InlineData("pvcAnnotations: {a: b}", "condition 'pvcAnnotations', which the reader does not know")]
    public void ConditionsTheInputsCannotDecide_OverReported(string condition, string why)
    {
        var (backups, diagnostics) = Load(Db() + Backup() + Policies(V1(Rule(condition, "skip"))));
        AssertOverReported(backups, diagnostics, why);
    }

    [Fact]
    public void StorageClass_OfAClaimWithoutOne_IsTheDefaultClass_Undecided()
    {
        var (backups, diagnostics) = Load(Db("resources: {requests: {storage: 10Gi}}") + Backup() + Policies(V1(Rule("storageClass: [gp3]", "skip"))));
        AssertOverReported(backups, diagnostics, "it has no storageClassName");
    }

    [Fact]
    public void AnActionTheReaderDoesNotKnow_OverReported()
    {
        var (backups, diagnostics) = Load(Db() + Backup() + Policies(V1(Rule("storageClass: [gp3]", "custom"))));
        AssertOverReported(backups, diagnostics, "action 'custom'");
    }

    [Fact]
    public void AVersionVeleroDoesNotSupport_NotApplied()
    {
        var (backups, diagnostics) = Load(Db() + Backup() + Policies("version: v2\nvolumePolicies:\n" + Rule("storageClass: [gp3]", "skip")));
        AssertOverReported(backups, diagnostics, "its version is 'v2'");
    }

    private static string IncludeExclude(string lists, string volumePolicies = "") => "version: v1\nincludeExcludePolicy:\n" + lists + volumePolicies;

    private static string BackupWith(string filters) =>
        "apiVersion: velero.io/v1\nkind: Backup\nmetadata: {name: b1, namespace: velero}\nspec:\n  includedNamespaces: [p]\n  volumeSnapshotLocations: [ebs]\n"
        + $"  resourcePolicy: {{kind: configmap, name: policies}}\n{filters}---\n";

    [Fact]
    public void IncludeExcludePolicy_TheDocsExample_TakesPodsAndClaims_NoWarning()
    {
        // Velero's docs ("IncludeExcludePolicy"): all CRDs, and every resource of the namespace but configmaps and events.
        // Before: a CE2065 warning that the policy was not applied.
        var lists = "  includedClusterScopedResources: [crd]\n  excludedClusterScopedResources: []\n  includedNamespaceScopedResources: []\n  excludedNamespaceScopedResources: [configmap, event]\n";
        var (backups, diagnostics) = Load(Db() + Backup() + Policies(IncludeExclude(lists, "volumePolicies:\n" + Rule("storageClass: [gp3]", "fs-backup"))));
        Assert.Equal([Bucket], backups);
        Assert.DoesNotContain(diagnostics, d => d.Code is DiagnosticCodes.SourceSelectorUndecided or DiagnosticCodes.SourceMalformed);
    }

    [Fact]
    public void IncludeExcludePolicy_TheDocsTemplate_TakesPodsClaimsAndVolumes()
    {
        var lists = "  includedClusterScopedResources: [crd, pv]\n  excludedClusterScopedResources: []\n"
            + "  includedNamespaceScopedResources: [pod, service, deployment, pvc]\n  excludedNamespaceScopedResources: [configmap, secret]\n";
        var (backups, diagnostics) = Load(Db() + Backup() + Policies(IncludeExclude(lists)));
        Assert.Equal(3, backups.Count);
        Assert.DoesNotContain(diagnostics, d => d.Code is DiagnosticCodes.SourceSelectorUndecided or DiagnosticCodes.SourceMalformed);
    }

    [Fact]
    public void IncludeExcludePolicy_IncludesNoPodsOrClaims_CopiesNothing_WithANote()
    {
        // Before: all three copies, and a warning. The policy's includes become the backup's (it sets none): no pods, claims
        // or volumes, and cluster-scoped resources only as listed (the backup takes one namespace).
        var lists = "  includedNamespaceScopedResources: [deployments, services, configmaps]\n";
        var (backups, diagnostics) = Load(Db() + Backup() + Policies(IncludeExclude(lists)));
        Assert.Empty(backups);
        var note = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceCopyNotMade);
        Assert.Contains("its resource filters, merged with the includeExcludePolicy of its resourcePolicy, take no pods, persistentvolumeclaims or persistentvolumes", note.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceSelectorUndecided);
    }

    [Fact]
    public void IncludeExcludePolicy_ExcludesPodsAndClaims_CopiesNothing()
    {
        var (backups, _) = Load(Db() + Backup() + Policies(IncludeExclude("  excludedNamespaceScopedResources: [pods, persistentvolumeclaims]\n")));
        Assert.Empty(backups);
    }

    [Fact]
    public void IncludeExcludePolicy_TheBackupsOwnFiltersWin()
    {
        // Velero's CombineWithPolicy test: the backup includes pods, the policy excludes them: pods are taken. The claims
        // the policy adds make the snapshots too.
        var filters = "  includedNamespaceScopedResources: [pods]\n";
        var (onlyPods, _) = Load(Db() + BackupWith(filters) + Policies(IncludeExclude("  excludedNamespaceScopedResources: [pods, secrets]\n")));
        Assert.Equal([Bucket], onlyPods);
        var (withClaims, diagnostics) = Load(Db() + BackupWith(filters) + Policies(IncludeExclude("  includedNamespaceScopedResources: [pvc]\n  excludedNamespaceScopedResources: [pods]\n")));
        Assert.Equal(3, withClaims.Count); // before: the policy was not applied, and the claims not taken (the bucket only)
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceSelectorUndecided);
    }

    [Fact]
    public void IncludeExcludePolicy_AResourceOfUnknownScope_OverReported_WithAWarning()
    {
        // A custom resource: whether Velero keeps it in the namespaced includes (making them not empty) is its discovery's.
        var (backups, diagnostics) = Load(Db() + Backup() + Policies(IncludeExclude("  includedNamespaceScopedResources: [widgets.example.com]\n")));
        Assert.Equal(3, backups.Count);
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSelectorUndecided);
        Assert.Contains("depends on 'widgets.example.com'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IncludeExcludePolicy_AnItemOfTheOtherScope_IsDropped()
    {
        // pv is cluster-scoped: Velero drops it from the namespaced includes, which stay empty (every namespaced resource).
        var (backups, diagnostics) = Load(Db() + Backup() + Policies(IncludeExclude("  includedNamespaceScopedResources: [pv]\n")));
        Assert.Equal(3, backups.Count);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceSelectorUndecided);
    }

    [Theory]
    [InlineData("  includedNamespaceScopedResources: ['*']\n", "has '*' in includedNamespaceScopedResources")]
    [InlineData("  includedNamespaceScopedResources: [pods]\n  excludedNamespaceScopedResources: [pods]\n", "has 'pods' in both includedNamespaceScopedResources and excludedNamespaceScopedResources")]
    [InlineData("  excludedNamespacedScopedResources: [pods]\n", "has key 'excludedNamespacedScopedResources', which Velero does not know")]
    public void IncludeExcludePolicy_VeleroRejects_AnError_NothingCopied(string lists, string why)
    {
        var (backups, diagnostics) = Load(Db() + Backup() + Policies(IncludeExclude(lists)));
        Assert.Empty(backups);
        var error = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.Contains("FailedValidation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IncludeExcludePolicy_WithTheOldFilters_VeleroRejects()
    {
        var (backups, diagnostics) = Load(Db() + BackupWith("  includedResources: [pods, persistentvolumeclaims]\n") + Policies(IncludeExclude("  excludedNamespaceScopedResources: [secrets]\n")));
        Assert.Empty(backups);
        Assert.Contains("cannot be used with includedResources", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceMalformed).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyNotAmongTheInputs_ScopedFiltersTakingNoData_OverReported()
    {
        // The backup's own filters take no pods or claims, but its resource policy, not among the inputs, could add them.
        var (backups, diagnostics) = Load(Db() + BackupWith("  includedNamespaceScopedResources: [deployments]\n"));
        Assert.Equal(3, backups.Count);
        Assert.Contains("the ConfigMap is not among the inputs", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSelectorUndecided).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APodVolumeNamingAClaimNotImported_OverReported()
    {
        var deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\n  namespace: p\n"
            + "  annotations: {compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}\n"
            + "spec:\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata:\n      labels: {app: db}\n"
            + "    spec:\n      containers: [{name: c, image: postgres}]\n      volumes: [{name: data, persistentVolumeClaim: {claimName: db-data}}]\n---\n";
        var (backups, diagnostics) = Load(deployment + Backup() + Policies(V1(Rule("storageClass: [gp3]", "skip"))));
        AssertOverReported(backups, diagnostics, "its pods mount claim 'db-data'");
    }

    [Fact]
    public void AClaimStore_IsDecidedByItsOwnClassLabelsAndPhase()
    {
        var claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: db\n  namespace: p\n"
            + "  annotations: {compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}\n"
            + "spec: {storageClassName: gp3, resources: {requests: {storage: 10Gi}}}\nstatus: {phase: Pending}\n---\n";
        var (backups, _) = Load(claim + Backup() + Policies(V1(Rule("pvcPhase: [Pending]", "skip"))));
        Assert.Empty(backups);
    }

    [Theory]
    [InlineData("10Gi", 10737418240.0)]
    [InlineData("500M", 500000000.0)]
    [InlineData("1.5Ti", 1649267441664.0)]
    [InlineData("1e3", 1000.0)]
    [InlineData("100", 100.0)]
    [InlineData("10GB", null)]
    [InlineData("-1Gi", null)]
    public void Quantity_ReadsKubernetesQuantities(string text, double? bytes)
    {
        var q = VeleroReader.Quantity(text);
        if (bytes is null) Assert.Null(q);
        else Assert.Equal((decimal)bytes.Value, q);
    }
}
