using ComplianceEngine.Import.Kubernetes;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Istio;

/// <summary>
/// The mesh-wide settings of an Istio install that decide egress (istio/api@b8f8791d <c>mesh/v1alpha1/config.proto</c>):
/// <c>outboundTrafficPolicy.mode</c> (<c>ALLOW_ANY</c>, the default; <c>REGISTRY_ONLY</c>, where "unknown outbound
/// traffic will be dropped"; <c>ALLOW_ANY_DYNAMIC_DNS</c>) and <c>rootNamespace</c> (the root namespace of Sidecars,
/// <c>istio-system</c> by default). Read from the <c>istio</c> (or revisioned <c>istio-REV</c>) ConfigMap's <c>mesh</c>
/// key, as istiod's chart writes it (istio/istio@5fcfd49a
/// <c>manifests/charts/istio-control/istio-discovery/templates/configmap.yaml</c>), or an <c>IstioOperator</c>'s
/// <c>spec.meshConfig</c>.
/// </summary>
internal static class MeshConfigReader
{
    /// <summary>The outbound traffic policy modes of MeshConfig.</summary>
    public static readonly string[] Modes = ["ALLOW_ANY", "REGISTRY_ONLY", "ALLOW_ANY_DYNAMIC_DNS"];

    /// <summary>The mesh root namespace of a default install.</summary>
    public const string DefaultRootNamespace = "istio-system";

    /// <summary>True for the objects this reader reads: an istio mesh ConfigMap, an IstioOperator, a revision tag's webhook configuration.</summary>
    public static bool Reads(KubeObject o) => IsMeshConfig(o) || IsRevisionTag(o);

    private static bool IsMeshConfig(KubeObject o) =>
        (o.ApiVersion == "v1" && o.Kind == "ConfigMap" && o.Name is { } n && (n == "istio" || n.StartsWith("istio-", StringComparison.Ordinal)) && o.Object["data"]["mesh"].Exists)
        || (o.ApiVersion.StartsWith("install.istio.io/", StringComparison.Ordinal) && o.Kind == "IstioOperator");

    /// <summary>
    /// A revision tag: the MutatingWebhookConfiguration <c>istioctl tag set TAG --revision REV</c> (or the istiod chart's
    /// <c>revisionTags</c>) writes, labelled <c>istio.io/tag: TAG</c> and <c>istio.io/rev: REV</c> (istio/istio@86c9f01f
    /// <c>manifests/charts/istio-control/istio-discovery/templates/revision-tags-mwc.yaml</c>): it injects the pods of
    /// namespaces (and pods) labelled <c>istio.io/rev=TAG</c> with revision REV's proxy; the tag <c>default</c> also takes
    /// <c>istio-injection=enabled</c> and <c>sidecar.istio.io/inject=true</c>.
    /// </summary>
    private static bool IsRevisionTag(KubeObject o) =>
        o.ApiVersion.StartsWith("admissionregistration.k8s.io/", StringComparison.Ordinal) && o.Kind == "MutatingWebhookConfiguration" && o.Labels.Text("istio.io/tag") is not null;

    /// <summary>True when the document is, or is a List holding, an object this reader reads.</summary>
    public static bool Recognises(SourceDocument doc) => KubernetesObjects.Objects(doc).Any(Reads);

