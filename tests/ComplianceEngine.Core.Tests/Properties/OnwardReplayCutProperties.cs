using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Inventory;
using CsCheck;

namespace ComplianceEngine.Core.Tests.Properties;

/// <summary>
/// Issue 12 item 6 (eighth round): the replay cut off where the search runs as recorded (<see cref="OnwardGraph.ReplayCut"/>),
/// chained over many random reroutes (each replay reads the log the previous one wrote), must be the full search of each
/// patched graph: the same queue turns (node, what grew, what it queued), the same nodes reached in the same order by the
/// same edges, the same lots; and it must search only a few turns. Reroutes send flows to random stores and recipients, so
/// loops through the graph come and go.
/// </summary>
public sealed class OnwardReplayCutProperties
{
    private static readonly Gen<(int Seed, (int A, int B)[] Reroutes)[]> Cases =
        Gen.Select(Gen.Int[1, 1_000_000], Gen.Select(Gen.Int[0, 100_000], Gen.Int[0, 100_000]).Array[25]).Array[10];

    [Fact]
    public void ChainedCutReplays_AreTheFullSearch_TurnByTurn()
    {
        var engine = GeneratedEstates.Engine;
        long replays = 0, searched = 0, full = 0, joined = 0, looped = 0, walkedAll = 0;
        Cases.Sample(cases =>
        {
            foreach (var (seed, reroutes) in cases)
            {
                var estate = GeneratedEstates.Generate(seed, 120);
                var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
                var resolved = new FactBuilder(engine.Resolver).Resolve(estate);
                var graph = new OnwardGraph(Direct(resolved, context), regimesToFollow: null);
                var searches = graph.Regimes.ToDictionary(r => r, r => (Search: graph.SearchRecorded(r, new SearchScratch(), out var log), Log: log));
                var step = 0;
                foreach (var (a, b) in reroutes)
                {
                    step++;
                    var i = a % estate.Flows.Length;
                    var flow = estate.Flows[i];
                    var targets = estate.Stores.Select(s => s.Name).Concat(estate.Recipients.Select(r => r.Name)).Where(n => n != flow.To.Name && n != flow.From.Name).ToList();
                    if (targets.Count == 0) continue;
                    var rerouted = estate with { Flows = estate.Flows.SetItem(i, flow with { To = new Reference(targets[b % targets.Count], flow.To.Location) }) };
                    var at = graph.Transfers.Select((t, e) => (t, e)).Where(x => !x.t.Implied && x.t.Subject.Name == flow.Name).Select(x => x.e).ToList();
                    var next = resolved.WithEstate(rerouted);
                    if (at.Count != 1 || FactBuilder.Declared(next, context, rerouted.Flows[i], FactBuilder.OrganizationMechanisms(next, context)) is not { } declared) continue;
                    TransferFact[] edges = [.. graph.Transfers];
                    edges[at[0]] = declared;
                    if (graph.Patched(edges, [at[0]]) is not { } patched || patched.Restructured.Count > 0) continue;
                    if (graph.BindsAt(0, at[0]) != patched.BindsAt(0, at[0])) continue;
                    (estate, resolved) = (rerouted, next);
                    if (HasLoop(patched)) looped++;
                    foreach (var regime in patched.Regimes)
                    {
                        var where = $"estate seed {seed}, reroute {step} (edge {at[0]}), {regime}";
                        var (before, log) = searches[regime];
                        var lots = new NodeLotTable();
                        var cut = patched.ReplayCut(before, log, graph, lots, new NodeLotTable(), out var written, out var turns, out var unset, out var live, out var walked);
                        var log2 = written.Value;
                        // The written log knows what its replay cost, and the size of its draft (one turn written per turn walked).
                        Assert.Equal(walked, log2.ReplayCost);
                        Assert.Equal(walked, log2.DraftSize.Turns);
                        patched.SetArrived(cut, lots, unset);
                        var fresh = patched.SearchRecorded(regime, new SearchScratch(), out var expected);
                        Assert.True(fresh.Order.SequenceEqual(cut.Order), $"{where}: reached its nodes in another order");
                        Assert.True(fresh.Arrived.SequenceEqual(cut.Arrived), $"{where}: other lots arrived");
                        Assert.True(fresh.Order.All(n => fresh.Trace.ReachedBy[n] == cut.Trace.ReachedBy[n] && fresh.Trace.Via(n) == cut.Trace.Via(n) && fresh.Trace.Length(n) == cut.Trace.Length(n)),
                            $"{where}: reached a node by another edge");
                        AssertSameTurns(expected, log2, where + $" live [{string.Join(" ", Enumerable.Range(0, live.Length).Where(n => live[n]))}] edge {graph.From[at[0]]}: {graph.To[at[0]]} -> {patched.To[at[0]]}");
                        searches[regime] = (cut, log2);
                        replays++;
                        searched += turns;
                        full += expected.EventNode.Count;
                        joined += live.Count(x => x);
                        walkedAll += walked;
                    }
                    graph = patched;
                }
            }
        }, iter: 1, seed: "0N0XIzNsQ0O3", threads: 1);

        // Not vacuous: many chained replays, and together they searched a small part of what full searches handle.
        Assert.True(replays > 200 && joined > 0, $"{replays} replays, {joined} nodes searched");
        // Loops through the graph (data that can come back to where it was) were among the graphs replayed.
        Assert.True(looped > 20, $"{looped} patched graphs with a loop");
        Assert.True(searched * 4 < full, $"searched {searched} turns, full searches {full}");
        // Nor were most turns taken one by one: the replays start at the first turn a moved edge carries anything along and
        // stop once the search runs as recorded again.
        Assert.True(walkedAll * 2 < full, $"took {walkedAll} turns one by one, full searches {full}");
        // Nor the turns of recorded nodes that carry nothing to a live node (twelfth round: taken as runs of one; with them
        // taken one by one these cases walked 2,214 turns of 11,385, without 1,938).
        Assert.True(walkedAll * 11 < full * 2, $"took {walkedAll} turns one by one, full searches {full}");
    }

