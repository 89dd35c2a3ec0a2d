using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Evaluation.Incremental;
using ComplianceEngine.Core.Tests.Properties;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Reporting;

namespace ComplianceEngine.Core.Tests.Evaluation.Incremental;

/// <summary>
/// Issue 12 item 6, eleventh round: a kept fact's place in the derivation order (which of the facts sharing a finding id is
/// first) is a direct fact's index, or a hop's regime and position among that regime's hops; so a reroute whose hops come
/// and go in one regime numbers no other regime's hops again, and the places still follow the order after every update.
/// </summary>
public sealed class HopOrdinalTests
{
    private static readonly EvaluationOptions Options = GeneratedEstates.Options with { IncludePasses = true };

    private static string Json(Report report)
    {
        using var text = new StringWriter();
        new JsonReportWriter().Write(report, text);
        return text.ToString();
    }

    /// <summary>
    /// The places as the updates keep them: strictly increasing along the order, the direct facts numbered 0, 1, ... and the
    /// k-th hop of the r-th regime (in the order the hops come) numbered <see cref="IncrementalEvaluation.HopOrdinal"/>(r, k).
    /// </summary>
    private static int AssertPlaces(IncrementalEvaluation incremental)
    {
        var places = incremental.Places();
        Assert.NotEmpty(places);
        var last = long.MinValue;
        var direct = 0;
        var regime = -1;
        string? current = null;
        var position = 0;
        foreach (var (name, ordinal) in places)
        {
            Assert.True(ordinal > last, $"place {ordinal} after {last}");
            last = ordinal;
            if (name is null)
            {
                Assert.Equal(-1, regime);
                Assert.Equal(direct++, ordinal);
                continue;
            }
            if (!string.Equals(name, current, StringComparison.Ordinal))
            {
                (current, regime, position) = (name, regime + 1, 0);
            }
            Assert.Equal(IncrementalEvaluation.HopOrdinal(regime, position++), ordinal);
        }
        Assert.True(regime >= 0, "the estate has onward hops");
        return regime + 1;
    }

    [Fact]
    public void Reroutes_NumberEachHopByItsRegimeAndPosition_AndTheReportIsAFullEvaluations()
    {
        var engine = GeneratedEstates.Engine;
        var estate = GeneratedEstates.Generate(47, 600);
        var incremental = engine.StartIncremental();
        incremental.Update(estate, Options);
        Assert.True(AssertPlaces(incremental) >= 2, "the estate's hops fall in at least two regimes");

        // Flows to a store sent to other stores (and back): hops come and go mid-order in the regimes the flows' data reaches.
        var stores = estate.Stores;
        var flows = estate.Flows.Select((f, i) => (f, i)).Where(x => stores.Any(s => s.Name == x.f.To.Name)).Take(6).ToList();
        Assert.NotEmpty(flows);
        var version = estate;
        var patched = 0;
        var moved = 0;
        foreach (var (step, (flow, i)) in flows.Select((x, k) => (k, x)))
        {
            var store = stores[(step * 7 + 3) % stores.Length];
            if (store.Name == flow.To.Name) continue;
            foreach (var next in new[] { version with { Flows = version.Flows.SetItem(i, flow with { To = new Reference(store.Name, flow.To.Location) }) }, version })
            {
                var update = incremental.Update(next, Options);
                Assert.Equal(Json(engine.Evaluate(next, Options)), Json(update.Report));
                AssertPlaces(incremental);
                if (update.Patched) patched++;
                if (update.Patched && update.Added != update.Removed) moved++;
            }
        }
        Assert.True(patched > 0, incremental.NotPatchedBecause);
        Assert.True(moved > 0, "no reroute changed how many hops there are");
    }

    [Fact]
    public void DocumentEdits_KeepThePlacesInOrder()
    {
        var engine = GeneratedEstates.Engine;
        var estate = GeneratedEstates.Generate(53, 600);
        var incremental = engine.StartIncremental();
        incremental.Update(estate, Options);
        var store = estate.Stores.Select((s, i) => (s, i)).First(x => !x.s.Categories.IsEmpty);
        var edited = estate with { Stores = estate.Stores.SetItem(store.i, store.s with { Categories = [.. store.s.Categories.Take(1)] }) };
        var removed = estate with { Flows = estate.Flows.RemoveAt(estate.Flows.Length / 2) };
        foreach (var next in new[] { edited, estate, removed, estate })
        {
            var update = incremental.Update(next, Options);
            Assert.Equal(Json(engine.Evaluate(next, Options)), Json(update.Report));
            AssertPlaces(incremental);
        }
    }
}