    /// <summary>
    /// The mesh settings of the inputs, per control-plane revision: a namespace's workloads get the proxy of the revision
    /// their injection labels pick (<see cref="Injection"/>), configured by that revision's own mesh configuration. Several
    /// configurations of one revision that disagree on the mode leave it undecided (a warning, nothing narrowed for it).
    /// </summary>
    public static MeshSettings Read(ImportSession session, IReadOnlyList<SourceDocument> documents)
    {
        var found = new List<(string Mode, SourceLocation At, string Where, string? Root, KubeObject Object)>();
        var tags = Tags(session, documents);
        foreach (var o in documents.SelectMany(KubernetesObjects.Objects).Where(IsMeshConfig))
        {
            var where = $"{o.Kind} '{o.Namespace}/{o.Name}'";
            Cursor config;
            if (o.Kind == "ConfigMap")
            {
                var text = o.Object["data"]["mesh"];
                if (text.String is not { } yaml)
                {
                    session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, $"{where}: data.mesh must be the MeshConfig as YAML text", text.Location);
                    continue;
                }
                var bag = new DiagnosticBag();
                var nodes = SafeYamlReader.Read(yaml, o.Document.File, bag);
                if (bag.HasErrors || nodes.Count > 1 || (nodes.Count == 1 && nodes[0] is not YamlMapping && !(nodes[0] is YamlScalar { IsNull: true })))
                {
                    var first = bag.Sorted().FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);
                    session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                        $"{where}: data.mesh is not a MeshConfig (YAML mapping){(first is null ? "" : $": {first.Message} (line {first.Location.Line}, column {first.Location.Column} of the text)")}; its outboundTrafficPolicy cannot be read, so no egress is narrowed",
                        text.Location);
                    found.Add(("ALLOW_ANY", text.Location, where, null, o));
                    continue;
                }
                // Positions inside the text are relative to it: point at the key that holds it.
                config = nodes.Count == 1 && nodes[0] is YamlMapping m ? new Cursor(m, "", false, text.Location) : new Cursor(null, "", false, text.Location);
                Add(session, found, config, where, text.Location, o);
            }
            else
            {
                config = o.Object["spec"]["meshConfig"];
                Add(session, found, config, where, null, o);
            }
        }
        if (found.Count == 0) return MeshSettings.Default with { Tags = tags };
        // Each revision's own configuration: istiod of revision REV reads the istio-REV ConfigMap (the istio one for the
        // default revision; istio/istio@86c9f01f pilot/pkg/bootstrap/mesh.go getMeshConfigMapName). Configurations that
        // show one revision with different modes leave it undecided (a warning, and nothing is narrowed for it).
        var byRevision = new Dictionary<string, RevisionMesh>(StringComparer.Ordinal);
        foreach (var group in found.SelectMany(f => RevisionsOf(f.Object).Distinct(StringComparer.Ordinal).Select(r => (Revision: r, Found: f))).GroupBy(x => x.Revision, StringComparer.Ordinal))
        {
            var modes = group.Select(x => Effective(x.Found.Mode)).Distinct(StringComparer.Ordinal).ToList();
            if (modes.Count == 1)
            {
                byRevision[group.Key] = new RevisionMesh(modes[0], group.First().Found.Where);
                continue;
            }
            session.Diagnostics.Warning(DiagnosticCodes.SourceEgressNarrowed,
                $"the inputs hold {group.Count()} Istio mesh configurations of revision '{group.Key}' with different outboundTrafficPolicy modes ({string.Join(", ", group.Select(x => $"{x.Found.Where}: {x.Found.Mode}"))}); which one its control plane reads is not known, so no egress is narrowed for its namespaces",
                group.First().Found.At);
            byRevision[group.Key] = new RevisionMesh("ALLOW_ANY", $"the mesh configurations of revision '{group.Key}' (undecided)");
        }
        var allModes = found.Select(f => Effective(f.Mode)).Distinct(StringComparer.Ordinal).ToList();
        var roots = found.Select(f => f.Root ?? DefaultRootNamespace).Distinct(StringComparer.Ordinal).ToList();
        if (roots.Count > 1)
            session.Diagnostics.Warning(DiagnosticCodes.SourceEgressNarrowed,
                $"the inputs hold Istio mesh configurations with different rootNamespace values ({string.Join(", ", roots)}); Sidecars of each of them are read as the mesh's root Sidecars",
                found[0].At);
        var chosen = found[0];
        return new MeshSettings(allModes.Count == 1 ? allModes[0] : "ALLOW_ANY", allModes.Count == 1 ? chosen.At : null, allModes.Count == 1 ? chosen.Where : "the mesh configurations of its revision", roots)
        {
            ByRevision = byRevision,
            Tags = tags,
        };
    }

    /// <summary>
    /// The revision tags of the inputs: tag to revision, from each tag's webhook configuration (<see cref="IsRevisionTag"/>).
    /// A tag whose configurations name different revisions, or none, is left out (a warning): the namespaces that use it
    /// keep their flows.
    /// </summary>
    private static Dictionary<string, RevisionTag> Tags(ImportSession session, IReadOnlyList<SourceDocument> documents)
    {
        var result = new Dictionary<string, RevisionTag>(StringComparer.Ordinal);
        foreach (var group in documents.SelectMany(KubernetesObjects.Objects).Where(IsRevisionTag).GroupBy(o => o.Labels.Text("istio.io/tag")!, StringComparer.Ordinal))
        {
            var revisions = group.Select(o => o.Labels.Text("istio.io/rev")).Distinct(StringComparer.Ordinal).ToList();
            if (revisions is [{ Length: > 0 } revision])
            {
                result[group.Key] = new RevisionTag(revision, $"MutatingWebhookConfiguration '{group.First().Name}'");
                continue;
            }
            session.Diagnostics.Warning(DiagnosticCodes.SourceEgressNarrowed,
                $"Istio revision tag '{group.Key}': {(revisions.Any(r => r is null or "") ? "a MutatingWebhookConfiguration labelled with it has no istio.io/rev label" : $"its MutatingWebhookConfigurations name different revisions ({string.Join(", ", revisions)})")}, so which revision injects the namespaces that use it is not known; their flows are kept",
                group.First().Object.Location);
        }
        return result;
    }

    /// <summary>
    /// The control-plane revisions a mesh configuration shows: the <c>istio</c> ConfigMap is the default revision's,
    /// <c>istio-REV</c> revision REV's (as istiod's chart names it), and its <c>istio.io/rev</c> label names it too; an
    /// IstioOperator's <c>spec.revision</c>, <c>default</c> when empty.
    /// </summary>
    private static IEnumerable<string> RevisionsOf(KubeObject o)
    {
        if (o.Kind == "IstioOperator")
        {
            yield return o.Object["spec"]["revision"].String is { Length: > 0 } r ? r : "default";
            yield break;
        }
        yield return o.Name == "istio" ? "default" : o.Name!["istio-".Length..];
        if (o.Labels.Text("istio.io/rev") is { Length: > 0 } label) yield return label;
    }

    /// <summary>The traffic rule of a mode: ALLOW_ANY_DYNAMIC_DNS lets unknown destinations through as ALLOW_ANY does.</summary>
    private static string Effective(string mode) => mode == "REGISTRY_ONLY" ? "REGISTRY_ONLY" : "ALLOW_ANY";

    private static void Add(ImportSession session, List<(string Mode, SourceLocation At, string Where, string? Root, KubeObject Object)> found, Cursor config, string where, SourceLocation? textAt, KubeObject o)
    {
        var mode = config["outboundTrafficPolicy"]["mode"];
        var root = config["rootNamespace"].String;
        var at = textAt ?? (mode.Exists ? mode.Location : config.Location);
        if (!mode.Exists)
        {
            found.Add(("ALLOW_ANY", at, where + " (outboundTrafficPolicy not set: ALLOW_ANY)", root, o));
            return;
        }
        if (mode.String is { } value && Modes.Contains(value, StringComparer.Ordinal))
        {
            found.Add((value, at, where, root, o));
            return;
        }
        // Read as REGISTRY_ONLY a typo would drop flows; read as ALLOW_ANY it keeps them, and the error stops the check.
        session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
            $"{where}: outboundTrafficPolicy.mode is '{mode.String}', expected {string.Join(", ", Modes)}{Suggestions.DidYouMean(mode.String ?? "", Modes)}; no egress is narrowed",
            at);
        found.Add(("ALLOW_ANY", at, where, root, o));
    }
}

