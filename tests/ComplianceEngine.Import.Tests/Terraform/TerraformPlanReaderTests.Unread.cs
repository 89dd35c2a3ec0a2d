using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Import.Tests.Terraform;

/// <summary>
/// Resource types the reader does not read never vanish: a data store it cannot place is an indeterminate store, a type
/// it does not know is named with each address and position, and only the types listed as holding no data are quiet.
/// </summary>
public sealed partial class TerraformPlanReaderTests
{
    [Fact]
    public void UnknownResourceType_IsNamedWithEachAddressAndPosition()
    {
        var text = Plan(Change("aws_sqs_queue.orders", "aws_sqs_queue", """{"name":"orders"}""") + ",\n"
            + Change("aws_sqs_queue.refunds", "aws_sqs_queue", """{"name":"refunds"}""") + ",\n"
            + Change("aws_lambda_function.f", "aws_lambda_function", """{"function_name":"f"}"""), AwsEu);
        var (_, diagnostics) = ImportHarness.Load("plan.json", text);
        var unknown = diagnostics.Where(d => d.Code == DiagnosticCodes.SourceResourceTypeUnknown).ToList();
        Assert.Equal(2, unknown.Count);
        Assert.All(unknown, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        var sqs = Assert.Single(unknown, d => d.Message.Contains("aws_sqs_queue", StringComparison.Ordinal));
        Assert.Contains("aws_sqs_queue.orders (plan.json:1:", sqs.Message, StringComparison.Ordinal);
        Assert.Contains("aws_sqs_queue.refunds (plan.json:2:", sqs.Message, StringComparison.Ordinal);
        Assert.Equal("/resource_changes/0", sqs.Location.Pointer);
        Assert.Contains(unknown, d => d.Message.Contains("aws_lambda_function.f (plan.json:3:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("aws_iam_role")]
    [InlineData("aws_security_group")]
    [InlineData("aws_vpc")]
    [InlineData("azurerm_resource_group")]
    [InlineData("google_project_iam_member")]
    [InlineData("random_id")]
    [InlineData("aws_s3_bucket_public_access_block")]
    [InlineData("aws_eks_node_group")]
    public void TypeThatHoldsNoData_IsNotReported(string type)
    {
        var (_, diagnostics) = ImportHarness.Load("plan.json", Plan(Change($"{type}.x", type, """{"name":"x"}"""), AwsEu));
        Assert.Empty(diagnostics);
    }

    [Theory]
    [InlineData("azurerm_mssql_database", """{"name":"orders-db","server_id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/sql1","tags":{"compliance-engine.io/categories":"user.contact","compliance-engine.io/subjects":"RU"}}""", "azure")]
    [InlineData("google_spanner_instance", """{"name":"events","config":"nam-eur-asia1","labels":{"compliance-engine.io/categories":"user.contact","compliance-engine.io/subjects":"RU"}}""", "gcp")]
    [InlineData("aws_efs_file_system", """{"creation_token":"home","tags":{"compliance-engine.io/categories":"user.contact","compliance-engine.io/subjects":"RU"}}""", "aws")]
    public void DataStoreTypeNotRead_IsAnIndeterminateStoreNotASkip(string type, string after, string provider)
    {
        var address = $"{type}.main";
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(Change(address, type, after), AwsEu));
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceNotRead);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains($"{address} (plan.json:1:", warning.Message, StringComparison.Ordinal);
        var store = Assert.Single(estate.Stores);
        Assert.Equal(address, store.Name);
        Assert.Equal($"{provider}-unknown", store.Cluster!.Name);
        Assert.Equal(["user.contact"], store.Categories.ToArray());

        var report = ImportHarness.BuiltIn.Value.Evaluate(estate, new Core.Evaluation.EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });
        // Russian subjects: 152-FZ judges where a store of their data rests, so an unknown place is indeterminate.
        Assert.Contains(report.Findings, f => f.Status == FindingStatus.Indeterminate && f.Subject.Name == address);
    }

    [Fact]
    public void DataStoreTypeNotRead_DeletedByThePlan_IsNotAStore()
    {
        var (estate, _) = ImportHarness.Load("plan.json", Plan(Change("aws_efs_file_system.home", "aws_efs_file_system", "null", "\"delete\"", before: """{"creation_token":"home"}"""), AwsEu));
        Assert.Empty(estate.Stores);
    }

    [Fact]
    public void DataStoreTypeNotRead_ForEachInstance_IsAStoreNamedAfterItsAddress_AndWritesAsNativeYaml()
    {
        var change = Change("aws_efs_file_system.home[\\\"a\\\"]", "aws_efs_file_system", """{"creation_token":"home","tags":{"compliance-engine.io/categories":"user.contact"}}""");
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(change, AwsEu));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("aws_efs_file_system.home[\"a\"]", Assert.Single(estate.Stores).Name);

        var (documents, _) = ImportHarness.Import("plan.json", Plan(change, AwsEu));
        foreach (var (source, docs) in NativeYamlWriter.BySource(documents))
        {
            var bag = new DiagnosticBag();
            var text = NativeYamlWriter.ToText(source, docs);
            ImportHarness.Loader().Documents.LoadText(text, "written.yaml", bag);
            Assert.False(bag.HasErrors, string.Join("\n", bag.Sorted()) + "\n" + text);
        }
    }
}

