using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Istio;

/// <summary>
/// The mesh-wide <c>outboundTrafficPolicy</c> (istio/api@b8f8791d9653b2edc77a071d48887e582cfe84bf
/// <c>mesh/v1alpha1/config.proto</c>: ALLOW_ANY, the default; REGISTRY_ONLY, "unknown outbound traffic will be dropped";
/// ALLOW_ANY_DYNAMIC_DNS), read from the <c>istio</c> ConfigMap's <c>mesh</c> key (istio/istio@5fcfd49a
/// <c>manifests/charts/istio-control/istio-discovery/templates/configmap.yaml</c>) or an IstioOperator's
/// <c>spec.meshConfig</c>. Under REGISTRY_ONLY, an entry's <c>exportTo</c> decides which namespaces' proxies can reach its hosts.
/// </summary>
public sealed class MeshConfigTests
{
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";

    /// <summary>A pod template that asks for the Istio proxy (the annotation: in a namespace with injection enabled).</summary>
    private const string Injected = "      annotations: {sidecar.istio.io/inject: 'true'}\n";

    /// <summary>The workloads' namespaces, with injection enabled: only injected pods are narrowed (NamespaceInjectionTests).</summary>
    private const string Namespaces =
        "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: p, labels: {istio-injection: enabled}}}\n"
        + "- {apiVersion: v1, kind: Namespace, metadata: {name: egress, labels: {istio-injection: enabled}}}\n---\n";

    private static string Workload(string name, string ns, string podAnnotations = Injected) =>
        $"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\n  annotations: {{compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}}\n"
        + $"spec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n{podAnnotations}    spec: {{containers: [{{name: c, image: app}}]}}\n---\n";

