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

    /// <summary>True for the objects this reader reads: an istio mesh ConfigMap, an IstioOperator.</summary>
    public static bool Reads(KubeObject o) =>
        (o.ApiVersion == "v1" && o.Kind == "ConfigMap" && o.Name is { } n && (n == "istio" || n.StartsWith("istio-", StringComparison.Ordinal)) && o.Object["data"]["mesh"].Exists)
        || (o.ApiVersion.StartsWith("install.istio.io/", StringComparison.Ordinal) && o.Kind == "IstioOperator");

    /// <summary>True when the document is, or is a List holding, an object this reader reads.</summary>
    public static bool Recognises(SourceDocument doc) => KubernetesObjects.Objects(doc).Any(Reads);

    /// <summary>
    /// The mesh settings of the inputs. Several installs (revisions) that disagree on the mode leave it undecided: which
    /// one a namespace uses is its <c>istio.io/rev</c> label, not among the inputs (a warning, and nothing is narrowed).
    /// </summary>
    public static MeshSettings Read(ImportSession session, IReadOnlyList<SourceDocument> documents)
    {
        var found = new List<(string Mode, SourceLocation At, string Where, string? Root)>();
        foreach (var o in documents.SelectMany(KubernetesObjects.Objects).Where(Reads))
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
                    found.Add(("ALLOW_ANY", text.Location, where, null));
                    continue;
                }
                // Positions inside the text are relative to it: point at the key that holds it.
                config = nodes.Count == 1 && nodes[0] is YamlMapping m ? new Cursor(m, "", false, text.Location) : new Cursor(null, "", false, text.Location);
                Add(session, found, config, where, text.Location);
            }
            else
            {
                config = o.Object["spec"]["meshConfig"];
                Add(session, found, config, where, null);
            }
        }
        if (found.Count == 0) return MeshSettings.Default;
        var revisions = documents.SelectMany(KubernetesObjects.Objects).Where(Reads).SelectMany(RevisionsOf).ToHashSet(StringComparer.Ordinal);
        var modes = found.Select(f => Effective(f.Mode)).Distinct(StringComparer.Ordinal).ToList();
        var roots = found.Select(f => f.Root ?? DefaultRootNamespace).Distinct(StringComparer.Ordinal).ToList();
        if (modes.Count > 1)
            session.Diagnostics.Warning(DiagnosticCodes.SourceEgressNarrowed,
                $"the inputs hold {found.Count} Istio mesh configurations with different outboundTrafficPolicy modes ({string.Join(", ", found.Select(f => $"{f.Where}: {f.Mode}"))}); which one a namespace uses (its istio.io/rev label) is not among the inputs, so no egress is narrowed",
                found[0].At);
        if (roots.Count > 1)
            session.Diagnostics.Warning(DiagnosticCodes.SourceEgressNarrowed,
                $"the inputs hold Istio mesh configurations with different rootNamespace values ({string.Join(", ", roots)}); Sidecars of each of them are read as the mesh's root Sidecars",
                found[0].At);
        var chosen = found[0];
        return new MeshSettings(modes.Count == 1 ? modes[0] : "ALLOW_ANY", modes.Count == 1 ? chosen.At : null, modes.Count == 1 ? chosen.Where : "the mesh configurations (undecided)", roots)
        {
            Revisions = revisions,
        };
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

    private static void Add(ImportSession session, List<(string Mode, SourceLocation At, string Where, string? Root)> found, Cursor config, string where, SourceLocation? textAt)
    {
        var mode = config["outboundTrafficPolicy"]["mode"];
        var root = config["rootNamespace"].String;
        var at = textAt ?? (mode.Exists ? mode.Location : config.Location);
        if (!mode.Exists)
        {
            found.Add(("ALLOW_ANY", at, where + " (outboundTrafficPolicy not set: ALLOW_ANY)", root));
            return;
        }
        if (mode.String is { } value && Modes.Contains(value, StringComparer.Ordinal))
        {
            found.Add((value, at, where, root));
            return;
        }
        // Read as REGISTRY_ONLY a typo would drop flows; read as ALLOW_ANY it keeps them, and the error stops the check.
        session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
            $"{where}: outboundTrafficPolicy.mode is '{mode.String}', expected {string.Join(", ", Modes)}{Suggestions.DidYouMean(mode.String ?? "", Modes)}; no egress is narrowed",
            at);
        found.Add(("ALLOW_ANY", at, where, root));
    }
}

/// <summary>
/// The mesh-wide egress settings: <see cref="Mode"/> is <c>ALLOW_ANY</c> or <c>REGISTRY_ONLY</c> (as traffic is treated),
/// <see cref="Where"/> names the configuration it comes from, <see cref="RootNamespaces"/> the Sidecar root namespaces.
/// </summary>
internal sealed record MeshSettings(string Mode, SourceLocation? At, string Where, IReadOnlyList<string> RootNamespaces)
{
    /// <summary>The control-plane revisions the mesh configurations show (<c>default</c> for the <c>istio</c> ConfigMap).</summary>
    public IReadOnlySet<string> Revisions { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>No mesh configuration among the inputs: Istio's defaults.</summary>
    public static MeshSettings Default { get; } = new("ALLOW_ANY", null, "Istio's default (no mesh configuration among the inputs)", [MeshConfigReader.DefaultRootNamespace]);
}
