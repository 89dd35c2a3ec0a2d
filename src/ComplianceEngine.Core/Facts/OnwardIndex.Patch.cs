using ComplianceEngine.Core.Evaluation.Incremental;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// The onward index's update when edges changed in place (issue 12, item 6: a flow rerouted, its data or categories
/// changed): the same edges in the same order, only some of them different.
/// </summary>
/// <remarks>
/// <para>The graph is patched, not built again (<see cref="OnwardGraph.Patched"/>). The region a change can affect is the
/// nodes downstream of it: the old and new ends of each changed edge and every node whose edges were restructured, closed
/// under the edges of both versions. Outside the region nothing differs, so a regime whose data reached none of the nodes
/// whose edges changed keeps its hops as they are, and any other regime's search is replayed from its log
/// (<see cref="OnwardGraph.Replay"/>): only the region's nodes are searched again.</para>
/// <para>Hops are compared before they are built: a node outside the region whose edges did not change keeps its hops (the
/// same objects, at their new positions); at the others each hop is worked out as its edge and data
/// (<see cref="RegimeSearch.HopsAt"/>) and compared with the previous hop along the same edge from the same node (its edge,
/// data, origin, length and chain), and only a hop that differs is built.</para>
/// <para>Falls back to the general update (a new graph) for anything else: edges added, removed or reordered, an edge
/// leaving another node, new categories, kinds of lot or followed regimes. A regime whose seeds changed (a changed edge
/// its law binds carries other data) is searched in full.</para>
/// </remarks>
public sealed partial class OnwardIndex
{
    /// <summary>Scratch reused by replays (one writer at a time, as the index).</summary>
    private NodeLotTable _replayLots = new();

    private OnwardUpdate? Patch(IReadOnlyList<TransferFact> direct)
    {
        var old = Graph;
        if (direct.Count != old.Transfers.Count) return null;
        var changed = new List<int>();
        for (var e = 0; e < direct.Count; e++)
        {
            if (!SameEdge(old.Transfers[e], direct[e])) changed.Add(e);
        }
        TransferFact[] own = [.. direct];
        if (old.Patched(own, changed) is not { } graph) return null;
        var map = new int[own.Length];
        for (var e = 0; e < map.Length; e++) map[e] = e;
        foreach (var e in changed) map[e] = -1;
        if (graph.Regimes.Count > 0)
        {
            if (_filter is IReusingHopFilter reusing) reusing.Prepare(own, map);
            else _filter?.Prepare(own);
        }

        // The nodes whose edges changed (a hop along a changed edge leaves one): a regime whose data reached none keeps its hops.
        var listing = graph.Listing(changed);
        var moved = new List<int>(listing);
        moved.AddRange(graph.Restructured);

        var byRegime = new Dictionary<string, RegimeHops>(StringComparer.Ordinal);
        var removed = new List<TransferFact>();
        var added = new List<TransferFact>();
        var searched = new List<string>();
        var previous = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var scratch = new SearchScratch();
        var replayed = 0;
        var regionNodes = 0;
        foreach (var regime in graph.Regimes)
        {
            var before = _byRegime[regime];
            var reached = before.Search.Trace.ReachedBy;
            var touched = moved.Exists(n => n < reached.Length && reached[n] != RegimeTrace.Unreached);
            var seedsChanged = false;
            var heldChanged = 0;
            foreach (var e in changed)
            {
                if (graph.Binds(regime, e) && (before.Log is not { } logged || !SameSeed(old, graph, e, logged.BoundEdges, ref heldChanged))) seedsChanged = true;
            }
            if (!touched && !seedsChanged)
            {
                byRegime[regime] = before;
                continue;
            }
            searched.Add(regime);
            RegimeHops after;
            var from = new List<int>();
            if (!seedsChanged && before.Log is { } log && ReferenceEquals(before.Search.Graph.Lots, graph.Lots))
            {
                var region = graph.RegionOf(old, before.Search, changed, listing);
                var regenerated = (bool[])region.Clone();
                foreach (var node in listing) regenerated[node] = true;
                var search = graph.Replay(before.Search, log, region, before.Search.Counts, _replayLots, out var next, out var events);
                replayed += events;
                regionNodes += search.Order.Count(n => region[n]);
                var hops = Compared(before, old, search, regenerated, removed, added, from);
                after = new RegimeHops(hops.Search, hops.Edges, hops.Nodes, hops.Hops) { Log = next };
            }
            else
            {
                var fresh = RegimeHops.Of(graph.SearchRecorded(regime, scratch, out var log2), _filter, log2);
                var positions = new int[fresh.Hops.Length];
                after = Diff(before, fresh, map, removed, added, positions);
                from.AddRange(positions);
            }
            byRegime[regime] = after;
            previous[regime] = [.. from];
        }
        return new OnwardUpdate(new OnwardIndex(own, graph, _regimesToFollow, _filter, byRegime) { _replayLots = _replayLots }, removed, added, searched)
        {
            Previous = previous,
            Patched = true,
            EventsReplayed = replayed,
            RegionReached = regionNodes,
        };
    }

