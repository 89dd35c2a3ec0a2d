using ComplianceEngine.Core;
using ComplianceEngine.Hosting;
using ComplianceEngine.Loading;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Hosting.Tests;

/// <summary>Runs every scenario folder shipped under rules/ and policies/ (the same runner as <c>compliance test</c>).</summary>
public sealed class ScenarioTests
{
    private static readonly string[] RuleFolders = [Repo.Path("rules"), Repo.Path("policies")];

    private static readonly Lazy<Engine> BuiltIn = new(() => CreateEngine(RuleFolders.Where(Directory.Exists)));

    /// <summary>Every built-in pack and policy folder, compiled once for the tests of this assembly.</summary>
    internal static Engine BuiltInEngine => BuiltIn.Value;

    internal static Engine CreateEngine(IEnumerable<string> folders)
    {
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules(folders, bag);
        var engine = Engine.Create(source.Packs, source.Regimes, source.Groups, source.Regions, bag, source.Vocabulary);
        Assert.DoesNotContain(bag.Sorted(), d => d.Severity == DiagnosticSeverity.Error);
        return engine;
    }

    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var folder in ScenarioRunner.Discover(RuleFolders)) data.Add(Path.GetRelativePath(Repo.Root, folder));
        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_MatchesExpectedFindings(string folder)
    {
        var result = new ScenarioRunner(new WorkspaceLoader()).Run(Repo.Path(folder), BuiltIn.Value);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.True(result.Passed, $"{folder}\nmissing:\n  {string.Join("\n  ", result.Missing)}\nunexpected:\n  {string.Join("\n  ", result.Unexpected)}");
    }

    [Fact]
    public void Discover_FindsScenariosForEveryPack()
    {
        var folders = ScenarioRunner.Discover(RuleFolders);
        Assert.True(folders.Count >= 10);
        foreach (var pack in Directory.EnumerateDirectories(Repo.Path("rules")).Where(d => File.Exists(Path.Combine(d, "rules.yaml"))))
            Assert.Contains(folders, f => f.Contains(Path.GetFileName(pack) + "/tests/", StringComparison.Ordinal));
    }
}
