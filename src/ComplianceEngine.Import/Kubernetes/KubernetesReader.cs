using ComplianceEngine.Import.Mapping;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Kubernetes;

/// <summary>
/// Reads Kubernetes Nodes (one Cluster per file, or per <c>compliance-engine.io/cluster</c> label) and annotated
/// workloads (StatefulSets, Deployments, DaemonSets, ReplicaSets, Jobs, CronJobs, Pods, ReplicationControllers) and
/// PersistentVolumeClaims (DataStores on the cluster they are declared for).
/// </summary>
internal static class KubernetesReader
{
    public const string Name = "kubernetes";

    private static readonly HashSet<string> WorkloadKinds = ["StatefulSet", "Deployment", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "ReplicationController", "PersistentVolumeClaim"];

    internal static bool Accepts(string api, string kind) =>
        (api == "v1" && kind is "Node" or "PersistentVolumeClaim" or "Pod" or "ReplicationController")
        || (api == "apps/v1" && kind is "StatefulSet" or "Deployment" or "DaemonSet" or "ReplicaSet")
        || (api == "batch/v1" && kind is "Job" or "CronJob");

    /// <summary>Nodes, NodeLists, workloads, and Lists holding any of them.</summary>
    public static bool Recognises(SourceDocument doc) => KubernetesObjects.Holds(doc, Accepts);

    public static void Read(ImportSession session, IReadOnlyList<SourceDocument> documents)
    {
        var objects = documents.SelectMany(KubernetesObjects.Objects).ToList();

        var nodes = objects.Where(o => o.Kind == "Node").ToList();
        foreach (var o in nodes.Where(o => o.Name is null))
            session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, "a Node needs metadata.name", o.Object.Location);
        foreach (var o in nodes.Where(o => o.Name is not null))
        {
            var owner = $"Node '{o.Name}'";
            AnnotationKeys.CheckShape(o.Object["metadata"]["labels"], "metadata.labels", owner, session.Diagnostics);
            AnnotationKeys.CheckShape(o.Object["metadata"]["annotations"], "metadata.annotations", owner, session.Diagnostics);
            AnnotationKeys.CheckOnly(o.Labels, [AnnotationKeys.Cluster], owner, session.Diagnostics);
            AnnotationKeys.CheckOnly(o.Annotations, [AnnotationKeys.Cluster], owner, session.Diagnostics);
        }
        foreach (var cluster in nodes.Where(o => o.Name is not null).GroupBy(ClusterOf).OrderBy(g => g.Key, StringComparer.Ordinal))
            Cluster(session, cluster.Key, [.. cluster]);

