using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Tests.Terraform;

/// <summary>
/// Where a resource's region comes from when <c>change.after</c> does not hold it: only what the plan says. The plans
/// are shaped as <c>terraform show -json</c> writes them: the JSON output format
/// (developer.hashicorp.com/terraform/internals/json-format: <c>variables</c>, <c>configuration.provider_config</c> with
/// <c>name</c>/<c>full_name</c>/<c>alias</c>/<c>module_address</c>/<c>expressions</c>, configuration resources with
/// <c>provider_config_key</c>, expressions as <c>constant_value</c> or <c>references</c> listing an indexed reference with
/// its prefixes) and Terraform's own test data at hashicorp/terraform@883c7221ee2e0bc2fad6912fd4b3cc4b53a598a7
/// <c>internal/command/testdata/show-json/provider-aliasing/output.json</c> (module resources keyed to the alias they
/// were given: <c>test.backup</c>), <c>provider-aliasing-conflict/output.json</c> (a module's own provider:
/// <c>module.child:test</c> with <c>module_address</c>) and <c>basic-create/output.json</c> (<c>var.test_var</c>
/// references, <c>variables.test_var.value</c>).
/// </summary>
public sealed class TerraformRegionResolutionTests
{
    private const string Full = "registry.terraform.io/hashicorp/aws";

    private static string Provider(string key, string expressions, string extra = "") =>
        $$"""
        "{{key}}":{"name":"aws","full_name":"{{Full}}"{{extra}},"expressions":{{expressions}}}
        """;

    private const string EuDefault = """{"region":{"constant_value":"eu-central-1"}}""";
    private const string UsAlias = """{"region":{"constant_value":"us-east-1"}}""";

    /// <summary>A plan creating bucket <c>data</c> at <paramref name="address"/>, whose region is known only after apply (AWS provider 5).</summary>
    private static string Plan(string providers, string configResources, string variables = "{}", string address = "aws_s3_bucket.data", string? module = null)
    {
        var moduleField = module is null ? "" : $"\"module_address\":\"{module}\",";
        var change = "{\"address\":\"" + address + "\"," + moduleField + "\"mode\":\"managed\",\"type\":\"aws_s3_bucket\",\"name\":\"data\",\"provider_name\":\"" + Full + "\","
            + "\"change\":{\"actions\":[\"create\"],\"before\":null,"
            + "\"after\":{\"bucket\":\"data\",\"force_destroy\":false,\"tags\":{\"compliance-engine.io/categories\":\"user.contact\"}},"
            + "\"after_unknown\":{\"arn\":true,\"id\":true,\"region\":true},\"before_sensitive\":false,\"after_sensitive\":{\"tags\":{}}}}";
        return "{\"format_version\":\"1.2\",\"terraform_version\":\"1.13.4\",\"variables\":" + variables + ",\n"
            + " \"resource_changes\":[" + change + "],\n"
            + " \"configuration\":{\"provider_config\":{" + providers + "},\"root_module\":" + configResources + "}}";
    }

    private static string Root(string providerKey, string expressions = "{\"bucket\":{\"constant_value\":\"data\"}}") =>
        $$"""{"resources":[{"address":"aws_s3_bucket.data","mode":"managed","type":"aws_s3_bucket","name":"data","provider_config_key":"{{providerKey}}","expressions":{{expressions}},"schema_version":0}]}""";

    private static string InModule(string providerKey) =>
        "{\"module_calls\":{\"child\":{\"source\":\"./child\",\"module\":{\"resources\":[{\"address\":\"aws_s3_bucket.data\",\"mode\":\"managed\",\"type\":\"aws_s3_bucket\","
        + "\"name\":\"data\",\"provider_config_key\":\"" + providerKey + "\",\"expressions\":{},\"schema_version\":0}]}}}}";

    private static string SiteOf(Estate estate) => estate.Stores.Single(s => s.Name == "data").Cluster!.Name;

    private static (Estate Estate, IReadOnlyList<Diagnostic> Diagnostics) Load(string plan) => ImportHarness.Load("plan.json", plan);

