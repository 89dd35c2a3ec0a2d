using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

public sealed class ImportCommandTests
{
    private static readonly string Rules = Repo.Path("rules");
    private static readonly string Scenarios = Repo.Path("tests", "ComplianceEngine.Import.Tests", "Scenarios");

    [Fact]
    public void Import_TerraformPlan_WritesNativeDocumentsWithSourcePositions_ThatCheckTheSame()
    {
        using var output = new TempDir();
        var plan = Path.Combine(Scenarios, "terraform-plan", "plan.json");
        var (exit, stdout, stderr) = Cli.Run("import", plan, "--output", output.Path);
        Assert.True(exit == 0, stderr);
        Assert.Contains("(14 document(s))", stdout, StringComparison.Ordinal);
        var written = Assert.Single(Directory.GetFiles(output.Path));
        var text = File.ReadAllText(written);
        Assert.Matches(@"# source: .*plan\.json:38:5 #/resource_changes/1 \(terraform-plan\)", text);

        var direct = Cli.Run("check", plan, "--rules", Rules, "--as-of", "2026-11-25", "--format", "csv");
        var imported = Cli.Run("check", output.Path, "--rules", Rules, "--as-of", "2026-11-25", "--format", "csv");
        Assert.Equal(1, direct.Exit);
        Assert.Equal(1, imported.Exit);
        Assert.Equal(Rows(direct.Out), Rows(imported.Out));
    }

    [Fact]
    public void Check_ReadsAPlanBesideNativeDocuments_AndPointsIntoIt()
    {
        var (exit, stdout, stderr) = Cli.Run("check", Path.Combine(Scenarios, "terraform-plan"), "--rules", Rules, "--as-of", "2026-11-25");
        Assert.Equal(1, exit);
        Assert.Contains("plan.json:38:5: violation high [EU] GDPR-CH5-TRANSFER DataStore/acme-eu-customer", stdout, StringComparison.Ordinal);
        Assert.Contains("warning CE7004", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_JsonReport_CarriesTheJsonPointerOfTheSubject()
    {
        var (_, stdout, _) = Cli.Run("check", Path.Combine(Scenarios, "terraform-plan"), "--rules", Rules, "--as-of", "2026-11-25", "--format", "json");
        // Schema 2 writes each finding on one line (no space after the colon).
        Assert.Contains("\"pointer\":\"/resource_changes/1\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_MalformedSource_ExitsTwoAndWritesNothing()
    {
        using var input = new TempDir();
        using var output = new TempDir();
        input.Write("plan.json", """{"format_version":"1.2","resource_changes":{"not":"a list"}}""");
        var (exit, _, stderr) = Cli.Run("import", input.Path, "--output", output.Path);
        Assert.Equal(2, exit);
        Assert.Contains("error CE7002", stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(output.Path));
    }

    [Fact]
    public void Import_OutputInsideInput_IsRefused()
    {
        using var input = new TempDir();
        var (exit, _, stderr) = Cli.Run("import", input.Path, "--output", Path.Combine(input.Path, "out"));
        Assert.Equal(2, exit);
        Assert.Contains("inside the input", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_ImportScenarios_PassThroughTheCli()
    {
        var (exit, output, _) = Cli.Run("test", Scenarios, "--rules", Rules);
        Assert.Equal(0, exit);
        var folders = Directory.GetDirectories(Scenarios).Length; // one per folder of tests/ComplianceEngine.Import.Tests/Scenarios
        Assert.True(folders >= 16, $"{folders} scenario folders");
        Assert.Contains($"{folders} passed, 0 failed, 0 could not run", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_KubeconfigWithUnknownContext_ExitsTwo()
    {
        using var dir = new TempDir();
        var config = dir.Write("kubeconfig", "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\ncontexts: [{name: a, context: {cluster: c, user: u}}]\nusers: [{name: u, user: {token: t}}]\ncurrent-context: a\n");
        using var output = new TempDir();
        var (exit, _, stderr) = Cli.Run("import", "--kubeconfig", config, "--context", "nope", "--output", output.Path);
        Assert.Equal(2, exit);
        Assert.Contains("kubeconfig context 'nope'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_NothingToRead_ExitsTwo()
    {
        using var output = new TempDir();
        Assert.Equal(2, Cli.Run("import", "--output", output.Path).Exit);
    }

    /// <summary>Finding id (a fingerprint of rule, subject, path and jurisdiction), jurisdiction, rule, severity, status: not the positions.</summary>
    private static List<string> Rows(string csv) =>
        [.. csv.Split('\n').Skip(1).Where(l => l.Length > 0).Select(l => string.Join(",", l.Split(',').Take(5))).Order(StringComparer.Ordinal)];
}
