using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Tests.Properties;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Reporting;

namespace ComplianceEngine.Core.Tests.Evaluation.Incremental;

/// <summary>
/// Issue 12: after an update that derived every fact, what the next update patches is kept on another thread (and the
/// patch path rehearsed there); the next update waits for it, so it is patched, and its report is a full evaluation's.
/// </summary>
public sealed class KeptInBackgroundTests
{
    private static readonly EvaluationOptions Options = GeneratedEstates.Options;

    private static string Json(Report report)
    {
        using var text = new StringWriter();
        new JsonReportWriter().Write(report, text);
        return text.ToString();
    }

    [Fact]
    public void EditRightAfterTheFirstUpdate_IsPatched_AndTheReportIsAFullEvaluations()
    {
        var estate = GeneratedEstates.Generate(41, 400);
        var engine = GeneratedEstates.Engine;
        var incremental = engine.StartIncremental();
        var first = incremental.Update(estate, Options);
        Assert.True(first.Restarted);

        // No wait: the edit comes while the first version's state may still be kept.
        var i = estate.Flows.Length / 2;
        var edited = estate with { Flows = estate.Flows.SetItem(i, estate.Flows[i] with { Mechanisms = estate.Flows[i].Mechanisms.Add("scc") }) };
        var update = incremental.Update(edited, Options);

        Assert.True(update.Patched, $"not patched: {incremental.NotPatchedBecause}");
        Assert.Equal(Json(engine.Evaluate(edited, Options)), Json(update.Report));
    }

    [Fact]
    public void Rehearsal_LeavesTheKeptReportAsItWas()
    {
        // The rehearsal takes a fact's findings out of the kept report and puts them back: a patch after it publishes the
        // same findings as a full evaluation, including the fact rehearsed on (the first with findings).
        var estate = GeneratedEstates.Generate(43, 300);
        var engine = GeneratedEstates.Engine;
        var incremental = engine.StartIncremental();
        var first = incremental.Update(estate, Options);
        incremental.WaitUntilKept();
        var subject = first.Report.Findings.First(f => f.Subject.Kind == Model.Inventory.DocumentKind.DataFlow).Subject.Name;
        var i = estate.Flows.IndexOf(estate.Flows.First(f => f.Name == subject));
        var edited = estate with { Flows = estate.Flows.SetItem(i, estate.Flows[i] with { Mechanisms = [] }) };

        foreach (var version in new[] { edited, estate })
        {
            var update = incremental.Update(version, Options);
            Assert.True(update.Patched, $"not patched: {incremental.NotPatchedBecause}");
            Assert.Equal(Json(engine.Evaluate(version, Options)), Json(update.Report));
        }
    }

    [Fact]
    public void ResetWhileKeeping_StartsAgain()
    {
        var estate = GeneratedEstates.Generate(47, 300);
        var incremental = GeneratedEstates.Engine.StartIncremental();
        incremental.Update(estate, Options);
        incremental.Reset();

        var again = incremental.Update(estate, Options);

        Assert.True(again.Restarted);
        Assert.Equal(Json(GeneratedEstates.Engine.Evaluate(estate, Options)), Json(again.Report));
    }
}
