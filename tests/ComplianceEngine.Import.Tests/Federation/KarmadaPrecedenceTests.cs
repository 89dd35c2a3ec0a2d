using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Tests.Federation;

/// <summary>
/// Which Karmada policy places a workload, and on which clusters, as Karmada 1.18 decides. Shapes and behaviour from
/// karmada-io/website@12043951890b793e906a25b958b2de579f6d1ba0 <c>docs/userguide/scheduling/resource-propagating.md</c>
/// ("Configure PropagationPolicy/ClusterPropagationPolicy priority": explicit, implicit, alphabetical; "Schedule based
/// on Taints and Tolerations") and karmada-io/karmada@0533b555e040596f4fff9b6a344efbaeed71d0cc (tag v1.18.2):
/// <c>pkg/detector/compare.go</c> (highest explicit, then implicit priority, then name), <c>pkg/util/selector.go</c>
/// (<c>ResourceSelectorPriority</c>: apiVersion and kind, name over labelSelector over all), <c>pkg/detector/detector.go</c>
/// (PropagationPolicy of the namespace before ClusterPropagationPolicy),
/// <c>pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go</c> (NoSchedule and NoExecute taints filter).
/// </summary>
public sealed class KarmadaPrecedenceTests
{
    private const string Members =
        "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: member1}\nspec: {syncMode: Push, provider: aws, region: eu-central-1}\n---\n"
        + "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: member2}\nspec: {syncMode: Push, provider: aws, region: us-east-1}\n---\n"
        + "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: member3}\nspec:\n  syncMode: Push\n  provider: aws\n  region: ap-south-1\n"
        + "  taints: [{key: dedicated, value: special-user, effect: NoSchedule}]\n---\n";

    private static string Nginx(string annotations = "") =>
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx\n  namespace: default\n  labels: {app: nginx}\n"
        + $"  annotations: {{compliance-engine.io/cluster: member1, compliance-engine.io/categories: user.contact{annotations}}}\n"
        + "spec:\n  selector: {matchLabels: {app: nginx}}\n  template:\n    metadata: {labels: {app: nginx}}\n    spec: {containers: [{name: nginx, image: nginx}]}\n---\n";

    /// <summary>A policy placing Deployments (by <paramref name="selector"/>) on <paramref name="cluster"/>.</summary>
    private static string Policy(string name, string selector, string cluster, string priority = "", string kind = "PropagationPolicy", string extra = "") =>
        $"apiVersion: policy.karmada.io/v1alpha1\nkind: {kind}\nmetadata: {{name: {name}{(kind == "PropagationPolicy" ? ", namespace: default" : "")}}}\nspec:\n"
        + $"  resourceSelectors:\n    - {{apiVersion: apps/v1, kind: Deployment{selector}}}\n{priority}"
        + $"  placement:\n    clusterAffinity:\n      clusterNames: [{cluster}]\n{extra}---\n";