    /// <summary>An entry in namespace egress, exported only to its own namespace.</summary>
    private const string Entry =
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: crm, namespace: egress}\nspec:\n"
        + "  hosts: [api.crm.example.com]\n  exportTo: ['.']\n  location: MESH_EXTERNAL\n  resolution: DNS\n  ports: [{number: 443, name: tls, protocol: TLS}]\n---\n";

    private static string MeshConfigMap(string mesh, string name = "istio") =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: istio-system\n  labels: {{istio.io/rev: default}}\ndata:\n  meshNetworks: |-\n    networks: {{}}\n  mesh: |-\n{string.Join("\n", mesh.Split('\n').Select(l => "    " + l))}\n---\n";

    private static string Operator(string mode) =>
        $"apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {{name: installed-state, namespace: istio-system}}\nspec:\n  profile: default\n  meshConfig:\n    outboundTrafficPolicy:\n      mode: {mode}\n---\n";

    private static IReadOnlyList<string> FlowsFrom(Model.Inventory.Estate estate, string store) =>
        [.. estate.Flows.Where(f => f.From.Name == store).Select(f => f.To.Name)];

    [Fact]
    public void RegistryOnly_FromTheIstioConfigMap_NarrowsToTheNamespacesExportedTo()
    {
        var text = Node + Namespaces + Workload("orders", "p") + Workload("gateway", "egress") + Entry + MeshConfigMap("rootNamespace: istio-system\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Empty(FlowsFrom(estate, "orders"));
        Assert.Equal(["api.crm.example.com"], FlowsFrom(estate, "gateway"));
        var note = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNarrowed);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains("DataStore 'orders' (exportTo (.) leaves out namespace 'p'; REGISTRY_ONLY from ConfigMap 'istio-system/istio')", note.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(diagnostics, d => d.Code is DiagnosticCodes.SourceEgressNotRestricted or DiagnosticCodes.SourceNotRead);
    }

    [Fact]
    public void RegistryOnly_FromAnIstioOperator_Narrows()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Namespaces + Workload("orders", "p") + Entry + Operator("REGISTRY_ONLY"));
        Assert.Empty(FlowsFrom(estate, "orders"));
        Assert.Contains("IstioOperator 'istio-system/installed-state'", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNarrowed).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ALLOW_ANY")]
    [InlineData("ALLOW_ANY_DYNAMIC_DNS")]
    public void AllowAny_KeepsTheFlow_WithTheExportToNote(string mode)
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Workload("orders", "p") + Entry + Operator(mode));
        Assert.Equal(["api.crm.example.com"], FlowsFrom(estate, "orders"));
        Assert.Equal(DiagnosticSeverity.Info, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNotRestricted).Severity);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceEgressNarrowed);
    }

    [Fact]
    public void NoMeshConfig_IsAllowAny()
    {
        var (estate, _) = ImportHarness.Load("x.yaml", Node + Workload("orders", "p") + Entry);
        Assert.Equal(["api.crm.example.com"], FlowsFrom(estate, "orders"));
    }

    [Fact]
    public void UnknownMode_IsAnError_AndNothingIsNarrowed()
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Workload("orders", "p") + Entry + MeshConfigMap("outboundTrafficPolicy:\n  mode: REGISTRY_ONL"));
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("did you mean 'REGISTRY_ONLY'", error.Message, StringComparison.Ordinal);
        Assert.Equal(["api.crm.example.com"], FlowsFrom(estate, "orders"));
    }

    [Fact]
    public void MeshTextThatIsNotYaml_IsAnErrorAtTheMeshKey()
    {
        var text = Node + Workload("orders", "p") + Entry + MeshConfigMap("outboundTrafficPolicy: [unclosed");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Equal(text.Split('\n').ToList().FindIndex(l => l.StartsWith("  mesh:", StringComparison.Ordinal)) + 1, error.Location.Line);
        Assert.Equal(["api.crm.example.com"], FlowsFrom(estate, "orders"));
    }

    [Fact]
    public void SidecarAllowAny_OverridesTheMeshRegistryOnly()
    {
        var sidecar = "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default, namespace: p}\nspec:\n  outboundTrafficPolicy: {mode: ALLOW_ANY}\n---\n";
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Workload("orders", "p") + Entry + Operator("REGISTRY_ONLY") + sidecar);
        Assert.Equal(["api.crm.example.com"], FlowsFrom(estate, "orders"));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceEgressNarrowed);
    }

    [Fact]
    public void PodsWithoutAProxy_KeepTheirFlows_WithANote()
    {
        var optOut = "      annotations: {sidecar.istio.io/inject: 'false'}\n";
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Workload("orders", "p", optOut) + Entry + Operator("REGISTRY_ONLY"));
        Assert.Equal(["api.crm.example.com"], FlowsFrom(estate, "orders"));
        Assert.Contains("sidecar.istio.io/inject", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNarrowed).Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A pod template that does not ask for the proxy may run in a namespace without injection (databases and jobs often
    /// are left out of the mesh): REGISTRY_ONLY holds nothing back there, so its flows stay, with a note that says how to
    /// say the pods run the proxy. Narrowing it would drop a real transfer from the check.
    /// </summary>
    [Fact]
    public void PodsThatDoNotSayTheyRunAProxy_KeepTheirFlows_WithANote()
    {
        var ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: p}\n---\n";
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + ns + Workload("orders", "p", podAnnotations: "") + Entry + Operator("REGISTRY_ONLY"));
        Assert.Equal(["api.crm.example.com"], FlowsFrom(estate, "orders"));
        var note = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNarrowed);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains("nor its pod template (no sidecar.istio.io/inject: \"true\" label) enables injection", note.Message, StringComparison.Ordinal);
        Assert.Contains("flows are kept", note.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RevisionsThatDisagree_NarrowNothing_WithAWarning()
    {
        var text = Node + Workload("orders", "p") + Entry + MeshConfigMap("outboundTrafficPolicy:\n  mode: REGISTRY_ONLY") + MeshConfigMap("outboundTrafficPolicy:\n  mode: ALLOW_ANY", "istio-canary");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(["api.crm.example.com"], FlowsFrom(estate, "orders"));
        Assert.Equal(DiagnosticSeverity.Warning, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNarrowed).Severity);
    }

    [Fact]
    public void OtherConfigMaps_AreStillReportedAsNotRead()
    {
        var other = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-settings, namespace: p}\ndata: {mesh: 'x'}\n---\n";
        var (_, diagnostics) = ImportHarness.Load("x.yaml", Node + Workload("orders", "p") + Entry + other);
        Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceNotRead);
    }

    [Fact]
    public void RootNamespace_FromTheMeshConfig_IsWhereRootSidecarsAre()
    {
        var sidecar = "apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: default, namespace: mesh-root}\nspec:\n  egress: [{hosts: ['./*']}]\n---\n";
        var text = Node + Namespaces + Workload("orders", "egress") + Entry + MeshConfigMap("rootNamespace: mesh-root\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY") + sidecar;
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Empty(FlowsFrom(estate, "orders")); // exported to egress, but the root Sidecar imports only mesh-root's hosts
        Assert.Contains("Sidecar 'mesh-root/default'", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNarrowed).Message, StringComparison.Ordinal);
    }
}
