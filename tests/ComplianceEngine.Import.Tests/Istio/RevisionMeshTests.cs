using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Istio;

/// <summary>
/// Each control-plane revision's own mesh configuration, and revision tags, as Istio installs them (istio/istio@86c9f01f):
/// istiod of revision REV reads the <c>istio-REV</c> ConfigMap, the default revision the <c>istio</c> one
/// (<c>pilot/pkg/bootstrap/mesh.go</c> getMeshConfigMapName); a revision tag is a MutatingWebhookConfiguration labelled
/// <c>istio.io/tag: TAG</c> and <c>istio.io/rev: REV</c> that injects the pods of <c>istio.io/rev=TAG</c> namespaces with
/// revision REV's proxy, and the tag <c>default</c> takes <c>istio-injection=enabled</c> too
/// (<c>manifests/charts/istio-control/istio-discovery/templates/revision-tags-mwc.yaml</c>; the shape of
/// <c>operator/cmd/mesh/testdata/manifest-generate/input-extra-resources/default_tag.yaml</c>; istio.io "Canary
/// upgrades", stable revision labels: <c>istioctl tag set prod-stable --revision 1-x</c>, then
/// <c>istio.io/rev=prod-stable</c> on the namespaces). What the inputs do not show keeps the flows, with a note (CE2079).
/// </summary>
public sealed class RevisionMeshTests
{
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";

    private const string Workload =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\n  namespace: p\n  annotations: {compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}\n"
        + "spec:\n  selector: {matchLabels: {app: orders}}\n  template:\n    metadata:\n      labels: {app: orders}\n    spec: {containers: [{name: c, image: app}]}\n---\n";

    private static string Namespace(string labels) => $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: p\n  labels: {{{labels}}}\n---\n";

