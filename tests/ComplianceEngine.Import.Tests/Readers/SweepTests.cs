using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Readers;

/// <summary>
/// Lookups in the importers that missed silently (a default, a field read under one name of several, an item of the
/// wrong shape skipped), found by the sweep of the readers; each test was written before the fix.
/// </summary>
public sealed class SweepTests
{
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";

    private const string Workload =
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: p\n  annotations: {compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}\n"
        + "spec:\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: c, image: postgres}]}\n---\n";

    /// <summary>
    /// An Istio ServiceEntry exported everywhere reaches the workloads of every namespace: not the stores that have no
    /// namespace (a Velero backup bucket). Shape: istio/api@a3406c8fd387c08c5119b4efc999e4bcaef69ecf
    /// <c>networking/v1alpha3/service_entry.proto</c> (exportTo absent = every namespace).
    /// </summary>
    [Fact]
    public void Istio_EntryExportedEverywhere_DoesNotMakeABackupBucketCallTheHost()
    {
        var text = Node + Workload
            + "apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: default, namespace: velero}\nspec: {provider: aws, default: true, objectStorage: {bucket: backups}, config: {region: eu-west-1}}\n---\n"
            + "apiVersion: velero.io/v1\nkind: Backup\nmetadata: {name: b1, namespace: velero}\nspec: {includedNamespaces: [p]}\n---\n"
            + "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: api, namespace: p}\nspec: {hosts: [api.example.com], ports: [{number: 443, name: https, protocol: TLS}]}\n";
        var (estate, _) = ImportHarness.Load("x.yaml", text);
        Assert.Equal(["db"], estate.Flows.Select(f => f.From.Name));
    }

    /// <summary>
    /// A Velero namespace list item that is not a name (a mapping) is an error at the item: skipped, it made the list
    /// read as empty, which Velero reads as every namespace. Shape: velero.io/docs/v1.18/api-types/backup
    /// (vmware-tanzu/velero@26ef8fa7df68dfa9ab8aa4669b8ac47340b0c510 <c>site/content/docs/v1.18/api-types/backup.md</c>).
    /// </summary>
    [Fact]
    public void Velero_NamespaceItemThatIsNotAName_IsAnError()
    {
        var text = Node + Workload
            + "apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: default, namespace: velero}\nspec: {provider: aws, default: true, objectStorage: {bucket: backups}, config: {region: eu-west-1}}\n---\n"
            + "apiVersion: velero.io/v1\nkind: Backup\nmetadata: {name: b1, namespace: velero}\nspec:\n  includedNamespaces:\n  - {name: p}\n";
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        var error = Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(text.Split('\n').Length - 1, error.Location.Line);
    }

