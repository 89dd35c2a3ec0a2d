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
    public void RehearsedReroute_IndexesTheKeptLogs_AndLeavesTheIndexAsItWas()
    {
        // The rehearsal sends a flow to another store through the onward index and back (issue 12 item 6: the first reroute is
        // not a cold one): the kept searches' logs are indexed for the cut-off replay, the kept index is the same object with
        // the same edges, and edits after it (a reroute, and a change to every flow's mechanisms) are a full evaluation's.
        var estate = GeneratedEstates.Generate(53, 400);
        var engine = GeneratedEstates.Engine;
        var incremental = engine.StartIncremental();
        incremental.Update(estate, Options);
        incremental.WaitUntilKept();
        var index = incremental.KeptIndex;

        Assert.NotNull(index);
        Assert.Contains(index.Regimes, r => index.LogOf(r) is { Index: not null });
        // The kept edges are the estate's declared transfers (the rehearsal's rerouted one was not kept).
        var context = new Core.Facts.EvaluationContext(Options.AsOf, estate.Organization);
        var resolved = new Core.Facts.FactBuilder(engine.Resolver).Resolve(estate);
        var declared = Core.Facts.FactBuilder.Build(resolved, context).OfType<Core.Facts.TransferFact>().Where(t => !t.Implied).Select(t => (t.Subject.Name, t.ToNode)).Order().ToList();
        Assert.Equal(declared, index.Direct.Where(t => !t.Implied).Select(t => (t.Subject.Name, t.ToNode)).Order().ToList());

        var i = estate.Flows.IndexOf(estate.Flows.First(f => estate.Stores.Any(s => s.Name == f.To.Name)));
        var store = estate.Stores.First(s => s.Name != estate.Flows[i].To.Name && s.Name != estate.Flows[i].From.Name);
        var rerouted = estate with { Flows = estate.Flows.SetItem(i, estate.Flows[i] with { To = new Model.Inventory.Reference(store.Name, estate.Flows[i].To.Location) }) };
        var scc = rerouted with { Flows = [.. rerouted.Flows.Select(f => f with { Mechanisms = f.Mechanisms.Add("scc") })] };
        foreach (var version in new[] { rerouted, scc })
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
