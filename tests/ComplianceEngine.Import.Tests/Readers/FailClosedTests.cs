using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Readers;

/// <summary>
/// Review of the readers for misses that turned into silence: a misspelt key prefix, a tag map of the wrong shape, a
/// Fides egress without its target, a Karmada selector the reader cannot evaluate, a Terraform action it does not know.
/// Each must be a positioned diagnostic, never a resource quietly read as holding no data or placed nowhere.
/// </summary>
public sealed class FailClosedTests
{
    private static string? KindOf(Loading.Sources.ImportedDocument d) => (d.Document.Get("kind") as Loading.Yaml.YamlScalar)?.Value;

    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec: {providerID: 'aws:///us-east-1a/i-1'}\n---\n";

    private static string Workload(string annotations) =>
        $"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: p\n  annotations:\n{annotations}spec: {{}}\n";

    [Theory]
    [InlineData("compliance-engine.com/categories")]
    [InlineData("compliance-engine/categories")]
    [InlineData("Compliance-Engine.io/categories")]
    [InlineData("compliance.engine.io/categories")]
    [InlineData("compliance-engnie.io/categories")]
    public void Workload_MisspeltKeyPrefix_IsAnErrorWithTheKeyToUse(string key)
    {
        var (estate, diagnostics) = ImportHarness.Load("us.yaml", Node + Workload($"    {key}: user.contact\n    compliance-engine.io/subjects: EU\n"));
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'compliance-engine.io/categories'", error.Message, StringComparison.Ordinal);
        Assert.Equal(12, error.Location.Line); // the key's line: 5 lines of Node, then the workload's seventh
        Assert.NotNull(estate);
    }

    [Fact]
    public void Workload_OnlyMisspeltKeys_IsAnErrorNotASkippedWorkload()
    {
        var (_, diagnostics) = ImportHarness.Load("us.yaml", Node + Workload("    compliance-engine.com/categories: user.contact\n"));
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed && d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void Workload_UnrelatedAnnotations_AreNotReported()
    {
        var (estate, diagnostics) = ImportHarness.Load("us.yaml",
            Node + Workload("    compliance-engine.io/categories: user.contact\n    engine.example.com/owner: team-a\n    kubectl.kubernetes.io/last-applied-configuration: '{}'\n"));
        Assert.Empty(diagnostics);
        Assert.Single(estate.Stores);
    }

    [Fact]
    public void Workload_MisspeltLabelPrefix_IsAnError()
    {
        var text = Node + "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: p\n  labels: {compliance-engine.io/categories: user.contact, compliance_engine.io/subjects: EU}\nspec: {}\n";
        var (_, diagnostics) = ImportHarness.Load("us.yaml", text);
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed && d.Message.Contains("did you mean 'compliance-engine.io/subjects'", StringComparison.Ordinal));
    }

