using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Inventory;
using CsCheck;

namespace ComplianceEngine.Core.Tests.Properties;

/// <summary>
/// Issue 12 item 6 (tenth round): a patched graph shares with the graph it was patched from every edge array its change leaves
/// equal (a reroute changes destinations only: the categories, own categories and kinds are the old graph's arrays). Over
/// chains of random reroutes, each patched graph must search as a graph built from scratch on the same edges, and every
/// earlier graph of the chain must still hold its own edges and search as it did.
/// </summary>
public sealed class OnwardGraphPatchSharingProperties
{
    private static readonly Gen<(int Seed, (int A, int B)[] Reroutes)[]> Cases =
        Gen.Select(Gen.Int[1, 1_000_000], Gen.Select(Gen.Int[0, 100_000], Gen.Int[0, 100_000]).Array[12]).Array[6];

    [Fact]
    public void PatchedGraphs_ShareWhatTheChangeLeaves_AndEveryVersionKeepsItsEdges()
    {
        var engine = GeneratedEstates.Engine;
        long patched = 0, shared = 0;
        Cases.Sample(cases =>
        {
            foreach (var (seed, reroutes) in cases)
            {
                var estate = GeneratedEstates.Generate(seed, 90);
                var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
                var resolved = new FactBuilder(engine.Resolver).Resolve(estate);
                var graph = new OnwardGraph(Direct(resolved, context), regimesToFollow: null);
                // Every version of the chain, with copies of its edge arrays and its searches as first made.
                var versions = new List<(OnwardGraph Graph, int[] To, long[] Set, long[] Own, int[] Kind, Dictionary<string, RegimeSearch> Searches)>();
                void Keep(OnwardGraph g) => versions.Add((g, [.. g.To], [.. g.EdgeSet], [.. g.EdgeOwn], [.. g.EdgeKind],
                    g.Regimes.ToDictionary(r => r, r => g.SearchRecorded(r, new SearchScratch(), out _))));
                Keep(graph);
                foreach (var (a, b) in reroutes)
                {
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
                    if (graph.Patched(edges, [at[0]]) is not { } after) continue;
                    (estate, resolved) = (rerouted, next);
                    var e0 = at[0];
                    // What the change leaves equal is shared; what it changes is the patched graph's own.
                    Assert.Equal(graph.EdgeSet[e0] == after.EdgeSet[e0], ReferenceEquals(graph.EdgeSet, after.EdgeSet));
                    Assert.Equal(graph.EdgeOwn[e0] == after.EdgeOwn[e0], ReferenceEquals(graph.EdgeOwn, after.EdgeOwn));
                    Assert.Equal(graph.EdgeKind[e0] == after.EdgeKind[e0], ReferenceEquals(graph.EdgeKind, after.EdgeKind));
                    Assert.Equal(graph.To[e0] == after.To[e0], ReferenceEquals(graph.To, after.To));
                    if (ReferenceEquals(graph.EdgeSet, after.EdgeSet)) shared++;
                    // The patched graph searches as one built from scratch on the same edges.
                    var scratch = new OnwardGraph(edges, regimesToFollow: null);
                    foreach (var regime in after.Regimes)
                    {
                        var mine = after.SearchRecorded(regime, new SearchScratch(), out _);
                        var theirs = scratch.SearchRecorded(regime, new SearchScratch(), out _);
                        // (Node ids may differ between the two graphs; edges are the same list: nodes are compared by the edge that reached them.)
                        Assert.True(mine.Order.Select(n => (mine.Trace.ReachedBy[n], mine.Trace.Length(n))).SequenceEqual(theirs.Order.Select(n => (theirs.Trace.ReachedBy[n], theirs.Trace.Length(n)))),
                            $"seed {seed}, {regime}: reached its nodes otherwise");
                    }
                    Keep(after);
                    graph = after;
                    patched++;
                }
                // Every earlier version still holds its own edges and searches as it did.
                foreach (var (g, to, set, own, kind, searches) in versions)
                {
                    Assert.True(g.To.SequenceEqual(to) && g.EdgeSet.SequenceEqual(set) && g.EdgeOwn.SequenceEqual(own) && g.EdgeKind.SequenceEqual(kind), $"seed {seed}: a version's edges changed");
                    foreach (var (regime, was) in searches)
                    {
                        var now = g.SearchRecorded(regime, new SearchScratch(), out _);
                        Assert.True(now.Order.SequenceEqual(was.Order) && now.Arrived.SequenceEqual(was.Arrived), $"seed {seed}, {regime}: an earlier version searches otherwise");
                    }
                }
            }
        }, iter: 1, seed: "0N0XIzNsQ0O3", threads: 1);

        // Not vacuous: many patched versions, most of them sharing the categories.
        Assert.True(patched > 30 && shared > 20, $"{patched} patched graphs, {shared} sharing the edges' categories");
    }

    private static List<TransferFact> Direct(ResolvedEstate resolved, EvaluationContext context)
    {
        var engine = GeneratedEstates.Engine;
        var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(engine.Resolver).Implied(resolved, context)).OfType<TransferFact>().ToList();
        var volumes = ExportVolumes.Of(direct);
        foreach (var t in direct) volumes.Apply(t);
        return direct;
    }
}
