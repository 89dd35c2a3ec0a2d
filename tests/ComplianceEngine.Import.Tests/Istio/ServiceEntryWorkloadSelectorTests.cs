using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Istio;

/// <summary>
/// Istio's <c>workloadSelector</c>: on a ServiceEntry it selects the entry's endpoints (pods or WorkloadEntry VMs) and is
/// documented for MESH_INTERNAL only; it does not narrow which workloads call the hosts. Shape and wording from
/// istio/api@a3406c8fd387c08c5119b4efc999e4bcaef69ecf <c>networking/v1alpha3/service_entry.proto</c> (fields
/// <c>workloadSelector</c>, <c>endpoints</c>, <c>exportTo</c>; the "Selects one or more Kubernetes pods or VM workloads"
/// example) and istio.io/latest/docs/reference/config/networking/service-entry/. The Sidecar is read (see
/// <see cref="SidecarEgressTests"/>).
/// </summary>
public sealed class ServiceEntryWorkloadSelectorTests
{
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";

    private static string Workload(string name, string ns, string app) =>
        $"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\n  annotations: {{compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}}\n"
        + $"spec:\n  selector: {{matchLabels: {{app: {app}}}}}\n  template:\n    metadata: {{labels: {{app: {app}}}}}\n    spec: {{containers: [{{name: c, image: app}}]}}\n---\n";

    private const string Entry =
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: external-svc-mongocluster, namespace: p}\nspec:\n"
        + "  hosts: [mymongodb.somedomain]\n  location: MESH_EXTERNAL\n  ports: [{number: 27018, name: mongodb, protocol: MONGO}]\n  resolution: STATIC\n"
        + "  workloadSelector:\n    labels: {app: mongodb}\n";

    [Fact]
    public void WorkloadSelector_DoesNotNarrowTheCallers_AndIsAWarningAtTheSelector()
    {
        var text = Node + Workload("orders", "p", "orders") + Workload("billing", "p", "billing") + Entry;
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(["billing", "orders"], estate.Flows.Select(f => f.From.Name).Order(StringComparer.Ordinal));
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEndpointsSelected);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("app=mongodb", warning.Message, StringComparison.Ordinal);
        Assert.Equal(text.Split('\n').ToList().FindIndex(l => l == "    labels: {app: mongodb}") + 1, warning.Location.Line);
    }

    [Fact]
    public void NoWorkloadSelector_NoWarning()
    {
        var text = Node + Workload("orders", "p", "orders") + Entry[..Entry.IndexOf("  workloadSelector", StringComparison.Ordinal)];
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceEndpointsSelected);
    }

    [Fact]
    public void AHostListedTwice_IsReadOnce_WithAWarningAtTheRepeat()
    {
        // Found by the importer fuzz target (corpus istio/found-cf7899e40fdc8491): the repeat threw while the hosts were indexed.
        var entry = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: crm, namespace: p}\nspec:\n"
            + "  hosts:\n    - api.crm-vendor.example\n    - api.crm-vendor.example\n  location: MESH_EXTERNAL\n"
            + "  ports: [{number: 443, name: tls, protocol: TLS}]\n";
        var text = Node + Workload("orders", "p", "orders") + entry;

        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);

        var flow = Assert.Single(estate.Flows);
        Assert.Equal("orders", flow.From.Name);
        Assert.Single(estate.Recipients, r => r.Name == "api.crm-vendor.example");
        var warning = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed && d.Message.Contains("more than once", StringComparison.Ordinal));
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(text.Split('\n').ToList().FindLastIndex(l => l == "    - api.crm-vendor.example") + 1, warning.Location.Line);
    }

    [Fact]
    public void SidecarInAListWithAServiceEntry_IsRead()
    {
        var list = "apiVersion: v1\nkind: List\nitems:\n"
            + "- apiVersion: networking.istio.io/v1\n  kind: ServiceEntry\n  metadata: {name: e, namespace: p}\n  spec: {hosts: [api.example.com], ports: [{number: 443, name: https, protocol: TLS}]}\n"
            + "- apiVersion: networking.istio.io/v1\n  kind: Sidecar\n  metadata: {name: default, namespace: p}\n"
            + "  spec:\n    workloadSelector: {labels: {app: orders}}\n    outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n    egress: [{hosts: ['./*']}]\n";
        var (_, diagnostics) = ImportHarness.Load("x.yaml", Node + Workload("orders", "p", "orders") + list);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceNotRead);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceEgressNotRestricted); // './*' imports the entry of its own namespace
    }
}
