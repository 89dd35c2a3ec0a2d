using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Tests.Velero;

/// <summary>
/// What a Velero backup takes and where it copies it, as Velero 1.18 decides. Shapes from the Velero API type docs and
/// code at vmware-tanzu/velero@26ef8fa7df68dfa9ab8aa4669b8ac47340b0c510 (tag v1.18.1):
/// <c>site/content/docs/v1.18/api-types/backup.md</c> and <c>schedule.md</c> (labelSelector, orLabelSelectors,
/// snapshotVolumes, defaultVolumesToFsBackup, paused), <c>pkg/controller/backup_controller.go</c> (both selectors fail
/// validation; snapshot locations by provider), <c>pkg/backup/item_collector.go</c> (items listed per selector, their
/// union), <c>pkg/backup/actions/pod_action.go</c> (a pod brings its claims), <c>internal/volumehelper/volume_policy_helper.go</c>
/// (no snapshot when snapshotVolumes is false; file-system backup instead of a snapshot), <c>pkg/controller/schedule_controller.go</c>
/// (a paused schedule is skipped).
/// </summary>
public sealed class VeleroSelectionTests
{
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";

    private const string Bsl =
        "apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: default, namespace: velero}\n"
        + "spec: {provider: aws, default: true, objectStorage: {bucket: backups-use1}, config: {region: us-east-1}}\n---\n";

    private const string Vsl =
        "apiVersion: velero.io/v1\nkind: VolumeSnapshotLocation\nmetadata: {name: ebs, namespace: velero}\n"
        + "spec: {provider: aws, config: {region: eu-central-1, altRegion: us-west-2}}\n---\n";

    /// <summary>A StatefulSet in namespace p whose pods carry <c>app: APP</c> (and an optional pod template annotation).</summary>
    private static string StatefulSet(string name, string app, string podAnnotations = "") =>
        $"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\n  namespace: p\n  labels: {{team: data}}\n"
        + $"  annotations: {{compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}}\n"
        + $"spec:\n  selector: {{matchLabels: {{app: {app}}}}}\n  template:\n    metadata:\n      labels: {{app: {app}}}\n{podAnnotations}"
        + "    spec: {containers: [{name: c, image: postgres}]}\n---\n";

    private static string Backup(string spec) => $"apiVersion: velero.io/v1\nkind: Backup\nmetadata: {{name: b1, namespace: velero}}\nspec:\n{spec}";