/// <summary>
/// The mesh-wide egress settings: <see cref="Mode"/> is <c>ALLOW_ANY</c> or <c>REGISTRY_ONLY</c> (as traffic is treated),
/// <see cref="Where"/> names the configuration it comes from, <see cref="RootNamespaces"/> the Sidecar root namespaces.
/// </summary>
internal sealed record MeshSettings(string Mode, SourceLocation? At, string Where, IReadOnlyList<string> RootNamespaces)
{
    /// <summary>Each control-plane revision's own outbound traffic policy (<c>default</c> for the <c>istio</c> ConfigMap).</summary>
    public IReadOnlyDictionary<string, RevisionMesh> ByRevision { get; init; } = new Dictionary<string, RevisionMesh>(StringComparer.Ordinal);

    /// <summary>The revision tags the inputs show, tag to revision.</summary>
    public IReadOnlyDictionary<string, RevisionTag> Tags { get; init; } = new Dictionary<string, RevisionTag>(StringComparer.Ordinal);

    /// <summary>True when no mesh configuration is among the inputs: every revision has Istio's defaults (ALLOW_ANY).</summary>
    public bool NoneShown => ByRevision.Count == 0;

    /// <summary>True when some revision's configuration drops unknown outbound traffic.</summary>
    public bool AnyRegistryOnly => ByRevision.Values.Any(r => r.Mode == "REGISTRY_ONLY");

    /// <summary>No mesh configuration among the inputs: Istio's defaults.</summary>
    public static MeshSettings Default { get; } = new("ALLOW_ANY", null, "Istio's default (no mesh configuration among the inputs)", [MeshConfigReader.DefaultRootNamespace]);
}

/// <summary>A revision's outbound traffic policy (<c>ALLOW_ANY</c> or <c>REGISTRY_ONLY</c>, as traffic is treated) and the configuration it comes from.</summary>
internal sealed record RevisionMesh(string Mode, string Where);

/// <summary>A revision tag's revision, and the webhook configuration that says so.</summary>
internal sealed record RevisionTag(string Revision, string Where);
