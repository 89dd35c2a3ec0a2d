using ComplianceEngine.Import.Federation;
using ComplianceEngine.Import.Kubernetes;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Istio;

/// <summary>
/// Istio <c>Sidecar</c> egress (istio/api@b8f8791d <c>networking/v1alpha3/sidecar.proto</c>): the Sidecar that applies to
/// a workload is the one of its namespace whose <c>workloadSelector</c> selects it, else its namespace's Sidecar without a
/// selector, else the selector-less one of the mesh's root namespace (<c>istio-system</c> unless MeshConfig says
/// otherwise); its <c>egress[].hosts</c> (<c>namespace/dnsName</c>; <c>*</c> any namespace, <c>.</c> its own, a
/// <c>~</c> prefix excludes) say which hosts its proxy is configured for. Istio documents that this scopes
/// configuration and does not block traffic ("restricting the configuration [does not amount] to blocking the
/// traffic"; <c>REGISTRY_ONLY</c> "does not act as ... any form of an outbound firewall"): a flow to a host the Sidecar
/// does not import is kept, with a note (CE2073) naming the Sidecar and its mode.
/// </summary>
internal static partial class ServiceEntryReader
{
    /// <summary>The Sidecars of the inputs and the mesh root namespaces (MeshConfig <c>rootNamespace</c>, <c>istio-system</c> by default).</summary>
    private sealed record SidecarSet(List<KubeObject> All, MeshSettings Mesh)
    {
        public int Count => All.Count;
    }

    private static SidecarSet Sidecars(ImportSession session, List<KubeObject> objects, MeshSettings mesh)
    {
        var result = new List<KubeObject>();
        foreach (var o in objects.Where(o => o.Kind == "Sidecar"))
        {
            if (o.Name is null)
            {
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, "an Istio Sidecar needs metadata.name", o.Object.Location);
                continue;
            }
            var mode = o.Object["spec"]["outboundTrafficPolicy"]["mode"];
            if (mode.Exists && mode.String is not ("REGISTRY_ONLY" or "ALLOW_ANY"))
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                    $"Sidecar '{o.Namespace}/{o.Name}': outboundTrafficPolicy.mode is '{mode.String}', expected REGISTRY_ONLY or ALLOW_ANY{Suggestions.DidYouMean(mode.String ?? "", ["REGISTRY_ONLY", "ALLOW_ANY"])}",
                    mode.Location);
            result.Add(o);
        }
        return new SidecarSet(result, mesh);
    }

    /// <summary>The Sidecars that apply to a workload, by Istio's precedence (several at one level: undefined in Istio, all returned).</summary>
    private static List<KubeObject> SidecarsOf(SidecarSet sidecars, string ns, IReadOnlyDictionary<string, Cursor> podLabels)
    {
        var own = sidecars.All.Where(s => s.Namespace == ns).ToList();
        var selecting = own.Where(s => s.Object["spec"]["workloadSelector"].Exists
            && s.Object["spec"]["workloadSelector"]["labels"].Entries.All(e => podLabels.Text(e.Key) == e.Value.String)).ToList();
        if (selecting.Count > 0) return selecting;
        var namespaceWide = own.Where(s => !s.Object["spec"]["workloadSelector"].Exists).ToList();
        if (namespaceWide.Count > 0) return namespaceWide;
        return [.. sidecars.All.Where(s => sidecars.Mesh.RootNamespaces.Contains(s.Namespace) && !s.Object["spec"]["workloadSelector"].Exists)];
    }

    private static void NoteSidecar(ImportSession session, SidecarSet sidecars, NativeDraft store, KubeObject entry, string host, SourceLocation at)
    {
        if (sidecars.Count == 0 || store.Namespace is not { } ns) return;
        var labels = PodLabels(store);
        foreach (var sidecar in SidecarsOf(sidecars, ns, labels))
        {
            var listeners = sidecar.Object["spec"]["egress"].Items.ToList();
            if (listeners.Count == 0) continue; // no egress: the proxy imports everything exported to its namespace
            var hosts = listeners.SelectMany(l => l["hosts"].Strings).ToList();
            if (Imports(hosts, sidecar.Namespace, entry.Namespace, host)) continue;
            var mode = sidecar.Object["spec"]["outboundTrafficPolicy"]["mode"].String;
            session.Diagnostics.Note(DiagnosticCodes.SourceEgressNotRestricted,
                $"Sidecar '{sidecar.Namespace}/{sidecar.Name}' applies to the workload of DataStore '{store.Name}' and its egress hosts ({string.Join(", ", hosts)}) do not import '{host}' of ServiceEntry '{entry.Namespace}/{entry.Name}'; "
                + (mode == "REGISTRY_ONLY"
                    ? "in REGISTRY_ONLY mode its proxy drops such calls, but Istio documents that this is no outbound traffic restriction (traffic can bypass the proxy), "
                    : $"in {(mode is null ? $"the mesh's outboundTrafficPolicy mode ({(sidecars.Mesh.NoneShown ? "ALLOW_ANY unless MeshConfig says otherwise" : $"ALLOW_ANY, from {sidecars.Mesh.Where}")})" : "ALLOW_ANY mode")} such calls pass through as unmatched traffic, ")
                + "so the flow is kept",
                at);
        }
    }

    /// <summary>Whether a Sidecar in <paramref name="sidecarNs"/> with egress <paramref name="hosts"/> imports <paramref name="host"/> of a ServiceEntry in <paramref name="entryNs"/>: some entry imports it and none excludes it.</summary>
    private static bool Imports(IReadOnlyList<string> hosts, string sidecarNs, string entryNs, string host)
    {
        bool Selects(string item)
        {
            var slash = item.IndexOf('/', StringComparison.Ordinal);
            var (ns, dns) = slash < 0 ? ("*", item) : (item[..slash], item[(slash + 1)..]);
            var nsOk = ns is "*" or "" || ns == entryNs || (ns == "." && entryNs == sidecarNs);
            var dnsOk = dns == "*" || dns.Equals(host, StringComparison.OrdinalIgnoreCase)
                || (dns.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(dns[1..], StringComparison.OrdinalIgnoreCase));
            return nsOk && dnsOk;
        }
        var imported = hosts.Where(h => !h.StartsWith('~')).Any(Selects);
        var excluded = hosts.Where(h => h.StartsWith('~')).Any(h => Selects(h[1..]));
        return imported && !excluded;
    }
}
