using ComplianceEngine.Import.Federation;
using ComplianceEngine.Import.Fides;
using ComplianceEngine.Import.Istio;
using ComplianceEngine.Import.Kubernetes;
using ComplianceEngine.Import.Mapping;
using ComplianceEngine.Import.Terraform;
using ComplianceEngine.Import.Velero;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import;

/// <summary>
/// The reader of every source the engine understands, registered in loading as its <see cref="ISourceReader"/>.
/// Readers run in a fixed order so later ones can join to earlier ones: mappings, Terraform plans, Kubernetes
/// (nodes, then workloads), Karmada and OCM (placing the workloads), Velero (backups of the workloads' namespaces), Istio (egress from them), Fides (systems on those clusters).
/// </summary>
public sealed class EstateImporter : ISourceReader
{
    /// <inheritdoc />
    public bool Recognises(SourceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return ImportMapping.IsMapping(document) || TerraformPlanReader.Recognises(document) || KubernetesReader.Recognises(document)
            || VeleroReader.Recognises(document) || ServiceEntryReader.Recognises(document) || KarmadaReader.Recognises(document)
            || OcmReader.Recognises(document) || FidesReader.Recognises(document) || MeshConfigReader.Recognises(document) || Injection.Recognises(document) || CarriesUnreadData(document);
    }

