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

    /// <summary>Copies a shipped scenario into a new folder, its case file under <paramref name="caseName"/>.</summary>
    private static string CopyScenario(TempDir dir, string caseName, bool both = false)
    {
        var source = Repo.Path("rules", "eu-gdpr", "tests", "us-uncertified-recipient");
        var target = Path.Combine(dir.Path, "scenario");
        Directory.CreateDirectory(target);
        foreach (var f in Directory.EnumerateFiles(source))
        {
            var name = Path.GetFileName(f) == "case.yaml" ? caseName : Path.GetFileName(f);
            File.Copy(f, Path.Combine(target, name));
            if (both && Path.GetFileName(f) == "case.yaml") File.Copy(f, Path.Combine(target, "case.yaml"));
        }
        return target;
    }

    [Fact]
    public void Test_ScenarioWithCaseYml_IsDiscoveredAndRun()
    {
        // case.yml was not discovered: the folder was skipped and "no scenario folders" said nothing of why.
        using var dir = new TempDir();
        CopyScenario(dir, "case.yml");
        var (exit, output, error) = Cli.Run("test", dir.Path, "--rules", Rules, "--verbose");
        Assert.True(exit == 0, output + error);
        Assert.Contains("1 passed, 0 failed, 0 could not run (1 scenarios)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Test_ScenarioWithBothCaseYamlAndCaseYml_CouldNotRun()
    {
        using var dir = new TempDir();
        var folder = CopyScenario(dir, "case.yml", both: true);
        var (exit, output, _) = Cli.Run("test", dir.Path, "--rules", Rules);
        Assert.Equal(2, exit);
        Assert.Contains("error CE6051", output, StringComparison.Ordinal);
        Assert.Contains("holds both case.yaml and case.yml", output, StringComparison.Ordinal);
        Assert.Contains("0 passed, 0 failed, 1 could not run (1 scenarios)", output, StringComparison.Ordinal);
        Assert.True(Directory.Exists(folder));
    }
}
