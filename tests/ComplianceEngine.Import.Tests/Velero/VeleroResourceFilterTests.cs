using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Tests.Velero;

/// <summary>
/// A backup's resource filters and data mover, as Velero 1.18.1 reads them (vmware-tanzu/velero@v1.18.1):
/// <c>pkg/util/collections/includes_excludes.go</c> (<c>ShouldInclude</c>: excludes first, an empty include list or
/// <c>*</c> takes everything, items are globs; cluster-scoped PVs are taken as a claim's additional item unless excluded),
/// <c>pkg/backup/item_backupper.go</c> (file-system backup when a pod is backed up; a native snapshot when a PV is; CSI
/// volumes are left to the CSI claim action; a snapshot data mover only for CSI), and
/// <c>site/content/docs/v1.18/resource-filtering.md</c> (old and scoped filters cannot be mixed). A store's data is in
/// its volumes: it is taken through its pods (file-system backup, to the storage location), its claims (CSI and native
/// snapshots) or its volumes; a backup that takes none of them takes none of its data, and one that takes no claim or
/// volume makes no snapshot.
/// </summary>
public sealed class VeleroResourceFilterTests
{
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";

    private const string Locations =
        "apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: default, namespace: velero}\n"
        + "spec: {provider: aws, default: true, objectStorage: {bucket: backups-use1}, config: {region: us-east-1}}\n---\n"
        + "apiVersion: velero.io/v1\nkind: VolumeSnapshotLocation\nmetadata: {name: ebs, namespace: velero}\n"
        + "spec: {provider: aws, config: {region: eu-west-1}}\n---\n";

    private const string Db =
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: p\n"
        + "  annotations: {compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}\n"
        + "spec:\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata:\n      labels: {app: db}\n    spec: {containers: [{name: c, image: postgres}]}\n---\n";

    private static string Backup(string spec) => $"apiVersion: velero.io/v1\nkind: Backup\nmetadata: {{name: b1, namespace: velero}}\nspec:\n  includedNamespaces: [p]\n{spec}";

    private static IReadOnlyList<string> BackupsOf(Estate estate) =>
        [.. estate.Stores.Single(s => s.Name == "db").Backups.Select(b => b.Name).Order(StringComparer.Ordinal)];

    private const string Storage = "backups-use1";
    private const string Snapshots = "ebs-snapshots-eu-west-1";