    /// <inheritdoc />
    public string? DescribeUnread(SourceDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.Root is not YamlMapping m) return null;
        var api = (m.Get("apiVersion") as YamlScalar)?.Value;
        var kind = (m.Get("kind") as YamlScalar)?.Value;
        if (api is null || kind is null) return null;
        if (kind == "List" && m.Get("items") is YamlSequence items)
        {
            var kinds = items.Items.OfType<YamlMapping>().Select(i => (i.Get("kind") as YamlScalar)?.Value ?? "?").Distinct().Order(StringComparer.Ordinal).ToList();
            return kinds.Count == 0 ? "an empty List (no items)" : $"a List of {string.Join(", ", kinds)}";
        }
        return $"kind {kind} ({api})";
    }

    /// <inheritdoc />
    public IReadOnlyList<ImportedDocument> Read(IReadOnlyList<SourceDocument> documents, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var ordered = documents.OrderBy(d => d.File, StringComparer.Ordinal).ThenBy(d => d.Index).ToList();
        var mapping = ImportMapping.Read(ordered.Where(ImportMapping.IsMapping), diagnostics);
        var session = new ImportSession(mapping, diagnostics);
        foreach (var doc in ordered.Where(TerraformPlanReader.Recognises)) TerraformPlanReader.Read(session, doc);
        KubernetesReader.Read(session, [.. ordered.Where(KubernetesReader.Recognises)]);
        KarmadaReader.Read(session, [.. ordered.Where(KarmadaReader.Recognises)]);
        OcmReader.Read(session, [.. ordered.Where(OcmReader.Recognises)]);
        VeleroReader.Read(session, [.. ordered.Where(VeleroReader.Recognises)]);
        ServiceEntryReader.Read(session, [.. ordered.Where(ServiceEntryReader.Recognises)], [.. ordered.Where(MeshConfigReader.Recognises)], [.. ordered.Where(Injection.Recognises)]);
        FidesReader.Read(session, [.. ordered.Where(FidesReader.Recognises)]);
        ReportUnreadItems(ordered.Where(Recognises), diagnostics);
        ReportUnreadData(ordered, diagnostics);
        mapping.ReportUnused(diagnostics);
        return session.Build();
    }

    /// <summary>
    /// The items of Lists that no reader reads (a Service beside the Nodes, an Istio Sidecar beside a ServiceEntry, a
    /// Velero Restore, a Karmada OverridePolicy): one CE7001 warning per file and kind, never skipped silently.
    /// </summary>
    private static void ReportUnreadItems(IEnumerable<SourceDocument> documents, DiagnosticBag diagnostics)
    {
        var objects = documents.Where(d => KubernetesObjects.TypeOf(d.Root).Kind?.EndsWith("List", StringComparison.Ordinal) == true).SelectMany(KubernetesObjects.Objects);
        foreach (var unread in objects.Where(o => !IsReadByAny(o) && DataKeysOf(o).Count == 0).GroupBy(o => (o.Document.File, o.Kind)))
            diagnostics.Warning(DiagnosticCodes.SourceNotRead,
                $"{unread.Count()} object(s) of kind {unread.Key.Kind} in this List are not a source the engine reads; they are ignored", unread.First().Object.Location);
    }

    /// <summary>The keys that say an object holds data: written on an object no reader reads, they would be dropped.</summary>
    private static readonly string[] DataKeys = [AnnotationKeys.Categories, AnnotationKeys.Subjects, AnnotationKeys.SubjectTypes, AnnotationKeys.Individuals, AnnotationKeys.Store];

    /// <summary>Kinds that run pods or hold volumes: one no reader reads (a removed apiVersion, a PersistentVolume) cannot hold the data its keys declare.</summary>
    private static readonly HashSet<string> PodOrStorageKinds =
        ["StatefulSet", "Deployment", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "ReplicationController", "PersistentVolumeClaim", "PersistentVolume"];

    /// <summary>The data keys among an object's labels and annotations, in order.</summary>
    private static List<string> DataKeysOf(KubeObject o) =>
        [.. o.Labels.Keys.Concat(o.Annotations.Keys).Where(k => DataKeys.Contains(k, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static bool IsReadByAny(KubeObject o) => ReadsDataOf(o) || Injection.Reads(o);

    /// <summary>
    /// True when a reader reads the object as a source of data or settings: a Namespace is read for its Istio injection
    /// labels only, so data keys on it are still reported as not imported.
    /// </summary>
    private static bool ReadsDataOf(KubeObject o) => IsRead(o.ApiVersion, o.Kind) || MeshConfigReader.Reads(o) || VeleroReader.IsResourcePolicies(o);

    /// <summary>A Kubernetes object (or List) that no reader reads and that carries data keys: taken so the keys are not dropped unsaid.</summary>
    private static bool CarriesUnreadData(SourceDocument document) =>
        KubernetesObjects.TypeOf(document.Root) is ({ } api, { }) && !api.StartsWith("compliance/", StringComparison.Ordinal)
        && KubernetesObjects.Objects(document).Any(o => !ReadsDataOf(o) && DataKeysOf(o).Count > 0);

    /// <summary>
    /// Objects no reader reads that carry data keys (compliance-engine.io/categories, ...): the user declared data on
    /// them, so ignoring them is never silent. A pod-running or storage kind (an apiVersion Kubernetes removed, a
    /// PersistentVolume) is an error, since the data it declares is not judged; any other kind a warning naming the keys.
    /// </summary>
    private static void ReportUnreadData(IEnumerable<SourceDocument> documents, DiagnosticBag diagnostics)
    {
        foreach (var o in documents.Where(d => KubernetesObjects.TypeOf(d.Root).ApiVersion?.StartsWith("compliance/", StringComparison.Ordinal) == false).SelectMany(KubernetesObjects.Objects))
        {
            if (ReadsDataOf(o) || DataKeysOf(o) is not { Count: > 0 } keys) continue;
            var what = $"{o.Kind} '{o.Name}' ({o.ApiVersion}) carries {string.Join(", ", keys)}, but it is not a source the engine reads, so the data it declares is not imported";
            if (PodOrStorageKinds.Contains(o.Kind))
                diagnostics.Error(DiagnosticCodes.SourceNotRead,
                    what + (o.Kind == "PersistentVolume"
                        ? "; put the keys on its PersistentVolumeClaim or on the workload that mounts it"
                        : "; workloads are read as StatefulSet, Deployment, DaemonSet, ReplicaSet (apps/v1), Job, CronJob (batch/v1), Pod, ReplicationController and PersistentVolumeClaim (v1): use the current apiVersion"),
                    o.Object.Location);
            else
                diagnostics.Warning(DiagnosticCodes.SourceNotRead, what + "; put the keys on the workload or claim that holds the data", o.Object.Location);
        }
    }

    private static bool IsRead(string api, string kind) =>
        KubernetesReader.Accepts(api, kind) || VeleroReader.Accepts(api, kind) || ServiceEntryReader.Accepts(api, kind)
        || KarmadaReader.Accepts(api, kind) || OcmReader.Accepts(api, kind);
}
