using ComplianceEngine.Bench;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Evaluation.Incremental;
using ComplianceEngine.Core.Evaluation.Runners;
using ComplianceEngine.Core.Rules;
using CsCheck;

namespace ComplianceEngine.Core.Tests.Properties;

/// <summary>
/// Issue 13 (the batch search's large objects): the batch search runs every regime with one scratch whose per-edge tables it
/// lends to each regime's search (<see cref="OnwardGraph.SearchLendingFor"/>) instead of copying them, and a regime's trace
/// keeps the paths to its nodes in pages. Neither may change a hop: regime after regime on one scratch, each hop (edge, node,
/// data, origin, length, path; paths read only after the next regime's search has reused the scratch) is the one a search of
/// its own gives. Generated estates of both topologies, large enough for several pages of nodes; fixed seed, small budget.
/// </summary>
public sealed class OnwardLendingProperties
{
    private static readonly Gen<(int Seed, bool Dense, bool RuleFilter)[]> Cases = Gen.Select(Gen.Int[1, 1_000_000], Gen.Bool, Gen.Bool).Array[2];

    [Fact]
    public void LendingSearches_OneScratchForEveryRegime_GiveEachRegimesOwnHops()
    {
        var transferRules = new RuleSelection(GeneratedEstates.Engine.Rules).Transfer;
        long hopsCompared = 0;
        var mostNodes = 0;
        Cases.Sample(cases =>
        {
            foreach (var (seed, dense, ruleFilter) in cases)
            {
                var estate = new EstateGenerator(GeneratedEstates.Geo, seed, dense ? Topology.Dense : Topology.Layered).Generate(EstateSize.ForFlows(20_000));
                var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
                var resolved = new FactBuilder(GeneratedEstates.Engine.Resolver).Resolve(estate);
                var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(GeneratedEstates.Engine.Resolver).Implied(resolved, context))
                    .OfType<TransferFact>().ToList();
                var graph = new OnwardGraph(direct, regimesToFollow: null);
                mostNodes = Math.Max(mostNodes, graph.NodeCount);
                var filter = ruleFilter ? new OnwardRuleFilter(transferRules, workers: 1) : null;
                filter?.Prepare(direct);

                // As the batch search does: one scratch, each regime's hops taken before the next regime's search starts.
                var shared = new SearchScratch();
                var lent = new List<(string Regime, List<(int Edge, int Node, TransferFact Hop)> Hops)>();
                foreach (var regime in graph.Regimes)
                {
                    var search = graph.SearchLendingFor(regime, shared, filter);
                    Assert.Same(shared.Bound, search.Bound);
                    lent.Add((regime, search.Hops(filter).ToList()));
                }
                foreach (var (regime, actual) in lent)
                {
                    var where = $"seed {seed} ({(dense ? "dense" : "layered")}, {(ruleFilter ? "the rules' filter" : "no filter")}), regime {regime}";
                    var own = graph.SearchFor(regime, new SearchScratch(), filter);
                    Assert.NotSame(shared.Bound, own.Bound);
                    var expected = own.Hops(filter).ToList();
                    Assert.True(expected.Count == actual.Count, $"{where}: {actual.Count} hops, a search of its own gives {expected.Count}");
                    for (var i = 0; i < expected.Count; i++)
                    {
                        var (e, n, hop) = expected[i];
                        var (ae, an, actualHop) = actual[i];
                        Assert.True(e == ae && n == an, $"{where}: hop {i} is along edge {ae} from node {an}, expected edge {e} from node {n}");
                        Assert.True(StructuralEquality.Equal(hop.Data, actualHop.Data), $"{where}: hop {i} carries other data");
                        Assert.True(hop.Hop == actualHop.Hop && StructuralEquality.Equal(hop.Origin, actualHop.Origin), $"{where}: hop {i} has another origin or length");
                        Assert.True(hop.Path.SequenceEqual(actualHop.Path), $"{where}: hop {i} has another path");
                        Assert.Equal(hop.ImpliedBy, actualHop.ImpliedBy);
                        hopsCompared++;
                    }
                }
            }
        }, iter: 1, seed: "0N0XIzNsQ0O2", threads: 1);

        // Not vacuous: many hops compared, over graphs of several pages of nodes (1,024 a page).
        Assert.True(hopsCompared > 1000, $"{hopsCompared} hops compared");
        Assert.True(mostNodes > 2 * 1024, $"the largest graph has {mostNodes} nodes");
    }

    [Fact]
    public void OnwardHops_TheBatchSearch_GivesTheHopsOfEachRegimesOwnSearchInRegimeOrder()
    {
        var estate = GeneratedEstates.Generate(11, 3000);
        var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
        var resolved = new FactBuilder(GeneratedEstates.Engine.Resolver).Resolve(estate);
        var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(GeneratedEstates.Engine.Resolver).Implied(resolved, context))
            .OfType<TransferFact>().ToList();
        var graph = new OnwardGraph(direct, regimesToFollow: null);
        var expected = graph.Regimes.SelectMany(r => graph.Search(r, new SearchScratch()).Hops(filter: null).Select(h => h.Hop)).ToList();

        var actual = FlowAnalyzer.OnwardHops(direct, regimesToFollow: null).ToList();

        Assert.True(expected.Count > 100, $"{expected.Count} hops");
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].OnwardRegime, actual[i].OnwardRegime);
            Assert.Equal(expected[i].OnwardEdge, actual[i].OnwardEdge);
            Assert.Equal(expected[i].OnwardNode, actual[i].OnwardNode);
            Assert.True(StructuralEquality.Equal(expected[i].Data, actual[i].Data), $"hop {i} carries other data");
            Assert.True(expected[i].Path.SequenceEqual(actual[i].Path), $"hop {i} has another path");
        }
    }
}
