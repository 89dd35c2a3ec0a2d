using ComplianceEngine.Bench;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Loading;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Reporting;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Hosting.Tests;

/// <summary>
/// The batch runner (compiled judgements, no rules session) and the NRules runner (the same judgements as session
/// conditions) must give byte-identical reports: on every scenario folder shipped with the rules, and on generated estates.
/// </summary>
public sealed class RunnerEquivalenceTests
{
    private static string Json(Report report) => ReportJson.Of(report);

    [Theory]
    [MemberData(nameof(ScenarioTests.Scenarios), MemberType = typeof(ScenarioTests))]
    public void Scenario_BatchAndNRulesRunners_WriteTheSameReport(string folder)
    {
        var runner = new ScenarioRunner(new WorkspaceLoader());
        var (batchResult, batch) = runner.Run(Repo.Path(folder), ScenarioTests.BuiltInEngine, RuleRunner.Batch);
        var (nrulesResult, nrules) = runner.Run(Repo.Path(folder), ScenarioTests.BuiltInEngine, RuleRunner.NRules);

        Assert.NotNull(batch);
        Assert.NotNull(nrules);
        Assert.Equal(batchResult.Passed, nrulesResult.Passed);
        Assert.Equal(Json(batch), Json(nrules));
    }

    [Theory]
    [InlineData(11, 400)]
    [InlineData(29, 900)]
    [InlineData(47, 1500)]
    public void GeneratedEstate_BatchAndNRulesRunners_WriteTheSameReport(int seed, int flows)
    {
        var bag = new DiagnosticBag();
        var rules = Repo.Path("rules");
        var source = new WorkspaceLoader().LoadRules([rules], bag);
        var estate = new EstateGenerator(new GeoCatalog(source, rules), seed).Generate(EstateSize.ForFlows(flows));
        var options = new EvaluationOptions { AsOf = new DateOnly(2026, 11, 25), IncludePasses = true, MaxDegreeOfParallelism = 2 };

        var batch = ScenarioTests.BuiltInEngine.Evaluate(estate, options);
        var nrules = ScenarioTests.BuiltInEngine.Evaluate(estate, options with { Runner = RuleRunner.NRules });

        // Not a vacuous comparison: the estate makes every kind of outcome.
        Assert.Contains(batch.Findings, f => f.Status == FindingStatus.Violation);
        Assert.Contains(batch.Findings, f => f.Status == FindingStatus.Pass);
        Assert.Contains(batch.Findings, f => f.Status == FindingStatus.Indeterminate);
        Assert.Contains(batch.Findings, f => f.Path.Length > 2);
        Assert.Equal(Json(batch), Json(nrules));
    }
}
