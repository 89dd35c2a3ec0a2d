using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Inventory;
using CsCheck;

namespace ComplianceEngine.Core.Tests.Properties;

/// <summary>
/// Issue 12 item 6 (eleventh round): a graph patched after a reroute takes the edges backwards (which the cut-off replay
/// reads) from the graph it was patched from, each moved edge's node moved from its old destination's sources to its new
/// one's; over chains of random reroutes they must be exactly what a graph built from scratch on the same edges works out.
/// </summary>
public sealed class OnwardIncomingPatchProperties
{
    private static readonly Gen<(int Seed, (int A, int B)[] Reroutes)[]> Cases =
        Gen.Select(Gen.Int[1, 1_000_000], Gen.Select(Gen.Int[0, 100_000], Gen.Int[0, 100_000]).Array[12]).Array[6];

    [Fact]
    public void PatchedGraphs_TakeTheEdgesBackwardsPatched_AsAGraphBuiltFromScratchHasThem()
    {
        var engine = GeneratedEstates.Engine;
        long patched = 0, moved = 0;
        Cases.Sample(cases =>
        {
            foreach (var (seed, reroutes) in cases)
            {
                var estate = GeneratedEstates.Generate(seed, 90);
                var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
                var resolved = new FactBuilder(engine.Resolver).Resolve(estate);
                var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(engine.Resolver).Implied(resolved, context)).OfType<TransferFact>().ToList();
                var volumes = ExportVolumes.Of(direct);
                foreach (var t in direct) volumes.Apply(t);
                var graph = new OnwardGraph(direct, regimesToFollow: null);
                graph.PrepareCut();
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
                    patched++;
                    if (after.Restructured.Count == 0)
                    {
                        // Known without working them out again: the old graph's, patched (or shared when nothing moved).
                        Assert.True(after.KnowsIncoming, $"seed {seed}: the patched graph works out its edges backwards again");
                        if (graph.To[at[0]] != after.To[at[0]]) moved++;
                    }
                    var (start, from) = after.IncomingEdges();
                    var (start2, from2) = Backwards(after);
                    Assert.True(start.SequenceEqual(start2) && from.SequenceEqual(from2), $"seed {seed}: the patched edges backwards differ from the edges' own");
                    graph = after;
                }
            }
        }, iter: 3, threads: 1);
        Assert.True(patched > 30 && moved > 10, $"{patched} patched graphs, {moved} with an edge moved in place");
    }

    /// <summary>The graph's edges as the search follows them (each node's <see cref="OnwardGraph.Outgoing"/>), backwards, worked out here.</summary>
    private static (int[] Start, int[] From) Backwards(OnwardGraph graph)
    {
        var sources = new List<int>[graph.NodeCount];
        for (var n = 0; n < sources.Length; n++) sources[n] = [];
        for (var n = 0; n < graph.NodeCount; n++)
        {
            foreach (var e in graph.Outgoing[n] ?? []) sources[graph.To[e]].Add(n);
        }
        var start = new int[graph.NodeCount + 1];
        for (var n = 0; n < graph.NodeCount; n++) start[n + 1] = start[n] + sources[n].Count;
        return (start, [.. sources.SelectMany(x => x)]);
    }
}
