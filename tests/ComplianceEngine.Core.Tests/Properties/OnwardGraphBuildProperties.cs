using System.Collections.Immutable;
using ComplianceEngine.Bench;
using ComplianceEngine.Core.Facts;
using CsCheck;

namespace ComplianceEngine.Core.Tests.Properties;

/// <summary>
/// Issue 13 (onward graph): the graph read in one pass over the facts (the last node, exporter and data kept between
/// consecutive edges, each list's vocabulary worked out once) numbers and links everything as a pass per field does: the
/// node ids in the order the edges first name them (source before destination), each node's edges in order with a store's
/// cluster edges after its own, the regimes, which edges each regime binds, each edge's own and carried categories and its
/// kind of lot numbered in the order the edges first name them. The reference below is that pass per field, written plainly.
/// Generated estates of both topologies, narrow and wide category sets, every regime and a few followed; fixed seed.
/// </summary>
public sealed class OnwardGraphBuildProperties
{
    private static readonly Gen<(int Seed, bool Dense, bool Wide, bool Some)[]> Cases =
        Gen.Select(Gen.Int[1, 1_000_000], Gen.Bool, Gen.Bool, Gen.Bool).Array[10];

    [Fact]
    public void Graph_NumbersAndLinksAsAPassPerField()
    {
        long edgesCompared = 0, storesMerged = 0;
        Cases.Sample(cases =>
        {
            foreach (var (seed, dense, wide, some) in cases)
            {
                var estate = new EstateGenerator(GeneratedEstates.Geo, seed, dense ? Topology.Dense : Topology.Layered).Generate(EstateSize.ForFlows(300));
                var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
                var resolved = new FactBuilder(GeneratedEstates.Engine.Resolver).Resolve(estate);
                var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(GeneratedEstates.Engine.Resolver).Implied(resolved, context))
                    .OfType<TransferFact>().ToList();
                var where = $"seed {seed} ({(dense ? "dense" : "layered")}, {(wide ? "wide" : "narrow")}, {(some ? "some regimes" : "all regimes")})";
                HashSet<string>? follow = some ? direct.SelectMany(t => t.Source.Regimes).Distinct().Order(StringComparer.Ordinal).Where((_, i) => i % 2 == 0).ToHashSet() : null;
                var graph = new OnwardGraph(direct, follow, ids: null, narrowLimit: wide ? 3 : CategoryBits.NarrowLimit);

                // Node ids: first named, source before destination.
                var ids = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var t in direct)
                {
                    ids.TryAdd(t.FromNode, ids.Count);
                    ids.TryAdd(t.ToNode, ids.Count);
                }
                Assert.Equal(ids.OrderBy(p => p.Value), graph.Ids.OrderBy(p => p.Value));
                Assert.Equal(direct.Select(t => ids[t.FromNode]), graph.From);
                Assert.Equal(direct.Select(t => ids[t.ToNode]), graph.To);

                // Each node's edges, a store's cluster edges (those it does not already have) after its own.
                var outgoing = new List<int>?[ids.Count];
                for (var i = 0; i < direct.Count; i++)
                {
                    if (direct[i].FromNode.Length != 0) (outgoing[ids[direct[i].FromNode]] ??= []).Add(i);
                }
                var merged = new HashSet<int>();
                for (var i = 0; i < direct.Count; i++)
                {
                    var t = direct[i];
                    if (!t.ToNode.StartsWith("DataStore/", StringComparison.Ordinal) || t.Destination.Kind != "Cluster" || !merged.Add(ids[t.ToNode])) continue;
                    var store = ids[t.ToNode];
                    if (!ids.TryGetValue("Cluster/" + t.Destination.Name, out var cluster) || outgoing[cluster] is not { } clusterEdges) continue;
                    var own = outgoing[store] ?? [];
                    outgoing[store] = [.. own, .. clusterEdges.Where(e => !own.Contains(e))];
                    storesMerged++;
                }
                for (var n = 0; n < ids.Count; n++) Assert.True((outgoing[n]?.ToArray() ?? []).SequenceEqual(graph.Outgoing[n] ?? []), $"{where}: node {n}'s edges");

                // The regimes, and which edges each binds.
                var regimes = direct.SelectMany(t => t.Source.Regimes).Where(r => follow is null || follow.Contains(r)).Distinct().Order(StringComparer.Ordinal).ToList();
                if (direct.Any(t => t.Source.Country is null)) regimes.Add(FlowAnalyzer.UnknownOrigin);
                Assert.Equal(regimes, graph.Regimes);
                var scratch = new SearchScratch();
                foreach (var regime in graph.Regimes)
                {
                    var bound = graph.Search(regime, scratch).Bound;
                    for (var i = 0; i < direct.Count; i++)
                    {
                        var binds = regime == FlowAnalyzer.UnknownOrigin ? direct[i].Source.Country is null : direct[i].Source.Regimes.Contains(regime);
                        Assert.True(binds == bound[i], $"{where}: regime {regime}, edge {i}");
                    }
                }

                // Each edge's categories and kind of lot (kinds numbered as first named).
                var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < direct.Count; i++)
                {
                    var t = direct[i];
                    var declared = t.Categories.IsDefaultOrEmpty ? null : t.Categories.Distinct().Order(StringComparer.Ordinal).ToList();
                    if (declared is null) Assert.Equal(CategoryBits.All, graph.EdgeOwn[i]);
                    else Assert.Equal(declared, graph.Categories.Names(graph.EdgeOwn[i]).Distinct().Order(StringComparer.Ordinal));
                    Assert.Equal(t.CarriesOnlyItsCategories ? graph.EdgeOwn[i] : CategoryBits.All, graph.EdgeSet[i]);
                    var kind = string.Join("\u0002", Key(t.Subjects), Key(t.SubjectTypes), Key(t.Designations));
                    kinds.TryAdd(kind, kinds.Count);
                    Assert.True(kinds[kind] == graph.EdgeKind[i], $"{where}: edge {i}'s kind");
                    edgesCompared++;
                }
            }
        }, iter: 1, seed: "0N0XIzNsQ0O2", threads: 1);

        // Not vacuous: many edges, and stores merged with their clusters.
        Assert.True(edgesCompared > 1000 && storesMerged > 10, $"{edgesCompared} edges, {storesMerged} stores merged");
    }

    /// <summary>A list by its items (a default list is an empty one, as kinds compare them).</summary>
    private static string Key(ImmutableArray<string> list) => list.IsDefaultOrEmpty ? "" : string.Join("\u0001", list);
}
