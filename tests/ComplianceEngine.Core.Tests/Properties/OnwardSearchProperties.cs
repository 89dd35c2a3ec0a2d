using System.Collections.Immutable;
using ComplianceEngine.Bench;
using ComplianceEngine.Core.Facts;
using CsCheck;

namespace ComplianceEngine.Core.Tests.Properties;

/// <summary>
/// Issue 13 (onward search): the onward search's flat lot table, its per-edge queueing, its path prefixes shared between hops
/// and its searches run ahead on other threads give exactly what the plain worklist gives: the same nodes in the same order,
/// the same tree (the edge and node each node was first reached by), the same lots at every node, and the same path for every
/// hop. The reference below is that worklist written as simply as possible (a dictionary of lots per node). Generated estates
/// of both topologies, narrow and wide category sets; fixed seed, small budget.
/// </summary>
public sealed class OnwardSearchProperties
{
    private static readonly Gen<(int Seed, bool Dense, bool Wide)[]> Cases = Gen.Select(Gen.Int[1, 1_000_000], Gen.Bool, Gen.Bool).Array[12];

    [Fact]
    public void Search_GivesThePlainWorklistsOrderTreeLotsAndPaths()
    {
        long nodesCompared = 0, pathsCompared = 0, lotsCompared = 0;
        Cases.Sample(cases =>
        {
            foreach (var (seed, dense, wide) in cases)
            {
                var estate = new EstateGenerator(GeneratedEstates.Geo, seed, dense ? Topology.Dense : Topology.Layered).Generate(EstateSize.ForFlows(400));
                var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
                var resolved = new FactBuilder(GeneratedEstates.Engine.Resolver).Resolve(estate);
                var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(GeneratedEstates.Engine.Resolver).Implied(resolved, context))
                    .OfType<TransferFact>().ToList();
                var graph = new OnwardGraph(direct, regimesToFollow: null, ids: null, narrowLimit: wide ? 3 : CategoryBits.NarrowLimit);
                var scratch = new SearchScratch();
                foreach (var regime in graph.Regimes)
                {
                    var where = $"seed {seed} ({(dense ? "dense" : "layered")}, {(wide ? "wide" : "narrow")} categories), regime {regime}";
                    var search = graph.Search(regime, scratch);
                    var reference = new ReferenceSearch(graph, regime);
                    Assert.Equal(reference.Order, search.Order);
                    foreach (var node in reference.Order)
                    {
                        Assert.True(reference.ReachedBy[node] == search.Trace.ReachedBy[node], $"{where}: node {node} reached by another edge");
                        if (reference.ReachedBy[node] >= 0) Assert.True(reference.Via[node] == search.Trace.Via(node), $"{where}: node {node} reached from another node");
                        nodesCompared++;
                    }
                    for (var k = 0; k < search.Order.Length; k++)
                    {
                        var node = search.Order[k];
                        if (graph.Outgoing[node] is null) continue;
                        var expected = reference.LotsAt(node);
                        var actual = graph.Lots[search.Arrived[k]].ToArray()
                            .Select(l => (l.Kind, l.Categories == CategoryBits.All ? "*" : string.Join(",", graph.Categories.Names(l.Categories)))).ToList();
                        Assert.True(expected.SequenceEqual(actual), $"{where}: node {node} holds other lots");
                        lotsCompared += expected.Count;
                        foreach (var e in graph.Outgoing[node]!)
                        {
                            Assert.True(reference.Path(e, node).SequenceEqual(search.Trace.Path(e, node)), $"{where}: hop along edge {e} from node {node} has another path");
                            pathsCompared++;
                        }
                    }
                }
            }
        }, iter: 1, seed: "0N0XIzNsQ0O2", threads: 1);

        // Not vacuous: many nodes, lots and paths compared.
        Assert.True(nodesCompared > 1000 && lotsCompared > 1000 && pathsCompared > 1000, $"{nodesCompared} nodes, {lotsCompared} lots, {pathsCompared} paths");
    }

    /// <summary>The plain worklist: lots per node in a dictionary, the grown ones in the order they grew.</summary>
    private sealed class ReferenceSearch
    {
        private readonly OnwardGraph _graph;
        private readonly Dictionary<int, long>?[] _lots;

        public ReferenceSearch(OnwardGraph graph, string regime)
        {
            _graph = graph;
            var nodes = graph.NodeCount;
            ReachedBy = new int[nodes];
            Array.Fill(ReachedBy, RegimeTrace.Unreached);
            Via = new int[nodes];
            _lots = new Dictionary<int, long>?[nodes];
            var fresh = new List<int>?[nodes];
            var queued = new bool[nodes];
            var queue = new Queue<int>();
            var bits = graph.Categories;

            void Add(int node, int kind, long categories)
            {
                var here = _lots[node] ??= [];
                var before = here.TryGetValue(kind, out var b) ? b : (long?)null;
                var after = before is { } x ? bits.Union(x, categories) : categories;
                if (before == after) return;
                here[kind] = after;
                var grown = fresh[node] ??= [];
                if (!grown.Contains(kind)) grown.Add(kind);
                if (queued[node]) return;
                queued[node] = true;
                queue.Enqueue(node);
            }

            for (var i = 0; i < graph.Transfers.Count; i++)
            {
                if (!graph.Binds(regime, i)) continue;
                if (ReachedBy[graph.From[i]] == RegimeTrace.Unreached)
                {
                    ReachedBy[graph.From[i]] = RegimeTrace.Seed;
                    Order.Add(graph.From[i]);
                }
                if (graph.EdgeOwn[i] != CategoryBits.Nothing) Add(graph.From[i], graph.EdgeKind[i], graph.EdgeOwn[i]);
            }
            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                queued[node] = false;
                var grew = (fresh[node] ?? []).Select(k => (Kind: k, Categories: _lots[node]![k])).ToList();
                fresh[node]?.Clear();
                foreach (var e in graph.Outgoing[node] ?? [])
                {
                    var next = graph.To[e];
                    foreach (var (kind, categories) in grew)
                    {
                        var carried = bits.Carry(categories, graph.EdgeSet[e]);
                        if (carried == CategoryBits.Nothing) continue;
                        if (ReachedBy[next] == RegimeTrace.Unreached)
                        {
                            ReachedBy[next] = e;
                            Via[next] = node;
                            Order.Add(next);
                        }
                        Add(next, kind, carried);
                    }
                }
            }
        }

        public List<int> Order { get; } = [];
        public int[] ReachedBy { get; }
        public int[] Via { get; }

        /// <summary>The lots at <paramref name="node"/> by kind, with their categories named ("*": all of them).</summary>
        public List<(int Kind, string Categories)> LotsAt(int node) =>
            [.. (_lots[node] ?? []).OrderBy(l => l.Key).Select(l => (l.Key, l.Value == CategoryBits.All ? "*" : string.Join(",", _graph.Categories.Names(l.Value))))];

        /// <summary>The names along the chain of a hop along <paramref name="e"/> from <paramref name="node"/>: every edge's path, overlaps merged.</summary>
        public ImmutableArray<string> Path(int e, int node)
        {
            var chain = new List<int> { e };
            for (var n = node; ReachedBy[n] >= 0; n = Via[n]) chain.Add(ReachedBy[n]);
            var path = new List<string>();
            for (var i = chain.Count - 1; i >= 0; i--) FlowAnalyzer.Append(path, _graph.Transfers[chain[i]].Path);
            return [.. path];
        }
    }
}
