using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Tests.Velero;

/// <summary>
/// What a Backup's or Schedule's <c>status</c> says Velero did, as vmware-tanzu/velero@d30d389b56068eebd675d9953492183cb7b58a78
/// defines it: <c>pkg/apis/velero/v1/backup_types.go</c> (BackupPhase: FailedValidation "will not run", Failed "ran but
/// encountered an error"; <c>volumeSnapshotsAttempted</c> counts native snapshots, <c>csiVolumeSnapshotsAttempted</c> CSI
/// ones), <c>schedule_types.go</c> (SchedulePhase New, Enabled, FailedValidation), <c>pkg/backup/item_backupper.go</c>
/// (no native snapshot of a CSI volume when CSI is enabled), <c>site/content/docs/main/csi.md</c> (CSI snapshots are
/// taken by the storage provider's CSI driver, beside the volume).
/// </summary>
public sealed class VeleroStatusTests
{
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";

    private const string Db =
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: p\n"
        + "  annotations: {compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}\n"
        + "spec:\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata:\n      labels: {app: db}\n    spec: {containers: [{name: c, image: postgres}]}\n---\n";

    private const string Locations =
        "apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: default, namespace: velero}\n"
        + "spec: {provider: aws, default: true, objectStorage: {bucket: backups-fra}, config: {region: eu-central-1}}\n---\n"
        + "apiVersion: velero.io/v1\nkind: VolumeSnapshotLocation\nmetadata: {name: ebs, namespace: velero}\n"
        + "spec: {provider: aws, config: {region: eu-central-1, altRegion: us-west-2}}\n---\n";

    private static string Backup(string status, string spec = "  includedNamespaces: [p]\n  volumeSnapshotLocations: [ebs]\n") =>
        $"apiVersion: velero.io/v1\nkind: Backup\nmetadata: {{name: b1, namespace: velero}}\nspec:\n{spec}status:\n{status}";

    private static string Schedule(string status) =>
        "apiVersion: velero.io/v1\nkind: Schedule\nmetadata: {name: s1, namespace: velero}\nspec:\n  schedule: '0 2 * * *'\n"
        + "  template:\n    includedNamespaces: [p]\n    volumeSnapshotLocations: [ebs]\nstatus:\n" + status;