    [Fact]
    public void Node_UnknownComplianceLabel_IsAnError()
    {
        var text = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/clustr: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n";
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Contains("did you mean 'compliance-engine.io/cluster'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Workload_AnnotationThatIsNotText_IsAnError()
    {
        var (_, diagnostics) = ImportHarness.Load("us.yaml", Node + Workload("    compliance-engine.io/categories: [user.contact]\n"));
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Contains("compliance-engine.io/categories", error.Message, StringComparison.Ordinal);
        Assert.Equal(12, error.Location.Line); // the key's line: 5 lines of Node, then the workload's seventh
    }

    private static string Plan(string after, string actions = "\"create\"") =>
        "{\"format_version\":\"1.2\",\"resource_changes\":[{\"address\":\"aws_s3_bucket.b\",\"mode\":\"managed\",\"type\":\"aws_s3_bucket\",\"name\":\"b\","
        + "\"change\":{\"actions\":[" + actions + "],\"before\":null,\"after\":" + after + "}}]}";

    [Fact]
    public void Terraform_MisspeltTagPrefix_IsAnError()
    {
        var (_, diagnostics) = ImportHarness.Import("plan.json",
            Plan("""{"bucket":"b","region":"us-east-1","tags":{"compliance-engine/categories":"user.contact","compliance-engine.io/subjects":"EU"}}"""));
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("did you mean 'compliance-engine.io/categories'", error.Message, StringComparison.Ordinal);
        Assert.Equal("/resource_changes/0/change/after/tags/compliance-engine~1categories", error.Location.Pointer);
    }

    [Fact]
    public void Terraform_TagsThatAreNotAMap_IsAnError()
    {
        var (_, diagnostics) = ImportHarness.Import("plan.json",
            Plan("""{"bucket":"b","region":"us-east-1","tags":["compliance-engine.io/categories=user.contact"]}"""));
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Contains("tags", error.Message, StringComparison.Ordinal);
        Assert.Equal("/resource_changes/0/change/after/tags", error.Location.Pointer);
    }

    [Fact]
    public void Terraform_UnknownAction_IsAnError()
    {
        var (_, diagnostics) = ImportHarness.Import("plan.json",
            Plan("""{"bucket":"b","region":"us-east-1","tags":{"compliance-engine.io/categories":"user.contact"}}""", "\"frobnicate\""));
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Contains("'frobnicate'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"no-op\"")]
    [InlineData("\"update\"")]
    [InlineData("\"delete\",\"create\"")]
    [InlineData("\"create\",\"delete\"")]
    public void Terraform_KnownActions_AreRead(string actions)
    {
        var (docs, diagnostics) = ImportHarness.Import("plan.json",
            Plan("""{"bucket":"b","region":"eu-central-1","tags":{"compliance-engine.io/categories":"user.contact"}}""", actions));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Contains(docs, d => KindOf(d) == "DataStore");
    }

    private const string FidesSystem = "system:\n  - fides_key: a\n    system_type: Service\n    meta: {k8s_cluster: fra}\n"
        + "    privacy_declarations: [{name: p, data_use: essential, data_categories: [user.contact], data_subjects: [customer]}]\n";

    [Fact]
    public void Fides_EgressWithoutFidesKey_IsAnError()
    {
        var (_, diagnostics) = ImportHarness.Import("s.yml", FidesSystem + "    egress: [{type: system, data_categories: [user.contact]}]\n");
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("fides_key", error.Message, StringComparison.Ordinal);
        Assert.Equal(6, error.Location.Line);
    }

    [Fact]
    public void Fides_EgressToTheUser_IsNotAFlow()
    {
        var (docs, diagnostics) = ImportHarness.Import("s.yml", FidesSystem + "    egress: [{type: user}]\n");
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.DoesNotContain(docs, d => KindOf(d) == "DataFlow");
    }

    private const string Members =
        "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: fra}\nspec: {syncMode: Push, provider: aws, region: eu-central-1}\n---\n"
        + "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: iad, labels: {env: dr}}\nspec: {syncMode: Push, provider: aws, region: us-east-1}\n---\n"
        + "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: p\n  annotations: {compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}\nspec: {}\n---\n";

    private static string Policy(string affinity) =>
        "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: pp, namespace: p}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: StatefulSet}]\n"
        + "  placement:\n    clusterAffinity:\n" + affinity;

    [Theory]
    [InlineData("      fieldSelector:\n        matchExpressions: [{key: regoin, operator: NotIn, values: [us-east-1]}]\n", "regoin")]
    [InlineData("      fieldSelector:\n        matchExpressions: [{key: region, operator: notin, values: [us-east-1]}]\n", "notin")]
    [InlineData("      labelSelector:\n        matchExpressions: [{key: env, operator: in, values: [dr]}]\n", "'in'")]
    public void Karmada_SelectorTheReaderCannotEvaluate_IsAnError(string affinity, string named)
    {
        var (_, diagnostics) = ImportHarness.Load("x.yaml", Members + Policy(affinity));
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static string Mapping(string rules) => "apiVersion: compliance/v1\nkind: ImportMapping\nmetadata: {name: m}\nspec:\n  rules:\n" + rules + "---\n";

    [Theory]
    [InlineData("terraform", "terraform-plan")]
    [InlineData("kubernets", "kubernetes")]
    public void ImportMapping_UnknownSource_IsAnErrorWithTheReaderToUse(string source, string meant)
    {
        var (_, diagnostics) = ImportHarness.Load("m.yaml", Mapping($"    - match: {{name: db, source: {source}}}\n      categories: [user.contact]\n") + Node + Workload("    compliance-engine.io/subjects: EU\n"));
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.ImportMappingInvalid && d.Severity == DiagnosticSeverity.Error);
        Assert.Contains($"did you mean '{meant}'", error.Message, StringComparison.Ordinal);
        Assert.Equal(6, error.Location.Line);
    }

    [Fact]
    public void ImportMapping_SourcePatternMatchingNoReader_IsAnError()
    {
        var (_, diagnostics) = ImportHarness.Load("m.yaml", Mapping("    - match: {name: db, source: 'terra*m'}\n      categories: [user.contact]\n") + Node + Workload("    compliance-engine.io/subjects: EU\n"));
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.ImportMappingInvalid).Severity);
    }

