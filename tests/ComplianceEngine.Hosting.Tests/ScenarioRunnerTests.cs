using ComplianceEngine.Loading;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Hosting.Tests;

/// <summary>The scenario runner must fail when an expectation is removed or a rule is broken.</summary>
public sealed class ScenarioRunnerTests
{
    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public void Run_ExpectedFindingRemoved_FailsWithUnexpectedFinding()
    {
        using var dir = new TempDir();
        CopyFolder(Repo.Path("rules", "eu-gdpr", "tests", "us-uncertified-recipient"), dir.Path);
        var casePath = Path.Combine(dir.Path, "case.yaml");
        var text = File.ReadAllText(casePath);
        var start = text.IndexOf("  expect:", StringComparison.Ordinal);
        File.WriteAllText(casePath, text[..start] + "  expect: []\n");

        var engine = ScenarioTests.CreateEngine([Repo.Path("rules")]);
        var result = new ScenarioRunner(new WorkspaceLoader()).Run(dir.Path, engine);
        Assert.False(result.Passed);
        Assert.Contains(result.Unexpected, u => u.Contains("GDPR-CH5-TRANSFER", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_RuleBroken_ScenarioFailsWithMissingFinding()
    {
        using var rules = new TempDir();
        CopyFolder(Repo.Path("rules"), rules.Path);
        var jurisdiction = Path.Combine(rules.Path, "eu-gdpr", "jurisdiction.yaml");
        // Break the law: drop the DPF certification condition from the US entry.
        File.WriteAllText(jurisdiction, File.ReadAllText(jurisdiction).Replace("        - {certification: eu-us-dpf}\n", "", StringComparison.Ordinal));

        var engine = ScenarioTests.CreateEngine([rules.Path]);
        var result = new ScenarioRunner(new WorkspaceLoader()).Run(Path.Combine(rules.Path, "eu-gdpr", "tests", "us-uncertified-recipient"), engine);
        Assert.False(result.Passed);
        Assert.Contains(result.Missing, m => m.Contains("violation GDPR-CH5-TRANSFER", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_FolderWithoutTestCase_ReportsDiagnostic()
    {
        using var dir = new TempDir();
        dir.Write("inventory.yaml", "apiVersion: compliance/v1\nkind: Recipient\nmetadata: {name: r}\nspec: {country: US}\n");
        var engine = ScenarioTests.CreateEngine([Repo.Path("rules")]);
        var result = new ScenarioRunner(new WorkspaceLoader()).Run(dir.Path, engine);
        Assert.False(result.Passed);
        Assert.Contains(result.Diagnostics, d => d.Code == Model.Diagnostics.DiagnosticCodes.TestCaseInvalid);
    }
}
