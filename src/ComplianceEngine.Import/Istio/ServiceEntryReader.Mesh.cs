using ComplianceEngine.Import.Kubernetes;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Istio;

/// <summary>
/// Egress under <c>REGISTRY_ONLY</c> (istio/api@b8f8791d <c>mesh/v1alpha1/config.proto</c>: "unknown outbound traffic
/// will be dropped"; the Sidecar's <c>outboundTrafficPolicy</c> overrides the mesh's): a workload's proxy is configured
/// only for the hosts of entries exported to its namespace (<c>exportTo</c>) and imported by the Sidecar that applies
/// to it (<c>egress[].hosts</c>), and drops calls to any other. Those flows are not imported, with a note (CE2079) that
/// names each store and why, and repeats Istio's caveat that the mode is no outbound firewall. Only a workload whose pods
/// Istio injects with the proxy, as its Namespace's labels and its pod template say (<see cref="Injection"/>), is narrowed:
/// one that opts out, one whose pods or Namespace are not among the inputs, or one the labels do not enable keeps its
/// flows, with a note. The mesh's mode is that of the revision whose proxy the pods run: its own mesh configuration
/// (<c>istio-REV</c>), reached through a revision tag when the label names one; a revision the inputs do not show keeps
/// the flows, with a note.
/// </summary>
internal static partial class ServiceEntryReader
{
    /// <summary>The labels of a store's pods: its workload's pod template labels, else the labels of its source object.</summary>
    private static IReadOnlyDictionary<string, Cursor> PodLabels(NativeDraft store) =>
        (store.SourceObject is { } o && store.SourceKey is { } key ? KubernetesObjects.PodTemplate(o, key.Kind)["metadata"]["labels"].ScalarMap : null)
        ?? store.SourceLabels ?? new Dictionary<string, Cursor>();

    /// <summary>
    /// Whether a store's pods run an Istio proxy (<see cref="Injection"/>): true only when Istio's documented injection
    /// logic injects them from what the inputs show; false when a label disables it; null when the inputs do not say.
    /// </summary>
    private static (bool? Runs, string Why, string? Revision) RunsProxy(Injection injection, NativeDraft store)
    {
        if (store.SourceObject is not { } o || store.SourceKey is not { } key || key.Kind == "PersistentVolumeClaim" || !KubernetesObjects.PodTemplate(o, key.Kind).Exists)
            return (null, "its pods are not among the inputs, so whether they run an Istio proxy is not known", null);
        return injection.Decide(store.Namespace!, KubernetesObjects.PodTemplate(o, key.Kind));
    }

    /// <summary>
    /// The stores whose calls to <paramref name="host"/> their proxy drops (REGISTRY_ONLY, and the proxy not configured for
    /// the host), each with the reason; said in one note per entry and host.
    /// </summary>
    private static Dictionary<NativeDraft, string> Narrowed(ImportSession session, SidecarSet sidecars, MeshSettings mesh, Injection injection, List<NativeDraft> sources,
        KubeObject entry, string host, Func<string, bool> exported, SourceLocation at)
    {
        var result = new Dictionary<NativeDraft, string>();
        var kept = new List<string>();
        foreach (var store in sources)
        {
            var ns = store.Namespace!;
            var applying = SidecarsOf(sidecars, ns, PodLabels(store));
            var own = applying.Select(s => (Sidecar: s, Mode: s.Object["spec"]["outboundTrafficPolicy"]["mode"].String)).Where(s => s.Mode is not null).ToList();
            var modes = own.Select(s => s.Mode!).Distinct(StringComparer.Ordinal).ToList();
            // Several Sidecars at one level with different modes: which applies is undefined in Istio; nothing is narrowed.
            // No Sidecar mode: the mode of the mesh configuration of the revision whose proxy the pods run (decided below).
            var (mode, from) = modes.Count switch
            {
                0 => ((string?)null, ""),
                1 => (modes[0], string.Join(", ", own.Select(s => $"Sidecar '{s.Sidecar.Namespace}/{s.Sidecar.Name}'"))),
                _ => ("ALLOW_ANY", "several Sidecars"),
            };
            if (mode is null ? !mesh.AnyRegistryOnly : mode != "REGISTRY_ONLY") continue;
            string? why = null;
            if (!exported(ns)) why = $"exportTo ({string.Join(", ", entry.Object["spec"]["exportTo"].Strings)}) leaves out namespace '{ns}'";
            else
            {
                var blocking = applying.FirstOrDefault(s => s.Object["spec"]["egress"].Items.Any()
                    && !Imports([.. s.Object["spec"]["egress"].Items.SelectMany(l => l["hosts"].Strings)], s.Namespace, entry.Namespace, host));
                if (blocking is not null) why = $"the egress hosts of Sidecar '{blocking.Namespace}/{blocking.Name}' do not import it";
            }
            if (why is null) continue;
            var (runs, unsure, revision) = RunsProxy(injection, store);
            if (runs is not true)
            {
                kept.Add($"DataStore '{store.Name}' ({unsure})");
                continue;
            }
            if (mode is null)
            {
                if (revision is null || !mesh.ByRevision.TryGetValue(revision, out var own0))
                {
                    kept.Add($"DataStore '{store.Name}' ({injection.DefaultUnknown()})");
                    continue;
                }
                if (own0.Mode != "REGISTRY_ONLY") continue; // its revision lets unknown traffic through
                from = revision == "default" ? own0.Where : $"{own0.Where}, revision '{revision}'";
            }
            result[store] = $"DataStore '{store.Name}' ({why}; REGISTRY_ONLY from {from})";
        }
        var owner = $"ServiceEntry '{entry.Namespace}/{entry.Name}'";
        if (result.Count > 0)
            session.Diagnostics.Note(DiagnosticCodes.SourceEgressNarrowed,
                $"{owner}: the proxies of {string.Join(", ", result.Values.Order(StringComparer.Ordinal))} are not configured for host '{host}', and in REGISTRY_ONLY mode they drop calls to hosts they are not configured for, so those flows are not imported. "
                + "Istio documents REGISTRY_ONLY as no outbound firewall: a workload that bypasses the proxy's traffic capture still reaches the host",
                at);
        if (kept.Count > 0)
            session.Diagnostics.Note(DiagnosticCodes.SourceEgressNarrowed,
                $"{owner}: REGISTRY_ONLY would drop the calls of {string.Join(", ", kept.Order(StringComparer.Ordinal))} to host '{host}' only through an Istio proxy, so their flows are kept",
                at);
        return result;
    }
}
