using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Import.Tests.Terraform;

/// <summary>AWS Backup plans: copy actions are backups of what the plan's selections select, to the destination vault's region.</summary>
public sealed partial class TerraformPlanReaderTests
{
    private const string DrVaultArn = "arn:aws:backup:us-east-1:210987654321:backup-vault:dr";

    /// <summary>
    /// The plan's configuration: two aws provider configurations (default and alias <c>us</c>) and, as in every
    /// <c>terraform show -json</c> plan, a configuration resource with its provider_config_key for each resource of the
    /// fixtures (the ones given last win): with two configurations, which one a resource uses is only in its key.
    /// </summary>
    private static string Config(params string[] resources) =>
        """{"provider_config":{"aws":{"name":"aws","expressions":{"region":{"constant_value":"eu-central-1"}}},"aws.us":{"name":"aws","alias":"us","expressions":{"region":{"constant_value":"us-east-1"}}}},"root_module":{"resources":["""
        + string.Join(",", DefaultConfigResources.Concat(resources)) + "]}}";

    private static readonly string[] DefaultConfigResources =
        [.. new[] { "aws_s3_bucket.eu_a", "aws_s3_bucket.eu_untagged", "aws_s3_bucket.eu_b", "aws_dynamodb_table.t", "aws_dynamodb_table.s", "aws_db_instance.orders" }.Select(a => ConfigResource(a, "{}"))];

    private static string ConfigResource(string address, string expressions, string provider = "aws") =>
        $$"""{"address":"{{address}}","provider_config_key":"{{provider}}","expressions":{{expressions}}}""";

    private static readonly string SelectionToPlan = ConfigResource("aws_backup_selection.s", """{"plan_id":{"references":["aws_backup_plan.p.id","aws_backup_plan.p"]}}""");

    private static string EuBucket(string name = "eu-a", string tags = "\"backup\":\"daily\"") => Change($"aws_s3_bucket.{name.Replace('-', '_')}", "aws_s3_bucket",
        "{\"bucket\":\"" + name + "\",\"tags\":{\"compliance-engine.io/categories\":\"user.contact\",\"compliance-engine.io/subjects\":\"EU\"," + tags + "}}");

    private static string BackupPlan(string copyActions, string unknown = """{"id":true,"arn":true}""") => Change("aws_backup_plan.p", "aws_backup_plan",
        """{"name":"daily","rule":[{"rule_name":"nightly","target_vault_name":"local","schedule":"cron(0 5 * * ? *)","copy_action":[""" + copyActions + "]}]}", unknown: unknown);

    private static string Copy(string arn) => "{\"destination_vault_arn\":\"" + arn + "\",\"lifecycle\":[]}";

    private static string Selection(string body, string unknown = """{"id":true,"plan_id":true}""") =>
        Change("aws_backup_selection.s", "aws_backup_selection", """{"name":"sel","iam_role_arn":"arn:aws:iam::111122223333:role/backup",""" + body + "}", unknown: unknown);

    private const string ByTag = """ "selection_tag":[{"type":"STRINGEQUALS","key":"backup","value":"daily"}] """;

