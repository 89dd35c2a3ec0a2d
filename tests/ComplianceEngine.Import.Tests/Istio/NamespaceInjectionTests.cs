using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Istio;

/// <summary>
/// Sidecar injection by namespace, as Istio documents it ("Installing the Sidecar", Controlling the injection policy,
/// istio.io/latest/docs/setup/additional-setup/sidecar-injection; the same text in the istio/istio.io repository's
/// <c>content/en/docs/setup/additional-setup/sidecar-injection/index.md</c>): Namespace <c>istio-injection=enabled|disabled</c>
/// or <c>istio.io/rev=REV</c> (istio-injection wins when both are set), pod <c>sidecar.istio.io/inject: "true"|"false"</c>
/// or <c>istio.io/rev</c>; "if either label is disabled, the pod is not injected; if either label is enabled, the pod is
/// injected". REGISTRY_ONLY narrows only injected pods: anything the inputs do not show keeps the flows.
/// </summary>
public sealed class NamespaceInjectionTests
{
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";

    private static string Workload(string podMetadata) =>
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\n  namespace: p\n  annotations: {compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}\n"
        + $"spec:\n  selector: {{matchLabels: {{app: orders}}}}\n  template:\n    metadata:\n{podMetadata}    spec: {{containers: [{{name: c, image: app}}]}}\n---\n";

    private const string Silent = "      labels: {app: orders}\n";
    private const string PodTrue = "      labels: {app: orders, sidecar.istio.io/inject: 'true'}\n";

    private static string Namespace(string labels, string name = "p") => $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  labels: {{{labels}}}\n---\n";

