using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Terraform;

public sealed partial class TerraformPlanReaderTests
{
    private static string Plan(string changes, string configuration = "{}", string variables = "{}") =>
        $$"""{"format_version":"1.2","terraform_version":"1.13.0","variables":{{variables}},"resource_changes":[{{changes}}],"configuration":{{configuration}}}""";

    private static string Change(string address, string type, string after, string actions = "\"create\"", string unknown = "{}", string? before = null, string? module = null)
    {
        var moduleField = module is null ? "" : $"\"module_address\":\"{module}\",";
        var change = "{\"actions\":[" + actions + "],\"before\":" + (before ?? "null") + ",\"after\":" + after + ",\"after_unknown\":" + unknown + "}";
        return "{\"address\":\"" + address + "\"," + moduleField + "\"mode\":\"managed\",\"type\":\"" + type + "\",\"name\":\"" + address.Split('.')[^1]
            + "\",\"provider_name\":\"registry.terraform.io/hashicorp/aws\",\"change\":" + change + "}";
    }

    private const string AwsEu = """{"provider_config":{"aws":{"name":"aws","expressions":{"region":{"constant_value":"eu-central-1"}}}}}""";

    [Fact]
    public void Cluster_RegionFromResourceAttribute_Wins()
    {
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(Change("aws_eks_cluster.a", "aws_eks_cluster", """{"name":"eks","region":"eu-west-1"}"""), AwsEu));
        Assert.Empty(diagnostics);
        Assert.Equal("eu-west-1", Assert.Single(estate.Clusters).Region);
    }

    [Fact]
    public void Cluster_RegionFromProviderVariable_WhenResourceHasNone()
    {
        var config = """{"provider_config":{"aws":{"name":"aws","expressions":{"region":{"references":["var.r"]}}}}}""";
        var (estate, _) = ImportHarness.Load("plan.json", Plan(Change("aws_eks_cluster.a", "aws_eks_cluster", """{"name":"eks"}"""), config, """{"r":{"value":"ap-south-1"}}"""));
        Assert.Equal("ap-south-1", Assert.Single(estate.Clusters).Region);
    }

    [Fact]
    public void Cluster_ModulePrefixedProviderKey_FallsBackToTheRootProvider()
    {
        var config = """{"provider_config":{"aws":{"name":"aws","expressions":{"region":{"constant_value":"eu-north-1"}}}},"root_module":{"module_calls":{"k8s":{"module":{"resources":[{"address":"aws_eks_cluster.a","provider_config_key":"k8s:aws"}]}}}}}""";
        var (estate, _) = ImportHarness.Load("plan.json", Plan(Change("module.k8s.aws_eks_cluster.a", "aws_eks_cluster", """{"name":"eks"}""", module: "module.k8s"), config));
        Assert.Equal("eu-north-1", Assert.Single(estate.Clusters).Region);
    }

    [Fact]
    public void Cluster_RegionUnknown_IsIndeterminateAndNamesTheAttribute()
    {
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(Change("aws_eks_cluster.a", "aws_eks_cluster", """{"name":"eks"}""", unknown: """{"region":true}""")));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceRegionUnresolved);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("no aws provider configuration is in the plan", d.Message, StringComparison.Ordinal);
        Assert.Equal("unknown", Assert.Single(estate.Clusters).Region);
        var report = ImportHarness.BuiltIn.Value.Evaluate(estate, new Core.Evaluation.EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });
        Assert.Contains(report.Diagnostics, x => x.Code == DiagnosticCodes.UnknownRegion);
    }

    [Fact]
    public void Document_KeepsFileLineAndJsonPointer()
    {
        var text = Plan("\n" + Change("aws_eks_cluster.a", "aws_eks_cluster", """{"name":"eks","region":"eu-west-1"}"""));
        var (estate, _) = ImportHarness.Load("plans/prod.json", text);
        var at = Assert.Single(estate.Clusters).Info.Location;
        Assert.Equal("plans/prod.json", at.File);
        Assert.Equal(2, at.Line);
        Assert.Equal("/resource_changes/0", at.Pointer);
    }

    [Fact]
    public void Bucket_LegacyInlineReplication_IsAReplica()
    {
        var source = Change("aws_s3_bucket.a", "aws_s3_bucket",
            """{"bucket":"eu-a","tags":{"compliance-engine.io/categories":"user.contact"},"replication_configuration":[{"role":"r","rules":[{"id":"x","status":"Enabled","destination":[{"bucket":"arn:aws:s3:::us-b"}]}]}]}""");
        var target = Change("aws_s3_bucket.b", "aws_s3_bucket", """{"bucket":"us-b","region":"us-east-1"}""");
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(source + "," + target, AwsEu));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        var a = Assert.Single(estate.Stores, s => s.Name == "eu-a");
        Assert.Equal("us-b", Assert.Single(a.Replicas).Name);
        Assert.Equal(["user.contact"], estate.Stores.Single(s => s.Name == "us-b").Categories.ToArray());
    }

    [Fact]
    public void Replication_DestinationNotInPlan_IsIndeterminateWithAWarning()
    {
        var source = Change("aws_s3_bucket.a", "aws_s3_bucket", """{"bucket":"eu-a"}""");
        var crr = Change("aws_s3_bucket_replication_configuration.c", "aws_s3_bucket_replication_configuration",
            """{"bucket":"eu-a","rule":[{"status":"Enabled","destination":[{"bucket":"arn:aws:s3:::elsewhere"}]}]}""");
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(source + "," + crr, AwsEu));
        Assert.Contains("elsewhere", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceDanglingReference).Message, StringComparison.Ordinal);
        Assert.Equal("aws-unknown", estate.Stores.Single(s => s.Name == "elsewhere").Cluster!.Name);
    }

    [Fact]
    public void Replication_SourceBucketUnknownAtPlan_FollowsTheConfigurationReference()
    {
        var source = Change("aws_s3_bucket.a", "aws_s3_bucket", """{"bucket":"eu-a"}""");
        var target = Change("aws_s3_bucket.b", "aws_s3_bucket", """{"bucket":"eu-b"}""");
        var crr = Change("aws_s3_bucket_replication_configuration.c", "aws_s3_bucket_replication_configuration",
            """{"rule":[{"status":"Enabled","destination":[{"bucket":"arn:aws:s3:::eu-b"}]}]}""", unknown: """{"bucket":true}""");
        var config = """{"provider_config":{"aws":{"expressions":{"region":{"constant_value":"eu-central-1"}}}},"root_module":{"resources":[{"address":"aws_s3_bucket_replication_configuration.c","provider_config_key":"aws","expressions":{"bucket":{"references":["aws_s3_bucket.a.id","aws_s3_bucket.a"]}}}]}}""";
        var (estate, _) = ImportHarness.Load("plan.json", Plan(string.Join(",", source, target, crr), config));
        Assert.Equal("eu-b", Assert.Single(estate.Stores.Single(s => s.Name == "eu-a").Replicas).Name);
    }

    [Fact]
    public void DeletedReplicationConfiguration_IsReportedAndRemovesTheReplica()
    {
        var source = Change("aws_s3_bucket.a", "aws_s3_bucket", """{"bucket":"eu-a"}""");
        var crr = Change("aws_s3_bucket_replication_configuration.c", "aws_s3_bucket_replication_configuration", "null", "\"delete\"",
            before: """{"bucket":"eu-a","rule":[{"status":"Enabled","destination":[{"bucket":"arn:aws:s3:::us-b"}]}]}""");
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(source + "," + crr, AwsEu));
        Assert.Contains("replication from bucket 'eu-a' ends", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceDeleted).Message, StringComparison.Ordinal);
        Assert.Empty(estate.Stores.Single().Replicas);
    }

    [Fact]
    public void DbInstance_ReadReplica_ReplicatesThePrimary()
    {
        var primary = Change("aws_db_instance.p", "aws_db_instance", """{"identifier":"orders","tags":{"compliance-engine.io/categories":"user.financial"}}""");
        var replica = Change("aws_db_instance.r", "aws_db_instance", """{"identifier":"orders-us","replicate_source_db":"orders","region":"us-east-1"}""");
        var (estate, _) = ImportHarness.Load("plan.json", Plan(primary + "," + replica, AwsEu));
        Assert.Equal("orders-us", Assert.Single(estate.Stores.Single(s => s.Name == "orders").Replicas).Name);
        Assert.Equal("aws-us-east-1", estate.Stores.Single(s => s.Name == "orders-us").Cluster!.Name);
    }

    [Fact]
    public void StorageAccount_Grs_IsGeoRedundant_AndLocationNormalised()
    {
        var change = Change("azurerm_storage_account.s", "azurerm_storage_account", """{"name":"acct","location":"West Europe","account_replication_type":"RAGRS"}""");
        var (estate, _) = ImportHarness.Load("plan.json", Plan(change));
        var store = Assert.Single(estate.Stores);
        Assert.True(store.GeoRedundant);
        Assert.Equal("westeurope", estate.Clusters.Single(c => c.Name == store.Cluster!.Name).Region);
    }

    /// <summary>
    /// A multi-region or predefined dual-region bucket rests in every country it spans, as the region catalog says
    /// (rules/catalog/multi-regions.tsv): the importer used to throw the location away ("gcp-unknown", indeterminate)
    /// while a native Cluster in the same location was judged in each country.
    /// </summary>
    [Theory]
    [InlineData("EU")]
    [InlineData("eur4")]
    public void GcsBucket_MultiRegion_IsJudgedInEveryCountryItSpans(string location)
    {
        var change = Change("google_storage_bucket.b", "google_storage_bucket", $$"""{"name":"lake","location":"{{location}}"}""");
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(change));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceValueUnknown);
        var cluster = estate.Clusters.Single(c => c.Name == Assert.Single(estate.Stores).Cluster!.Name);
        var site = ImportHarness.BuiltIn.Value.Resolver.Resolve(cluster, null);
        Assert.True(site.Spans.Length >= 2, $"{location} spans {site.Spans.Length} regions");
    }

    [Fact]
    public void GcsBucket_LocationTheCatalogDoesNotKnow_IsIndeterminateInTheCore()
    {
        var change = Change("google_storage_bucket.b", "google_storage_bucket", """{"name":"lake","location":"EUR9"}""");
        var (estate, _) = ImportHarness.Load("plan.json", Plan(change));
        var report = ImportHarness.BuiltIn.Value.Evaluate(estate, new Core.Evaluation.EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });
        Assert.Contains(report.Diagnostics, x => x.Code == DiagnosticCodes.UnknownRegion && x.Message.Contains("EUR9", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Tags_UnknownComplianceKey_IsAnErrorWithSuggestion()
    {
        var change = Change("aws_s3_bucket.a", "aws_s3_bucket", """{"bucket":"a","tags":{"compliance-engine.io/categoris":"user.contact"}}""");
        var (_, diagnostics) = ImportHarness.Load("plan.json", Plan(change, AwsEu));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("did you mean 'compliance-engine.io/categories'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_IndividualsNotANumber_IsAnError()
    {
        var change = Change("aws_s3_bucket.a", "aws_s3_bucket", """{"bucket":"a","tags":{"compliance-engine.io/individuals":"lots"}}""");
        var (_, diagnostics) = ImportHarness.Load("plan.json", Plan(change, AwsEu));
        Assert.Equal(DiagnosticSeverity.Error, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceMalformed).Severity);
    }

    [Fact]
    public void Plan_ResourceChangesNotAList_IsAPositionedError()
    {
        var (_, diagnostics) = ImportHarness.Load("plan.json", """{"format_version":"1.2","resource_changes":{"a":1}}""");
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("/resource_changes", d.Location.Pointer);
    }

    [Fact]
    public void Plan_ChangeWithoutActions_IsAnError()
    {
        var (_, diagnostics) = ImportHarness.Load("plan.json", """{"format_version":"1.2","resource_changes":[{"address":"aws_s3_bucket.a","type":"aws_s3_bucket","change":{}}]}""");
        Assert.Equal(DiagnosticSeverity.Error, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceMalformed).Severity);
    }

    [Fact]
    public void Plan_MalformedJson_IsASyntaxError()
    {
        var (_, diagnostics) = ImportHarness.Load("plan.json", """{"format_version":"1.2","resource_changes":[{"address": }""");
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.YamlSyntax && d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void AuroraGlobalCluster_SourceClusterReplicatesToTheOthers()
    {
        var primary = Change("aws_rds_cluster.eu", "aws_rds_cluster", """{"cluster_identifier":"orders-eu","global_cluster_identifier":"orders","tags":{"compliance-engine.io/categories":"user.financial"}}""");
        var secondary = Change("aws_rds_cluster.us", "aws_rds_cluster", """{"cluster_identifier":"orders-us","global_cluster_identifier":"orders","region":"us-east-1"}""");
        var global = Change("aws_rds_global_cluster.g", "aws_rds_global_cluster", """{"global_cluster_identifier":"orders","source_db_cluster_identifier":"arn:aws:rds:eu-central-1:111122223333:cluster:orders-eu"}""");
        var (estate, _) = ImportHarness.Load("plan.json", Plan(string.Join(",", secondary, primary, global), AwsEu));
        Assert.Equal("orders-us", Assert.Single(estate.Stores.Single(s => s.Name == "orders-eu").Replicas).Name);
        Assert.Equal(["user.financial"], estate.Stores.Single(s => s.Name == "orders-us").Categories.ToArray());
    }

    [Fact]
    public void CloudSqlReplica_ReplicatesTheMaster()
    {
        var master = Change("google_sql_database_instance.main", "google_sql_database_instance", """{"name":"main","region":"europe-west3"}""");
        var replica = Change("google_sql_database_instance.read", "google_sql_database_instance", """{"name":"read-us","region":"us-central1","master_instance_name":"main"}""");
        var (estate, _) = ImportHarness.Load("plan.json", Plan(master + "," + replica));
        Assert.Equal("read-us", Assert.Single(estate.Stores.Single(s => s.Name == "main").Replicas).Name);
        Assert.Equal("gcp-us-central1", estate.Stores.Single(s => s.Name == "read-us").Cluster!.Name);
    }

    [Fact]
    public void UnreadDataHoldingTypes_AreNamedInAWarning()
    {
        var (_, diagnostics) = ImportHarness.Load("plan.json", Plan(Change("aws_efs_file_system.home", "aws_efs_file_system", """{"creation_token":"home"}"""), AwsEu));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceNotRead);
        Assert.Contains("aws_efs_file_system holds data", d.Message, StringComparison.Ordinal);
        Assert.Contains("aws_efs_file_system.home (plan.json:1:", d.Message, StringComparison.Ordinal);
    }
}
