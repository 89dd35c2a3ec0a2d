using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Loading;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Reporting;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Hosting.Tests;

/// <summary>
/// Issue 12, "done when": the incremental runner (a long-lived NRules session) and the batch path write byte-identical
/// reports on every scenario folder, whatever the versions the session went through before.
/// </summary>
public sealed class IncrementalEquivalenceTests
{
    private static string Json(Report report) => ReportJson.Of(report);

    [Theory]
    [MemberData(nameof(ScenarioTests.Scenarios), MemberType = typeof(ScenarioTests))]
    public void Scenario_IncrementalAndBatch_WriteTheSameReport(string folder)
    {
        var engine = ScenarioTests.BuiltInEngine;
        var loader = new WorkspaceLoader();
        var bag = new DiagnosticBag();
        var docs = loader.Documents.LoadFiles(loader.Documents.FindInputFiles([Repo.Path(folder)], bag), bag);
        var cases = TestCaseReader.Read(docs, Repo.Path(folder), bag);
        var estate = WorkspaceLoader.ReadEstate(docs, bag);
        Assert.False(bag.HasErrors, string.Join("\n", bag.Sorted()));
        var options = new EvaluationOptions { AsOf = cases[0].AsOf, IncludePasses = true };
        string Full(Estate e) => Json(engine.Evaluate(e, options, bag.Sorted()));

        var incremental = engine.StartIncremental();
        // From nothing to the scenario: every fact inserted.
        incremental.Update(Estate.Empty, options);
        var first = incremental.Update(estate, options, bag.Sorted());
        Assert.Equal(Full(estate), Json(first.Report));

        // The same version again: nothing re-judged.
        var same = incremental.Update(estate, options, bag.Sorted());
        Assert.Equal(0, same.Inserted + same.Retracted);
        Assert.Equal(Full(estate), Json(same.Report));

        // Without its first flow (or store), then back: retracted, then inserted again.
        var smaller = estate.Flows.IsEmpty ? estate with { Stores = estate.Stores.RemoveAt(0) } : estate with { Flows = estate.Flows.RemoveAt(0) };
        Assert.Equal(Full(smaller), Json(incremental.Update(smaller, options, bag.Sorted()).Report));
        Assert.Equal(Full(estate), Json(incremental.Update(estate, options, bag.Sorted()).Report));
    }
}
