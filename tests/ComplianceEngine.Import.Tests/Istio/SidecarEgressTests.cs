using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Istio;

/// <summary>
/// Istio Sidecar egress, as istio/api@b8f8791d <c>networking/v1alpha3/sidecar.proto</c> defines it: which Sidecar applies
/// (a selecting one of the namespace, else the namespace's selector-less one, else the root namespace's), the
/// <c>namespace/dnsName</c> hosts (<c>*</c>, <c>.</c>, <c>~</c> exclusions, <c>*.</c> wildcards) and
/// <c>outboundTrafficPolicy.mode</c>. Istio: "restricting the configuration [is not] blocking the traffic", and
/// a flow to a host the Sidecar does not import is kept with a note under ALLOW_ANY; under REGISTRY_ONLY ("unknown outbound
/// traffic will be dropped", mesh/v1alpha1/config.proto) it is not imported, with a note (CE2079).
/// </summary>
public sealed class SidecarEgressTests
{
    /// <summary>A node, and the workloads' namespaces without injection labels: the pods' sidecar.istio.io/inject label injects them.</summary>
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n"
        + "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: p}}\n- {apiVersion: v1, kind: Namespace, metadata: {name: egress}}\n---\n";

    private static string Workload(string name, string ns, string app) =>
        $"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\n  annotations: {{compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}}\n"
        + $"spec:\n  selector: {{matchLabels: {{app: {app}}}}}\n  template:\n    metadata: {{labels: {{app: {app}, sidecar.istio.io/inject: 'true'}}}}\n    spec: {{containers: [{{name: c, image: app}}]}}\n---\n";

    private static string Entry(string ns) =>
        $"apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {{name: crm, namespace: {ns}}}\nspec:\n"
        + "  hosts: [api.crm.example.com]\n  location: MESH_EXTERNAL\n  resolution: DNS\n  ports: [{number: 443, name: tls, protocol: TLS}]\n---\n";

    private static string Sidecar(string ns, string hosts, string selector = "", string mode = "REGISTRY_ONLY") =>
        $"apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {{name: default, namespace: {ns}}}\nspec:\n{selector}"
        + (mode.Length > 0 ? $"  outboundTrafficPolicy: {{mode: {mode}}}\n" : "") + $"  egress:\n  - hosts: [{hosts}]\n---\n";

    private static IReadOnlyList<string> FlowsFrom(Model.Inventory.Estate estate, string store) =>
        [.. estate.Flows.Where(f => f.From.Name == store).Select(f => f.To.Name)];

    [Theory]
    [InlineData("'./*'", "p")]
    [InlineData("'*/*'", "egress")]
    [InlineData("'egress/api.crm.example.com'", "egress")]
    [InlineData("'*/*.crm.example.com'", "egress")]
    public void HostImported_NoNote(string hosts, string entryNs)
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Workload("orders", "p", "orders") + Entry(entryNs) + Sidecar("p", hosts));
        Assert.Equal(["api.crm.example.com"], FlowsFrom(estate, "orders"));
        Assert.DoesNotContain(diagnostics, d => d.Code is DiagnosticCodes.SourceEgressNotRestricted or DiagnosticCodes.SourceNotRead);
    }

    [Theory]
    [InlineData("'istio-system/*'", "ALLOW_ANY", "pass through as unmatched traffic")]
    [InlineData("'~/*'", "", "ALLOW_ANY unless MeshConfig says otherwise")]
    public void HostNotImported_FlowIsKept_WithANote(string hosts, string mode, string why)
    {
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Workload("orders", "p", "orders") + Entry("egress") + Sidecar("p", hosts, mode: mode));
        Assert.Equal(["api.crm.example.com"], FlowsFrom(estate, "orders"));
        var note = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNotRestricted);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains("Sidecar 'p/default'", note.Message, StringComparison.Ordinal);
        Assert.Contains(why, note.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'./*'")]
    [InlineData("'*/*', '~egress/api.crm.example.com'")]
    public void HostNotImported_InRegistryOnlyMode_FlowIsNarrowed_WithANote(string hosts)
    {
        // Before, the flow was kept with a CE2073 note; under REGISTRY_ONLY the proxy drops the calls.
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Node + Workload("orders", "p", "orders") + Entry("egress") + Sidecar("p", hosts));
        Assert.Empty(FlowsFrom(estate, "orders"));
        var note = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNarrowed);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains("DataStore 'orders' (the egress hosts of Sidecar 'p/default' do not import it; REGISTRY_ONLY from Sidecar 'p/default')", note.Message, StringComparison.Ordinal);
        Assert.Contains("no outbound firewall", note.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceEgressNotRestricted);
    }

    [Fact]
    public void SelectingSidecar_WinsOverTheNamespaceOne()
    {
        var selecting = Sidecar("p", "'*/*'", "  workloadSelector: {labels: {app: orders}}\n").Replace("name: default", "name: orders", StringComparison.Ordinal);
        var text = Node + Workload("orders", "p", "orders") + Workload("billing", "p", "billing") + Entry("egress") + Sidecar("p", "'./*'") + selecting;
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        var note = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNarrowed);
        Assert.Contains("DataStore 'billing'", note.Message, StringComparison.Ordinal); // orders' own Sidecar imports everything
        Assert.DoesNotContain("DataStore 'orders'", note.Message, StringComparison.Ordinal);
        Assert.Equal(["api.crm.example.com"], FlowsFrom(estate, "orders"));
        Assert.Empty(FlowsFrom(estate, "billing"));
    }

    [Fact]
    public void RootNamespaceSidecar_AppliesWhereTheNamespaceHasNone()
    {
        var text = Node + Workload("orders", "p", "orders") + Entry("egress") + Sidecar("istio-system", "'./*'");
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Contains("Sidecar 'istio-system/default'", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEgressNarrowed).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sidecar_UnknownMode_IsAnError()
    {
        var (_, diagnostics) = ImportHarness.Load("x.yaml", Node + Workload("orders", "p", "orders") + Entry("p") + Sidecar("p", "'./*'", mode: "REGISTRY_ONLYY"));
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Contains("did you mean 'REGISTRY_ONLY'", error.Message, StringComparison.Ordinal);
    }
}
