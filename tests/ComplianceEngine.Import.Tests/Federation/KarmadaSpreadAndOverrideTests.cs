using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Tests.Federation;

/// <summary>
/// Karmada settings that do not narrow where a workload rests, as karmada-io/karmada@f8fdd02d defines them:
/// <c>pkg/apis/policy/v1alpha1/propagation_types.go</c> (<c>SpreadConstraint</c>: <c>spreadByField</c>
/// cluster/region/zone/provider, <c>maxGroups</c>, <c>minGroups</c>: the scheduler picks some of the selected clusters by
/// count) and <c>override_types.go</c> (<c>OverridePolicy</c>/<c>ClusterOverridePolicy</c>: <c>resourceSelectors</c>,
/// <c>overrideRules[].targetCluster</c> and <c>overriders</c> - <c>plaintext</c>, <c>imageOverrider</c>,
/// <c>commandOverrider</c>, <c>argsOverrider</c>, <c>labelsOverrider</c>, <c>annotationsOverrider</c>,
/// <c>fieldOverrider</c> - which change the applied copy, never the placement).
/// </summary>
public sealed class KarmadaSpreadAndOverrideTests
{
    private const string Members =
        "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: member1}\nspec: {syncMode: Push, provider: aws, region: eu-central-1}\n---\n"
        + "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: member2}\nspec: {syncMode: Push, provider: aws, region: us-east-1}\n---\n";

    private const string Nginx =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx\n  namespace: default\n  labels: {app: nginx}\n"
        + "  annotations: {compliance-engine.io/cluster: member1, compliance-engine.io/categories: user.contact}\n"
        + "spec:\n  selector: {matchLabels: {app: nginx}}\n  template:\n    metadata: {labels: {app: nginx}}\n    spec: {containers: [{name: nginx, image: nginx}]}\n---\n";

    private static string Policy(string extra = "") =>
        "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: nginx-propagation, namespace: default}\nspec:\n"
        + "  resourceSelectors:\n    - {apiVersion: apps/v1, kind: Deployment, name: nginx}\n"
        + $"  placement:\n    clusterAffinity:\n      clusterNames: [member1, member2]\n{extra}---\n";

    private static string Override(string overriders, string kind = "OverridePolicy", string selectors = "  resourceSelectors:\n    - {apiVersion: apps/v1, kind: Deployment, name: nginx}\n") =>
        $"apiVersion: policy.karmada.io/v1alpha1\nkind: {kind}\nmetadata: {{name: example{(kind == "OverridePolicy" ? ", namespace: default" : "")}}}\nspec:\n"
        + selectors + "  overrideRules:\n    - targetCluster: {clusterNames: [member2]}\n      overriders:\n" + overriders;

    private static IReadOnlyList<string> Replicas(Estate estate) => [.. estate.Stores.Single().Replicas.Select(r => r.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public void SpreadConstraints_EveryClusterIsKept_AndANoteSaysWhy()
    {
        var text = Members + Nginx + Policy("    spreadConstraints:\n      - {spreadByField: region, maxGroups: 1, minGroups: 1}\n");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(["member2"], Replicas(estate)); // member1 is where the store is
        var note = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSettingNotApplied);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains("by region, maxGroups 1", note.Message, StringComparison.Ordinal);
        Assert.Contains("Deployment 'default/nginx'", note.Message, StringComparison.Ordinal);
        Assert.Equal(text.Split('\n').ToList().FindIndex(l => l.StartsWith("      - {spreadByField", StringComparison.Ordinal)) + 1, note.Location.Line);
    }

    [Fact]
    public void NoSpreadConstraints_NoNote()
    {
        var (_, diagnostics) = ImportHarness.Load("x.yaml", Members + Nginx + Policy());
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceSettingNotApplied);
    }

    [Fact]
    public void OverridePolicy_ImageAndArgs_IsReadNotReportedAsUnread_AndDoesNotMovePlacement()
    {
        var text = Members + Nginx + Policy() + Override(
            "        imageOverrider: [{component: Registry, operator: replace, value: registry.us.example}]\n"
            + "        argsOverrider: [{containerName: nginx, operator: add, value: ['--region=us']}]\n");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceNotRead);
        Assert.Equal(["member2"], Replicas(estate)); // member1 is where the store is
        var note = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSettingNotApplied);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains("argsOverrider, imageOverrider", note.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("        annotationsOverrider: [{operator: replace, value: {compliance-engine.io/categories: user.health_and_medical}}]\n")]
    [InlineData("        plaintext: [{path: /metadata/annotations/compliance-engine.io~1categories, operator: replace, value: user.financial}]\n")]
    [InlineData("        labelsOverrider: [{operator: add, value: {compliance-engine.io/subjects: US}}]\n")]
    [InlineData("        plaintext: [{path: /metadata/annotations, operator: remove}]\n")]
    public void OverridePolicy_ChangingTheDataFactKeys_IsAWarning(string overriders)
    {
        var (_, diagnostics) = ImportHarness.Load("x.yaml", Members + Nginx + Policy() + Override(overriders));
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSettingNotApplied);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("Deployment 'default/nginx'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterOverridePolicy_WithoutSelectors_AppliesToEveryWorkload()
    {
        var text = Members + Nginx + Policy() + Override("        annotationsOverrider: [{operator: remove, value: {compliance-engine.io/categories: ''}}]\n", "ClusterOverridePolicy", "");
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(DiagnosticSeverity.Warning, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSettingNotApplied).Severity);
    }

    [Fact]
    public void OverridePolicy_OfAnotherNamespace_DoesNotApply()
    {
        var text = Members + Nginx + Policy() + Override("        imageOverrider: [{component: Tag, operator: replace, value: '1.0'}]\n").Replace("namespace: default}", "namespace: other}", StringComparison.Ordinal);
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceSettingNotApplied);
    }
}
