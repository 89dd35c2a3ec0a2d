using System.Collections.Immutable;

namespace ComplianceEngine.Core.Facts;

/// <summary>The onward index's side of a regime's search (issue 12, item 6): the hops leaving one node, worked out without building them.</summary>
internal sealed partial class RegimeSearch
{
    private ImmutableArray<string> _only;

    /// <summary>The regime's individuals per kind of lot (the same for a replay whose seeds did not change).</summary>
    public LotCounts Counts => counts;

    private ImmutableArray<string> Only => _only.IsDefault ? _only = Regime == FlowAnalyzer.UnknownOrigin ? [] : [Regime] : _only;

    /// <summary>
    /// The hops leaving node <see cref="Order"/>[<paramref name="k"/>], as <see cref="Hops"/> gives them (the same edges, in
    /// order, and only those <paramref name="filter"/> wants), each as its edge and the data it would carry, into
    /// <paramref name="into"/>: so a caller compares them with hops it has before building any (<see cref="BuildHop"/>).
    /// <paramref name="memo"/> shares the lots' data between calls on this search.
    /// </summary>
    public void HopsAt(int k, IOnwardHopFilter? filter, Dictionary<(int Set, long Categories), CarriedData> memo, List<(int Edge, CarriedData Data)> into)
    {
        var g = Graph;
        var node = Order[k];
        if (g.Outgoing[node] is not { } edges) return;
        var pred = Trace.ReachedBy[node];
        if (pred < 0) return;
        var only = Only;
        foreach (var e in edges)
        {
            if (e == pred || Bound[e]) continue;
            var carried = g.Lots.Carry(Arrived[k], g.EdgeSet[e]);
            if (carried == LotSets.Empty) continue;
            var edge = g.Transfers[e];
            var data = LotData(edge, carried, g.EdgeOwn[e], only, memo);
            if (filter is not null && !filter.Wanted(e, Regime, data)) continue;
            into.Add((e, FlowAnalyzer.AtMostTheEdges(data, edge.Data, only, g.Sensitivity)));
        }
    }

    /// <summary>The hop along edge <paramref name="e"/> leaving <paramref name="node"/> carrying <paramref name="data"/> (from <see cref="HopsAt"/>).</summary>
    public TransferFact BuildHop(int e, int node, CarriedData data) => OnwardHop(Graph.Transfers[e], e, node, Only, data);
}