    [Fact]
    public void ImportMapping_RuleMatchingNothing_IsAWarningNamingIt()
    {
        var (estate, diagnostics) = ImportHarness.Load("m.yaml",
            Mapping("    - match: {name: db, kind: StatefulSet}\n      subjectTypes: [customer]\n    - match: {name: dbb, kind: StatefulSet}\n      categories: [user.contact]\n")
            + Node + Workload("    compliance-engine.io/categories: user.contact\n"));
        var warning = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.ImportMappingInvalid);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("matches no source object", warning.Message, StringComparison.Ordinal);
        Assert.Equal(8, warning.Location.Line);
        Assert.Equal(["customer"], Assert.Single(estate.Stores).SubjectTypes.ToArray());
    }

    [Fact]
    public void ImportMapping_PatternOfManyStars_IsNotACrash()
    {
        var stars = string.Concat(Enumerable.Repeat("*a", 30));
        var workload = Workload("    compliance-engine.io/categories: user.contact\n").Replace("name: db", "name: " + new string('a', 60), StringComparison.Ordinal);
        var (_, diagnostics) = ImportHarness.Load("m.yaml", Mapping($"    - match: {{name: '{stars}b'}}\n      country: DE\n") + Node + workload);
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.ImportMappingInvalid && d.Severity == DiagnosticSeverity.Warning);
    }

    [Theory]
    [InlineData("MESH_EXTERNEL", "did you mean 'MESH_EXTERNAL'")]
    [InlineData("mesh_external", "did you mean 'MESH_EXTERNAL'")]
    public void Istio_UnknownLocation_IsAnErrorNotInsideTheMesh(string location, string hint)
    {
        var text = Node + Workload("    compliance-engine.io/categories: user.contact\n") + "---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: crm, namespace: p}\n"
            + $"spec: {{hosts: [api.crm.example], location: {location}, ports: [{{number: 443, name: https, protocol: HTTPS}}]}}\n";
        var (_, diagnostics) = ImportHarness.Load("us.yaml", text);
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains(hint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Istio_MeshInternal_IsNotEgress()
    {
        var text = Node + Workload("    compliance-engine.io/categories: user.contact\n") + "---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: db, namespace: p}\n"
            + "spec: {hosts: [db.internal], location: MESH_INTERNAL}\n";
        var (estate, diagnostics) = ImportHarness.Load("us.yaml", text);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(estate.Flows);
    }

    [Fact]
    public void Ocm_DecisionWithoutClusterName_IsAnError()
    {
        var text = Node + Workload("    compliance-engine.io/categories: user.contact\n")
            + "---\napiVersion: cluster.open-cluster-management.io/v1beta1\nkind: PlacementDecision\nmetadata: {name: d, namespace: p}\n"
            + "status:\n  decisions:\n    - {clusterName: us, reason: ''}\n    - {clustername: eu, reason: ''}\n";
        var (_, diagnostics) = ImportHarness.Load("us.yaml", text);
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Contains("has no clusterName", error.Message, StringComparison.Ordinal);
        Assert.Equal(21, error.Location.Line); // the second decision
    }

    [Fact]
    public void Karmada_BindingClusterWithoutName_IsAnError()
    {
        var text = Members + "apiVersion: work.karmada.io/v1alpha2\nkind: ResourceBinding\nmetadata: {name: db-statefulset, namespace: p}\n"
            + "spec:\n  resource: {apiVersion: apps/v1, kind: StatefulSet, name: db, namespace: p}\n  clusters: [{name: iad}, {replicas: 1}]\n";
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Contains("has no name", error.Message, StringComparison.Ordinal);
    }
}
