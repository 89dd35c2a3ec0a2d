using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Hosting.Pipeline;
using ComplianceEngine.Loading;
using ComplianceEngine.Loading.Vocabulary;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ComplianceEngine.Hosting.Tests;

/// <summary>
/// A check reads its inputs while the rules are compiled, and checks the vocabulary while the estate is cross-checked:
/// what it reports (steps, diagnostics, their order) is what doing one step after the other reports.
/// </summary>
public sealed class OverlappedStepsTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 25);

    private static ComplianceService NewService() => new(
        Options.Create(new ComplianceEngineOptions { BuiltInRules = Repo.Path("rules") }), NullLogger<ComplianceService>.Instance);

    /// <summary>Dangling references (the cross-check) and unknown vocabulary (the vocabulary check) in every file.</summary>
    private static List<string> WriteEstate(TempDir dir)
    {
        var files = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            files.Add(dir.Write($"estate-{i}.yaml", $$$"""
                apiVersion: compliance/v1
                kind: Cluster
                metadata: {name: fra-{{{i}}}}
                spec: {provider: aws, region: eu-central-1, disasterRecovery: {targets: [nowhere-{{{i}}}]}}
                ---
                apiVersion: compliance/v1
                kind: DataStore
                metadata: {name: db-{{{i}}}}
                spec: {cluster: fra-{{{i}}}, categories: [usr.contact], subjects: [EU], subjectTypes: [customr]}
                ---
                apiVersion: compliance/v1
                kind: DataFlow
                metadata: {name: flow-{{{i}}}}
                spec: {from: db-{{{i}}}, to: missing-{{{i}}}, categories: [user.contact], mechanisms: [sccs-2021]}

                """));
        }
        return files;
    }

    private sealed class Steps : ICheckProgress
    {
        public List<string> Seen { get; } = [];

        public void StepCompleted(CheckStep step, long items)
        {
            lock (Seen) Seen.Add(step.ToString());
        }

        public void PhaseCompleted(EvaluationPhase phase, long items)
        {
            lock (Seen) Seen.Add(phase.ToString());
        }
    }

    [Fact]
    public void Check_CrossCheckAndVocabularyMistakes_SameDiagnosticsAsOneStepAfterTheOther()
    {
        using var dir = new TempDir();
        var files = WriteEstate(dir);
        var service = NewService();
        var result = service.Check(new CheckRequest(files, [], AsOf, DateTimeOffset.UnixEpoch));
        Assert.Null(result.Report);

        // One step after the other: the estate read and cross-checked, then its vocabulary checked, into one bag.
        var (engine, ruleDiagnostics) = service.GetEngine([]);
        Assert.NotNull(engine);
        var bag = new DiagnosticBag();
        var estate = service.CreateLoader().LoadEstate(files, bag);
        VocabularyChecker.Check(estate, engine.Vocabulary, bag);
        var expected = ruleDiagnostics.Concat(bag.Sorted()).Distinct().Order().ToList();

        Assert.Contains(expected, d => d.Code == DiagnosticCodes.DanglingReference);
        Assert.Contains(expected, d => d.Code == DiagnosticCodes.UnknownCategory);
        Assert.Equal(expected, result.Diagnostics);
        // Sorted: by file, line, column, code.
        Assert.Equal(result.Diagnostics.Order().ToList(), result.Diagnostics);
    }

    [Fact]
    public void Check_RulesFail_OnlyTheRulesDiagnostics_NothingRead()
    {
        using var dir = new TempDir();
        var files = WriteEstate(dir);
        var rules = dir.Write("rules/broken.yaml", "apiVersion: compliance/v1\nkind: RulePack\nmetadata: {name: broken\nspec: [\n");
        var steps = new Steps();
        var result = NewService().Check(new CheckRequest(files, [Path.GetDirectoryName(rules)!], AsOf, DateTimeOffset.UnixEpoch) { Progress = steps });

        Assert.Null(result.Report);
        Assert.NotEmpty(result.Diagnostics);
        // Only the rules file is named: the inputs' mistakes are not reported when the rules cannot be used.
        Assert.All(result.Diagnostics, d => Assert.EndsWith("broken.yaml", d.Location.File, StringComparison.Ordinal));
        Assert.Empty(steps.Seen);
    }

    [Fact]
    public void Check_Steps_ReportedInTheirOrder()
    {
        var steps = new Steps();
        var estate = Directory.EnumerateFiles(Repo.Path("examples", "estate"), "*.yaml").Order(StringComparer.Ordinal).ToList();
        var result = NewService().Check(new CheckRequest(estate, [], AsOf, DateTimeOffset.UnixEpoch) { Progress = steps });
        Assert.NotNull(result.Report);
        Assert.Equal(["Rules", "Read", "Estate", "Resolve", "Facts", "Flows", "Evaluate", "Report", "Gate"], steps.Seen);
    }

    [Fact]
    public void Check_SameInputsTwice_SameReport()
    {
        // The rules compiled beside the reading, cached or not, give the same report.
        var estate = Directory.EnumerateFiles(Repo.Path("examples", "estate"), "*.yaml").Order(StringComparer.Ordinal).ToList();
        var service = NewService();
        var first = service.Check(new CheckRequest(estate, [], AsOf, DateTimeOffset.UnixEpoch));
        var second = service.Check(new CheckRequest(estate, [], AsOf, DateTimeOffset.UnixEpoch));
        var third = NewService().Check(new CheckRequest(estate, [], AsOf, DateTimeOffset.UnixEpoch));
        Assert.Equal(ReportJson.Of(first.Report!), ReportJson.Of(second.Report!));
        Assert.Equal(ReportJson.Of(first.Report!), ReportJson.Of(third.Report!));
        Assert.Equal(first.Diagnostics, third.Diagnostics);
    }
}
