using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Loading;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Hosting.Tests;

/// <summary>
/// The gate scenarios (tests/ComplianceEngine.Cli.Tests/GateScenarios): the incremental runner's coverage counters count a
/// transfer a rule's scope excluded exactly as a full evaluation does, through every version the session goes through.
/// </summary>
public sealed class GateScenarioIncrementalTests
{
    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.EnumerateDirectories(Repo.Path("tests", "ComplianceEngine.Cli.Tests", "GateScenarios")).Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(dir));
        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_IncrementalAndBatch_WriteTheSameCoverage(string name)
    {
        var engine = ScenarioTests.BuiltInEngine;
        var loader = new WorkspaceLoader();
        var bag = new DiagnosticBag();
        var docs = loader.Documents.LoadFiles([Repo.Path("tests", "ComplianceEngine.Cli.Tests", "GateScenarios", name, "inventory.yaml")], bag);
        var estate = WorkspaceLoader.ReadEstate(docs, bag);
        Assert.False(bag.HasErrors, string.Join("\n", bag.Sorted()));
        var options = new EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) };
        string Full(Estate e) => ReportJson.Of(engine.Evaluate(e, options, bag.Sorted()));

        // The NRules runner writes the same report (it sees the facts no rule applied to as well).
        Assert.Equal(Full(estate), ReportJson.Of(engine.Evaluate(estate, options with { Runner = RuleRunner.NRules }, bag.Sorted())));

        var incremental = engine.StartIncremental();
        incremental.Update(Estate.Empty, options);
        Assert.Equal(Full(estate), ReportJson.Of(incremental.Update(estate, options, bag.Sorted()).Report));

        // Each flow sent out of the EEA (to a US cluster) and back, one at a time: judged by a rule, then by its scope.
        var us = estate.Clusters[0] with { Info = estate.Clusters[0].Info with { Name = "gate-us" }, Provider = "aws", Region = "us-east-1", Country = null, DisasterRecovery = null };
        var withUs = estate with { Clusters = estate.Clusters.Add(us) };
        Assert.Equal(Full(withUs), ReportJson.Of(incremental.Update(withUs, options, bag.Sorted()).Report));
        for (var i = 0; i < withUs.Flows.Length; i++)
        {
            var flow = withUs.Flows[i];
            var away = withUs with { Flows = withUs.Flows.SetItem(i, flow with { To = flow.To with { Name = "gate-us" } }) };
            Assert.Equal(Full(away), ReportJson.Of(incremental.Update(away, options, bag.Sorted()).Report));
            Assert.Equal(Full(withUs), ReportJson.Of(incremental.Update(withUs, options, bag.Sorted()).Report));
        }

        // Without its first flow, then back.
        var smaller = withUs with { Flows = withUs.Flows.RemoveAt(0) };
        Assert.Equal(Full(smaller), ReportJson.Of(incremental.Update(smaller, options, bag.Sorted()).Report));
        Assert.Equal(Full(withUs), ReportJson.Of(incremental.Update(withUs, options, bag.Sorted()).Report));
    }
}
