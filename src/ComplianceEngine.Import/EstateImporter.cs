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
            || OcmReader.Recognises(document) || FidesReader.Recognises(document) || MeshConfigReader.Recognises(document);
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
            var kinds = items.Items.OfType<YamlMapping>().Select(i => (i.Get("kind") as YamlScalar)?.Value ?? "?").Distinct().Order(StringComparer.Ordinal);
            return $"a List of {string.Join(", ", kinds)}";
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
        ServiceEntryReader.Read(session, [.. ordered.Where(ServiceEntryReader.Recognises)], [.. ordered.Where(MeshConfigReader.Recognises)]);
        FidesReader.Read(session, [.. ordered.Where(FidesReader.Recognises)]);
        ReportUnreadItems(ordered.Where(Recognises), diagnostics);
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
        foreach (var unread in objects.Where(o => !IsRead(o.ApiVersion, o.Kind) && !MeshConfigReader.Reads(o)).GroupBy(o => (o.Document.File, o.Kind)))
            diagnostics.Warning(DiagnosticCodes.SourceNotRead,
                $"{unread.Count()} object(s) of kind {unread.Key.Kind} in this List are not a source the engine reads; they are ignored", unread.First().Object.Location);
    }

    private static bool IsRead(string api, string kind) =>
        KubernetesReader.Accepts(api, kind) || VeleroReader.Accepts(api, kind) || ServiceEntryReader.Accepts(api, kind)
        || KarmadaReader.Accepts(api, kind) || OcmReader.Accepts(api, kind);
}