    private static IReadOnlyList<string> BackupsOf(Estate estate) =>
        [.. estate.Stores.Single(s => s.Name == "db").Backups.Select(b => b.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public void Backup_FailedValidation_CopiesNothing_WithANote()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup("  phase: FailedValidation\n  validationErrors: ['an existing backup storage location was not specified']\n"));
        Assert.Empty(BackupsOf(estate));
        var note = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceCopyNotMade);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains("FailedValidation", note.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_Failed_KeepsItsCopies_WithAWarning()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup("  phase: Failed\n"));
        Assert.Contains("backups-fra", BackupsOf(estate));
        var warning = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceCopyNotMade && d.Severity == DiagnosticSeverity.Warning);
        Assert.Contains("Failed", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_UnknownPhase_IsReadAsCopying_WithAWarningAndASuggestion()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup("  phase: Complete\n"));
        Assert.Contains("backups-fra", BackupsOf(estate));
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceStatusUnknown);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("did you mean 'Completed'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_CompletedWithOnlyCsiSnapshots_SnapshotLocationsHoldNothing()
    {
        // Before: the snapshot locations (eu-central-1 and its altRegion us-west-2) were read as holding the data.
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup("  phase: Completed\n  csiVolumeSnapshotsAttempted: 1\n  csiVolumeSnapshotsCompleted: 1\n"));
        Assert.Equal(["backups-fra"], BackupsOf(estate));
        var note = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceCopyNotMade);
        Assert.Contains("CSI", note.Message, StringComparison.Ordinal);
        Assert.Contains("volume's own region", note.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_CompletedWithNativeSnapshots_UsesTheSnapshotLocations()
    {
        var (estate, _) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup("  phase: Completed\n  volumeSnapshotsAttempted: 1\n  volumeSnapshotsCompleted: 1\n"));
        Assert.Equal(3, BackupsOf(estate).Count); // the bucket, and the snapshots in eu-central-1 and us-west-2
    }

    [Fact]
    public void Backup_InProgress_CountsAreNotFinal_SnapshotLocationsAreKept()
    {
        var (estate, _) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup("  phase: InProgress\n"));
        Assert.Equal(3, BackupsOf(estate).Count);
    }

    [Fact]
    public void Schedule_FailedValidation_WithoutAnEarlierBackup_CopiesNothing()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Schedule("  phase: FailedValidation\n"));
        Assert.Empty(BackupsOf(estate));
        Assert.Equal(DiagnosticSeverity.Info, Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceCopyNotMade).Severity);
    }

    [Fact]
    public void Schedule_FailedValidation_AfterEarlierBackups_KeepsThem_WithAWarning()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Schedule("  phase: FailedValidation\n  lastBackup: '2026-11-20T02:00:00Z'\n"));
        Assert.NotEmpty(BackupsOf(estate));
        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceCopyNotMade).Severity);
    }

    [Fact]
    public void Schedule_UnknownPhase_IsAWarning()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Schedule("  phase: Enabeld\n"));
        Assert.NotEmpty(BackupsOf(estate));
        Assert.Contains("did you mean 'Enabled'", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceStatusUnknown).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backup_ResourcePolicy_IsNotSilentlyIgnored()
    {
        // Before: with snapshots on and no file-system backup, the resourcePolicy was ignored without a word.
        var spec = "  includedNamespaces: [p]\n  volumeSnapshotLocations: [ebs]\n  resourcePolicy: {kind: configmap, name: skip-tmp}\n";
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + $"apiVersion: velero.io/v1\nkind: Backup\nmetadata: {{name: b1, namespace: velero}}\nspec:\n{spec}");
        Assert.Equal(3, BackupsOf(estate).Count); // read as copying everything: over-included, said in a warning
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSelectorUndecided);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("resourcePolicy (ConfigMap 'velero/skip-tmp')", warning.Message, StringComparison.Ordinal);
        Assert.Contains("skip", warning.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A Schedule's status (ScheduleStatus: phase, lastBackup, lastSkipped, validationErrors) holds no snapshot counts, and
    /// its template's <c>snapshotVolumes</c> unset means "Velero performs snapshots as long as a persistent volume provider
    /// is configured" (velero@d30d389b <c>site/content/docs/main/api-types/schedule.md</c>): its backups use the snapshot
    /// locations, with or without a status. Whether a volume is CSI (snapshotted by its driver instead) is the
    /// PersistentVolume's, not among the inputs: read as native, over-reported at worst.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("  phase: Enabled\n  lastBackup: '2026-11-24T02:00:00Z'\n")]
    public void Schedule_SnapshotVolumesUnset_UsesTheSnapshotLocations_WithOrWithoutStatus(string? status)
    {
        var schedule = status is null ? Schedule("").Replace("status:\n", "", StringComparison.Ordinal) : Schedule(status);
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + schedule);
        Assert.Equal(3, BackupsOf(estate).Count); // the bucket, and the snapshots in eu-central-1 and us-west-2
        Assert.DoesNotContain(diagnostics, d => d.Code is DiagnosticCodes.SourceCopyNotMade or DiagnosticCodes.SourceStatusUnknown);
    }

    [Fact]
    public void Schedule_TemplateSnapshotVolumesFalse_UsesNoSnapshotLocation()
    {
        var schedule = Schedule("  phase: Enabled\n").Replace("    volumeSnapshotLocations: [ebs]\n", "    volumeSnapshotLocations: [ebs]\n    snapshotVolumes: false\n", StringComparison.Ordinal);
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + schedule);
        Assert.Equal(["backups-fra"], BackupsOf(estate));
        Assert.Contains("snapshotVolumes is false", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceCopyNotMade).Message, StringComparison.Ordinal);
    }
}