    [Fact]
    public void BackupCopyAction_LiteralVaultArn_BacksUpTheTaggedStoresToTheVaultsRegion()
    {
        var plan = Plan(string.Join(",", EuBucket(), EuBucket("eu-untagged", "\"team\":\"x\""), BackupPlan(Copy(DrVaultArn)), Selection(ByTag)), Config(SelectionToPlan));
        var (estate, diagnostics) = ImportHarness.Load("plan.json", plan);
        Assert.Empty(diagnostics);
        var bucket = estate.Stores.Single(s => s.Name == "eu-a");
        var backup = Assert.Single(bucket.Backups);
        Assert.Equal("dr", backup.Name);
        Assert.Equal("/resource_changes/2/change/after/rule/0/copy_action/0/destination_vault_arn", backup.Location.Pointer);
        var vault = estate.Stores.Single(s => s.Name == "dr");
        Assert.Equal("aws-us-east-1", vault.Cluster!.Name);
        Assert.Equal(["user.contact"], vault.Categories.ToArray());
        Assert.Empty(estate.Stores.Single(s => s.Name == "eu-untagged").Backups);

        var report = ImportHarness.BuiltIn.Value.Evaluate(estate, new Core.Evaluation.EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });
        Assert.Contains(report.Findings, f => f.Status == FindingStatus.Violation && f.Subject.Name == "eu-a" && f.Path.Contains("dr"));
    }

    [Fact]
    public void BackupCopyAction_VaultArnUnknown_FollowsTheConfigurationToTheVaultOfThisPlan()
    {
        var vault = Change("aws_backup_vault.dr", "aws_backup_vault", """{"name":"dr-us"}""", unknown: """{"arn":true,"id":true}""");
        var plan = Plan(string.Join(",", EuBucket(), vault, BackupPlan("""{"lifecycle":[]}""", """{"id":true,"rule":[{"copy_action":[{"destination_vault_arn":true}]}]}"""), Selection(ByTag)),
            Config(SelectionToPlan, ConfigResource("aws_backup_vault.dr", """{"name":{"constant_value":"dr-us"}}""", "aws.us"),
                ConfigResource("aws_backup_plan.p", """{"rule":[{"rule_name":{"constant_value":"nightly"},"copy_action":[{"destination_vault_arn":{"references":["aws_backup_vault.dr.arn","aws_backup_vault.dr"]}}]}]}""")));
        var (estate, diagnostics) = ImportHarness.Load("plan.json", plan);
        Assert.Empty(diagnostics); // the vault is read: no CE7001 for it
        Assert.Equal("dr-us", Assert.Single(estate.Stores.Single(s => s.Name == "eu-a").Backups).Name);
        Assert.Equal("aws-us-east-1", estate.Stores.Single(s => s.Name == "dr-us").Cluster!.Name);
    }

    [Fact]
    public void BackupSelection_ResourcesUnknown_FollowsTheConfigurationReferences()
    {
        var table = Change("aws_dynamodb_table.t", "aws_dynamodb_table", """{"name":"sessions","tags":{"compliance-engine.io/categories":"user.device"}}""");
        var selection = Selection("\"resources\":[]", """{"id":true,"plan_id":true,"resources":[true]}""");
        var config = Config(ConfigResource("aws_backup_selection.s", """{"plan_id":{"references":["aws_backup_plan.p.id","aws_backup_plan.p"]},"resources":{"references":["aws_dynamodb_table.t.arn","aws_dynamodb_table.t"]}}"""));
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(string.Join(",", table, EuBucket(), BackupPlan(Copy(DrVaultArn)), selection), config));
        Assert.Empty(diagnostics);
        Assert.Equal("dr", Assert.Single(estate.Stores.Single(s => s.Name == "sessions").Backups).Name);
        Assert.Empty(estate.Stores.Single(s => s.Name == "eu-a").Backups);
    }

    [Fact]
    public void BackupSelection_ArnsWildcardConditionsAndNotResources_SelectWhatAwsBackupWould()
    {
        var db = Change("aws_db_instance.orders", "aws_db_instance", """{"identifier":"orders","tags":{"env":"prod"}}""");
        var table = Change("aws_dynamodb_table.t", "aws_dynamodb_table", """{"name":"sessions","tags":{"env":"prod"}}""");
        var staging = Change("aws_dynamodb_table.s", "aws_dynamodb_table", """{"name":"staging","tags":{"env":"staging"}}""");
        var byArn = Selection("""
            "resources":["arn:aws:rds:eu-central-1:111122223333:db:orders"]
            """);
        var (arnEstate, arnDiagnostics) = ImportHarness.Load("plan.json", Plan(string.Join(",", db, table, BackupPlan(Copy(DrVaultArn)), byArn), Config(SelectionToPlan)));
        Assert.Empty(arnDiagnostics);
        Assert.Single(arnEstate.Stores.Single(s => s.Name == "orders").Backups);
        Assert.Empty(arnEstate.Stores.Single(s => s.Name == "sessions").Backups);

        var wildcard = Selection("""
            "resources":["*"],"not_resources":["arn:aws:dynamodb:eu-central-1:111122223333:table/sessions"],"condition":[{"string_like":[{"key":"aws:ResourceTag/env","value":"pr*"}],"string_equals":[],"string_not_equals":[],"string_not_like":[]}]
            """);
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(string.Join(",", db, table, staging, BackupPlan(Copy(DrVaultArn)), wildcard), Config(SelectionToPlan)));
        Assert.Empty(diagnostics);
        Assert.Single(estate.Stores.Single(s => s.Name == "orders").Backups);
        Assert.Empty(estate.Stores.Single(s => s.Name == "sessions").Backups); // not_resources
        Assert.Empty(estate.Stores.Single(s => s.Name == "staging").Backups); // condition
    }

    [Fact]
    public void BackupCopyAction_VaultArnUnknownAndNotInThePlan_IsIndeterminateAndNamesTheAttribute()
    {
        var plan = Plan(string.Join(",", EuBucket(), BackupPlan("""{"lifecycle":[]}""", """{"id":true,"rule":[{"copy_action":[{"destination_vault_arn":true}]}]}"""), Selection(ByTag)), Config(SelectionToPlan));
        var (estate, diagnostics) = ImportHarness.Load("plan.json", plan);
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceValueUnknown);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("rule[0].copy_action[0].destination_vault_arn", d.Message, StringComparison.Ordinal);
        Assert.Contains("after_unknown", d.Message, StringComparison.Ordinal);
        var copy = Assert.Single(estate.Stores.Single(s => s.Name == "eu-a").Backups);
        var vault = estate.Stores.Single(s => s.Name == copy.Name);
        Assert.Equal("aws-unknown", vault.Cluster!.Name);
        Assert.Equal("aws_backup_plan.p.rule[0].copy_action[0].destination_vault_arn", vault.Info.Labels["compliance-engine.io/terraform-attribute"]);

        var report = ImportHarness.BuiltIn.Value.Evaluate(estate, new Core.Evaluation.EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });
        Assert.Contains(report.Findings, f => f.Status == FindingStatus.Indeterminate && f.Subject.Name == "eu-a");
        Assert.DoesNotContain(report.Findings, f => f.Status == FindingStatus.Pass && f.Subject.Name == "eu-a" && f.Path.Contains(copy.Name));
    }

    [Fact]
    public void BackupCopyAction_NotAVaultArn_IsAnErrorAndIndeterminate()
    {
        var plan = Plan(string.Join(",", EuBucket(), BackupPlan(Copy("arn:aws:s3:::not-a-vault")), Selection(ByTag)), Config(SelectionToPlan));
        var (estate, diagnostics) = ImportHarness.Load("plan.json", plan);
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("is not a backup vault ARN", d.Message, StringComparison.Ordinal);
        var copy = Assert.Single(estate.Stores.Single(s => s.Name == "eu-a").Backups);
        Assert.Equal("aws-unknown", estate.Stores.Single(s => s.Name == copy.Name).Cluster!.Name);
    }

    [Fact]
    public void BackupCopyAction_RuleUnknown_IsAWarningNamingTheAttribute()
    {
        var plan = Change("aws_backup_plan.p", "aws_backup_plan", """{"name":"daily"}""", unknown: """{"id":true,"rule":true}""");
        var (_, diagnostics) = ImportHarness.Load("plan.json", Plan(string.Join(",", EuBucket(), plan, Selection(ByTag)), Config(SelectionToPlan)));
        Assert.Contains("after_unknown.rule", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceValueUnknown).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BackupPlan_WithoutCopyActions_AddsNoPlaceAndNoWarning()
    {
        var plan = Change("aws_backup_plan.p", "aws_backup_plan", """{"name":"daily","rule":[{"rule_name":"nightly","target_vault_name":"local","copy_action":[]}]}""");
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(string.Join(",", EuBucket(), plan, Selection(ByTag)), Config(SelectionToPlan)));
        Assert.Empty(diagnostics);
        Assert.Empty(estate.Stores.Single().Backups);
    }

    [Fact]
    public void BackupPlan_CopyActionsWithoutSelection_IsADanglingReference()
    {
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(string.Join(",", EuBucket(), BackupPlan(Copy(DrVaultArn))), AwsEu));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceDanglingReference);
        Assert.Contains("no aws_backup_selection", d.Message, StringComparison.Ordinal);
        Assert.Equal("/resource_changes/1", d.Location.Pointer);
        Assert.Empty(estate.Stores.Single().Backups);
    }

    [Fact]
    public void BackupSelection_PlanIdNotAPlanOfThisPlan_IsADanglingReference()
    {
        var selection = Selection(ByTag + ""","plan_id":"elsewhere-1234" """, """{"id":true}""");
        var (_, diagnostics) = ImportHarness.Load("plan.json", Plan(string.Join(",", EuBucket(), BackupPlan(Copy(DrVaultArn)), selection), AwsEu));
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.SourceDanglingReference && d.Message.Contains("plan_id 'elsewhere-1234'", StringComparison.Ordinal));
    }

    [Fact]
    public void BackupSelection_ResourcesUnknownAndUnresolvable_IsIndeterminateNamingTheAttribute()
    {
        var selection = Selection("\"resources\":[]", """{"id":true,"plan_id":true,"resources":true}""");
        var config = Config(ConfigResource("aws_backup_selection.s", """{"plan_id":{"references":["aws_backup_plan.p.id","aws_backup_plan.p"]},"resources":{"references":["aws_efs_file_system.home.arn","aws_efs_file_system.home"]}}"""));
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(string.Join(",", EuBucket(), BackupPlan(Copy(DrVaultArn)), selection), config));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceValueUnknown);
        Assert.Contains("after_unknown.resources", d.Message, StringComparison.Ordinal);
        Assert.Contains("aws_efs_file_system.home.arn", d.Message, StringComparison.Ordinal);
        Assert.Empty(estate.Stores.Single().Backups);
    }

    [Fact]
    public void BackupSelection_ArnNotInThePlan_IsADanglingReference()
    {
        var selection = Selection("""
            "resources":["arn:aws:s3:::somebody-elses"]
            """);
        var (_, diagnostics) = ImportHarness.Load("plan.json", Plan(string.Join(",", EuBucket(), BackupPlan(Copy(DrVaultArn)), selection), Config(SelectionToPlan)));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceDanglingReference);
        Assert.Contains("resources[0] 'arn:aws:s3:::somebody-elses'", d.Message, StringComparison.Ordinal);
        Assert.Equal("/resource_changes/2/change/after/resources/0", d.Location.Pointer);
    }

    [Fact]
    public void BackupSelection_TagMatchesNothing_IsADanglingReference()
    {
        var selection = Selection(""" "selection_tag":[{"type":"STRINGEQUALS","key":"backup","value":"weekly"}] """);
        var (_, diagnostics) = ImportHarness.Load("plan.json", Plan(string.Join(",", EuBucket(), BackupPlan(Copy(DrVaultArn)), selection), Config(SelectionToPlan)));
        Assert.Contains("selects none of the buckets", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceDanglingReference).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BackupSelection_TagValueUnknown_IsIndeterminateNamingTheAttribute()
    {
        var selection = Selection(""" "selection_tag":[{"type":"STRINGEQUALS","key":"backup","value":null}] """, """{"id":true,"plan_id":true,"selection_tag":[{"value":true}]}""");
        var (_, diagnostics) = ImportHarness.Load("plan.json", Plan(string.Join(",", EuBucket(), BackupPlan(Copy(DrVaultArn)), selection), Config(SelectionToPlan)));
        Assert.Contains("selection_tag[0].value is unknown", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceValueUnknown).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BackupPlan_Deleted_IsReportedAndCopiesNothing()
    {
        var plan = Change("aws_backup_plan.p", "aws_backup_plan", "null", "\"delete\"",
            before: """{"name":"daily","rule":[{"rule_name":"nightly","copy_action":[{"destination_vault_arn":"arn:aws:backup:us-east-1:210987654321:backup-vault:dr"}]}]}""");
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(string.Join(",", EuBucket(), plan, Selection(ByTag)), Config(SelectionToPlan)));
        Assert.Contains("copy actions made to other vaults, are no longer made", ImportHarness.Single(diagnostics, DiagnosticCodes.SourceDeleted).Message, StringComparison.Ordinal);
        Assert.Empty(estate.Stores.Single().Backups);
    }
}
