using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Terraform;

/// <summary>
/// <c>terraform show -json</c> of a state (shape: hashicorp/terraform@bb2e1cf8 internal/command/jsonstate/state.go and
/// internal/command/testdata/show-json-state/*/output.json): read with the plan's resource readers, format version checked.
/// </summary>
public sealed class TerraformStateReaderTests
{
    private static string State(string rootResources, string childModules = "[]", string version = "1.0") =>
        "{\"format_version\":\"" + version + "\",\"terraform_version\":\"1.13.0\",\"values\":{\"outputs\":{},\"root_module\":{\"resources\":[" + rootResources + "],\"child_modules\":" + childModules + "}}}";

    private static string Resource(string address, string type, string values, string provider = "aws", string extra = "") =>
        "{\"address\":\"" + address + "\",\"mode\":\"managed\",\"type\":\"" + type + "\",\"name\":\"" + address.Split('.')[^1]
        + "\",\"provider_name\":\"registry.terraform.io/hashicorp/" + provider + "\",\"schema_version\":0,\"values\":" + values + ",\"sensitive_values\":{}" + extra + "}";

    private const string EuBucket = """{"bucket":"acme-eu","region":"eu-central-1","arn":"arn:aws:s3:::acme-eu","tags":{"compliance-engine.io/categories":"user.contact","compliance-engine.io/subjects":"EU"}}""";

    [Fact]
    public void State_ResourcesAreImportedLikeAPlansUnchangedResources()
    {
        var child = "[{\"address\":\"module.dr\",\"resources\":[" + Resource("module.dr.azurerm_storage_account.audit", "azurerm_storage_account",
            """{"name":"acmeaudit","location":"Brazil South","account_replication_type":"GRS"}""", "azurerm") + "]}]";
        var (estate, diagnostics) = ImportHarness.Load("terraform.tfstate.json", State(Resource("aws_s3_bucket.eu", "aws_s3_bucket", EuBucket), child));

        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceMalformed);
        var bucket = estate.Stores.Single(s => s.Name == "acme-eu");
        Assert.Equal("aws-eu-central-1", bucket.Cluster!.Name);
        Assert.Equal("user.contact", Assert.Single(bucket.Categories).ToString());
        var audit = estate.Stores.Single(s => s.Name == "acmeaudit");
        Assert.Equal("azure-brazilsouth", audit.Cluster!.Name);
        Assert.True(audit.GeoRedundant);
        Assert.Equal("/values/root_module/resources/0", bucket.Info.Location.Pointer);
    }

    [Fact]
    public void State_AwsRegionComesFromTheArn_WhenTheResourceHasNoRegionAttribute()
    {
        var eks = Resource("aws_eks_cluster.main", "aws_eks_cluster", """{"name":"payments","arn":"arn:aws:eks:eu-west-3:123456789012:cluster/payments"}""");
        var (estate, diagnostics) = ImportHarness.Load("state.json", State(eks));
        Assert.Empty(diagnostics);
        Assert.Equal("eu-west-3", Assert.Single(estate.Clusters).Region);
    }

    [Fact]
    public void State_RegionMissing_IsIndeterminateAndSaysTheStateHoldsNone()
    {
        var eks = Resource("aws_eks_cluster.main", "aws_eks_cluster", """{"name":"payments"}""");
        var (estate, diagnostics) = ImportHarness.Load("state.json", State(eks));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceRegionUnresolved);
        Assert.Contains("from the state", d.Message, StringComparison.Ordinal);
        Assert.Contains("ARN", d.Message, StringComparison.Ordinal);
        Assert.Equal("unknown", Assert.Single(estate.Clusters).Region);
    }

    [Theory]
    [InlineData("2.0")]
    [InlineData("one")]
    [InlineData("1.")]
    public void State_UnknownFormatVersion_IsAnErrorAndNothingIsImported(string version)
    {
        var (estate, diagnostics) = ImportHarness.Load("state.json", State(Resource("aws_s3_bucket.eu", "aws_s3_bucket", EuBucket), version: version));
        var error = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceFormatVersionUnsupported);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal("/format_version", error.Location.Pointer);
        Assert.Empty(estate.Stores);
    }

    [Fact]
    public void Plan_UnknownFormatVersion_IsAnError()
    {
        var plan = """{"format_version":"2.0","resource_changes":[{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","change":{"actions":["create"],"after":{"bucket":"b","region":"eu-west-1"}}}]}""";
        var (estate, diagnostics) = ImportHarness.Load("plan.json", plan);
        Assert.Equal(DiagnosticSeverity.Error, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceFormatVersionUnsupported).Severity);
        Assert.Empty(estate.Stores);
    }

    [Fact]
    public void State_Empty_IsAWarningNotASilentPass()
    {
        // What `terraform show -json` prints for an empty state (internal/command/testdata/show-json-state/empty/output.json).
        var (_, diagnostics) = ImportHarness.Load("state.json", """{"format_version":"1.0"}""");
        Assert.Equal(DiagnosticSeverity.Warning, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEmpty).Severity);
    }

    [Fact]
    public void State_DeposedObject_IsAWarning()
    {
        var current = Resource("aws_s3_bucket.eu", "aws_s3_bucket", EuBucket);
        var deposed = Resource("aws_s3_bucket.eu", "aws_s3_bucket", EuBucket, extra: ",\"deposed_key\":\"00000001\"");
        var (estate, diagnostics) = ImportHarness.Load("state.json", State(current + "," + deposed));
        Assert.Equal(DiagnosticSeverity.Warning, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceDeposedObject).Severity);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceDuplicateName);
        Assert.Single(estate.Stores, s => s.Name == "acme-eu");
    }

    [Fact]
    public void State_DataSourcesAreSkipped_AndUnknownModesAreErrors()
    {
        var data = Resource("aws_s3_bucket.lookup", "aws_s3_bucket", EuBucket).Replace("\"managed\"", "\"data\"", StringComparison.Ordinal);
        var odd = Resource("aws_s3_bucket.odd", "aws_s3_bucket", EuBucket).Replace("\"managed\"", "\"manged\"", StringComparison.Ordinal);
        var (estate, diagnostics) = ImportHarness.Load("state.json", State(data + "," + odd));
        var error = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceMalformed);
        Assert.Contains("did you mean 'managed'", error.Message, StringComparison.Ordinal);
        Assert.Empty(estate.Stores);
    }

    [Fact]
    public void Plan_UnchangedAwsResource_TakesTheRegionOfItsArn()
    {
        var plan = """{"format_version":"1.2","resource_changes":[{"address":"aws_db_instance.orders","mode":"managed","type":"aws_db_instance","name":"orders","change":{"actions":["no-op"],"before":{},"after":{"identifier":"orders","arn":"arn:aws:rds:ap-south-1:123456789012:db:orders"}}}]}""";
        var (estate, diagnostics) = ImportHarness.Load("plan.json", plan);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceRegionUnresolved);
        Assert.Equal("aws-ap-south-1", estate.Stores.Single(s => s.Name == "orders").Cluster!.Name);
    }
}
