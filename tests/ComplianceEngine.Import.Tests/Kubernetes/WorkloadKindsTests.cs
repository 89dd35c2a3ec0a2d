using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Kubernetes;

/// <summary>
/// Every Kubernetes kind that runs pods is read as a workload when it carries data facts: DaemonSet and ReplicaSet
/// (apps/v1), Job and CronJob (batch/v1, the pod template at <c>spec.jobTemplate.spec.template</c>), Pod and
/// ReplicationController (v1), as kubernetes/api@10b39a39 apps/v1, batch/v1 and core/v1 types.go define them. An object
/// no reader reads that carries compliance-engine.io/ data keys is never a silent skip: an error for a pod-running or
/// storage kind (an apiVersion Kubernetes removed, a PersistentVolume), a warning naming the ignored keys otherwise.
/// </summary>
public sealed class WorkloadKindsTests
{
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";
    private const string Data = "  annotations: {compliance-engine.io/categories: user.contact, compliance-engine.io/subjects: EU}\n";
    private const string Template = "    metadata: {labels: {app: w}}\n    spec: {containers: [{name: c, image: x}]}\n";

    public static TheoryData<string, string> PodRunningKinds() => new()
    {
        { "apps/v1", "DaemonSet" + "\nspec:\n  selector: {matchLabels: {app: w}}\n  template:\n" + Template },
        { "apps/v1", "ReplicaSet" + "\nspec:\n  selector: {matchLabels: {app: w}}\n  template:\n" + Template },
        { "batch/v1", "Job" + "\nspec:\n  template:\n" + Template },
        { "batch/v1", "CronJob" + "\nspec:\n  schedule: '0 1 * * *'\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {app: w}}\n        spec: {containers: [{name: c, image: x}]}\n" },
        { "v1", "Pod" + "\nspec: {containers: [{name: c, image: x}]}\n" },
        { "v1", "ReplicationController" + "\nspec:\n  selector: {app: w}\n  template:\n" + Template },
    };

    private static string Object(string api, string kindAndSpec, string ns = "p") =>
        $"apiVersion: {api}\nkind: {kindAndSpec.Split('\n')[0]}\nmetadata:\n  name: w\n  namespace: {ns}\n{Data}{string.Join("\n", kindAndSpec.Split('\n').Skip(1))}";

    [Theory]
    [MemberData(nameof(PodRunningKinds))]
    public void PodRunningKind_WithDataFacts_IsAStore(string api, string kindAndSpec)
    {
        // Before: "kind X is not a source the engine reads; it is ignored" (a warning), and its data was not judged.
        var (estate, diagnostics) = ImportHarness.Load("c1.yaml", Node + Object(api, kindAndSpec));
        var store = Assert.Single(estate.Stores);
        Assert.Equal(("w", "c1"), (store.Name, store.Cluster!.Name));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceNotRead);
    }

    [Theory]
    [InlineData("apps/v1beta2", "StatefulSet")]
    [InlineData("extensions/v1beta1", "Deployment")]
    [InlineData("batch/v1beta1", "CronJob")]
    [InlineData("v1", "PersistentVolume")]
    public void UnreadPodOrStorageKind_WithDataKeys_IsAnError(string api, string kind)
    {
        var text = Node + $"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: w\n  namespace: p\n{Data}spec: {{}}\n";
        var (estate, diagnostics) = ImportHarness.Load("c1.yaml", text);
        Assert.Empty(estate.Stores);
        var error = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceNotRead);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("compliance-engine.io/categories", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherUnreadKind_WithDataKeys_IsAWarningNamingTheIgnoredKeys()
    {
        var text = Node + $"apiVersion: v1\nkind: Service\nmetadata:\n  name: w\n  namespace: p\n{Data}spec: {{ports: [{{port: 443}}]}}\n";
        var (_, diagnostics) = ImportHarness.Load("c1.yaml", text);
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceNotRead);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("compliance-engine.io/categories, compliance-engine.io/subjects", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnreadKind_WithDataKeys_InAList_IsAnError()
    {
        var list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1beta2\n  kind: StatefulSet\n  metadata:\n    name: w\n    namespace: p\n    annotations: {compliance-engine.io/categories: user.contact}\n  spec: {}\n"
            + "- apiVersion: v1\n  kind: Node\n  metadata: {name: n1}\n  spec: {providerID: 'aws:///eu-central-1a/i-1'}\n";
        var (_, diagnostics) = ImportHarness.Load("c1.yaml", list);
        Assert.Equal(DiagnosticSeverity.Error, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceNotRead).Severity);
    }

    [Fact]
    public void VeleroLabelSelector_MatchesACronJobsJobTemplateLabels()
    {
        var cron = Object("batch/v1", "CronJob\nspec:\n  schedule: '0 1 * * *'\n  jobTemplate:\n    spec:\n      template:\n        metadata: {labels: {app: w}}\n        spec: {containers: [{name: c, image: x}]}\n");
        var velero = "---\napiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: default, namespace: velero}\nspec: {provider: aws, default: true, objectStorage: {bucket: b-use1}, config: {region: us-east-1}}\n---\n"
            + "apiVersion: velero.io/v1\nkind: Backup\nmetadata: {name: b1, namespace: velero}\nspec:\n  includedNamespaces: [p]\n  labelSelector: {matchLabels: {app: w}}\n";
        var (estate, diagnostics) = ImportHarness.Load("c1.yaml", Node + cron + velero);
        Assert.Equal("b-use1", Assert.Single(estate.Stores.Single(s => s.Name == "w").Backups).Name);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceSelectorUndecided);
    }
}