    private static IReadOnlyList<string> BackupsOf(Estate estate, string store) =>
        [.. estate.Stores.Single(s => s.Name == store).Backups.Select(b => b.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public void Backup_LabelSelector_TakesOnlyTheWorkloadsWhosePodsMatch()
    {
        var text = Node + StatefulSet("db", "db") + StatefulSet("cache", "cache") + Bsl
            + Backup("  includedNamespaces: [p]\n  labelSelector: {matchLabels: {app: db}}\n");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(["backups-use1"], BackupsOf(estate, "db"));
        Assert.Empty(BackupsOf(estate, "cache"));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceSelectorUndecided);
        var note = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceCopyNotMade); // what it leaves out is said, not silent
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains("leaves out cache", note.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_OrLabelSelectors_TakesTheUnion()
    {
        var text = Node + StatefulSet("a", "a") + StatefulSet("b", "b") + StatefulSet("c", "c") + Bsl
            + Backup("  orLabelSelectors:\n  - matchLabels: {app: a}\n  - matchExpressions: [{key: app, operator: In, values: [b]}]\n");
        var (estate, _) = ImportHarness.Load("x.yaml", text);
        Assert.Single(BackupsOf(estate, "a"));
        Assert.Single(BackupsOf(estate, "b"));
        Assert.Empty(BackupsOf(estate, "c"));
    }

    [Fact]
    public void Backup_BothSelectors_IsAnErrorAtOrLabelSelectors()
    {
        var text = Node + StatefulSet("db", "db") + Bsl
            + Backup("  labelSelector: {matchLabels: {app: db}}\n  orLabelSelectors:\n  - matchLabels: {app: db}\n");
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("only one can be specified", error.Message, StringComparison.Ordinal);
        Assert.Equal(text.Split('\n').ToList().FindIndex(l => l.StartsWith("  orLabelSelectors", StringComparison.Ordinal)) + 2, error.Location.Line); // the list's first item
    }

    [Fact]
    public void Backup_SelectorItCannotEvaluate_OverIncludesWithAWarning()
    {
        var text = Node + StatefulSet("db", "db") + Bsl
            + Backup("  labelSelector:\n    matchExpressions: [{key: app, operator: Gt, values: ['1']}]\n");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Single(BackupsOf(estate, "db"));
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSelectorUndecided);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("'db'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_WorkloadWithoutPodTemplate_IsKeptWithAWarning()
    {
        var workload = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: p\n  labels: {app: other}\n"
            + "  annotations: {compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}\nspec: {}\n---\n";
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + workload + Bsl + Backup("  labelSelector: {matchLabels: {app: db}}\n"));
        Assert.Single(BackupsOf(estate, "api"));
        Assert.Contains("spec.template.metadata.labels", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSelectorUndecided).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_ClaimThatDoesNotMatch_IsKeptBecauseAPodMayMountIt()
    {
        var claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n  namespace: p\n  labels: {app: other}\n"
            + "  annotations: {compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}\nspec: {accessModes: [ReadWriteOnce]}\n---\n";
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + claim + Bsl + Backup("  labelSelector: {matchLabels: {app: db}}\n"));
        Assert.Single(BackupsOf(estate, "data"));
        Assert.Contains("pods are not among the sources", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSelectorUndecided).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_StatefulSetClaimTemplateLabels_AreTheClaimsLabels()
    {
        var workload = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: p\n"
            + "  annotations: {compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}\n"
            + "spec:\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: c, image: postgres}]}\n"
            + "  volumeClaimTemplates:\n  - metadata: {name: data, labels: {backup: nightly}}\n    spec: {accessModes: [ReadWriteOnce]}\n---\n";
        var other = workload.Replace("name: db\n", "name: cache\n", StringComparison.Ordinal).Replace("backup: nightly", "backup: never", StringComparison.Ordinal);
        var (estate, _) = ImportHarness.Load("x.yaml", Node + workload + other + Bsl + Backup("  labelSelector: {matchLabels: {backup: nightly}}\n"));
        Assert.Single(BackupsOf(estate, "db"));
        Assert.Empty(BackupsOf(estate, "cache"));
    }

    private static string Schedule(string extra, string status = "") =>
        "apiVersion: velero.io/v1\nkind: Schedule\nmetadata: {name: nightly, namespace: velero}\n"
        + $"spec:\n  schedule: '0 2 * * *'\n{extra}  template: {{includedNamespaces: [p], ttl: 720h0m0s}}\n{status}";

    [Fact]
    public void Schedule_PausedThatNeverRan_CopiesNothing()
    {
        var text = Node + StatefulSet("db", "db") + Bsl + Schedule("  paused: true\n", "status: {phase: Enabled}\n");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Empty(BackupsOf(estate, "db"));
        Assert.Equal(DiagnosticSeverity.Info, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceCopyNotMade).Severity);
    }

    [Fact]
    public void Schedule_PausedAfterBackups_KeepsThemWithAWarning()
    {
        var text = Node + StatefulSet("db", "db") + Bsl + Schedule("  paused: true\n", "status: {phase: Enabled, lastBackup: '2026-11-20T02:00:00Z'}\n");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Single(BackupsOf(estate, "db"));
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceCopyNotMade);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("2026-11-20T02:00:00Z", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_PausedManifestWithoutStatus_KeepsItsBackupsWithAWarning()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + StatefulSet("db", "db") + Bsl + Schedule("  paused: true\n"));
        Assert.Single(BackupsOf(estate, "db"));
        Assert.Contains("no status", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceCopyNotMade).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Schedule_NotPaused_HasNoPauseDiagnostic()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + StatefulSet("db", "db") + Bsl + Schedule("  paused: false\n"));
        Assert.Single(BackupsOf(estate, "db"));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceCopyNotMade);
    }

    [Fact]
    public void Backup_SnapshotVolumesFalse_CopiesNothingToSnapshotLocations()
    {
        var on = ImportHarness.Load("x.yaml", Node + StatefulSet("db", "db") + Bsl + Vsl + Backup("  volumeSnapshotLocations: [ebs]\n"));
        Assert.Equal(["backups-use1", "ebs-snapshots-eu-central-1", "ebs-snapshots-us-west-2"], BackupsOf(on.Estate, "db"));

        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + StatefulSet("db", "db") + Bsl + Vsl + Backup("  volumeSnapshotLocations: [ebs]\n  snapshotVolumes: false\n"));
        Assert.Equal(["backups-use1"], BackupsOf(estate, "db"));
        Assert.Contains("snapshotVolumes is false", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceCopyNotMade).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_SnapshotVolumesFalseWithResourcePolicy_KeepsTheSnapshotsWithAWarning()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + StatefulSet("db", "db") + Bsl + Vsl
            + Backup("  volumeSnapshotLocations: [ebs]\n  snapshotVolumes: false\n  resourcePolicy: {kind: configmap, name: volume-policy}\n"));
        Assert.Equal(3, BackupsOf(estate, "db").Count);
        Assert.Contains("volume-policy", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSelectorUndecided).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_DefaultVolumesToFsBackup_SendsVolumesToTheStorageLocationNotTheSnapshots()
    {
        var excludes = "      annotations: {backup.velero.io/backup-volumes-excludes: scratch}\n";
        var text = Node + StatefulSet("db", "db") + StatefulSet("cache", "cache", excludes) + Bsl + Vsl
            + Backup("  volumeSnapshotLocations: [ebs]\n  defaultVolumesToFsBackup: true\n");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(["backups-use1"], BackupsOf(estate, "db"));
        Assert.Equal(3, BackupsOf(estate, "cache").Count); // its excluded volumes are snapshotted
        Assert.Contains("of db go by", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceCopyNotMade).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_NamingNoSnapshotLocation_UsesTheProvidersOnlyOne()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + StatefulSet("db", "db") + Bsl + Vsl + Backup("  includedNamespaces: [p]\n"));
        Assert.Equal(3, BackupsOf(estate, "db").Count);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceSelectorUndecided);
    }

    [Fact]
    public void Backup_NamingNoSnapshotLocation_WithTwoOfAProvider_KeepsBothWithAWarning()
    {
        var second = Vsl.Replace("name: ebs", "name: ebs2", StringComparison.Ordinal).Replace("us-west-2", "ap-south-1", StringComparison.Ordinal);
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + StatefulSet("db", "db") + Bsl + Vsl + second + Backup("  includedNamespaces: [p]\n"));
        Assert.Equal(5, BackupsOf(estate, "db").Count);
        Assert.Contains("--default-volume-snapshot-locations", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSelectorUndecided).Message, StringComparison.Ordinal);
    }
}