        var skipped = new List<KubeObject>();
        foreach (var o in objects.Where(o => WorkloadKinds.Contains(o.Kind)))
        {
            if (o.Name is null)
            {
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, $"a {o.Kind} needs metadata.name", o.Object.Location);
                continue;
            }
            if (!Workload(session, o)) skipped.Add(o);
        }
        foreach (var file in skipped.GroupBy(o => o.Document.File))
        {
            var names = file.Select(o => $"{o.Kind}/{o.Namespace}/{o.Name}").ToList();
            session.Diagnostics.Warning(DiagnosticCodes.SourceNotRead,
                $"{names.Count} workload(s) say nothing about the data they hold (no {AnnotationKeys.Categories} annotation or ImportMapping rule) and are not imported: {string.Join(", ", names.Take(5))}{(names.Count > 5 ? ", ..." : "")}",
                file.First().Object.Location);
        }
    }

    private static string ClusterOf(KubeObject node) =>
        node.Labels.Text(AnnotationKeys.Cluster) ?? node.Annotations.Text(AnnotationKeys.Cluster) ?? node.FileCluster;

    /// <summary>Where a node runs: provider and region from the topology labels (current, then deprecated) and spec.providerID.</summary>
    internal sealed record NodePlace(string Provider, string? Region, string Evidence);

    internal static NodePlace Place(KubeObject node)
    {
        var labels = node.Labels;
        string? Label(string key) => labels.Text(key);
        var providerId = node.Object["spec"]["providerID"].String ?? "";
        var scheme = providerId.Contains("://", StringComparison.Ordinal) ? providerId[..providerId.IndexOf("://", StringComparison.Ordinal)] : "";
        var provider = scheme switch
        {
            "aws" => "aws",
            "azure" => "azure",
            "gce" => "gcp",
            "ibm" => "ibm",
            "alicloud" => "alibaba",
            "oci" => "oci",
            "eks-hybrid" or "kind" => "onprem",
            _ => null,
        };
        if (Label("eks.amazonaws.com/compute-type") == "hybrid") provider = "onprem"; // EKS Hybrid Nodes are on-premises machines
        provider ??= labels.Keys.Any(k => k.StartsWith("eks.amazonaws.com/", StringComparison.Ordinal) || k.StartsWith("topology.k8s.aws/", StringComparison.Ordinal)) ? "aws"
            : labels.Keys.Any(k => k.StartsWith("kubernetes.azure.com/", StringComparison.Ordinal)) ? "azure"
            : labels.Keys.Any(k => k.StartsWith("cloud.google.com/gke", StringComparison.Ordinal)) ? "gcp"
            : labels.Keys.Any(k => k.StartsWith("ibm-cloud.kubernetes.io/", StringComparison.Ordinal)) ? "ibm"
            : labels.Keys.Any(k => k.StartsWith("alibabacloud.com/", StringComparison.Ordinal)) ? "alibaba"
            : scheme.Length > 0 ? "other" // a cloud (hcloud, digitalocean, ...) whose regions the catalog does not list: not on-premises
            : "onprem";
        if (provider == "onprem") return new NodePlace(provider, null, scheme.Length > 0 ? $"spec.providerID {scheme}://" : "no cloud labels or providerID");
        if (provider == "other") return new NodePlace(provider, null, $"spec.providerID {scheme}://, a provider whose regions the region catalog does not list");

        if (Label("topology.kubernetes.io/region") is { } region) return new NodePlace(provider, Normalise(provider, region), "topology.kubernetes.io/region");
        if (Label("failure-domain.beta.kubernetes.io/region") is { } old) return new NodePlace(provider, Normalise(provider, old), "failure-domain.beta.kubernetes.io/region");
        var zone = Label("topology.kubernetes.io/zone") ?? Label("failure-domain.beta.kubernetes.io/zone");
        if (zone is null && provider is "aws" or "gcp" or "alibaba" && scheme.Length > 0)
        {
            var parts = providerId[(scheme.Length + 3)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
            // alicloud:///<zone>/<instance>, or the older alicloud://<region>.<instance>
            zone = provider switch { "aws" => parts.FirstOrDefault(), "alibaba" => parts.FirstOrDefault()?.Split('.')[0], _ => parts.Length >= 2 ? parts[1] : null };
        }
        if (zone is not null && !(provider == "azure" && zone.All(char.IsAsciiDigit)))
            return new NodePlace(provider, Regions.RegionOfZone(provider, Normalise(provider, zone)), "zone");
        if (provider == "azure" && Label("kubernetes.azure.com/cluster") is { } rg && rg.Split('_') is { Length: >= 4 } p)
            return new NodePlace(provider, Regions.Azure(p[^1]), "kubernetes.azure.com/cluster node resource group");
        return new NodePlace(provider, null, "no region label, zone label or providerID zone");
    }

    private static string Normalise(string provider, string region) => provider == "azure" ? Regions.Azure(region) : region;

    private static void Cluster(ImportSession session, string name, IReadOnlyList<KubeObject> nodes)
    {
        var first = nodes[0];
        var at = first.Object.Location;
        var places = nodes.Select(n => (Node: n, Place: Place(n))).ToList();
        var mapped = session.Mapping.For(new SourceObject(Name, "Node", name, name));
        var draft = new NativeDraft(DocumentKind.Cluster, name, at, Name);
        draft.Label("compliance-engine.io/nodes", nodes.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), at);

        var providers = places.Select(p => p.Place.Provider).Distinct().Order(StringComparer.Ordinal).ToList();
        var regions = places.Where(p => p.Place.Region is not null).Select(p => p.Place.Region!).Distinct().Order(StringComparer.Ordinal).ToList();
        var provider = mapped.Provider?.Value ?? (providers.Count == 1 ? providers[0] : providers.FirstOrDefault(p => p != "onprem") ?? "onprem");
        draft.Set("provider", NativeDraft.Text(provider, mapped.Provider?.At ?? at));

        if (mapped.Region is { } mr) draft.Set("region", NativeDraft.Text(mr.Value, mr.At));
        if (mapped.Country is { } mc) draft.Set("country", NativeDraft.Text(mc.Value, mc.At));
        if (mapped.Region is null && mapped.Country is null)
        {
            if (provider == "onprem" || provider is "edge" or "other")
            {
                session.Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown,
                    $"Cluster '{name}': {(provider == "other" ? "its nodes run on a cloud without a catalog location" : "its nodes have no cloud location")} ({places[0].Place.Evidence}); give its country with an ImportMapping rule (match: {{name: {name}, kind: Node}}, country: XX); until then its facts are indeterminate", at);
                draft.Set("country", NativeDraft.Text(ImportSession.UnknownCountry, at));
            }
            else if (regions.Count == 1 && places.All(p => p.Place.Region is not null))
            {
                var withRegion = places.First(p => p.Place.Region is not null).Node;
                draft.Set("region", NativeDraft.Text(regions[0], withRegion.Object["metadata"]["labels"].Location));
            }
            else
            {
                var why = regions.Count > 1
                    ? $"its nodes are in {string.Join(", ", regions)}; split the nodes into one file per cluster, or set {AnnotationKeys.Cluster} labels"
                    : $"{places.Count(p => p.Place.Region is null)} node(s) have no region ({places.First(p => p.Place.Region is null).Place.Evidence})";
                session.Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown, $"Cluster '{name}': the region is unknown ({why}); its facts are indeterminate", at);
                draft.Set("region", NativeDraft.Text("unknown", at));
            }
        }
        session.Add(draft);
    }

    /// <summary>Imports an annotated workload; false when nothing says what data it holds.</summary>
    private static bool Workload(ImportSession session, KubeObject o)
    {
        var owner = $"{o.Kind} '{o.Namespace}/{o.Name}'";
        AnnotationKeys.CheckShape(o.Object["metadata"]["annotations"], "metadata.annotations", owner, session.Diagnostics);
        AnnotationKeys.CheckShape(o.Object["metadata"]["labels"], "metadata.labels", owner, session.Diagnostics);
        var own = DataFacts.FromAnnotations(o.Annotations, owner, session.Diagnostics)
            .Or(DataFacts.FromAnnotations(o.Labels.Where(l => AnnotationKeys.IsOurs(l.Key)).ToDictionary(), owner, session.Diagnostics));
        var facts = own.Or(session.Mapping.For(new SourceObject(Name, o.Kind, o.Name!, $"{o.Namespace}/{o.Kind}/{o.Name}")));
        if (!facts.DescribesData) return false;
        if (o.Object["metadata"]["namespace"].String is null)
            session.Diagnostics.Warning(DiagnosticCodes.SourceNamespaceAssumed,
                $"{o.Kind} '{o.Name}' has no metadata.namespace, so it is read as in namespace 'default' (where kubectl applies it without -n or a context namespace); the Velero backups, Karmada and OCM placements and Istio entries of its real namespace would miss it: set metadata.namespace",
                o.Object.Location);
        var cluster = facts.Cluster?.Value ?? o.FileCluster;
        session.Store(o.Name!, cluster, o.Object.Location, facts, Name, o.Namespace, facts.Cluster?.At ?? o.Object["metadata"].Location, (o.Namespace, o.Kind, o.Name!), o.Labels, o.Object)
            .Label("compliance-engine.io/source", $"{o.Namespace}/{o.Kind}/{o.Name}", o.Object["metadata"]["name"].Location);
        return true;
    }
}