    /// <summary>An entry exported only to its own namespace (egress): under REGISTRY_ONLY, p's proxies drop calls to it.</summary>
    private const string Entry =
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: crm, namespace: egress}\nspec:\n"
        + "  hosts: [api.crm.example.com]\n  exportTo: ['.']\n  location: MESH_EXTERNAL\n  resolution: DNS\n  ports: [{number: 443, name: tls, protocol: TLS}]\n---\n";

    /// <summary>A revision's mesh ConfigMap, as istiod's chart writes it: named istio (default) or istio-REV, labelled with the revision.</summary>
    private static string Mesh(string revision, string mode) =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {(revision == "default" ? "istio" : "istio-" + revision)}\n  namespace: istio-system\n  labels: {{istio.io/rev: {revision}}}\n"
        + $"data:\n  mesh: |-\n    outboundTrafficPolicy:\n      mode: {mode}\n---\n";

    /// <summary>A revision tag's webhook configuration (its webhooks trimmed to one), labelled as the chart and istioctl write it.</summary>
    private static string Tag(string tag, string? revision) =>
        $"apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\nmetadata:\n  name: istio-revision-tag-{tag}\n  labels:\n    app: sidecar-injector\n    istio.io/tag: {tag}\n"
        + (revision is null ? "" : $"    istio.io/rev: {revision}\n")
        + $"webhooks:\n- name: rev.namespace.sidecar-injector.istio.io\n  clientConfig: {{service: {{name: istiod-{revision ?? "x"}, namespace: istio-system, path: /inject, port: 443}}}}\n"
        + $"  namespaceSelector:\n    matchExpressions:\n    - {{key: istio.io/rev, operator: In, values: [{tag}]}}\n    - {{key: istio-injection, operator: DoesNotExist}}\n"
        + "  rules: [{operations: [CREATE], apiGroups: [''], apiVersions: [v1], resources: [pods]}]\n  sideEffects: None\n  admissionReviewVersions: [v1]\n---\n";

    private static (IReadOnlyList<string> Flows, IReadOnlyList<Diagnostic> Diagnostics) Load(string text)
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Entry + Workload + text);
        return ([.. estate.Flows.Where(f => f.From.Name == "orders").Select(f => f.To.Name)], diagnostics);
    }

    private static void AssertNarrowed(IReadOnlyList<string> flows, IReadOnlyList<Diagnostic> diagnostics, string from)
    {
        Assert.Empty(flows);
        var note = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNarrowed);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains($"REGISTRY_ONLY from {from}", note.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceNotRead);
    }

    private static void AssertKept(IReadOnlyList<string> flows, IReadOnlyList<Diagnostic> diagnostics, string why)
    {
        Assert.Equal(["api.crm.example.com"], flows);
        var note = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNarrowed);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains(why, note.Message, StringComparison.Ordinal);
        Assert.Contains("flows are kept", note.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NamespaceRevision_GetsItsOwnRevisionsMode_Narrowed()
    {
        // Before: two configurations with different modes, a warning, and nothing narrowed.
        var (flows, diagnostics) = Load(Namespace("istio.io/rev: 1-20") + Mesh("default", "ALLOW_ANY") + Mesh("1-20", "REGISTRY_ONLY"));
        AssertNarrowed(flows, diagnostics, "ConfigMap 'istio-system/istio-1-20', revision '1-20'");
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceEgressNarrowed && d.Severity == DiagnosticSeverity.Warning);
    }

    [Fact]
    public void IstioInjectionEnabled_GetsTheDefaultRevisionsMode_NotAnothers()
    {
        var (flows, diagnostics) = Load(Namespace("istio-injection: enabled") + Mesh("default", "ALLOW_ANY") + Mesh("1-20", "REGISTRY_ONLY"));
        Assert.Equal(["api.crm.example.com"], flows);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceEgressNarrowed);
    }

    [Fact]
    public void RevisionTag_ResolvesToItsRevision_Narrowed()
    {
        // Before: "names revision 'prod-stable', which no mesh configuration among the inputs shows", flows kept.
        var (flows, diagnostics) = Load(Namespace("istio.io/rev: prod-stable") + Tag("prod-stable", "1-20") + Mesh("1-20", "REGISTRY_ONLY"));
        AssertNarrowed(flows, diagnostics, "ConfigMap 'istio-system/istio-1-20', revision '1-20'");
    }

    [Fact]
    public void RevisionTag_ToARevisionNotShown_FlowsKept()
    {
        var (flows, diagnostics) = Load(Namespace("istio.io/rev: prod-stable") + Tag("prod-stable", "1-21") + Mesh("1-20", "REGISTRY_ONLY"));
        AssertKept(flows, diagnostics, "names revision tag 'prod-stable', which MutatingWebhookConfiguration 'istio-revision-tag-prod-stable' resolves to revision '1-21', but no mesh configuration among the inputs shows that revision");
    }

    [Fact]
    public void RevisionTag_NotAmongTheInputs_FlowsKept()
    {
        var (flows, diagnostics) = Load(Namespace("istio.io/rev: prod-stable") + Mesh("1-20", "REGISTRY_ONLY"));
        AssertKept(flows, diagnostics, "no revision tag among the inputs resolves (a MutatingWebhookConfiguration labelled istio.io/tag: prod-stable)");
    }

    [Fact]
    public void RevisionTag_WithoutItsRevisionLabel_AWarning_FlowsKept()
    {
        var (flows, diagnostics) = Load(Namespace("istio.io/rev: prod-stable") + Tag("prod-stable", null) + Mesh("1-20", "REGISTRY_ONLY"));
        Assert.Equal(["api.crm.example.com"], flows);
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.SourceEgressNarrowed && d.Severity == DiagnosticSeverity.Warning && d.Message.Contains("has no istio.io/rev label", StringComparison.Ordinal));
    }

    [Fact]
    public void DefaultTag_TakesIstioInjectionEnabled_ToItsRevision()
    {
        // The shape of Istio's own test data: tag default pointing at revision test-dev2, beside the default install's istio ConfigMap.
        var (flows, diagnostics) = Load(Namespace("istio-injection: enabled") + Tag("default", "test-dev2") + Mesh("default", "ALLOW_ANY") + Mesh("test-dev2", "REGISTRY_ONLY"));
        AssertNarrowed(flows, diagnostics, "ConfigMap 'istio-system/istio-test-dev2', revision 'test-dev2'");
    }

    [Fact]
    public void DefaultInjection_ItsConfigurationNotShown_FlowsKept()
    {
        // Before: the only configuration (revision canary's) was read as the mesh's, and the flow dropped.
        var (flows, diagnostics) = Load(Namespace("istio-injection: enabled") + Mesh("canary", "REGISTRY_ONLY"));
        AssertKept(flows, diagnostics, "its pods get the default injection, whose mesh configuration (the istio ConfigMap, or an IstioOperator without a revision) is not among the inputs");
    }

    [Fact]
    public void OneRevisionsConfigurationsDisagree_AWarning_NothingNarrowedForIt()
    {
        var op = "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: installed-state-1-20, namespace: istio-system}\nspec:\n  revision: 1-20\n  meshConfig:\n    outboundTrafficPolicy:\n      mode: ALLOW_ANY\n---\n";
        var (flows, diagnostics) = Load(Namespace("istio.io/rev: 1-20") + Mesh("1-20", "REGISTRY_ONLY") + op);
        Assert.Equal(["api.crm.example.com"], flows);
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNarrowed);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("of revision '1-20' with different outboundTrafficPolicy modes", warning.Message, StringComparison.Ordinal);
    }
}