    /// <summary>An entry exported only to its own namespace (egress): under REGISTRY_ONLY, p's proxies drop calls to it.</summary>
    private const string Entry =
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: crm, namespace: egress}\nspec:\n"
        + "  hosts: [api.crm.example.com]\n  exportTo: ['.']\n  location: MESH_EXTERNAL\n  resolution: DNS\n  ports: [{number: 443, name: tls, protocol: TLS}]\n---\n";

    private static string Mesh(string name = "istio") =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}, namespace: istio-system}}\ndata:\n  mesh: |-\n    outboundTrafficPolicy:\n      mode: REGISTRY_ONLY\n---\n";

    private static (IReadOnlyList<string> Flows, IReadOnlyList<Diagnostic> Diagnostics) Load(string text)
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Entry + text);
        return ([.. estate.Flows.Where(f => f.From.Name == "orders").Select(f => f.To.Name)], diagnostics);
    }

    private static void AssertKept(IReadOnlyList<string> flows, IReadOnlyList<Diagnostic> diagnostics, string why)
    {
        Assert.Equal(["api.crm.example.com"], flows);
        var note = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNarrowed);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains(why, note.Message, StringComparison.Ordinal);
        Assert.Contains("flows are kept", note.Message, StringComparison.Ordinal);
    }

    private static void AssertNarrowed(IReadOnlyList<string> flows, IReadOnlyList<Diagnostic> diagnostics)
    {
        Assert.Empty(flows);
        Assert.Contains("are not configured for host 'api.crm.example.com'", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNarrowed).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NamespaceNotAmongTheInputs_IsUnknown_EvenWhenThePodAsks_FlowsKept()
    {
        // Before: the pod's "true" narrowed it, though istio-injection=disabled on its namespace would leave it without a proxy.
        var (flows, diagnostics) = Load(Workload(PodTrue) + Mesh());
        AssertKept(flows, diagnostics, "its namespace 'p' is not among the inputs (no Namespace object)");
    }

    [Fact]
    public void NamespaceInjectionEnabled_InjectsAPodThatDoesNotSay_Narrowed()
    {
        // Before: kept with a note, since the namespace label was not read.
        var (flows, diagnostics) = Load(Workload(Silent) + Namespace("istio-injection: enabled") + Mesh());
        AssertNarrowed(flows, diagnostics);
    }

    [Fact]
    public void NamespaceInjectionDisabled_WinsOverThePodsTrue_FlowsKept()
    {
        var (flows, diagnostics) = Load(Workload(PodTrue) + Namespace("istio-injection: disabled") + Mesh());
        AssertKept(flows, diagnostics, "disables injection (istio-injection=disabled), which a pod cannot override");
    }

    [Fact]
    public void PodFalse_WinsOverTheNamespacesEnabled_FlowsKept()
    {
        var (flows, diagnostics) = Load(Workload("      labels: {app: orders, sidecar.istio.io/inject: 'false'}\n") + Namespace("istio-injection: enabled") + Mesh());
        AssertKept(flows, diagnostics, "opt out of the Istio proxy");
    }

    [Fact]
    public void PodLabelTrue_InANamespaceWithoutInjectionLabels_Narrowed()
    {
        var (flows, diagnostics) = Load(Workload(PodTrue) + Namespace("team: payments") + Mesh());
        AssertNarrowed(flows, diagnostics);
    }

    [Fact]
    public void PodAnnotationTrue_Alone_DoesNotEnableInjection_FlowsKept()
    {
        // The webhook selects pods by the label; the annotation only opts out.
        var (flows, diagnostics) = Load(Workload(Silent + "      annotations: {sidecar.istio.io/inject: 'true'}\n") + Namespace("team: payments") + Mesh());
        AssertKept(flows, diagnostics, "enableNamespacesByDefault");
    }

    [Fact]
    public void NamespaceWithoutAnyLabel_AndASilentPod_FlowsKept()
    {
        var (flows, diagnostics) = Load(Workload(Silent) + "apiVersion: v1\nkind: Namespace\nmetadata: {name: p}\n---\n" + Mesh());
        AssertKept(flows, diagnostics, "neither Namespace 'p'");
    }

    [Fact]
    public void NamespaceRevision_ShownByItsMeshConfigMap_Narrowed()
    {
        var (flows, diagnostics) = Load(Workload(Silent) + Namespace("istio.io/rev: canary") + Mesh("istio-canary"));
        AssertNarrowed(flows, diagnostics);
    }

    [Fact]
    public void NamespaceRevision_NotShownByTheInputs_FlowsKept()
    {
        var (flows, diagnostics) = Load(Workload(Silent) + Namespace("istio.io/rev: canary") + Mesh());
        AssertKept(flows, diagnostics, "names revision 'canary', which no mesh configuration among the inputs shows");
    }

    [Fact]
    public void PodRevision_NotShownByTheInputs_FlowsKept()
    {
        var (flows, diagnostics) = Load(Workload("      labels: {app: orders, istio.io/rev: stable}\n") + Namespace("team: payments") + Mesh());
        AssertKept(flows, diagnostics, "its pods' istio.io/rev names revision 'stable'");
    }

    [Fact]
    public void IstioInjection_TakesPrecedenceOverTheNamespacesRevision()
    {
        var (flows, diagnostics) = Load(Workload(Silent) + Namespace("istio-injection: enabled, istio.io/rev: unknown-rev") + Mesh());
        AssertNarrowed(flows, diagnostics);
    }

    [Fact]
    public void IstioInjectionValueIstioDoesNotKnow_FlowsKept()
    {
        var (flows, diagnostics) = Load(Workload(Silent) + Namespace("istio-injection: 'true'") + Mesh());
        AssertKept(flows, diagnostics, "istio-injection=true, neither enabled nor disabled");
    }

    [Fact]
    public void TwoNamespaceObjectsThatDisagree_FlowsKept()
    {
        var (flows, diagnostics) = Load(Workload(Silent) + Namespace("istio-injection: enabled") + Namespace("istio-injection: disabled") + Mesh());
        AssertKept(flows, diagnostics, "say different things about injection");
    }

    [Fact]
    public void Namespaces_AreRead_NotReportedAsUnread_ButTheirDataKeysAre()
    {
        var list = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: p, labels: {istio-injection: enabled}}}\n---\n";
        var (_, diagnostics) = Load(Workload(Silent) + list + Mesh());
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceNotRead);
        var withData = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: p\n  annotations: {compliance-engine.io/categories: user.contact}\n---\n";
        var (_, more) = Load(Workload(Silent) + withData);
        Assert.Contains("compliance-engine.io/categories", ImportHarness.Single(more, DiagnosticCodes.SourceNotRead).Message, StringComparison.Ordinal);
    }
}