    [Fact]
    public void ProviderConfigKey_PicksTheAlias()
    {
        var (estate, diagnostics) = Load(Plan(Provider("aws", EuDefault) + "," + Provider("aws.us", UsAlias, ",\"alias\":\"us\""), Root("aws.us")));
        Assert.Equal("aws-us-east-1", SiteOf(estate));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceRegionUnresolved);
    }

    [Fact]
    public void ModuleResource_KeyedToTheAliasItWasGiven()
    {
        var plan = Plan(Provider("aws", EuDefault) + "," + Provider("aws.us", UsAlias, ",\"alias\":\"us\""), InModule("aws.us"), address: "module.child.aws_s3_bucket.data", module: "module.child");
        Assert.Equal("aws-us-east-1", SiteOf(Load(plan).Estate));
    }

    [Fact]
    public void ModulesOwnProvider_IsItsModuleAddressKey()
    {
        var plan = Plan(Provider("aws", EuDefault) + "," + Provider("module.child:aws", UsAlias, ",\"module_address\":\"module.child\""), InModule("module.child:aws"),
            address: "module.child.aws_s3_bucket.data", module: "module.child");
        Assert.Equal("aws-us-east-1", SiteOf(Load(plan).Estate));
    }

    [Fact]
    public void KeyNotInProviderConfig_WithTwoConfigurations_IsIndeterminateNotTheDefault()
    {
        // A key of an older plan (module name, no "module."): which of the two configurations the module was given is not in the plan.
        var plan = Plan(Provider("aws", EuDefault) + "," + Provider("aws.us", UsAlias, ",\"alias\":\"us\""), InModule("child:aws"), address: "module.child.aws_s3_bucket.data", module: "module.child");
        var (estate, diagnostics) = Load(plan);
        Assert.Equal("aws-unknown", SiteOf(estate));
        Assert.Contains("2 aws provider configurations (aws, aws.us)", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceRegionUnresolved).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AliasKeyNotInProviderConfig_IsIndeterminate()
    {
        var (estate, diagnostics) = Load(Plan(Provider("aws", EuDefault) + "," + Provider("aws.us", UsAlias, ",\"alias\":\"us\""), Root("aws.eu")));
        Assert.Equal("aws-unknown", SiteOf(estate));
        Assert.Contains("'aws.eu' is not in configuration.provider_config", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceRegionUnresolved).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProviderRegion_FromAVariable_IsItsValue()
    {
        var (estate, _) = Load(Plan(Provider("aws", """{"region":{"references":["var.aws_region"]}}"""), Root("aws"), """{"aws_region":{"value":"eu-west-3"}}"""));
        Assert.Equal("aws-eu-west-3", SiteOf(estate));
    }

    [Fact]
    public void ProviderRegion_FromAMapVariableIndex_IsTheElement()
    {
        var providers = Provider("aws", """{"region":{"references":["var.regions[\"dr\"]","var.regions"]}}""");
        var (estate, _) = Load(Plan(providers, Root("aws"), """{"regions":{"value":{"primary":"eu-central-1","dr":"eu-north-1"}}}"""));
        Assert.Equal("aws-eu-north-1", SiteOf(estate));
    }

    [Fact]
    public void ProviderRegion_FromALocal_IsIndeterminateAtTheReference_NotTheRegionVariable()
    {
        var plan = Plan(Provider("aws", """{"region":{"references":["local.region"]}}"""), Root("aws"), """{"region":{"value":"us-west-2"}}""");
        var (estate, diagnostics) = Load(plan);
        Assert.Equal("aws-unknown", SiteOf(estate));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceRegionUnresolved);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("local.region", d.Message, StringComparison.Ordinal);
        Assert.Equal("/configuration/provider_config/aws/expressions/region/references", d.Location.Pointer);
    }

    [Fact]
    public void ProviderWithoutRegion_ComesFromTheEnvironment_AndIsIndeterminate()
    {
        var (estate, diagnostics) = Load(Plan(Provider("aws", "{}"), Root("aws"), """{"region":{"value":"us-west-2"}}"""));
        Assert.Equal("aws-unknown", SiteOf(estate));
        Assert.Contains("AWS_REGION", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceRegionUnresolved).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoProviderConfiguration_IsIndeterminate_NotTheRegionVariable()
    {
        var (estate, diagnostics) = Load(Plan("", Root("aws"), """{"region":{"value":"us-west-2"}}"""));
        Assert.Equal("aws-unknown", SiteOf(estate));
        Assert.Single(diagnostics, d => d.Code == DiagnosticCodes.SourceRegionUnresolved);
    }

    [Fact]
    public void ProviderRegion_FromSeveralReferences_IsIndeterminate()
    {
        // region = var.dr ? var.secondary : var.primary
        var providers = Provider("aws", """{"region":{"references":["var.dr","var.secondary","var.primary"]}}""");
        var (estate, diagnostics) = Load(Plan(providers, Root("aws"), """{"dr":{"value":true},"secondary":{"value":"us-east-1"},"primary":{"value":"eu-central-1"}}"""));
        Assert.Equal("aws-unknown", SiteOf(estate));
        Assert.Contains("var.dr, var.secondary, var.primary", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceRegionUnresolved).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProviderRegion_FromAFunctionCall_IsIndeterminate()
    {
        // region = upper(var.x) with no reference Terraform lists: nothing the plan evaluates; the region variable is not a substitute.
        var (estate, diagnostics) = Load(Plan(Provider("aws", """{"region":{}}"""), Root("aws"), """{"region":{"value":"us-west-2"}}"""));
        Assert.Equal("aws-unknown", SiteOf(estate));
        Assert.Contains("function call", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceRegionUnresolved).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResourceRegionExpression_FromADataSource_DoesNotFallBackToTheProvider()
    {
        var expressions = """{"bucket":{"constant_value":"data"},"region":{"references":["data.aws_region.dr.name","data.aws_region.dr"]}}""";
        var (estate, diagnostics) = Load(Plan(Provider("aws", EuDefault), Root("aws", expressions)));
        Assert.Equal("aws-unknown", SiteOf(estate));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceRegionUnresolved);
        Assert.Contains("its configuration sets region", d.Message, StringComparison.Ordinal);
        Assert.Equal("/configuration/root_module/resources/0/expressions/region/references", d.Location.Pointer);
    }

    [Fact]
    public void ResourceRegionExpression_FromAVariable_WinsOverTheProvider()
    {
        var expressions = """{"bucket":{"constant_value":"data"},"region":{"references":["var.bucket_region"]}}""";
        var (estate, _) = Load(Plan(Provider("aws", EuDefault), Root("aws", expressions), """{"bucket_region":{"value":"eu-south-1"}}"""));
        Assert.Equal("aws-eu-south-1", SiteOf(estate));
    }

    /// <summary>A module's provider block: <c>var.region</c> there is the module's variable, whose value the module call passes.</summary>
    private static string ModuleWithOwnProvider(string callExpressions, string moduleVariables = "{}") =>
        "{\"module_calls\":{\"child\":{\"source\":\"./child\",\"expressions\":" + callExpressions + ",\"module\":{\"resources\":[{\"address\":\"aws_s3_bucket.data\",\"mode\":\"managed\","
        + "\"type\":\"aws_s3_bucket\",\"name\":\"data\",\"provider_config_key\":\"module.child:aws\",\"expressions\":{},\"schema_version\":0}],\"variables\":" + moduleVariables + "}}}}";

    private const string ModuleProvider = "\"module.child:aws\":{\"module_address\":\"module.child\",\"name\":\"aws\",\"full_name\":\"" + Full + "\",\"expressions\":{\"region\":{\"references\":[\"var.region\"]}}}";

    [Fact]
    public void ModuleVariable_IsWhatTheModuleCallPasses_NotTheRootVariableOfTheSameName()
    {
        var plan = Plan(ModuleProvider, ModuleWithOwnProvider("""{"region":{"references":["var.dr_region"]}}"""), """{"region":{"value":"us-east-1"},"dr_region":{"value":"eu-north-1"}}""",
            address: "module.child.aws_s3_bucket.data", module: "module.child");
        Assert.Equal("aws-eu-north-1", SiteOf(Load(plan).Estate));
    }

    [Fact]
    public void ModuleVariable_NotPassed_IsItsDefault()
    {
        var plan = Plan(ModuleProvider, ModuleWithOwnProvider("{}", """{"region":{"default":"eu-west-3"}}"""), """{"region":{"value":"us-east-1"}}""",
            address: "module.child.aws_s3_bucket.data", module: "module.child");
        Assert.Equal("aws-eu-west-3", SiteOf(Load(plan).Estate));
    }

    [Fact]
    public void ModuleVariable_PassedALocal_IsIndeterminate()
    {
        var plan = Plan(ModuleProvider, ModuleWithOwnProvider("""{"region":{"references":["local.dr"]}}"""), """{"region":{"value":"us-east-1"}}""",
            address: "module.child.aws_s3_bucket.data", module: "module.child");
        var (estate, diagnostics) = Load(plan);
        Assert.Equal("aws-unknown", SiteOf(estate));
        Assert.Contains("local.dr", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceRegionUnresolved).Message, StringComparison.Ordinal);
    }
}
