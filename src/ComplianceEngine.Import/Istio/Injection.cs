using ComplianceEngine.Import.Kubernetes;
using ComplianceEngine.Loading.Sources;

namespace ComplianceEngine.Import.Istio;

/// <summary>
/// Whether Istio injects its proxy into a workload's pods, as Istio documents it ("Installing the Sidecar", Controlling
/// the injection policy; istio.io/latest/docs/setup/additional-setup/sidecar-injection): a namespace enables injection
/// with <c>istio-injection=enabled</c> or a revision's <c>istio.io/rev=REV</c> (when both are set, <c>istio-injection</c>
/// takes precedence) and disables it with <c>istio-injection=disabled</c>; a pod enables it with the label
/// <c>sidecar.istio.io/inject: "true"</c> or <c>istio.io/rev=REV</c> and disables it with <c>"false"</c>. "If either
/// label is disabled, the pod is not injected; if either label is enabled, the pod is injected"; with neither, only
/// <c>enableNamespacesByDefault</c> (off by default, not among the inputs) would inject. Only an injected pod's proxy
/// drops calls under REGISTRY_ONLY, so anything the inputs do not show keeps the flows: a namespace without its
/// Namespace object, a revision no mesh configuration among the inputs shows, a value Istio does not know. A revision
/// tag (<c>istio.io/rev=TAG</c>) is resolved to its revision by the tag's MutatingWebhookConfiguration, and the pods get
/// that revision's mesh configuration (<see cref="MeshSettings.ByRevision"/>).
/// </summary>
internal sealed class Injection
{
    private readonly Dictionary<string, List<KubeObject>> _namespaces;
    private readonly MeshSettings _mesh;

    private Injection(Dictionary<string, List<KubeObject>> namespaces, MeshSettings mesh) =>
        (_namespaces, _mesh) = (namespaces, mesh);

    /// <summary>True for the objects read for their injection labels: v1 Namespaces.</summary>
    public static bool Reads(KubeObject o) => o.ApiVersion == "v1" && o.Kind == "Namespace";

    /// <summary>True when the document is, or is a List holding, a Namespace.</summary>
    public static bool Recognises(SourceDocument doc) => KubernetesObjects.Objects(doc).Any(Reads);

    /// <summary>The Namespaces of the inputs by name, and the revisions and revision tags the mesh configurations show.</summary>
    public static Injection Read(IReadOnlyList<SourceDocument> documents, MeshSettings mesh)
    {
        var namespaces = new Dictionary<string, List<KubeObject>>(StringComparer.Ordinal);
        foreach (var o in documents.SelectMany(KubernetesObjects.Objects).Where(Reads))
        {
            if (o.Name is not { } name) continue;
            if (!namespaces.TryGetValue(name, out var list)) namespaces[name] = list = [];
            list.Add(o);
        }
        return new Injection(namespaces, mesh);
    }

    /// <summary>
    /// Whether a workload's pods (pod template <paramref name="pod"/>, in namespace <paramref name="ns"/>) run the proxy:
    /// true only when Istio's documented logic injects them and every revision named is shown by the inputs; false when a
    /// label disables it; null when the inputs do not say. <c>Why</c> says why not (empty when true); <c>Revision</c> is
    /// the control-plane revision whose proxy they run, null when the inputs do not show it (the default injection with no
    /// mesh configuration among the inputs, or a default revision no configuration shows).
    /// </summary>
    public (bool? Runs, string Why, string? Revision) Decide(string ns, Cursor pod)
    {
        var metadata = pod["metadata"];
        // The injector prefers the label to the (older) annotation; the webhook selects pods by the label only.
        var label = metadata["labels"]["sidecar.istio.io/inject"].String;
        var inject = label ?? metadata["annotations"]["sidecar.istio.io/inject"].String;
        var podRev = metadata["labels"]["istio.io/rev"].String;
        if (string.Equals(inject, "false", StringComparison.OrdinalIgnoreCase))
            return (false, "its pods opt out of the Istio proxy with sidecar.istio.io/inject: \"false\"", null);
        if (inject is not null && !string.Equals(inject, "true", StringComparison.OrdinalIgnoreCase))
            return (null, $"its pods' sidecar.istio.io/inject is '{inject}', neither \"true\" nor \"false\", so whether they run an Istio proxy is not read", null);
        if (!_namespaces.TryGetValue(ns, out var objects))
            return (null, $"its namespace '{ns}' is not among the inputs (no Namespace object), so whether its pods get an Istio proxy (istio-injection, istio.io/rev) is not known", null);
        var outcomes = objects.Select(o => ForNamespace(o, ns, label, podRev)).Distinct().ToList();
        if (outcomes.Count > 1)
            return (null, $"the inputs hold {objects.Count} Namespace objects named '{ns}' that say different things about injection, so whether its pods get an Istio proxy is not known", null);
        return outcomes[0];
    }