    /// <summary>
    /// Whether changed edge <paramref name="e"/>, which <paramref name="bound"/> (the regime's bound edges) holds, starts the
    /// regime's data the same in both versions: the same node, lot and categories, and the same individuals. A search counts
    /// each held data object once per kind of lot (by reference), so a new object is the same count only when both the old
    /// and the new object are also held by other bound edges of that kind; with more than one such edge, not assumed.
    /// </summary>
    private static bool SameSeed(OnwardGraph old, OnwardGraph graph, int e, List<int> bound, ref int heldChanged)
    {
        if (old.EdgeKind[e] != graph.EdgeKind[e] || old.EdgeOwn[e] != graph.EdgeOwn[e] || old.From[e] != graph.From[e]) return false;
        var (was, now) = (old.Transfers[e].Held, graph.Transfers[e].Held);
        if (ReferenceEquals(was, now)) return true;
        if (++heldChanged > 1) return false;
        var kind = graph.EdgeKind[e];
        bool wasElsewhere = false, nowElsewhere = false;
        foreach (var i in bound)
        {
            if (i == e || graph.EdgeKind[i] != kind) continue;
            var held = graph.Transfers[i].Held;
            wasElsewhere |= ReferenceEquals(held, was);
            nowElsewhere |= ReferenceEquals(held, now);
        }
        return wasElsewhere && nowElsewhere;
    }

    /// <summary>
    /// The hops of a replayed search: a node not <paramref name="regenerated"/> keeps its previous hops; at the others each
    /// hop is compared (edge, data, origin, length, chain) with the previous one along the same edge before it is built.
    /// <paramref name="from"/> receives, per hop, the previous hop's position when kept (else -1).
    /// </summary>
    private RegimeHops Compared(RegimeHops before, OnwardGraph old, RegimeSearch after, bool[] regenerated, List<TransferFact> removed,
        List<TransferFact> added, List<int> from)
    {
        var previous = new Dictionary<(int, int), int>();
        for (var i = 0; i < before.Hops.Length; i++)
        {
            if (regenerated[before.Nodes[i]]) previous[(before.Edges[i], before.Nodes[i])] = i;
        }
        var chains = new ChainComparer(before.Search.Trace, after.Trace);
        var memo = new Dictionary<(int, long), CarriedData>();
        var candidates = new List<(int Edge, CarriedData Data)>();
        var edges = new List<int>(before.Hops.Length);
        var nodes = new List<int>(before.Hops.Length);
        var hops = new List<TransferFact>(before.Hops.Length);
        var p = 0;
        for (var k = 0; k < after.Order.Length; k++)
        {
            var node = after.Order[k];
            if (!regenerated[node])
            {
                for (; p < before.Hops.Length && regenerated[before.Nodes[p]]; p++) { }
                for (; p < before.Hops.Length && before.Nodes[p] == node; p++)
                {
                    edges.Add(before.Edges[p]);
                    nodes.Add(node);
                    hops.Add(before.Hops[p]);
                    from.Add(p);
                }
                continue;
            }
            candidates.Clear();
            after.HopsAt(k, _filter, memo, candidates);
            foreach (var (e, data) in candidates)
            {
                var at = -1;
                if (previous.Remove((e, node), out var i))
                {
                    var was = before.Hops[i];
                    if (SameEdge(old.Transfers[e], after.Graph.Transfers[e]) && was.Hop == after.Trace.Length(node)
                        && StructuralEquality.Equal(was.Data, data) && StructuralEquality.Equal(was.Origin, after.Trace.Origin(node)) && chains.Same(node))
                    {
                        at = i;
                    }
                    else
                    {
                        removed.Add(was);
                    }
                }
                var hop = at >= 0 ? before.Hops[at] : after.BuildHop(e, node, data);
                if (at < 0) added.Add(hop);
                edges.Add(e);
                nodes.Add(node);
                hops.Add(hop);
                from.Add(at);
            }
        }
        // Hops of a node outside the region that it no longer reaches cannot exist (it is reached as before); the
        // regenerated nodes' previous hops not found again are gone.
        foreach (var i in previous.Values) removed.Add(before.Hops[i]);
        return new RegimeHops(after, [.. edges], [.. nodes], [.. hops]);
    }
}
