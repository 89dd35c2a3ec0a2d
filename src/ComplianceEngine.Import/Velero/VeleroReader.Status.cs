using ComplianceEngine.Import.Kubernetes;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Velero;

/// <summary>
/// What a Backup's or Schedule's <c>status</c> (as <c>kubectl get -o yaml</c> gives it) says Velero did, per
/// vmware-tanzu/velero@d30d389b <c>pkg/apis/velero/v1/backup_types.go</c> and <c>schedule_types.go</c>: a backup that
/// failed validation never ran, a schedule that failed validation makes no backups, and a finished backup's
/// <c>volumeSnapshotsAttempted</c> says whether it took native snapshots (to the snapshot locations) at all. A manifest
/// without status is read as Velero would run it.
/// </summary>
internal static partial class VeleroReader
{
    /// <summary>The BackupPhase values (the CRD's enum).</summary>
    private static readonly string[] BackupPhases =
    [
        "New", "Queued", "ReadyToStart", "FailedValidation", "InProgress", "WaitingForPluginOperations", "WaitingForPluginOperationsPartiallyFailed",
        "Finalizing", "FinalizingPartiallyFailed", "Completed", "PartiallyFailed", "Failed", "Deleting",
    ];

    /// <summary>The phases after the backup of items and the creation of snapshots: the snapshot counts are final.</summary>
    private static readonly string[] SnapshotsCounted =
    [
        "WaitingForPluginOperations", "WaitingForPluginOperationsPartiallyFailed", "Finalizing", "FinalizingPartiallyFailed", "Completed", "PartiallyFailed", "Failed", "Deleting",
    ];

    /// <summary>The SchedulePhase values.</summary>
    private static readonly string[] SchedulePhases = ["New", "Enabled", "FailedValidation"];

    /// <summary>
    /// False when the object's status shows Velero copies nothing for it: a Backup in <c>FailedValidation</c>, a Schedule
    /// in <c>FailedValidation</c> that never made a backup (note). A Schedule that failed validation after making backups
    /// keeps them until their ttl, a Failed backup keeps what it uploaded before failing (warnings, read as copied); a
    /// phase the reader does not know is read as copying (warning, CE2078).
    /// </summary>
    private static bool Runs(ImportSession session, KubeObject o, string owner)
    {
        var phase = o.Object["status"]["phase"];
        if (phase.String is not { } value) return true;
        var known = o.Kind == "Backup" ? BackupPhases : SchedulePhases;
        if (!known.Contains(value, StringComparer.Ordinal))
        {
            session.Diagnostics.Warning(DiagnosticCodes.SourceStatusUnknown,
                $"{owner}: status.phase '{value}' is not a Velero {o.Kind} phase ({string.Join(", ", known)}){Suggestions.DidYouMean(value, known)}; it is read as copying what its spec says",
                phase.Location);
            return true;
        }
        if (value != "FailedValidation")
        {
            if (value == "Failed")
                session.Diagnostics.Warning(DiagnosticCodes.SourceCopyNotMade,
                    $"{owner} is Failed: it ran and stopped on an error, and what it uploaded and snapshotted before stays until the backup is deleted; it is read as copied. Delete the backup to have it read as gone",
                    phase.Location);
            return true;
        }
        if (o.Kind == "Schedule" && o.Object["status"]["lastBackup"].String is { } last)
        {
            session.Diagnostics.Warning(DiagnosticCodes.SourceCopyNotMade,
                $"{owner} failed validation, so Velero makes no new backups from it, but it made one at {last} and those stay in the location until their ttl; they are read as there",
                phase.Location);
            return true;
        }
        session.Diagnostics.Note(DiagnosticCodes.SourceCopyNotMade,
            $"{owner} is in phase FailedValidation: Velero {(o.Kind == "Backup" ? "does not run it" : "makes no backups from it, and its status shows none made before")}, so it copies nothing",
            phase.Location);
        return false;
    }

    /// <summary>
    /// The native volume snapshots a finished Backup took (<c>status.volumeSnapshotsAttempted</c>, omitted when 0), or
    /// null when the object is not a Backup with a final count (a Schedule, a manifest without status, a backup still running).
    /// </summary>
    private static int? NativeSnapshotsTaken(KubeObject o)
    {
        if (o.Kind != "Backup" || o.Object["status"]["phase"].String is not { } phase || !SnapshotsCounted.Contains(phase, StringComparer.Ordinal)) return null;
        var attempted = o.Object["status"]["volumeSnapshotsAttempted"];
        if (!attempted.Exists) return 0;
        return int.TryParse(attempted.String, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>The CSI snapshots a finished Backup took (<c>status.csiVolumeSnapshotsAttempted</c>), 0 when omitted.</summary>
    private static int CsiSnapshotsTaken(KubeObject o) =>
        int.TryParse(o.Object["status"]["csiVolumeSnapshotsAttempted"].String, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>
    /// A finished Backup whose status shows no native snapshots copies nothing to the snapshot locations (note, true). Its
    /// CSI snapshots are made by the volumes' CSI driver and stay with the storage provider in each volume's own region;
    /// only the data mover (<c>snapshotMoveData</c>) takes their data elsewhere, to the storage location.
    /// </summary>
    private static bool NoNativeSnapshots(ImportSession session, KubeObject o, string owner, Cursor spec)
    {
        if (NativeSnapshotsTaken(o) is not 0) return false;
        var csi = CsiSnapshotsTaken(o);
        var moved = spec["snapshotMoveData"].IsTrue;
        var what = csi == 0
            ? "and no CSI snapshots either"
            : $"and {csi} CSI volume snapshot(s), which the volumes' CSI driver keeps with the storage provider in the volume's own region{(moved ? " (their data is also uploaded to the storage location by the data mover)" : ", so that data does not leave the cluster's region")}";
        session.Diagnostics.Note(DiagnosticCodes.SourceCopyNotMade,
            $"{owner}: its status (phase {o.Object["status"]["phase"].String}) shows no native volume snapshots (volumeSnapshotsAttempted 0) {what}; the volume snapshot locations hold nothing of it",
            o.Object["status"]["phase"].Location);
        return true;
    }
}