    private static IReadOnlyList<string> Replicas(Estate estate) => [.. estate.Stores.Single().Replicas.Select(r => r.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public void ExplicitPriority_HigherWins()
    {
        var text = Members + Nginx()
            + Policy("propagation-high-explicit-priority", ", labelSelector: {matchLabels: {app: nginx}}", "member2", "  priority: 2\n")
            + Policy("propagation-low-explicit-priority", ", labelSelector: {matchLabels: {app: nginx}}", "member3", "  priority: 1\n",
                extra: "    clusterTolerations: [{key: dedicated, operator: Exists}]\n");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(["member2"], Replicas(estate));
        Assert.Contains("priority 2 over 1", ImportHarness.Single(diagnostics, DiagnosticCodes.SourcePlacementNotApplied).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImplicitPriority_NameOverLabelSelectorOverAll()
    {
        var text = Members + Nginx()
            + Policy("propagation-emptymatch", "", "member3")
            + Policy("propagation-labelselectormatch", ", labelSelector: {matchLabels: {app: nginx}}", "member1")
            + Policy("propagation-namematch", ", name: nginx", "member2");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(["member2"], Replicas(estate));
        Assert.Equal(2, diagnostics.Count(d => d.Code == DiagnosticCodes.SourcePlacementNotApplied && d.Message.Contains("takes precedence", StringComparison.Ordinal)));
    }

    [Fact]
    public void ExplicitPriority_BeatsImplicit()
    {
        var text = Members + Nginx()
            + Policy("by-name", ", name: nginx", "member2")
            + Policy("by-label", ", labelSelector: {matchLabels: {app: nginx}}", "member1", "  priority: 3\n");
        var (estate, _) = ImportHarness.Load("x.yaml", text);
        Assert.Empty(Replicas(estate)); // by-label places it on member1, its own cluster
    }

    [Fact]
    public void SamePriorities_TheNameFirstInOrderWins()
    {
        var text = Members + Nginx()
            + Policy("propagation-b-higher-alphabetical", ", name: nginx", "member1", "  priority: 3\n")
            + Policy("propagation-a-lower-alphabetical", ", name: nginx", "member2", "  priority: 3\n");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(["member2"], Replicas(estate));
        Assert.Contains("alphabetical", ImportHarness.Single(diagnostics, DiagnosticCodes.SourcePlacementNotApplied).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PropagationPolicy_WinsOverClusterPropagationPolicy_WhateverItsPriority()
    {
        var text = Members + Nginx()
            + Policy("everything", "", "member2")
            + Policy("cluster-wide", ", name: nginx", "member3", "  priority: 100\n", kind: "ClusterPropagationPolicy",
                extra: "    clusterTolerations: [{key: dedicated, operator: Exists}]\n");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(["member2"], Replicas(estate));
        Assert.Contains("a PropagationPolicy wins over a ClusterPropagationPolicy", ImportHarness.Single(diagnostics, DiagnosticCodes.SourcePlacementNotApplied).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PropagationPolicy_OfAnotherNamespace_DoesNotApply()
    {
        var other = Policy("elsewhere", ", name: nginx", "member2").Replace("namespace: default", "namespace: other", StringComparison.Ordinal);
        var (estate, _) = ImportHarness.Load("x.yaml", Members + Nginx() + other);
        Assert.Empty(Replicas(estate));
    }

    [Fact]
    public void ResourceSelector_OfAnotherApiVersion_DoesNotMatch()
    {
        var text = Members + Nginx() + Policy("old-api", ", name: nginx", "member2").Replace("apiVersion: apps/v1, kind: Deployment", "apiVersion: extensions/v1beta1, kind: Deployment", StringComparison.Ordinal);
        var (estate, _) = ImportHarness.Load("x.yaml", text);
        Assert.Empty(Replicas(estate));
    }

    [Fact]
    public void Taint_NotTolerated_KeepsTheClusterWithAWarning()
    {
        // The scheduler places nothing new on member3, but a workload placed before the taint stays there: without its
        // ResourceBinding that cannot be decided, so the reader over-includes and says so (fail closed).
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", Members + Nginx() + Policy("pp", ", name: nginx", "member2, member3"));
        Assert.Equal(["member2", "member3"], Replicas(estate));
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSelectorUndecided);
        Assert.Contains("dedicated=special-user:NoSchedule", warning.Message, StringComparison.Ordinal);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity); // a workload placed before the taint would stay
        Assert.Contains("ResourceBinding", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[{key: dedicated, value: special-user, effect: NoSchedule}]")] // as the Karmada guide declares it
    [InlineData("[{key: dedicated, operator: Exists}]")]
    [InlineData("[{operator: Exists}]")]
    public void Taint_Tolerated_LetsTheClusterIn(string tolerations)
    {
        var text = Members + Nginx() + Policy("pp", ", name: nginx", "member2, member3", extra: $"    clusterTolerations: {tolerations}\n");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(["member2", "member3"], Replicas(estate));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceSelectorUndecided);
    }

    [Theory]
    [InlineData("[{key: dedicated, value: other-user, effect: NoSchedule}]")]
    [InlineData("[{key: dedicated, operator: Exists, effect: NoExecute}]")]
    [InlineData("[{key: dedicated, operator: Lt, value: '5'}]")] // Karmada 1.18 does not compare with Lt/Gt
    public void Taint_ToleratedOtherwise_StillWarns(string tolerations)
    {
        var text = Members + Nginx() + Policy("pp", ", name: nginx", "member2, member3", extra: $"    clusterTolerations: {tolerations}\n");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(["member2", "member3"], Replicas(estate));
        Assert.Contains("dedicated=special-user:NoSchedule", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSelectorUndecided).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Toleration_WithAnUnknownOperator_IsAnError()
    {
        var text = Members + Nginx() + Policy("pp", ", name: nginx", "member2", extra: "    clusterTolerations: [{key: dedicated, operator: Exist}]\n");
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Contains("did you mean 'Exists'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClaimedByAnotherPolicy_ReadsBothPlacementsWithAWarning()
    {
        var claim = ", propagationpolicy.karmada.io/name: old-home, propagationpolicy.karmada.io/namespace: default";
        var text = Members + Nginx(claim)
            + Policy("old-home", "", "member2")
            + Policy("new-home", ", name: nginx", "member1");
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(["member2"], Replicas(estate)); // member1 is its own cluster
        Assert.Contains("claimed by PropagationPolicy 'old-home'", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSelectorUndecided).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResourceSelector_WithoutApiVersion_IsAnError()
    {
        var text = Members + Nginx() + Policy("pp", ", name: nginx", "member2").Replace("apiVersion: apps/v1, kind: Deployment", "kind: Deployment", StringComparison.Ordinal);
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Contains("needs apiVersion and kind", Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed).Message, StringComparison.Ordinal);
    }
}