    /// <summary>Whether data can come back to a node it left (a cycle along the graph's edges), by a depth-first search.</summary>
    private static bool HasLoop(OnwardGraph graph)
    {
        var state = new byte[graph.NodeCount];
        bool Visit(int n)
        {
            state[n] = 1;
            foreach (var next in graph.Next(n))
            {
                if (state[next] == 1 || state[next] == 0 && Visit(next)) return true;
            }
            state[n] = 2;
            return false;
        }
        for (var n = 0; n < graph.NodeCount; n++)
        {
            if (state[n] == 0 && Visit(n)) return true;
        }
        return false;
    }

    /// <summary>The same turns: node, what grew (as a set), what it put on the queue (edge position and node), and the same seeding.</summary>
    private static void AssertSameTurns(SearchLog expected, SearchLog actual, string where)
    {
        Assert.True(expected.EventNode.SequenceEqual(actual.EventNode), $"{where}: other queue turns");
        // Where each node was first reached (the next replay reads it): the same turn and edge position.
        for (var n = 0; n < expected.ReachEvent.Length; n++)
        {
            Assert.True(expected.ReachEvent[n] == actual.ReachEvent[n] && expected.ReachSlot[n] == actual.ReachSlot[n],
                $"{where}: node {n} first reached at turn {actual.ReachEvent[n]} position {actual.ReachSlot[n]}, not {expected.ReachEvent[n]} position {expected.ReachSlot[n]}");
        }
        Assert.True(expected.SeedEnqueueNode.SequenceEqual(actual.SeedEnqueueNode) && expected.SeedEnqueueEdge.SequenceEqual(actual.SeedEnqueueEdge), $"{where}: other seeding");
        for (var j = 0; j < expected.EventNode.Count; j++)
        {
            var e1 = Enumerable.Range(expected.FreshStart[j], expected.FreshStart[j + 1] - expected.FreshStart[j]).Select(x => (expected.FreshKind[x], expected.FreshCategories[x])).Order();
            var e2 = Enumerable.Range(actual.FreshStart[j], actual.FreshStart[j + 1] - actual.FreshStart[j]).Select(x => (actual.FreshKind[x], actual.FreshCategories[x])).Order();
            Assert.True(e1.SequenceEqual(e2), $"{where}: turn {j} (node {expected.EventNode[j]}) passed on other lots: {string.Join(" ", e1)} vs {string.Join(" ", e2)}\n{Turns(expected, expected.EventNode[j])}\n{Turns(actual, expected.EventNode[j])}");
            var q1 = Enumerable.Range(expected.EnqueueStart[j], expected.EnqueueStart[j + 1] - expected.EnqueueStart[j]).Select(x => (expected.EnqueueSlot[x], expected.EnqueueNode[x]));
            var q2 = Enumerable.Range(actual.EnqueueStart[j], actual.EnqueueStart[j + 1] - actual.EnqueueStart[j]).Select(x => (actual.EnqueueSlot[x], actual.EnqueueNode[x]));
            Assert.True(q1.SequenceEqual(q2), $"{where}: turn {j} queued other nodes");
            var (g1, g1End) = expected.GrowthsOf(j);
            var (g2, g2End) = actual.GrowthsOf(j);
            var w1 = Enumerable.Range(g1, g1End - g1).Select(x => (expected.GrowNode[x], expected.GrowKind[x], expected.GrowSlot[x], expected.GrowCategories[x])).Order();
            var w2 = Enumerable.Range(g2, g2End - g2).Select(x => (actual.GrowNode[x], actual.GrowKind[x], actual.GrowSlot[x], actual.GrowCategories[x])).Order();
            Assert.True(w1.SequenceEqual(w2), $"{where}: turn {j} (node {expected.EventNode[j]}) grew other lots: {string.Join(" ", w1)} vs {string.Join(" ", w2)}");
        }
    }

    private static string Turns(SearchLog log, int node) => string.Join(" | ", Enumerable.Range(0, log.EventNode.Count).Where(j => log.EventNode[j] == node)
        .Select(j => $"{j}: " + string.Join(" ", Enumerable.Range(log.FreshStart[j], log.FreshStart[j + 1] - log.FreshStart[j]).Select(x => (log.FreshKind[x], log.FreshCategories[x])))
            + " growths in: " + string.Join(" ", Enumerable.Range(0, log.GrowNode.Count).Where(g => log.GrowNode[g] == node).Select(g => $"{Enumerable.Range(0, log.EventNode.Count).LastOrDefault(e => log.GrowStart[e] <= g, -1)}:{log.GrowKind[g]}/{log.GrowCategories[g]}"))));

    private static List<TransferFact> Direct(ResolvedEstate resolved, EvaluationContext context)
    {
        var engine = GeneratedEstates.Engine;
        var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(engine.Resolver).Implied(resolved, context)).OfType<TransferFact>().ToList();
        var volumes = ExportVolumes.Of(direct);
        foreach (var t in direct) volumes.Apply(t);
        return direct;
    }
}
