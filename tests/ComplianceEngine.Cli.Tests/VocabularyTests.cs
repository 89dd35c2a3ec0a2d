using System.Text.RegularExpressions;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary>The issue 9 probes: a mistyped category, subject, country or attribute is exit 2 with file:line:col and a suggestion, never a pass.</summary>
public sealed class VocabularyTests
{
    private static readonly string Rules = Repo.Path("rules");

    private static string Estate(string categories = "[user.contact]", string subjects = "[EU]", string extra = "") => $"""
        apiVersion: compliance/v1
        kind: Cluster
        metadata: {"{"}name: fra{"}"}
        spec: {"{"}provider: aws, region: eu-central-1{"}"}
        ---
        apiVersion: compliance/v1
        kind: Recipient
        metadata: {"{"}name: us-vendor{"}"}
        spec: {"{"}country: US{"}"}
        ---
        apiVersion: compliance/v1
        kind: DataStore
        metadata: {"{"}name: db{"}"}
        spec:
          cluster: fra
          categories: {categories}
          subjects: {subjects}
          subjectTypes: [customer]
        ---
        apiVersion: compliance/v1
        kind: DataFlow
        metadata: {"{"}name: to-us{"}"}
        spec: {"{"}from: db, to: us-vendor{"}"}
        {extra}
        """;

    [Fact]
    public void Check_KnownCategory_ReportsTheGdprViolation()
    {
        using var dir = new TempDir();
        dir.Write("estate.yaml", Estate());
        var (exit, output, _) = Cli.Run("check", dir.Path, "--rules", Rules, "--as-of", "2026-11-25");
        Assert.Equal(1, exit);
        Assert.Contains("GDPR-CH5-TRANSFER", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[usr.contact]", "[EU]", @"estate\.yaml:16:16: error CE3010: .*'usr\.contact'.*did you mean 'user\.contact'")]
    [InlineData("[User.contact]", "[EU]", @"estate\.yaml:16:16: error CE3010: .*'User\.contact'.*did you mean 'user\.contact'")]
    [InlineData("[user.contact]", "[XX]", @"estate\.yaml:17:14: error CE3013: .*subjects 'XX' is neither")]
    [InlineData("[user.contact]", "[DEU]", @"estate\.yaml:17:14: error CE3013: .*did you mean 'DE' \(Germany\)")]
    public void Check_MistypedVocabulary_ExitsTwoWithSuggestion(string categories, string subjects, string pattern)
    {
        using var dir = new TempDir();
        dir.Write("estate.yaml", Estate(categories, subjects));
        var (exit, output, error) = Cli.Run("check", dir.Path, "--rules", Rules, "--as-of", "2026-11-25");
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Matches(pattern, error);
    }

    [Fact]
    public void Check_MistypedDesignation_ExitsTwoAtItemInsteadOfDroppingTheViolation()
    {
        // Review R1: 'my-heath-record' matched no rule, so AU-MHR-77-HOLD silently disappeared (exit 0).
        using var dir = new TempDir();
        dir.Write("inventory.yaml", File.ReadAllText(Repo.Path("rules", "au-mhr", "tests", "mhr-held-in-singapore", "inventory.yaml"))
            .Replace("my-health-record", "my-heath-record", StringComparison.Ordinal));
        var (exit, output, error) = Cli.Run("check", dir.Path, "--as-of", "2026-11-25");
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Matches(@"inventory\.yaml:17:18: error CE2050: DataStore '[^']+': designations 'my-heath-record' is not a designation any loaded rule reads.*did you mean 'my-health-record'", error);
    }

    [Fact]
    public void Check_UndeclaredEstateAttribute_ExitsTwo()
    {
        using var dir = new TempDir();
        dir.Write("estate.yaml", Estate().Replace("{from: db, to: us-vendor}", "{from: db, to: us-vendor, attributes: {ocasional: true}}", StringComparison.Ordinal));
        var (exit, _, error) = Cli.Run("check", dir.Path, "--rules", Rules);
        Assert.Equal(2, exit);
        Assert.Matches(@"estate\.yaml:\d+:\d+: error CE3015: DataFlow 'to-us': attribute 'ocasional'.*did you mean 'occasional'", error);
    }

    [Fact]
    public void Check_RuleReadingUndeclaredAttribute_ExitsTwoAtRuleLine()
    {
        using var rules = new TempDir();
        foreach (var f in Directory.EnumerateFiles(Repo.Path("rules", "catalog"))) File.Copy(f, Path.Combine(rules.Path, Path.GetFileName(f)));
        File.Copy(Repo.Path("rules", "eu-gdpr", "jurisdiction.yaml"), Path.Combine(rules.Path, "jurisdiction.yaml"));
        var text = File.ReadAllText(Repo.Path("rules", "eu-gdpr", "rules.yaml"))
            .Replace("when: {predicate: eu-personal-data-leaving-eea}", "when: {all: [{predicate: eu-personal-data-leaving-eea}, {field: attributes.teir, exists: true}]}", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(rules.Path, "rules.yaml"), text);
        using var dir = new TempDir();
        dir.Write("estate.yaml", Estate());
        var (exit, _, error) = Cli.Run("check", dir.Path, "--rules", rules.Path);
        Assert.Equal(2, exit);
        Assert.Matches(@"rules\.yaml:\d+:\d+: error CE4011: rule 'GDPR-CH5-TRANSFER' reads 'attributes\.teir'", error);
    }

    [Fact]
    public void Test_ScenarioWithMistypedCategory_FailsWithTheDiagnostic()
    {
        using var dir = new TempDir();
        dir.Write("typo/inventory.yaml", Estate("[usr.contact]"));
        dir.Write("typo/case.yaml", "apiVersion: compliance/v1\nkind: TestCase\nmetadata: {name: typo}\nspec:\n  asOf: 2026-11-25\n  jurisdictions: [EU]\n  expect: []\n");
        var (exit, output, error) = Cli.Run("test", dir.Path, "--rules", Rules);
        Assert.NotEqual(0, exit);
        Assert.Matches(new Regex("CE3010.*did you mean 'user.contact'"), output + error);
    }
}
