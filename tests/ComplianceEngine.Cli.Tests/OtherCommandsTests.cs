using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

public sealed class OtherCommandsTests
{
    private static readonly string Rules = Repo.Path("rules");

    [Fact]
    public void Test_BuiltInScenarios_AllPass()
    {
        var (exit, output, _) = Cli.Run("test", Rules, "--rules", Rules);
        Assert.Equal(0, exit);
        Assert.Matches(@"\d+ passed, 0 failed, 0 could not run", output);
    }

    [Fact]
    public void Test_FailingScenario_ExitsOneAndShowsDifference()
    {
        using var dir = new TempDir();
        foreach (var f in Directory.EnumerateFiles(Repo.Path("rules", "eu-gdpr", "tests", "us-uncertified-recipient")))
            File.Copy(f, Path.Combine(dir.Path, Path.GetFileName(f)));
        var casePath = Path.Combine(dir.Path, "case.yaml");
        File.WriteAllText(casePath, File.ReadAllText(casePath).Replace("status: violation", "status: pass", StringComparison.Ordinal));
        var (exit, output, _) = Cli.Run("test", dir.Path, "--rules", Rules);
        Assert.Equal(1, exit);
        Assert.Contains("FAIL", output, StringComparison.Ordinal);
        Assert.Contains("- expected, not found: pass GDPR-CH5-TRANSFER DataFlow/to-crm", output, StringComparison.Ordinal);
        Assert.Contains("+ found, not expected: violation GDPR-CH5-TRANSFER DataFlow/to-crm", output, StringComparison.Ordinal);
    }

    [Fact]
    public void RulesList_ShowsIdJurisdictionCitationAndConfidence()
    {
        var (exit, output, _) = Cli.Run("rules", "list", "--rules", Rules);
        Assert.Equal(0, exit);
        Assert.Matches(@"GDPR-CH5-TRANSFER\s+EU\s+high\s+2018-05-25 to \.\.\.\s+verified\s+GDPR Art\. 44", output);
    }

    [Fact]
    public void Jurisdictions_AsOfDate_ListsOnlyEntriesInForce()
    {
        var before = Cli.Run("jurisdictions", "--rules", Rules, "--as-of", "2026-01-25").Out;
        var after = Cli.Run("jurisdictions", "--rules", Rules, "--as-of", "2026-01-26").Out;
        Assert.DoesNotContain("(EU) 2026/179", before, StringComparison.Ordinal);
        Assert.Contains("(EU) 2026/179", after, StringComparison.Ordinal);
        Assert.Contains("recipient certified eu-us-dpf", after, StringComparison.Ordinal);
    }

    [Fact]
    public void RulesFields_ListsTransferFields()
    {
        var (exit, output, _) = Cli.Run("rules", "fields", "transfer");
        Assert.Equal(0, exit);
        Assert.Matches(@"destination\.country\s+country", output);
    }

    [Fact]
    public void NoArguments_ExitsTwoWithUsageHint()
    {
        var (exit, _, error) = Cli.Run();
        Assert.Equal(2, exit);
        Assert.Contains("--help", error, StringComparison.Ordinal);
    }
}
