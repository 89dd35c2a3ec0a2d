using ComplianceEngine.Import.Kubernetes;
using ComplianceEngine.Import.Mapping;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Istio;

/// <summary>
/// Reads Istio ServiceEntries with <c>location: MESH_EXTERNAL</c> (the default): each host is a Recipient (country from
/// the ImportMapping, else indeterminate), and every imported store in a namespace sends data to it, encrypted in transit
/// when every port is TLS/HTTPS (or 443). Istio's <c>exportTo</c> scopes which namespaces' proxies are configured for the
/// hosts and blocks no traffic: stores of namespaces outside it keep their flows, named in a note (CE2073).
/// </summary>
internal static partial class ServiceEntryReader
{
    public const string Name = "istio";

    internal static bool Accepts(string api, string kind) => api.StartsWith("networking.istio.io/", StringComparison.Ordinal) && kind is "ServiceEntry" or "Sidecar";

    public static bool Recognises(SourceDocument doc) => KubernetesObjects.Holds(doc, Accepts);

    public static void Read(ImportSession session, IReadOnlyList<SourceDocument> documents, IReadOnlyList<SourceDocument> meshDocuments, IReadOnlyList<SourceDocument> namespaceDocuments)
    {
        var objects = documents.SelectMany(KubernetesObjects.Objects).Where(o => Accepts(o.ApiVersion, o.Kind)).ToList();
        var mesh = MeshConfigReader.Read(session, meshDocuments);
        var sidecars = Sidecars(session, objects, mesh);
        var injection = Injection.Read(namespaceDocuments, mesh);
        foreach (var o in objects.Where(o => o.Kind == "ServiceEntry"))
        {
            var spec = o.Object["spec"];
            if (o.Name is null || !spec.Exists)
            {
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, "a ServiceEntry needs metadata.name and spec", o.Object.Location);
                continue;
            }
            var location = spec["location"].String ?? "MESH_EXTERNAL";
            if (location is not ("MESH_EXTERNAL" or "MESH_INTERNAL"))
            {
                // Read as "inside the mesh" it would drop the egress, and the transfers to the hosts, with no word.
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                    $"ServiceEntry '{o.Namespace}/{o.Name}': spec.location is '{location}', expected MESH_EXTERNAL or MESH_INTERNAL{Suggestions.DidYouMean(location, ["MESH_EXTERNAL", "MESH_INTERNAL"])}",
                    spec["location"].Location);
                continue;
            }
            if (location == "MESH_INTERNAL") continue; // inside the mesh: not egress
            var hosts = spec["hosts"].Items.Where(h => h.String is not null).ToList();
            // A host listed twice names the same host: read once (its flows and recipient once), with a word at the repeat.
            var listed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var repeat in hosts.Where(h => !listed.Add(h.String!)).ToList())
            {
                session.Diagnostics.Warning(DiagnosticCodes.SourceMalformed,
                    $"ServiceEntry '{o.Namespace}/{o.Name}': spec.hosts lists '{repeat.String}' more than once; it is read once", repeat.Location);
                hosts.Remove(repeat);
            }
            if (hosts.Count == 0)
            {
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, $"ServiceEntry '{o.Namespace}/{o.Name}': spec.hosts is required", spec.Location);
                continue;
            }
            var selector = spec["workloadSelector"];
            if (selector.Exists)
            {
                // Istio: "Applicable only for MESH_INTERNAL services ... Selects one or more Kubernetes pods or VM workloads
                // (specified using WorkloadEntry) based on their labels." It picks the entry's endpoints, not the workloads
                // that call it: the calls to these hosts go to the selected workloads, wherever they run.
                var labels = string.Join(", ", selector["labels"].Entries.Select(e => $"{e.Key}={e.Value.String}"));
                session.Diagnostics.Warning(DiagnosticCodes.SourceEndpointsSelected,
                    $"ServiceEntry '{o.Namespace}/{o.Name}': workloadSelector ({labels}) makes the workloads it selects in namespace '{o.Namespace}' (pods, or WorkloadEntry VMs) the endpoints of {string.Join(", ", hosts.Select(h => h.String))}, and Istio documents it for MESH_INTERNAL only; "
                    + "it does not narrow who calls the hosts. The flows to the hosts are read as written; give the hosts' country with an ImportMapping rule as where those workloads run",
                    selector.Location);
            }
            var ports = spec["ports"].Items.ToList();
            var encrypted = ports.Count > 0 && ports.All(p =>
                (p["protocol"].String?.ToUpperInvariant() is "TLS" or "HTTPS" or "GRPC-TLS") || p["number"].String == "443");
            var owner = $"ServiceEntry '{o.Namespace}/{o.Name}'";
            AnnotationKeys.CheckShape(o.Object["metadata"]["annotations"], "metadata.annotations", owner, session.Diagnostics);
            var flowFacts = DataFacts.FromAnnotations(o.Annotations, owner, session.Diagnostics);
            // Istio exports an entry to every namespace unless exportTo says otherwise ("." its own, "*" all, or names). Exporting
            // configures the proxies of those namespaces for the hosts; it blocks nothing: under ALLOW_ANY, Istio's default
            // outboundTrafficPolicy, a workload elsewhere reaches the hosts as unmatched (passthrough) traffic. So every
            // namespace's stores send data to the hosts, and those outside exportTo are named in a note.
            var exportTo = spec["exportTo"].Strings;
            var everywhere = exportTo.Count == 0 || exportTo.Contains("*");
            bool Exported(string ns) => everywhere || exportTo.Contains(ns) || (ns == o.Namespace && exportTo.Contains("."));
            // Only workloads have a namespace: a bucket or backup store imported from another source calls no host.
            var sources = session.Drafts.Where(d => d.Kind == DocumentKind.DataStore && d.Namespace is not null).ToList();
            // Under REGISTRY_ONLY a proxy drops calls to hosts it is not configured for: those stores' flows are not imported.
            var narrowed = hosts.ToDictionary(h => h.String!, h => Narrowed(session, sidecars, mesh, injection, sources, o, h.String!, Exported, h.Location), StringComparer.Ordinal);
            var kept = sources.Where(d => hosts.Any(h => !narrowed[h.String!].ContainsKey(d))).ToList();
            var outside = kept.Select(d => d.Namespace!).Where(ns => !Exported(ns)).Distinct().Order(StringComparer.Ordinal).ToList();
            if (outside.Count > 0)
                session.Diagnostics.Note(DiagnosticCodes.SourceEgressNotRestricted,
                    $"{owner}: exportTo ({string.Join(", ", exportTo)}) leaves out {string.Join(", ", outside.Select(ns => $"namespace '{ns}'"))}; exportTo scopes which proxies are configured for {string.Join(", ", hosts.Select(h => h.String))}, "
                    + "and Istio documents no traffic block for it (under ALLOW_ANY, the default, calls pass through as unmatched traffic), so the flows of the stores there are kept",
                    spec["exportTo"].Location);
            if (sources.Count == 0)
                session.Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                    $"{owner}: no imported DataStore is in any namespace, so no flow to {string.Join(", ", hosts.Select(h => h.String))} is imported; annotate the workloads with {AnnotationKeys.Categories}", o.Object.Location);

            foreach (var host in hosts)
            {
                var name = host.String!;
                var mapped = session.Mapping.For(new SourceObject(Name, o.Kind, name, $"{o.Namespace}/{o.Kind}/{o.Name}"));
                var recipient = session.Find(DocumentKind.Recipient, name);
                if (recipient is null)
                {
                    recipient = new NativeDraft(DocumentKind.Recipient, name, host.Location, Name);
                    if (mapped.Country is { } c) recipient.Set("country", NativeDraft.Text(c.Value, c.At));
                    else
                    {
                        session.Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown,
                            $"{owner}: the country of external host '{name}' is unknown; give it with an ImportMapping rule (match: {{name: {name}}}, country: XX); until then transfers to it are indeterminate", host.Location);
                        recipient.Set("country", NativeDraft.Text(ImportSession.UnknownCountry, host.Location));
                    }
                    if (mapped.Role is { } role) recipient.Set("role", NativeDraft.Text(role.Value, role.At));
                    if (mapped.Certifications is { } certs) recipient.Set("certifications", NativeDraft.List(certs.Value, certs.At));
                    recipient.Label("compliance-engine.io/source", $"{o.Namespace}/{o.Kind}/{o.Name}", o.Object["metadata"]["name"].Location);
                    session.Add(recipient);
                }
                foreach (var store in sources)
                {
                    if (narrowed[name].ContainsKey(store)) continue;
                    NoteSidecar(session, sidecars, store, o, name, host.Location);
                    var flow = new NativeDraft(DocumentKind.DataFlow, $"{store.Name}-to-{name}", host.Location, Name);
                    flow.Set("from", NativeDraft.Text(store.Name, o.Object["metadata"]["namespace"].Location));
                    flow.Set("to", NativeDraft.Text(name, host.Location));
                    if (flowFacts.Categories is { } cats) flow.Set("categories", NativeDraft.List(cats.Value, cats.At));
                    flow.Set("purpose", NativeDraft.Text("api", o.Object.Location));
                    if (mapped.Mechanisms is { } m) flow.Set("mechanisms", NativeDraft.List(m.Value, m.At));
                    flow.Set("encryptedInTransit", NativeDraft.Flag(encrypted, spec["ports"].Location));
                    session.Add(flow);
                }
            }
        }
    }
}
