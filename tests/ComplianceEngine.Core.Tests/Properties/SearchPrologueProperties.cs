using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Evaluation.Runners;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;

namespace ComplianceEngine.Core.Tests.Properties;

/// <summary>
/// The per-regime work before a search's breadth-first walk, done in batches (tenth round): the onward filter's edge and
/// regime test answered for every edge at once, and a regime's individuals counted without a lookup for a repeated pair.
/// Each gives what the per-edge path gives, on the bench generator's estate.
/// </summary>
public sealed class SearchPrologueProperties
{
    private static readonly Lazy<List<TransferFact>> Direct = new(() =>
    {
        var estate = GeneratedEstates.Generate(seed: 7, flows: 5_000);
        var engine = GeneratedEstates.Engine;
        var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
        var resolved = new FactBuilder(engine.Resolver).Resolve(estate);
        return [.. FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(engine.Resolver).Implied(resolved, context)).OfType<TransferFact>()];
    });

    private static IReadOnlySet<string>? Follow => OnwardScope.Of(GeneratedEstates.Engine.Rules.Rules);

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 4)]
    public void MayWantEach_EveryRegime_RandomBound_TheAnswersOfMayWantPerEdge(int copies, int seed)
    {
        // Rules repeated: more than 64 rules make each edge's mask two words.
        var rules = Enumerable.Repeat(new RuleSelection(GeneratedEstates.Engine.Rules).Transfer, copies).SelectMany(r => r).ToArray();
        var direct = Direct.Value;
        var graph = new OnwardGraph(direct, Follow);
        var filter = new OnwardRuleFilter(rules, workers: 1);
        filter.Prepare(direct);
        var random = new Random(seed);
        var wantedSomewhere = 0;
        foreach (var regime in graph.Regimes)
        {
            var bound = new bool[direct.Count];
            for (var e = 0; e < bound.Length; e++) bound[e] = random.Next(3) == 0;
            var batch = new bool[direct.Count];
            filter.MayWantEach(regime, bound, batch);
            for (var e = 0; e < direct.Count; e++)
            {
                var one = !bound[e] && filter.MayWant(e, regime);
                Assert.True(one == batch[e], $"edge {e} under {regime}: MayWant says {one}, MayWantEach {batch[e]}");
                if (one) wantedSomewhere++;
            }
        }
        Assert.True(wantedSomewhere > 100, $"the filter should want hops along many edges, wants {wantedSomewhere}");
        Assert.True(graph.Regimes.Count > 3);
    }

    [Fact]
    public void SearchFor_BatchFilter_TheSameSearchAsAFilterAskedPerEdge()
    {
        var direct = Direct.Value;
        var graph = new OnwardGraph(direct, Follow);
        var batch = new OnwardRuleFilter(new RuleSelection(GeneratedEstates.Engine.Rules).Transfer, workers: 1);
        batch.Prepare(direct);
        var perEdge = new PerEdge(batch);
        foreach (var regime in graph.Regimes)
        {
            var a = graph.SearchFor(regime, new SearchScratch(), batch);
            var b = graph.SearchFor(regime, new SearchScratch(), perEdge);
            Assert.Equal(b.Candidates, a.Candidates);
            Assert.Equal(b.Order, a.Order);
            Assert.Equal(b.Arrived, a.Arrived);
        }
    }

    [Fact]
    public void LotCounts_PairsRepeatedAndInterleaved_EachCountedOnce()
    {
        var a = new CarriedData([], [], [], [], 10, 1);
        var b = new CarriedData([], [], [], [], 100, null);
        var c = new CarriedData([], [], [], [], 1000, 3);
        var counts = new LotCounts(2);
        counts.Add(0, a);
        counts.Add(0, a);
        counts.Add(0, b);
        counts.Add(0, a);
        counts.Add(1, a);
        counts.Add(1, a);
        counts.Add(0, b);
        counts.Add(1, c);
        counts.Add(1, a);

        Assert.Equal((110.0, (double?)null), counts.Of([new Lot(0, 1)]));
        Assert.Equal((1010.0, (double?)4.0), counts.Of([new Lot(1, 1)]));
        Assert.Equal((1120.0, (double?)null), counts.Of([new Lot(0, 1), new Lot(1, 1)]));
    }

    /// <summary>The same answers, asked edge by edge (not a batch filter).</summary>
    private sealed class PerEdge(OnwardRuleFilter inner) : IOnwardHopFilter
    {
        public void Prepare(IReadOnlyList<TransferFact> transfers) => inner.Prepare(transfers);

        public bool Wanted(int edge, string regime, CarriedData data) => inner.Wanted(edge, regime, data);

        public bool MayWant(int edge, string regime) => inner.MayWant(edge, regime);
    }
}
