using ComplianceEngine.Import.Kubernetes;
using ComplianceEngine.Import.Mapping;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Federation;

/// <summary>
/// Reads Open Cluster Management: <c>ManagedCluster</c> (provider and region from the cluster claims
/// <c>platform.open-cluster-management.io</c> and <c>region.open-cluster-management.io</c>, else the <c>cloud</c> and
/// <c>region</c> labels) and <c>PlacementDecision</c> (<c>status.decisions[].clusterName</c>): the imported stores in the
/// decision's namespace rest on every decided cluster; the copies are replicas. A <c>Placement</c> without its
/// PlacementDecision among the inputs is named in a warning (the decision is the evidence of where things went).
/// </summary>
internal static class OcmReader
{
    public const string Name = "ocm";
    private const string PlacementLabel = "cluster.open-cluster-management.io/placement";

    internal static bool Accepts(string api, string kind) =>
        api.StartsWith("cluster.open-cluster-management.io/", StringComparison.Ordinal) && kind is "ManagedCluster" or "PlacementDecision" or "Placement";

    public static bool Recognises(SourceDocument doc) => KubernetesObjects.Holds(doc, Accepts);

    public static void Read(ImportSession session, IReadOnlyList<SourceDocument> documents)
    {
        var objects = documents.SelectMany(KubernetesObjects.Objects).Where(o => Accepts(o.ApiVersion, o.Kind)).ToList();
        foreach (var o in objects.Where(o => o.Name is null))
            session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, $"an OCM {o.Kind} needs metadata.name", o.Object.Location);
        objects = [.. objects.Where(o => o.Name is not null)];

        foreach (var c in objects.Where(o => o.Kind == "ManagedCluster"))
        {
            var claims = c.Object["status"]["clusterClaims"].Items.Where(i => i["name"].String is not null)
                .GroupBy(i => i["name"].String!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First()["value"], StringComparer.Ordinal);
            var platform = claims.GetValueOrDefault("platform.open-cluster-management.io").String ?? c.Labels.Text("cloud");
            var region = claims.TryGetValue("region.open-cluster-management.io", out var r) ? r : c.Labels.TryGetValue("region", out var l) ? l : (Cursor?)null;
            var mapped = session.Mapping.For(new SourceObject(Name, "ManagedCluster", c.Name!, c.Name!));
            FederatedPlacement.AddCluster(session, c.Name!, platform, region, c.Object.Location, Name, mapped);
        }

        var decided = new HashSet<(string, string)>();
        foreach (var d in objects.Where(o => o.Kind == "PlacementDecision"))
        {
            var clusters = Named(session, $"PlacementDecision '{d.Namespace}/{d.Name}'", d.Object["status"]["decisions"], "clusterName");
            if (d.Labels.Text(PlacementLabel) is { } placement) decided.Add((d.Namespace, placement));
            var stores = FederatedPlacement.Stores(session, d.Namespace, null, null).ToList();
            if (stores.Count == 0)
            {
                session.Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                    $"PlacementDecision '{d.Namespace}/{d.Name}': no imported DataStore is in namespace '{d.Namespace}'; annotate the workloads placed by it with {AnnotationKeys.Categories}", d.Object.Location);
                continue;
            }
            foreach (var store in stores) FederatedPlacement.Place(store, clusters, d.Object["status"]["decisions"].Location);
        }
        foreach (var p in objects.Where(o => o.Kind == "Placement" && !decided.Contains((o.Namespace, o.Name!))))
            session.Diagnostics.Warning(DiagnosticCodes.SourceNotRead,
                $"Placement '{p.Namespace}/{p.Name}' is read through its PlacementDecisions, and none is among the inputs (kubectl get placementdecisions -n {p.Namespace} -l {PlacementLabel}={p.Name} -o yaml)", p.Object.Location);
    }

    /// <summary>
    /// The <paramref name="field"/> of each item of a list of placements. An item without it is an error: dropped, it
    /// would take a cluster the data is placed on (and the transfer to it) out of the estate silently.
    /// </summary>
    internal static List<string> Named(ImportSession session, string owner, Cursor list, string field)
    {
        var names = new List<string>();
        foreach (var item in list.Items)
        {
            if (item[field].String is { Length: > 0 } name) names.Add(name);
            else session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, $"{owner}: an item of {list.Pointer.Split('/')[^1]} has no {field}; the cluster it places the data on is unknown", item.Location);
        }
        return names;
    }
}