    /// <summary>
    /// AWS provider <c>default_tags</c> reach a resource only through <c>tags_all</c> in the plan (<c>tags</c> holds the
    /// resource's own): a categories tag given there was read as no data. Shape: the AWS provider's documented
    /// <c>tags_all</c> attribute (registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/resource-tagging) in a
    /// plan as hashicorp/terraform@883c7221ee2e0bc2fad6912fd4b3cc4b53a598a7
    /// <c>internal/command/testdata/show-json/basic-create/output.json</c> writes resource changes.
    /// </summary>
    [Fact]
    public void Terraform_CategoriesFromProviderDefaultTags_AreRead()
    {
        var plan = """
            {"format_version":"1.2","terraform_version":"1.13.4","variables":{},
             "resource_changes":[{"address":"aws_s3_bucket.data","mode":"managed","type":"aws_s3_bucket","name":"data","provider_name":"registry.terraform.io/hashicorp/aws",
               "change":{"actions":["create"],"before":null,
                 "after":{"bucket":"data","region":"eu-central-1","tags":{"Name":"data"},"tags_all":{"Name":"data","compliance-engine.io/categories":"user.contact","compliance-engine.io/subjects":"EU"}},
                 "after_unknown":{"arn":true,"id":true},"before_sensitive":false,"after_sensitive":{"tags":{},"tags_all":{}}}}],
             "configuration":{"provider_config":{"aws":{"name":"aws","full_name":"registry.terraform.io/hashicorp/aws","expressions":{"region":{"constant_value":"eu-central-1"},
               "default_tags":[{"tags":{"constant_value":{"compliance-engine.io/categories":"user.contact","compliance-engine.io/subjects":"EU"}}}]}}},
               "root_module":{"resources":[{"address":"aws_s3_bucket.data","mode":"managed","type":"aws_s3_bucket","name":"data","provider_config_key":"aws","expressions":{"bucket":{"constant_value":"data"}},"schema_version":0}]}}}
            """;
        var (estate, diagnostics) = ImportHarness.Load("plan.json", plan);
        Assert.Equal("user.contact", Assert.Single(estate.Stores.Single().Categories));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    /// <summary>
    /// A Karmada affinity naming a cluster that is not among the inputs, with a label selector: Karmada takes it when it
    /// is named and its labels match (karmada-io/karmada@0533b555e040596f4fff9b6a344efbaeed71d0cc <c>pkg/util/selector.go</c>
    /// <c>ClusterMatches</c>); its labels are unknown, so it was dropped silently. Now it is kept, with a warning.
    /// </summary>
    [Fact]
    public void Karmada_NamedClusterNotAmongTheInputs_WithALabelSelector_IsKeptWithAWarning()
    {
        var text = "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: fra, labels: {env: prod}}\nspec: {syncMode: Push, provider: aws, region: eu-central-1}\n---\n"
            + "apiVersion: v1\nkind: Node\nmetadata: {name: n2, labels: {compliance-engine.io/cluster: iad}}\nspec: {providerID: 'aws:///us-east-1a/i-2'}\n---\n"
            + Workload
            + "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: pp, namespace: p}\nspec:\n  resourceSelectors: [{apiVersion: apps/v1, kind: StatefulSet, name: db}]\n"
            + "  placement:\n    clusterAffinity:\n      clusterNames: [fra, iad]\n      labelSelector: {matchLabels: {env: prod}}\n";
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.Equal("iad", Assert.Single(estate.Stores.Single().Replicas).Name);
        Assert.Contains("'iad'", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceSelectorUndecided).Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Two BackupStorageLocations marked default: Velero gives a backup without storageLocation the first of its list,
    /// which the API server orders by name (vmware-tanzu/velero@26ef8fa7df68dfa9ab8aa4669b8ac47340b0c510
    /// <c>pkg/controller/backup_controller.go</c>, prepareBackupRequest), not the first in the file.
    /// </summary>
    [Fact]
    public void Velero_TwoDefaultLocations_TheFirstByNameIsUsed()
    {
        const string Bsl = "apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: NAME, namespace: velero}\nspec: {provider: aws, default: true, objectStorage: {bucket: NAME-bucket}, config: {region: REGION}}\n---\n";
        var text = Node + Workload
            + Bsl.Replace("NAME", "zeta", StringComparison.Ordinal).Replace("REGION", "us-east-1", StringComparison.Ordinal)
            + Bsl.Replace("NAME", "alpha", StringComparison.Ordinal).Replace("REGION", "eu-west-1", StringComparison.Ordinal)
            + "apiVersion: velero.io/v1\nkind: Backup\nmetadata: {name: b1, namespace: velero}\nspec: {includedNamespaces: [p]}\n";
        var (estate, _) = ImportHarness.Load("x.yaml", text);
        Assert.Equal("alpha-bucket", Assert.Single(estate.Stores.Single(s => s.Name == "db").Backups).Name);
    }

    /// <summary>
    /// A Fides system's <c>ingress</c> ("The resources from which the system receives data") was not read: a flow only
    /// the receiving system declares was lost. Shape: ethyca/fideslang@40394c46599745a6b8f14d069889fddfa2651409
    /// <c>src/fideslang/models.py</c> (<c>System.egress</c>/<c>ingress</c> lists of <c>DataFlow</c>: <c>fides_key</c>,
    /// <c>type</c> system|dataset|user, <c>data_categories</c>).
    /// </summary>
    [Fact]
    public void Fides_FlowOnlyTheReceiverDeclares_IsImported()
    {
        const string Manifest = """
            system:
              - fides_key: crm
                name: CRM
                system_type: Service
                meta: {k8s_cluster: fra}
                privacy_declarations:
                  - {name: Customer records, data_use: essential.service, data_categories: [user.contact], data_subjects: [customer]}
              - fides_key: analytics
                name: Analytics
                system_type: Service
                meta: {k8s_cluster: fra}
                ingress:
                  - {fides_key: crm, type: system, data_categories: [user.contact]}
                  - {fides_key: user, type: user}
                  - {fides_key: partner_feed, type: system}
                privacy_declarations:
                  - {name: Reporting, data_use: analytics.reporting, data_categories: [user.contact], data_subjects: [customer]}
            """;
        var (docs, diagnostics) = ImportHarness.Import("systems.yml", Manifest);
        var flows = docs.Where(d => (d.Document.Get("kind") as Loading.Yaml.YamlScalar)?.Value == "DataFlow")
            .Select(d => ((Loading.Yaml.YamlScalar)((Loading.Yaml.YamlMapping)d.Document.Get("metadata")!).Get("name")!).Value).ToList();
        Assert.Equal(["crm-to-analytics"], flows);
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.SourceNotRead && d.Message.Contains("'partner_feed'", StringComparison.Ordinal));
    }

    [Fact]
    public void Fides_FlowBothEndsDeclare_IsImportedOnce()
    {
        const string Manifest = """
            system:
              - fides_key: crm
                system_type: Service
                meta: {k8s_cluster: fra}
                egress: [{fides_key: analytics, type: system}]
                privacy_declarations: [{name: p, data_use: essential.service, data_categories: [user.contact], data_subjects: [customer]}]
              - fides_key: analytics
                system_type: Service
                meta: {k8s_cluster: fra}
                ingress: [{fides_key: crm, type: system}]
                privacy_declarations: [{name: r, data_use: analytics.reporting, data_categories: [user.contact], data_subjects: [customer]}]
            """;
        var (docs, diagnostics) = ImportHarness.Import("systems.yml", Manifest);
        Assert.Single(docs, d => (d.Document.Get("kind") as Loading.Yaml.YamlScalar)?.Value == "DataFlow");
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceDuplicateName);
    }
}
