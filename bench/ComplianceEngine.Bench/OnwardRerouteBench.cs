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
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var update = index.Update(edges);
            var ms = sw.Elapsed.TotalMilliseconds;
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  update {r + 1}: {ms,8:F1} ms (cpu {cpuMs:F1} ms), patched {update.Patched}, {update.RegimesSearched.Count} of {update.Index.Regimes.Count} regimes searched ({string.Join(" ", update.RegimesSearched)}), events replayed {update.EventsReplayed:N0}, turns walked {update.TurnsWalked:N0}, region reached {update.RegionReached:N0}, -{update.Removed.Count}/+{update.Added.Count} hops"));
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
    /// <summary>
    /// <c>bench onward --edit store|cluster|reroute [--reroutes R]</c>: the onward index alone under the incremental bench's
    /// store edit (a store on a cluster moves to the next cluster), cluster edit (a cluster moves to the next one's region) or
    /// reroute, made and undone in turn. Each version's transfers are derived again; an unchanged transfer keeps the previous
    /// object (as the incremental evaluation keeps them). Prints each update's wall time and where it went, step by step.
    /// </summary>
    public static void RunEdit(Engine engine, Estate estate, string edit, int rounds, int workers = 1)
    {
        var context = new EvaluationContext(Commands.AsOf, estate.Organization);
        var builder = new FactBuilder(engine.Resolver);
        List<TransferFact> Direct(Estate e)
        {
            var resolved = builder.Resolve(e);
            var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(engine.Resolver).Implied(resolved, context)).OfType<TransferFact>().ToList();
            var volumes = ExportVolumes.Of(direct);
            foreach (var t in direct) volumes.Apply(t);
            return direct;
        }
        var flows = estate.Flows.Length;
        var storeIndex = Enumerable.Range(0, estate.Stores.Length).Select(k => (estate.Stores.Length / 2 + k) % estate.Stores.Length)
            .First(k => estate.Stores[k].Cluster is not null);
        var clusterIndex = estate.Clusters.Length / 2;
        var otherCluster = estate.Clusters[(clusterIndex + 1) % estate.Clusters.Length];
        var rerouteIndex = Enumerable.Range(0, flows).Select(k => (flows / 2 + k) % flows).First(k => estate.Stores.Any(s => s.Name == estate.Flows[k].To.Name) && k != flows / 2);
        var edited = edit switch
        {
            "store" => estate with { Stores = estate.Stores.SetItem(storeIndex, estate.Stores[storeIndex] with { Cluster = new Reference(otherCluster.Name, estate.Stores[storeIndex].Cluster!.Location) }) },
            "cluster" => estate with { Clusters = estate.Clusters.SetItem(clusterIndex, estate.Clusters[clusterIndex] with { Provider = otherCluster.Provider, Region = otherCluster.Region, Country = otherCluster.Country }) },
            "reroute" => estate with { Flows = estate.Flows.SetItem(rerouteIndex, estate.Flows[rerouteIndex] with { To = new Reference(estate.Stores[estate.Stores.Length / 3].Name, estate.Flows[rerouteIndex].To.Location) }) },
            _ => throw new ArgumentException($"unknown edit '{edit}' (store, cluster, reroute)"),
        };
        var original = Direct(estate);
        var changed = Direct(edited);
        if (changed.Count == original.Count)
        {
            for (var e = 0; e < changed.Count; e++)
            {
                if (Core.Evaluation.Incremental.StructuralEquality.Equal(original[e], changed[e])) changed[e] = original[e];
            }
        }
        else
        {
            // Which transfers came or went (by subject and endpoints).
            static string Key(TransferFact t) => $"{t.Subject.Reference} {t.FromNode} -> {t.ToNode}";
            var before = original.Select(Key).GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
            var after = changed.Select(Key).GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
            foreach (var (k, n) in before) if (after.GetValueOrDefault(k) != n) Console.Error.WriteLine($"    before {n}, after {after.GetValueOrDefault(k)}: {k}");
            foreach (var (k, n) in after) if (!before.ContainsKey(k)) Console.Error.WriteLine($"    before 0, after {n}: {k}");
        }
        var regimes = OnwardScope.Of(engine.Rules.Rules);
        var filter = new OnwardRuleFilter(new RuleSelection(engine.Rules).Transfer, workers: 1);
        var index = OnwardIndex.Build(original, regimes, filter, workers);
        Console.Error.WriteLine($"  {edit}: {original.Count} transfers, {changed.Count} after the edit, {Enumerable.Range(0, Math.Min(original.Count, changed.Count)).Count(e => !ReferenceEquals(original[e], changed[e]))} differ");
        if (Environment.GetEnvironmentVariable("PROBE_T0") is not null && changed.Count == original.Count)
        {
            var g = index.Graph;
            for (var e = 0; e < changed.Count; e++)
            {
                if (ReferenceEquals(original[e], changed[e])) continue;
                foreach (var regime in index.Regimes)
                {
                    var log = index.LogOf(regime);
                    if (log is null) continue;
                    var a = g.From[e];
                    var first = -1;
                    var firstA = -1;
                    for (var j = 0; j < log.EventNode.Count && first < 0; j++)
                    {
                        if (log.EventNode[j] != a) continue;
                        if (firstA < 0) firstA = j;
                        for (var f = log.FreshStart[j]; f < log.FreshStart[j + 1]; f++)
                            if (g.Categories.Carry(log.FreshCategories[f], g.EdgeSet[e]) != CategoryBits.Nothing) { first = j; break; }
                    }
                    Console.Error.WriteLine($"    T0 {regime}: edge {e} from node {a}: first event of A {firstA}, first carrying {first} of {log.EventNode.Count}; log: fresh {log.FreshKind.Count}, enqueues {log.EnqueueNode.Count}, growths {log.GrowNode.Count}, nodes {g.NodeCount}, reached {index.SearchOf(regime).Order.Length}");
                }
            }
        }
        // The edges the edit replaced, given to the index as the incremental evaluation gives them (it compares only those);
        // COMPARE_ALL=1 hands it the whole list instead (it compares every edge).
        var replacedEdges = changed.Count == original.Count && Environment.GetEnvironmentVariable("COMPARE_ALL") is null
            ? Enumerable.Range(0, changed.Count).Where(e => !ReferenceEquals(original[e], changed[e])).ToArray()
            : null;
        var sw = new Stopwatch();
        for (var r = 0; r < Math.Max(rounds, 2); r++)
        {
            var edges = r % 2 == 0 ? changed : original;
            (int Edge, TransferFact Transfer)[]? replaced = replacedEdges?.Select(e => (e, edges[e])).ToArray();
            var steps = new List<string>();
            var last = 0.0;
            // The process's CPU time too: on a loaded machine it does not count the time spent waiting for a core.
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            sw.Restart();
            void Mark(string step)
            {
                var now = sw.Elapsed.TotalMilliseconds;
                steps.Add(string.Create(CultureInfo.InvariantCulture, $"{step} {now - last:F1}"));
                last = now;
            }
            var update = replaced is null ? index.UpdateMarked(edges, Mark) : index.UpdateReplacing(replaced, Mark);
            var ms = sw.Elapsed.TotalMilliseconds;
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  update {r + 1}: {ms,8:F1} ms (cpu {cpuMs:F1} ms), patched {update.Patched}, {update.RegimesSearched.Count} of {update.Index.Regimes.Count} regimes searched ({string.Join(" ", update.RegimesSearched)}), events replayed {update.EventsReplayed:N0}, turns walked {update.TurnsWalked:N0}, region reached {update.RegionReached:N0}, -{update.Removed.Count}/+{update.Added.Count} hops"));
            Console.Error.WriteLine("    steps: " + string.Join(", ", steps));
            index = update.Index;
            // The next logs, written off the update's path (the next update would wait for them): their cost apart.
            sw.Restart();
            cpu = Process.GetCurrentProcess().TotalProcessorTime;
            foreach (var regime in update.RegimesSearched) _ = index.LogOf(regime);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    next logs written: {sw.Elapsed.TotalMilliseconds:F1} ms (cpu {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:F1} ms)"));
        }
    }
}
