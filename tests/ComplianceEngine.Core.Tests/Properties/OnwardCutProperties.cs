using ComplianceEngine.Bench;
using ComplianceEngine.Core.Evaluation.Incremental;
using ComplianceEngine.Core.Evaluation.Runners;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using CsCheck;

namespace ComplianceEngine.Core.Tests.Properties;

/// <summary>
/// Issue 13 (the onward search's work): a search cut to the hops a filter can want (<see cref="OnwardGraph.SearchFor"/>: the
/// regime's data followed only towards edges some rule could judge a hop of the regime along) gives exactly the full search's
/// hops under that filter: the same edges and nodes in the same order, each hop with the same data, origin, length and path.
/// Filters: the rules' own (<see cref="OnwardRuleFilter"/>, which cuts little in generated estates), none, and random ones that
/// rule out a third to nine tenths of the edges per regime, so that most of the graph is cut away. Generated estates of both
/// topologies, narrow and wide category sets; fixed seed, small budget.
/// </summary>
public sealed class OnwardCutProperties
{
    private static readonly Gen<(int Seed, bool Dense, bool Wide, int Cut)[]> Cases =
        Gen.Select(Gen.Int[1, 1_000_000], Gen.Bool, Gen.Bool, Gen.Int[0, 9]).Array[12];

    [Fact]
    public void CutSearch_GivesTheFullSearchsHops()
    {
        var transferRules = new RuleSelection(GeneratedEstates.Engine.Rules).Transfer;
        long hopsCompared = 0, nodesCut = 0, nodesReached = 0;
        Cases.Sample(cases =>
        {
            foreach (var (seed, dense, wide, cut) in cases)
            {
                var estate = new EstateGenerator(GeneratedEstates.Geo, seed, dense ? Topology.Dense : Topology.Layered).Generate(EstateSize.ForFlows(300));
                var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
                var resolved = new FactBuilder(GeneratedEstates.Engine.Resolver).Resolve(estate);
                var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(GeneratedEstates.Engine.Resolver).Implied(resolved, context))
                    .OfType<TransferFact>().ToList();
                var graph = new OnwardGraph(direct, regimesToFollow: null, ids: null, narrowLimit: wide ? 3 : CategoryBits.NarrowLimit);
                // cut 0: no filter; 1-2: the rules' filter; 3-9: a random filter ruling out cut/10 of the edges.
                IOnwardHopFilter? filter = cut switch
                {
                    0 => null,
                    <= 2 => new OnwardRuleFilter(transferRules, workers: 1),
                    _ => new RandomFilter(seed, cut / 10.0),
                };
                filter?.Prepare(direct);
                foreach (var regime in graph.Regimes)
                {
                    var where = $"seed {seed} ({(dense ? "dense" : "layered")}, {(wide ? "wide" : "narrow")} categories, filter {cut}), regime {regime}";
                    var full = graph.Search(regime, new SearchScratch());
                    var cutSearch = graph.SearchFor(regime, new SearchScratch(), filter);
                    var expected = full.Hops(filter).ToList();
                    var actual = cutSearch.Hops(filter).ToList();
                    Assert.True(expected.Count == actual.Count, $"{where}: {actual.Count} hops, the full search gives {expected.Count}");
                    for (var i = 0; i < expected.Count; i++)
                    {
                        var (e, n, hop) = expected[i];
                        var (ae, an, actualHop) = actual[i];
                        Assert.True(e == ae && n == an, $"{where}: hop {i} is along edge {ae} from node {an}, expected edge {e} from node {n}");
                        Assert.True(StructuralEquality.Equal(hop.Data, actualHop.Data), $"{where}: hop {i} carries other data");
                        Assert.True(hop.Hop == actualHop.Hop && StructuralEquality.Equal(hop.Origin, actualHop.Origin), $"{where}: hop {i} has another origin or length");
                        Assert.True(hop.Path.SequenceEqual(actualHop.Path), $"{where}: hop {i} has another path");
                        hopsCompared++;
                    }
                    nodesReached += full.Order.Length;
                    nodesCut += full.Order.Length - cutSearch.Order.Length;
                }
            }
        }, iter: 1, seed: "0N0XIzNsQ0O2", threads: 1);

        // Not vacuous: many hops compared, and the random filters cut a good part of the graph away.
        Assert.True(hopsCompared > 1000, $"{hopsCompared} hops compared");
        Assert.True(nodesCut * 10 > nodesReached, $"{nodesCut} of {nodesReached} nodes cut");
    }

    [Fact]
    public void CutSearch_FilterWantingNothing_ReachesOnlyWhereTheDataStarts()
    {
        var estate = GeneratedEstates.Generate(7, 200);
        var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
        var resolved = new FactBuilder(GeneratedEstates.Engine.Resolver).Resolve(estate);
        var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(GeneratedEstates.Engine.Resolver).Implied(resolved, context))
            .OfType<TransferFact>().ToList();
        var graph = new OnwardGraph(direct, regimesToFollow: null);
        var nothing = new RandomFilter(1, 1.0);
        nothing.Prepare(direct);

        foreach (var regime in graph.Regimes)
        {
            var search = graph.SearchFor(regime, new SearchScratch(), nothing);
            Assert.Empty(search.Hops(nothing));
            Assert.All(search.Order, node => Assert.Equal(RegimeTrace.Seed, search.Trace.ReachedBy[node]));
            Assert.True(graph.Search(regime, new SearchScratch()).Order.Length >= search.Order.Length);
        }
    }

    /// <summary>
    /// A filter that rules out each edge for each regime with probability <paramref name="cut"/> (a hash of the seed, edge and
    /// regime), and, of the rest, wants hops by their categories' count (so <see cref="Wanted"/> also depends on the data).
    /// </summary>
    private sealed class RandomFilter(int seed, double cut) : IOnwardHopFilter
    {
        public void Prepare(IReadOnlyList<TransferFact> transfers)
        {
        }

        public bool MayWant(int edge, string regime)
        {
            // The same in every process (string hash codes are randomised per process).
            var h = 2166136261u ^ (uint)seed;
            foreach (var c in regime) h = (h ^ c) * 16777619u;
            h = (h ^ (uint)edge) * 16777619u;
            h ^= h >> 15;
            h *= 2246822519u;
            h ^= h >> 13;
            return h % 1000 >= cut * 1000;
        }

        public bool Wanted(int edge, string regime, CarriedData data) => MayWant(edge, regime) && (data.Categories.Length + edge) % 4 != 0;
    }
}
