using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary>
/// Golden tests of <c>compliance explain</c>. The expected output is in Golden/explain-*.txt; after an intended change,
/// rerun with UPDATE_GOLDEN=1 to rewrite the files, and review the diff.
/// </summary>
public sealed class ExplainCommandTests
{
    // From the repository root, not [CallerFilePath]: a CI build maps source paths to /_/ (deterministic builds).
    private static string GoldenPath(string name) => Repo.Path("tests", "ComplianceEngine.Cli.Tests", "Golden", name);

    [Theory]
    [InlineData("payroll-export", 1)]
    [InlineData("archive-restore-test", 1)]
    [InlineData("crm-sync", 0)]
    public void Explain_ExampleFinding_MatchesGolden(string target, int expectedExit)
    {
        var cwd = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(Repo.Root);
        try
        {
            var (exit, output, error) = Cli.Run("explain", target, "examples/estate", "--rules", "rules", "--as-of", "2026-11-25");
            Assert.Equal("", error);
            Assert.Equal(expectedExit, exit);
            var golden = GoldenPath($"explain-{target}.txt");
            if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1") File.WriteAllText(golden, output);
            Assert.Equal(File.ReadAllText(golden), output);
        }
        finally
        {
            Directory.SetCurrentDirectory(cwd);
        }
    }

    [Fact]
    public void Explain_UnknownTarget_ExitsTwo()
    {
        var (exit, _, error) = Cli.Run("explain", "no-such-thing", Repo.Path("examples", "estate"), "--rules", Repo.Path("rules"));
        Assert.Equal(2, exit);
        Assert.Contains("no finding is about 'no-such-thing'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_ByFindingId_ExplainsThatFinding()
    {
        var json = Cli.Run("check", Repo.Path("examples", "estate"), "--rules", Repo.Path("rules"), "--as-of", "2026-11-25", "--format", "json").Out;
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var id = doc.RootElement.GetProperty("findings")[0].GetProperty("id").GetString()!;
        var (exit, output, _) = Cli.Run("explain", id, Repo.Path("examples", "estate"), "--rules", Repo.Path("rules"), "--as-of", "2026-11-25");
        Assert.StartsWith($"Finding {id}:", output, StringComparison.Ordinal);
        Assert.Contains("Smallest changes that would clear it:", output, StringComparison.Ordinal);
        Assert.True(exit is 0 or 1);
    }
}
