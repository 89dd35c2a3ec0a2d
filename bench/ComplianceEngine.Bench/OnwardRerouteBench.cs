using System.Diagnostics;
using System.Globalization;
using ComplianceEngine.Core;
using ComplianceEngine.Core.Evaluation.Runners;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Bench;

/// <summary>
/// <c>bench onward --reroute [--rounds R]</c>: the onward index alone (issue 12) under the incremental bench's reroute (a flow
/// sent to another store, and back, in turn): each update's wall time, the regimes searched, the queue events replayed and
/// the nodes of the replayed region, then where one update's time goes (graph patch, region, replay per regime).
/// </summary>
internal static class OnwardRerouteBench
{
    public static void Run(Engine engine, Estate estate, int rounds)
    {
        var context = new EvaluationContext(Commands.AsOf, estate.Organization);
        var resolved = new FactBuilder(engine.Resolver).Resolve(estate);
        var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(engine.Resolver).Implied(resolved, context)).OfType<TransferFact>().ToList();
        var volumes = ExportVolumes.Of(direct);
        foreach (var t in direct) volumes.Apply(t);
        var regimes = OnwardScope.Of(engine.Rules.Rules);
        var filter = new OnwardRuleFilter(new RuleSelection(engine.Rules).Transfer, workers: 1);
        var index = OnwardIndex.Build(direct, regimes, filter);
        // The incremental bench's reroute: from flow N/2 on, the first flow to a store, sent to store S/3.
        var flows = estate.Flows.Length;
        var i = Enumerable.Range(0, flows).Select(k => (flows / 2 + k) % flows)
            .First(k => estate.Stores.Any(s => s.Name == estate.Flows[k].To.Name) && k != flows / 2
                && direct.Count(t => !t.Implied && t.Subject.Name == estate.Flows[k].Name) == 1);
        var flow = estate.Flows[i];
        var rerouted = estate with { Flows = estate.Flows.SetItem(i, flow with { To = new Reference(estate.Stores[estate.Stores.Length / 3].Name, flow.To.Location) }) };
        var next = resolved.WithEstate(rerouted);
        var declared = FactBuilder.Declared(next, context, rerouted.Flows[i], FactBuilder.OrganizationMechanisms(next, context))!;
        var edge = direct.FindIndex(t => !t.Implied && t.Subject.Name == flow.Name);
        var original = direct[edge];
        TransferFact[] changed = [.. direct];
        changed[edge] = declared;
        ExportVolumes.Of(changed).Apply(declared);
        Console.Error.WriteLine($"  reroute: {flow.Name} ({original.FromNode} -> {original.ToNode}, now {declared.ToNode}), edge {edge} of {direct.Count}");

        for (var r = 0; r < Math.Max(rounds, 2); r++)
        {
            var edges = index.Direct.ToArray();
            edges[edge] = ReferenceEquals(edges[edge], original) ? declared : original;
            var sw = Stopwatch.StartNew();
            var update = index.Update(edges);
            var ms = sw.Elapsed.TotalMilliseconds;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  update {r + 1}: {ms,8:F1} ms, patched {update.Patched}, {update.RegimesSearched.Count} of {update.Index.Regimes.Count} regimes searched ({string.Join(" ", update.RegimesSearched)}), events replayed {update.EventsReplayed:N0}, region reached {update.RegionReached:N0}, -{update.Removed.Count}/+{update.Added.Count} hops"));
            if (r == Math.Max(rounds, 2) - 1)
            {
                // Where the time goes, step by step (the same work as Update, timed here).
                var old = index.Graph;
                var edges2 = index.Direct.ToArray();
                edges2[edge] = ReferenceEquals(edges2[edge], original) ? declared : original;
                sw.Restart();
                var graph = old.Patched(edges2, [edge])!;
                var patch = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                var listing = graph.Listing([edge]);
                var list = sw.Elapsed.TotalMilliseconds;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  steps: graph patched {patch:F2} ms, listing {list:F2} ms, full search events per regime {string.Join(" ", update.Index.Regimes.Select(g => $"{g}:{index.EventsOf(g)}"))}"));
                foreach (var regime in update.RegimesSearched)
                {
                    var before = index.SearchOf(regime);
                    sw.Restart();
                    var region = graph.RegionOf(old, before, [edge], listing);
                    var regionMs = sw.Elapsed.TotalMilliseconds;
                    sw.Restart();
                    var replayed = graph.Replay(before, index.LogOf(regime)!, region, before.Counts, new NodeLotTable(), index.LogOf(regime)!.BoundEdges, before.Bound, out _, out var events);
                    var replayMs = sw.Elapsed.TotalMilliseconds;
                    sw.Restart();
                    var full = graph.SearchRecorded(regime, new SearchScratch(), out _);
                    var fullMs = sw.Elapsed.TotalMilliseconds;
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    {regime}: region {regionMs:F2} ms ({region.Count(x => x):N0} nodes, {before.Order.Count(n => region[n]):N0} of {before.Order.Length:N0} reached before), replay {replayMs:F2} ms ({events:N0} events), full recorded search {fullMs:F2} ms"));
                }
            }
            index = update.Index;
        }
    }
}
