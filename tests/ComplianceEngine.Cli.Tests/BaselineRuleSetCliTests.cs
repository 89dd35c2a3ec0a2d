using System.Text.Json;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary>R3 through the command: the baseline written by --write-baseline records its rules; other rules are a warning.</summary>
public sealed class BaselineRuleSetCliTests
{
    private static readonly string Examples = Repo.Path("examples", "estate");

    [Fact]
    public void Check_BaselineWrittenUnderOtherRules_WarnsOnStderr_ExitCodeFromFindingsOnly()
    {
        using var dir = new TempDir();
        var baseline = Path.Combine(dir.Path, "baseline.json");
        Cli.Run("check", Examples, "--as-of", "2026-11-25", "--write-baseline", baseline, "--fail-on", "none");
        string version;
        using (var doc = JsonDocument.Parse(File.ReadAllText(baseline)))
            version = doc.RootElement.GetProperty("ruleSetVersion").GetString()!;
        Assert.StartsWith("sha256:", version, StringComparison.Ordinal);

        var same = Cli.Run("check", Examples, "--as-of", "2026-11-25", "--baseline", baseline);
        Assert.Equal(0, same.Exit);
        Assert.DoesNotContain("CE5010", same.Err, StringComparison.Ordinal);

        File.WriteAllText(baseline, File.ReadAllText(baseline).Replace(version, "sha256:ffffffffffffffff", StringComparison.Ordinal));
        var other = Cli.Run("check", Examples, "--as-of", "2026-11-25", "--baseline", baseline);
        Assert.Equal(0, other.Exit);
        Assert.Contains("warning CE5010", other.Err, StringComparison.Ordinal);
        Assert.Contains("sha256:ffffffffffffffff", other.Err, StringComparison.Ordinal);
        Assert.Contains(version, other.Err, StringComparison.Ordinal);
    }
}