    private (bool? Runs, string Why, string? Revision) ForNamespace(KubeObject o, string ns, string? podLabel, string? podRev)
    {
        var injection = o.Labels.Text("istio-injection");
        var nsRev = o.Labels.Text("istio.io/rev");
        var where = $"Namespace '{ns}'";
        if (injection == "disabled") return (false, $"{where} disables injection (istio-injection=disabled), which a pod cannot override, so its pods run no Istio proxy", null);
        if (injection is not null && injection != "enabled")
            return (null, $"{where} has istio-injection={injection}, neither enabled nor disabled, so whether its pods get an Istio proxy is not read", null);
        if (injection == "enabled") return Default(); // takes precedence over istio.io/rev
        if (nsRev is not null) return Revision(nsRev, $"{where}'s istio.io/rev");
        if (string.Equals(podLabel, "true", StringComparison.OrdinalIgnoreCase)) return Default();
        if (podRev is not null) return Revision(podRev, "its pods' istio.io/rev");
        return (null, $"neither {where} (no istio-injection or istio.io/rev label) nor its pod template (no sidecar.istio.io/inject: \"true\" label) enables injection; only the injector's enableNamespacesByDefault, off by default and not among the inputs, would give its pods an Istio proxy", null);
    }

    /// <summary>
    /// istio-injection=enabled and sidecar.istio.io/inject=true are injected by the default revision: the revision the
    /// <c>default</c> revision tag names when the inputs show one, else the install without a revision (its mesh
    /// configuration the <c>istio</c> ConfigMap). The pods are injected either way; which revision's configuration applies
    /// is null when the mesh configurations among the inputs do not show it.
    /// </summary>
    private (bool? Runs, string Why, string? Revision) Default()
    {
        var revision = _mesh.Tags.TryGetValue("default", out var tag) ? tag.Revision : "default";
        return (true, string.Empty, _mesh.ByRevision.ContainsKey(revision) ? revision : null);
    }

    /// <summary>A revision or revision tag named by an istio.io/rev label: injected when the inputs show the revision's mesh configuration.</summary>
    private (bool? Runs, string Why, string? Revision) Revision(string rev, string where)
    {
        var tagged = _mesh.Tags.TryGetValue(rev, out var tag);
        var revision = tagged ? tag!.Revision : rev;
        if (_mesh.ByRevision.ContainsKey(revision)) return (true, string.Empty, revision);
        return (null, tagged
            ? $"{where} names revision tag '{rev}', which {tag!.Where} resolves to revision '{revision}', but no mesh configuration among the inputs shows that revision (an istio-{revision} ConfigMap, an IstioOperator with revision {revision}), so which outbound traffic policy its pods' proxies have is not known"
            : $"{where} names revision '{rev}', which no mesh configuration among the inputs shows (an istio-{rev} ConfigMap, an IstioOperator with revision {rev}) and no revision tag among the inputs resolves (a MutatingWebhookConfiguration labelled istio.io/tag: {rev}), so which control plane injects its pods, and with which outbound traffic policy, is not known", null);
    }

    /// <summary>Why the mesh configuration of the default injection is not known: for the note of a store whose flows are kept.</summary>
    public string DefaultUnknown()
    {
        var tagged = _mesh.Tags.TryGetValue("default", out var tag);
        return tagged
            ? $"its pods get the default injection, which revision tag 'default' ({tag!.Where}) resolves to revision '{tag.Revision}', but no mesh configuration among the inputs shows that revision (an istio-{tag.Revision} ConfigMap), so their proxies' outbound traffic policy is not known"
            : "its pods get the default injection, whose mesh configuration (the istio ConfigMap, or an IstioOperator without a revision) is not among the inputs, nor a 'default' revision tag naming another revision (a MutatingWebhookConfiguration labelled istio.io/tag: default), so their proxies' outbound traffic policy is not known";
    }
}
