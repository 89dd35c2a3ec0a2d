using System.Text.Json;
using System.Text.RegularExpressions;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

public sealed partial class CheckCommandTests
{
    private static readonly string Examples = Repo.Path("examples", "estate");
    private static readonly string Rules = Repo.Path("rules");

    [Fact]
    public void Check_Examples_PrintsPerJurisdictionTableAndExitsOne()
    {
        var (exit, output, _) = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25");
        Assert.Equal(1, exit);
        Assert.Contains("Jurisdiction  Violation", output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^EU\s+\d+", output);
        Assert.Contains("GDPR-CH5-TRANSFER DataFlow/payroll-export", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_JsonFormat_HasEveryContractFieldWithFileAndLine()
    {
        var (exit, output, _) = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--format", "json");
        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("3", root.GetProperty("schemaVersion").GetString());
        Assert.Equal("2026-11-25", root.GetProperty("asOf").GetString());
        var eu = root.GetProperty("summary").GetProperty("byJurisdiction").GetProperty("EU");
        foreach (var status in new[] { "violation", "indeterminate", "waived", "pass" }) Assert.True(eu.GetProperty(status).GetInt32() >= 0);
        var findings = root.GetProperty("findings").EnumerateArray().ToList();
        Assert.NotEmpty(findings);
        foreach (var f in findings)
        {
            foreach (var field in new[] { "id", "ruleId", "jurisdiction", "severity", "status", "citation", "message", "remediation" })
                Assert.False(string.IsNullOrEmpty(f.GetProperty(field).GetString()), field);
            var subject = f.GetProperty("subject");
            Assert.False(string.IsNullOrEmpty(subject.GetProperty("kind").GetString()));
            Assert.False(string.IsNullOrEmpty(subject.GetProperty("name").GetString()));
            Assert.EndsWith(".yaml", subject.GetProperty("file").GetString(), StringComparison.Ordinal);
            Assert.True(subject.GetProperty("line").GetInt32() > 0);
            Assert.True(f.GetProperty("path").GetArrayLength() >= 2);
        }
        var payroll = Assert.Single(findings, f => f.GetProperty("subject").GetProperty("name").GetString() == "payroll-export");
        Assert.EndsWith("examples/estate/flows.yaml", payroll.GetProperty("subject").GetProperty("file").GetString(), StringComparison.Ordinal);
        Assert.Equal(13, payroll.GetProperty("subject").GetProperty("line").GetInt32());
    }

    [Fact]
    public void Check_SameInputsTwice_ByteIdenticalApartFromTimestamp()
    {
        var first = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--format", "json").Out;
        var second = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--format", "json").Out;
        Assert.Equal(Timestamp().Replace(first, ""), Timestamp().Replace(second, ""));
    }

    [GeneratedRegex("\"generatedAt\": \"[^\"]*\"")]
    private static partial Regex Timestamp();

    [Fact]
    public void Check_OutputFile_WritesReportAndPrintsSummary()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "report.md");
        var (exit, output, _) = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--output", path);
        Assert.Equal(1, exit);
        Assert.Contains("Report written to", output, StringComparison.Ordinal);
        var markdown = File.ReadAllText(path);
        Assert.StartsWith("# Data-sovereignty compliance report", markdown, StringComparison.Ordinal);
        Assert.Contains("| EU |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OutputOverAnInputFile_RefusedAndInputKept()
    {
        using var dir = new TempDir();
        var input = dir.Write("estate.yaml", "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: fra}\nspec: {provider: aws, region: eu-central-1}\n");
        var before = File.ReadAllText(input);
        var (exit, _, error) = Cli.Run("check", dir.Path, "--rules", Rules, "--output", input);
        Assert.Equal(2, exit);
        Assert.Contains("error CE1008: refusing to write the report over the input", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(input));
    }

    [Fact]
    public void Check_FailOnCritical_HighViolationsDoNotFail()
    {
        var (exit, _, _) = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--fail-on", "critical", "--format", "json");
        Assert.Equal(0, exit);
    }

    [Fact]
    public void Check_CleanJudgedEstate_ExitsZero()
    {
        // A DR copy to an adequate country: the EU rules judge it and find nothing wrong.
        var estate = Repo.Path("rules", "eu-gdpr", "tests", "dr-to-adequate-country", "inventory.yaml");
        Assert.Equal(0, Cli.Run("check", estate, "--rules", Rules, "--as-of", "2026-11-25").Exit);
    }

    /// <summary>
    /// An estate no loaded rule judges (no Organization, no subject types) used to exit 0 here: that is the fail-open
    /// defect design section 7 forbids. It now fails the gate, and only fail-on none lets it pass.
    /// </summary>
    [Fact]
    public void Check_EstateNoRuleJudges_ExitsOne_UnlessFailOnNone()
    {
        using var dir = new TempDir();
        dir.Write("estate.yaml", """
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {name: fra}
            spec: {provider: aws, region: eu-central-1}
            ---
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {name: db}
            spec: {cluster: fra, categories: [user.contact], subjects: [EU]}
            """);
        Assert.Equal(1, Cli.Run("check", dir.Path, "--rules", Rules).Exit);
        Assert.Equal(0, Cli.Run("check", dir.Path, "--rules", Rules, "--fail-on", "none").Exit);
    }

    [Theory]
    [InlineData("regoin: eu-central-1", "CE2004", "did you mean 'region'")]
    [InlineData("region: eu-central-1\n---\napiVersion: compliance/v1\nkind: DataFlow\nmetadata: {name: f}\nspec: {from: fra, to: nowhere}", "CE3001", "'nowhere'")]
    public void Check_BadInventory_ExitsTwoWithFileLineDiagnostic(string tail, string code, string text)
    {
        using var dir = new TempDir();
        var file = dir.Write("estate.yaml", "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: fra}\nspec:\n  provider: aws\n  " + tail + "\n");
        var (exit, output, error) = Cli.Run("check", dir.Path, "--rules", Rules);
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Matches(@"estate\.yaml:\d+:\d+: error " + code + ": .*" + Regex.Escape(text), error);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AliasBomb_ExitsTwo()
    {
        using var dir = new TempDir();
        dir.Write("bomb.yaml", "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b]\n");
        var (exit, _, error) = Cli.Run("check", dir.Path, "--rules", Rules);
        Assert.Equal(2, exit);
        Assert.Contains("bomb.yaml:1:4: error CE1011", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_200000NestedBrackets_ExitsTwo()
    {
        using var dir = new TempDir();
        dir.Write("deep.yaml", new string('[', 200_000));
        var (exit, _, error) = Cli.Run("check", dir.Path, "--rules", Rules);
        Assert.Equal(2, exit);
        Assert.Contains("deep.yaml:1:", error, StringComparison.Ordinal);
        Assert.Contains("CE1013", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_BrokenRuleFile_DiagnosticNamesRuleAndLine()
    {
        using var rules = new TempDir();
        foreach (var f in Directory.EnumerateFiles(Repo.Path("rules", "catalog"))) File.Copy(f, Path.Combine(rules.Path, Path.GetFileName(f)));
        File.Copy(Repo.Path("rules", "eu-gdpr", "jurisdiction.yaml"), Path.Combine(rules.Path, "jurisdiction.yaml"));
        var text = File.ReadAllText(Repo.Path("rules", "eu-gdpr", "rules.yaml")).Replace("{field: mechanisms, notIn:", "{field: mechanisms, notInn:", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(rules.Path, "rules.yaml"), text);
        var (exit, _, error) = Cli.Run("check", Examples, "--rules", rules.Path);
        Assert.Equal(2, exit);
        Assert.Matches(@"rules\.yaml:\d+:\d+: error CE4003: rule 'GDPR-CH5-DEROGATION-SYSTEMATIC' when.*unknown operator 'notInn', did you mean 'notIn'", error);
    }

    [Fact]
    public void Check_MissingPath_ExitsTwo()
    {
        var (exit, _, error) = Cli.Run("check", "/no/such/folder", "--rules", Rules);
        Assert.Equal(2, exit);
        Assert.Contains("CE1001", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--as-of", "yesterday")]
    [InlineData("--format", "pdf")]
    [InlineData("--fail-on", "severe")]
    [InlineData("--unknown-option", "x")]
    public void Check_BadCommandLine_ExitsTwo(string option, string value)
    {
        var (exit, _, error) = Cli.Run("check", Examples, "--rules", Rules, option, value);
        Assert.Equal(2, exit);
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-13-01")]
    [InlineData("26-11-2026")]
    public void Check_AsOfNotADate_IsCE1033_ExitTwo(string value)
    {
        var (exit, _, error) = Cli.Run("check", Examples, "--rules", Rules, "--as-of", value);
        Assert.Equal(2, exit);
        Assert.Contains($"error CE1033: --as-of '{value}' is not a date like 2026-01-26", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AsOfBeforeBrazilDecision_ChangesOutcome()
    {
        using var dir = new TempDir();
        dir.Write("estate.yaml", """
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {name: fra}
            spec: {provider: aws, region: eu-central-1}
            ---
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {name: sao}
            spec: {provider: aws, region: sa-east-1}
            ---
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {name: db}
            spec: {cluster: fra, categories: [user.contact], subjects: [EU]}
            ---
            apiVersion: compliance/v1
            kind: DataFlow
            metadata: {name: f}
            spec: {from: db, to: sao}
            """);
        Assert.Equal(1, Cli.Run("check", dir.Path, "--rules", Rules, "--as-of", "2026-01-25").Exit);
        Assert.Equal(0, Cli.Run("check", dir.Path, "--rules", Rules, "--as-of", "2026-01-26").Exit);
    }
}
