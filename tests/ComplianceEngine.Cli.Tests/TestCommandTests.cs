using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary><c>compliance test</c> on a pack whose rules are not loaded says so and exits 2, instead of failing every expectation.</summary>
public sealed class TestCommandTests
{
    private static readonly string Rules = Repo.Path("rules");
    private static readonly string Baseline = Repo.Path("policies", "org-baseline");

    [Fact]
    public void Test_PackScenariosWithoutThePack_ExitTwoAndNameTheFolderToLoad()
    {
        var (exit, output, _) = Cli.Run("test", Baseline, "--rules", Rules);
        Assert.Equal(2, exit);
        Assert.Contains("error CE6050", output, StringComparison.Ordinal);
        Assert.Contains($"which is not loaded: load it with --rules {Baseline}", output, StringComparison.Ordinal);
        Assert.Contains("0 passed, 0 failed, 15 could not run", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_PackScenariosWithThePack_AllPass()
    {
        var (exit, output, _) = Cli.Run("test", Baseline, "--rules", Rules, "--rules", Baseline);
        Assert.Equal(0, exit);
        Assert.Contains("15 passed, 0 failed, 0 could not run", output, StringComparison.Ordinal);
    }
}