    [Theory]
    [InlineData("  includedResources: [deployments, configmaps, secrets]\n")]
    [InlineData("  includedResources: [statefulsets.apps]\n")]
    [InlineData("  excludedResources: [pods, persistentvolumeclaims, persistentvolumes]\n")]
    [InlineData("  excludedResources: [po, pvc, pv]\n")]
    [InlineData("  includedResources: ['*']\n  excludedResources: [Pod, PersistentVolumeClaim, PersistentVolume]\n")]
    [InlineData("  includedNamespaceScopedResources: [configmaps]\n")]
    [InlineData("  excludedNamespaceScopedResources: [pods, persistentvolumeclaims]\n  excludedClusterScopedResources: [persistentvolumes]\n")]
    public void Filters_ThatTakeNoPodClaimOrVolume_TakeNoneOfTheStoresData(string filters)
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup(filters));
        Assert.Empty(BackupsOf(estate));
        var note = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceCopyNotMade);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains("db", note.Message, StringComparison.Ordinal);
        Assert.Contains("no pods, persistentvolumeclaims or persistentvolumes", note.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  excludedResources: [pods]\n")] // claims: CSI and native snapshots, and the claim's PV
    [InlineData("  includedResources: [pvc]\n")] // the short name resolves
    [InlineData("  includedResources: ['p*']\n")] // a glob over the resolved names
    [InlineData("  includedResources: ['*']\n")]
    [InlineData("  excludedResources: [secrets, configmaps]\n")]
    [InlineData("  includedResources: ['p[eo]*']\n")] // a glob with a set
    public void Filters_ThatTakeClaims_KeepTheStorageAndSnapshotLocations(string filters)
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup(filters));
        Assert.Equal([Storage, Snapshots], BackupsOf(estate));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceCopyNotMade);
    }

    [Theory]
    [InlineData("  includedResources: [pods]\n")]
    [InlineData("  excludedResources: [persistentvolumeclaims, persistentvolumes]\n")]
    [InlineData("  includedNamespaceScopedResources: [pods]\n  excludedClusterScopedResources: ['*']\n")]
    public void Filters_ThatTakePodsButNoClaimOrVolume_MakeNoSnapshot(string filters)
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup(filters));
        Assert.Equal([Storage], BackupsOf(estate));
        var note = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceCopyNotMade);
        Assert.Contains("no volume snapshots", note.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  includedNamespaceScopedResources: [pv]\n")] // cluster-scoped: dropped, the list is empty (everything)
    [InlineData("  includedNamespaceScopedResources: [persistentvolumes, nodes]\n")]
    [InlineData("  includedNamespaceScopedResources: [storageclasses.storage.k8s.io]\n  excludedNamespaceScopedResources: [pv]\n")]
    public void ScopedFilters_ItemsOfTheOtherScope_AreDroppedAsVeleroDoes(string filters)
    {
        // GetScopeResourceIncludesExcludes (velero@d30d389b pkg/util/collections/includes_excludes.go) drops an item whose
        // resource is of the other scope; namespaced includes left empty take every namespaced resource, pods and claims too.
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup(filters));
        Assert.Equal([Storage, Snapshots], BackupsOf(estate));
        Assert.DoesNotContain(diagnostics, d => d.Code is DiagnosticCodes.SourceCopyNotMade or DiagnosticCodes.SourceSelectorUndecided);
    }

    [Fact]
    public void ScopedFilters_OnlyItemsOfUnknownScope_AreReadAsTakingEverythingWithAWarning()
    {
        // widgets.example.com may be cluster-scoped (dropped: the includes are empty, pods and claims taken) or namespaced
        // (only widgets taken): the inputs do not say, so the backup is read as taking the data.
        var text = Node + Db + Locations + Backup("  includedNamespaceScopedResources: [widgets.example.com]\n");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal([Storage, Snapshots], BackupsOf(estate));
        var warning = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceSelectorUndecided);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("'widgets.example.com'", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Velero Backup 'b1'", warning.Message, StringComparison.Ordinal);
        Assert.Equal(Array.FindIndex(text.Split('\n'), l => l.StartsWith("  includedNamespaceScopedResources", StringComparison.Ordinal)) + 1, warning.Location.Line);
    }

    [Fact]
    public void ScopedFilters_AKnownItemBesideOneOfUnknownScope_DecideWithoutAWarning()
    {
        // pods keep the namespaced includes non-empty whatever widgets.example.com is: pods only, no snapshot.
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup("  includedNamespaceScopedResources: [pods, widgets.example.com]\n"));
        Assert.Equal([Storage], BackupsOf(estate));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceSelectorUndecided);
    }

    [Fact]
    public void Filters_ClaimsWithoutTheirVolumesAndNoClusterResources_StillTakeCsiSnapshots()
    {
        // The claim is backed up: its CSI snapshot is taken by the claim's action whatever happens to the PV, so the
        // snapshot locations are kept (whether a volume is CSI is not among the inputs).
        var (estate, _) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup("  includedResources: [persistentvolumeclaims]\n  includeClusterResources: false\n"));
        Assert.Equal([Storage, Snapshots], BackupsOf(estate));
    }

    [Fact]
    public void Filters_OldAndScopedTogether_IsAnErrorAndNothingIsRead()
    {
        var text = Node + Db + Locations + Backup("  includedResources: [pods]\n  excludedNamespaceScopedResources: [secrets]\n");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("includedResources", error.Message, StringComparison.Ordinal);
        Assert.Contains("excludedNamespaceScopedResources", error.Message, StringComparison.Ordinal);
        Assert.Empty(BackupsOf(estate));
    }

    [Fact]
    public void Filters_ItemThatIsNotText_IsAnError()
    {
        var (_, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup("  excludedResources: [{name: pods}]\n"));
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed && d.Message.Contains("excludedResources", StringComparison.Ordinal));
    }

    [Fact]
    public void SnapshotMoveData_SaysTheVolumeDataGoesToTheStorageLocation()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup("  snapshotMoveData: true\n"));
        Assert.Equal([Storage, Snapshots], BackupsOf(estate));
        var note = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceDataMoved);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains("'default'", note.Message, StringComparison.Ordinal);
        Assert.Contains("us-east-1", note.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SnapshotMoveData_WithAThirdPartyDataMover_IsIndeterminate()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup("  snapshotMoveData: true\n  datamover: acme.example/mover\n"));
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceDataMoved);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("acme.example/mover", warning.Message, StringComparison.Ordinal);
        var moved = Assert.Single(BackupsOf(estate), b => b != Storage && b != Snapshots);
        Assert.Equal("other-unknown", estate.Stores.Single(s => s.Name == moved).Cluster!.Name);
    }

    [Fact]
    public void SnapshotMoveData_WithSnapshotsOff_SaysNothingMoves()
    {
        var (_, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup("  snapshotMoveData: true\n  snapshotVolumes: false\n  datamover: acme.example/mover\n"));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceDataMoved);
    }

    [Fact]
    public void Filters_WithoutSnapshots_StillReportASnapshotLocationNotAmongTheInputs()
    {
        var (_, diagnostics) = ImportHarness.Load("x.yaml", Node + Db + Locations + Backup("  includedResources: [pods]\n  volumeSnapshotLocations: [ebss]\n"));
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.SourceDanglingReference && d.Message.Contains("'ebss'", StringComparison.Ordinal));
    }
}

