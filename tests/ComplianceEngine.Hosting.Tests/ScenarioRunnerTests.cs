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

/// <summary>A scenario that expects rules or jurisdictions that are not loaded could not run: it says which, and which folder to load.</summary>
public sealed class ScenarioRunnerNotLoadedTests
{
    [Fact]
    public void Run_PackScenarioWithoutItsPackLoaded_CouldNotRunAndNamesTheFolder()
    {
        var engine = ScenarioTests.CreateEngine([Repo.Path("rules")]);
        var result = new ScenarioRunner(new WorkspaceLoader()).Run(Repo.Path("policies", "org-baseline", "tests", "transit-unencrypted"), engine);
        Assert.False(result.Passed);
        var errors = result.Diagnostics.Where(d => d.Code == Model.Diagnostics.DiagnosticCodes.TestRulesNotLoaded).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, d => Assert.Equal(Model.Diagnostics.DiagnosticSeverity.Error, d.Severity));
        var rule = Assert.Single(errors, d => d.Message.Contains("rule 'ORG-TRANSIT-ENCRYPTION', which is not loaded", StringComparison.Ordinal));
        Assert.Contains($"--rules {Repo.Path("policies", "org-baseline")}", rule.Message, StringComparison.Ordinal);
        Assert.EndsWith("case.yaml", rule.Location.File, StringComparison.Ordinal);
        Assert.True(rule.Location.Line > 0);
        var jurisdiction = Assert.Single(errors, d => d.Message.Contains("jurisdictions 'ORG' is not a loaded jurisdiction", StringComparison.Ordinal));
        Assert.DoesNotContain("did you mean", jurisdiction.Message, StringComparison.Ordinal);
        Assert.Contains("load it with --rules", jurisdiction.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ScenarioExpectingAMistypedRule_CouldNotRunWithSuggestion()
    {
        using var dir = new TempDir();
        foreach (var f in Directory.EnumerateFiles(Repo.Path("rules", "eu-gdpr", "tests", "us-uncertified-recipient")))
            File.Copy(f, Path.Combine(dir.Path, Path.GetFileName(f)));
        var casePath = Path.Combine(dir.Path, "case.yaml");
        File.WriteAllText(casePath, File.ReadAllText(casePath).Replace("ruleId: GDPR-CH5-TRANSFER", "ruleId: GDPR-CH5-TRANSFR", StringComparison.Ordinal));
        var engine = ScenarioTests.CreateEngine([Repo.Path("rules")]);
        var result = new ScenarioRunner(new WorkspaceLoader()).Run(dir.Path, engine);
        Assert.False(result.Passed);
        var d = Assert.Single(result.Diagnostics, d => d.Code == Model.Diagnostics.DiagnosticCodes.TestRulesNotLoaded);
        Assert.Contains("rule 'GDPR-CH5-TRANSFR', which is not loaded, did you mean 'GDPR-CH5-TRANSFER'?", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_PackScenarioWithItsPackLoaded_Passes()
    {
        var engine = ScenarioTests.CreateEngine([Repo.Path("rules"), Repo.Path("policies", "org-baseline")]);
        var result = new ScenarioRunner(new WorkspaceLoader()).Run(Repo.Path("policies", "org-baseline", "tests", "transit-unencrypted"), engine);
        Assert.True(result.Passed, string.Join("\n", result.Diagnostics));
    }
}

/// <summary>A scenario with no estate documents judges nothing: it cannot pass vacuously.</summary>
public sealed class ScenarioRunnerEmptyEstateTests
{
    [Fact]
    public void Run_CaseWithoutInventory_CouldNotRun()
    {
        using var dir = new TempDir();
        dir.Write("case.yaml", "apiVersion: compliance/v1\nkind: TestCase\nmetadata: {name: c}\nspec:\n  asOf: 2026-11-25\n  jurisdictions: [EU]\n  expect: []\n");
        var engine = ScenarioTests.CreateEngine([Repo.Path("rules")]);
        var result = new ScenarioRunner(new WorkspaceLoader()).Run(dir.Path, engine);
        Assert.False(result.Passed);
        var d = Assert.Single(result.Diagnostics, d => d.Code == Model.Diagnostics.DiagnosticCodes.TestCaseInvalid);
        Assert.Equal(Model.Diagnostics.DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("holds no estate documents", d.Message, StringComparison.Ordinal);
    }
}
