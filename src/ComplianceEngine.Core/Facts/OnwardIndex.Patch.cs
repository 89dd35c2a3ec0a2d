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
    /// <summary>Scratch reused by replays, one table per replay run at once (one writer at a time, as the index).</summary>
    private List<NodeLotTable> _replayLots = [];

    /// <summary>Scratch for the cut-off replays: the lots recorded nodes held (<see cref="OnwardGraph.ReplayCut"/>), one table per replay run at once.</summary>
    private List<NodeLotTable> _replayShadows = [];

    /// <summary>
    /// How many regimes' replays may run at once (1: one after the other). The replays of one update are independent (each
    /// reads the shared graph and its own log and writes only its own tables), so a reroute that reaches two regimes waits
    /// for the longer of them instead of both; the results are the same either way.
    /// </summary>
    internal int Workers { get; init; } = 1;

    /// <summary>
    /// Scratch for <see cref="Regenerated"/>: per edge, whether it changed in the update under way (all false between
    /// updates; shared by the versions an index's updates make, one writer at a time).
    /// </summary>
    private bool[] _isChanged = [];

    private OnwardUpdate? Patch(IReadOnlyList<TransferFact> direct, Action<string>? mark)
    {
        var old = Graph;
        if (direct.Count != old.Transfers.Count) return null;
        var changed = new List<int>();
        for (var e = 0; e < direct.Count; e++)
        {
            if (!SameEdge(old.Transfers[e], direct[e])) changed.Add(e);
        }
        TransferFact[] own = [.. direct];
        mark?.Invoke("compare");
        return Patch(own, changed, mark);
    }

    /// <summary>
    /// The update when <paramref name="own"/> (the next version's transfers, an array the next index keeps: no one else writes
    /// to it) differs from this version's exactly at <paramref name="changed"/> (ascending, each edge whose transfer is not
    /// <see cref="SameEdge"/> to this version's): the other edges are not looked at. Null when the graph cannot be patched.
    /// </summary>
    private OnwardUpdate? Patch(TransferFact[] own, List<int> changed, Action<string>? mark)
    {
        var old = Graph;
        if (old.Patched(own, changed, _regimesToFollow) is not { } graph) return null;
        mark?.Invoke("graph");
        if (graph.Regimes.Count > 0)
        {
            // Only the changed edges' answers are worked out again (the filter's are patched in place).
            if (_filter is IReusingHopFilter reusing) reusing.Patch(old.Transfers, own, changed);
            else _filter?.Prepare(own);
        }
        // Which edges changed, as bits (the scratch is cleared again before the update returns).
        if (_isChanged.Length < own.Length) _isChanged = new bool[own.Length];
        var isChanged = _isChanged;
        try
        {
            return Patch(own, changed, graph, isChanged, mark);
        }
        finally
        {
            foreach (var e in changed) isChanged[e] = false;
        }
    }

    /// <summary>The rest of <see cref="Patch(TransferFact[], List{int}, Action{string}?)"/> once the graph is patched and the filter prepared.</summary>
    private OnwardUpdate Patch(TransferFact[] own, List<int> changed, OnwardGraph graph, bool[] isChanged, Action<string>? mark)
    {
        var old = Graph;

        // Edges whose change moves data (they end elsewhere or carry other categories) and edges whose data changed only
        // (the same way through the graph: only the hops along them, the chains through them and, where a regime binds
        // them, its seeds and counts can differ).
        var moving = new List<int>();
        foreach (var e in changed)
        {
            isChanged[e] = true;
            if (old.To[e] != graph.To[e] || old.EdgeSet[e] != graph.EdgeSet[e]) moving.Add(e);
        }
        // The nodes whose edges changed (a hop along a changed edge leaves one): a regime whose data reached none keeps its hops.
        var listing = graph.Listing(changed);
        var movingListing = moving.Count == changed.Count ? listing : graph.Listing(moving);
        var moved = new List<int>(movingListing);
        moved.AddRange(graph.Restructured);
        mark?.Invoke("filter+listing");

        int[]? map = null;
        var byRegime = new Dictionary<string, RegimeHops>(StringComparer.Ordinal);
        var removed = new List<TransferFact>();
        var added = new List<TransferFact>();
        var searched = new List<string>();
        var previous = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var scratch = new SearchScratch();
        var replayed = 0;
        var walkedAll = 0;
        var regionNodes = 0;
        // First what each regime needs (nothing, a replay of its log, or a full search), then the replays (at once on several
        // threads when they can be), then each regime's hops, in the regimes' order.
        var work = new List<Replayed?>();
        for (var r = 0; r < graph.Regimes.Count; r++)
        {
            var regime = graph.Regimes[r];
            var before = _byRegime[regime];
            var reached = before.Search.Trace.ReachedBy;
            bool Reached(int n) => n < reached.Length && reached[n] != RegimeTrace.Unreached;
            var touched = moved.Exists(Reached);
            var listed = touched || listing.Any(Reached);
            // Seeds: a changed edge the regime binds in either version starts its data differently when it is bound in
            // one version only, or carries another kind or categories; its individuals may count differently.
            var seeds = new List<(int Node, long Categories)>();
            var countsChanged = false;
            foreach (var e in changed)
            {
                bool was = old.BindsAt(r, e), now = graph.BindsAt(r, e);
                if (!was && !now) continue;
                countsChanged |= was != now || old.EdgeKind[e] != graph.EdgeKind[e] || !ReferenceEquals(old.Transfers[e].Held, own[e].Held);
                if (was != now || old.EdgeKind[e] != graph.EdgeKind[e] || old.EdgeOwn[e] != graph.EdgeOwn[e])
                    seeds.Add((graph.From[e], now ? graph.EdgeOwn[e] : CategoryBits.Nothing));
            }
            if (!listed && seeds.Count == 0 && !countsChanged)
            {
                byRegime[regime] = before;
                continue;
            }
            searched.Add(regime);
            if (before.Log is not { } log || !ReferenceEquals(before.Search.Graph.Lots, graph.Lots))
            {
                work.Add(new Replayed(regime, before, null, [], before.Search.Bound, before.Search.Counts, [], []));
                continue;
            }
            // The bound edges and their counts, as a full search of this graph has them.
            IReadOnlyList<int> boundEdges = log.BoundEdges;
            var bound = before.Search.Bound;
            var counts = before.Search.Counts;
            var recount = new HashSet<int>();
            if (countsChanged || seeds.Count > 0)
            {
                bound = (bool[])bound.Clone();
                var set = new SortedSet<int>(boundEdges);
                foreach (var e in changed)
                {
                    bound[e] = graph.BindsAt(r, e);
                    if (bound[e]) set.Add(e);
                    else set.Remove(e);
                    if (old.BindsAt(r, e)) recount.Add(old.EdgeKind[e]);
                    if (bound[e]) recount.Add(graph.EdgeKind[e]);
                }
                boundEdges = [.. set];
                // The kinds of lot stay the same while graphs are patched (a new kind builds a new graph), so the previous
                // search's counts cover every kind.
                counts = CountsOf(graph, boundEdges);
                var was = before.Search.Counts;
                recount.RemoveWhere(k => was.Of([new Lot(k, 0)]) == counts.Of([new Lot(k, 0)]));
            }
            mark?.Invoke(regime + ":counts");
            if (seeds.Count == 0 && !countsChanged && moving.Count > 0 && graph.Restructured.Count == 0 && log.HasGrowth)
            {
                // Only edges moved: the replay cut off where the search runs as recorded (its region is found as it runs).
                work.Add(new Replayed(regime, before, log, boundEdges, bound, counts, recount, []) { Moving = moving });
                continue;
            }
            var region = graph.RegionOf(old, before.Search, moving, movingListing, seeds);
            mark?.Invoke(regime + ":region");
            work.Add(new Replayed(regime, before, log, boundEdges, bound, counts, recount, region));
        }

        // The replays: each with a lot table of its own (kept with the index for the next update).
        var replays = work.FindAll(w => w!.Log is not null);
        while (_replayLots.Count < replays.Count) _replayLots.Add(new NodeLotTable());
        while (_replayShadows.Count < replays.Count) _replayShadows.Add(new NodeLotTable());
        if (replays.Exists(w => w!.Moving is not null)) graph.PrepareCut();
        void Replay(int k)
        {
            var w = replays[k]!;
            w.Lots = _replayLots[k];
            if (w.Moving is not null)
            {
                w.Search = graph.ReplayCut(w.Before.Search, w.Log!, old, w.Lots, _replayShadows[k], out var cutLog, out var cutEvents, out var cutUnset, out var live, out var walked);
                (w.Pending, w.Events, w.Unset, w.Region, w.Walked) = (cutLog, cutEvents, cutUnset, live, walked);
                return;
            }
            w.Search = graph.ReplayUnset(w.Before.Search, w.Log!, w.Region, w.Counts, w.Lots, w.BoundEdges, w.Bound, out var next, out var events, out var unset);
            (w.Next, w.Events, w.Unset) = (next, events, unset);
        }
        var atOnce = replays.Count > 1 && Workers > 1 && graph.Categories.Narrow;
        if (atOnce)
        {
            // The costliest first (the turns its regime's last replay took one by one, else its log's turns), on this thread.
            OnwardGraph.CostliestFirst(replays.Count, k => replays[k]!.Log is { } l ? (l.ReplayCost > 0 ? l.ReplayCost : l.EventNode.Count) : 0, Workers, Replay);
            mark?.Invoke("replays");
        }
        else
        {
            for (var k = 0; k < replays.Count; k++)
            {
                Replay(k);
                mark?.Invoke(replays[k]!.Regime + ":replay");
            }
        }
        // The next logs are written on one other thread from here on, in the regimes' order (the next update waits for each
        // as it reaches its regime): after the replays, so that the writing does not take a core from a replay still under
        // way, and one after the other, so that it takes one core from the rest of the update, not both.
        var pendings = replays.Where(w => w!.Pending is not null).Select(w => w!.Pending!).ToArray();
        if (pendings.Length > 0)
        {
            _ = Task.Run(() =>
            {
                foreach (var pending in pendings) _ = pending.Value;
            });
        }

        foreach (var w in work)
        {
            var regime = w!.Regime;
            var before = w.Before;
            RegimeHops after;
            int[] from;
            if (w.Search is { } search)
            {
                // The lots that arrived at the region's nodes, interned in the graph's sets (one thread).
                graph.SetArrived(search, w.Lots!, w.Unset!);
                replayed += w.Events;
                walkedAll += w.Walked;
                var region = w.Region;
                foreach (var n in search.Order)
                {
                    if (region[n]) regionNodes++;
                }
                mark?.Invoke(regime + ":set-arrived");
                var regenerated = Regenerated(search, w.Region, listing, isChanged, w.Recount);
                mark?.Invoke(regime + ":regenerated");
                var hops = Compared(before, old, search, regenerated, removed, added, out from);
                after = new RegimeHops(hops.Search, hops.Edges, hops.Nodes, hops.Hops) { Log = w.Next, Pending = w.Pending, Runs = hops.Runs };
                mark?.Invoke(regime + ":hops");
            }
            else
            {
                var fresh = RegimeHops.Of(graph.SearchRecorded(regime, scratch, out var log2), _filter, log2);
                from = new int[fresh.Hops.Length];
                // Each edge's previous index: its own, but for the changed edges (worked out only for a full search).
                if (map is null)
                {
                    map = new int[own.Length];
                    for (var e = 0; e < map.Length; e++) map[e] = e;
                    foreach (var e in changed) map[e] = -1;
                }
                after = Diff(before, fresh, map, removed, added, from);
                mark?.Invoke(regime + ":full-search");
            }
            byRegime[regime] = after;
            previous[regime] = from;
        }
        return new OnwardUpdate(new OnwardIndex(own, graph, _regimesToFollow, _filter, byRegime) { _replayLots = _replayLots, _replayShadows = _replayShadows, _isChanged = _isChanged, Workers = Workers }, removed, added, searched)
        {
            Previous = previous,
            Patched = true,
            EventsReplayed = replayed,
            TurnsWalked = walkedAll,
            RegionReached = regionNodes,
            ReplayedAtOnce = atOnce ? replays.Count : 0,
        };
    }

    /// <summary>
    /// One regime searched again: what its replay starts from (its previous search and log, null for a full search instead;
    /// its bound edges, their counts, the kinds of lot counted differently, the region), and, once replayed, its search (its
    /// region's arrived lots still to set from <see cref="Lots"/>), log and the events handled.
    /// </summary>
    private sealed class Replayed(string regime, RegimeHops before, SearchLog? log, IReadOnlyList<int> boundEdges, bool[] bound, LotCounts counts,
        HashSet<int> recount, bool[] region)
    {
        public string Regime { get; } = regime;
        public RegimeHops Before { get; } = before;
        public SearchLog? Log { get; } = log;
        public IReadOnlyList<int> BoundEdges { get; } = boundEdges;
        public bool[] Bound { get; } = bound;
        public LotCounts Counts { get; } = counts;
        public HashSet<int> Recount { get; } = recount;
        public bool[] Region { get; set; } = region;

        /// <summary>The edges that moved, when the replay is cut off where the search runs as recorded (<see cref="OnwardGraph.ReplayCut"/>); null for a replay of a region.</summary>
        public IReadOnlyList<int>? Moving { get; init; }
        public NodeLotTable? Lots { get; set; }

        /// <summary>How many turns a cut-off replay took one by one (<see cref="OnwardGraph.ReplayCut(RegimeSearch, SearchLog, OnwardGraph, NodeLotTable, NodeLotTable, out Lazy{SearchLog}, out int, out List{int}, out bool[], out int)"/>).</summary>
        public int Walked { get; set; }
        public RegimeSearch? Search { get; set; }
        public SearchLog? Next { get; set; }

        /// <summary>A cut-off replay's log, to be written off the update's path.</summary>
        public Lazy<SearchLog>? Pending { get; set; }
        public int Events { get; set; }
        public List<int>? Unset { get; set; }
    }

    /// <summary>The individuals per kind of lot of a regime whose bound edges are <paramref name="bound"/>, counted as a search of <paramref name="graph"/> counts them.</summary>
    private static LotCounts CountsOf(OnwardGraph graph, IReadOnlyList<int> bound)
    {
        var counts = new LotCounts(graph.Lots.Kinds);
        foreach (var i in bound) counts.Add(graph.EdgeKind[i], graph.Transfers[i].Held);
        return counts;
    }

    /// <summary>
    /// The nodes of <paramref name="search"/> whose hops are worked out again and compared: the region searched again, the
    /// nodes a changed edge leaves, the nodes whose chain runs along a changed edge (their hops' path or origin may read
    /// it), and the nodes holding a lot of a kind whose individuals now count differently (<paramref name="recounted"/>).
    /// </summary>
    private static bool[] Regenerated(RegimeSearch search, bool[] region, HashSet<int> listing, bool[] changed, HashSet<int> recounted)
    {
        var regenerated = (bool[])region.Clone();
        foreach (var node in listing) regenerated[node] = true;
        var trace = search.Trace;
        var chained = new bool[regenerated.Length];
        var lots = search.Graph.Lots;
        var holds = recounted.Count == 0 ? null : new Dictionary<int, bool>();
        for (var k = 0; k < search.Order.Length; k++)
        {
            var node = search.Order[k];
            var edge = trace.ReachedBy[node];
            // Nodes are reached after the node they are reached from: its mark is known.
            if (edge >= 0 && (changed[edge] || chained[trace.Via(node)])) chained[node] = regenerated[node] = true;
            var set = search.Arrived[k];
            if (holds is null || set == LotSets.Empty) continue;
            if (!holds.TryGetValue(set, out var held))
            {
                held = false;
                foreach (var lot in lots[set]) held |= recounted.Contains(lot.Kind);
                holds[set] = held;
            }
            if (held) regenerated[node] = true;
        }
        return regenerated;
    }

    /// <summary>
    /// The hops of a replayed search: a node not <paramref name="regenerated"/> keeps its previous hops; at the others each
    /// hop is compared (edge, data, origin, length, chain) with the previous one along the same edge before it is built.
    /// <paramref name="from"/> receives, per hop, the previous hop's position when kept (else -1).
    /// </summary>
    private RegimeHops Compared(RegimeHops before, OnwardGraph old, RegimeSearch after, bool[] regenerated, List<TransferFact> removed,
        List<TransferFact> added, out int[] from)
    {
        var chains = new ChainComparer(before.Search.Trace, after.Trace);
        var memo = new Dictionary<(int, long), CarriedData>();
        // First each regenerated node's candidates; then the hops' places: runs of the previous hops kept as they are (a node
        // not regenerated: its hops are the previous ones, side by side) and each regenerated node's candidates, while the
        // regenerated nodes' previous hops met on the way are noted by edge and node; then the arrays, at their size, filled by
        // runs (a reroute regenerates about a hundred nodes of thousands: the rest is copied, not added hop by hop).
        var candidates = new List<(int Edge, CarriedData Data)>();
        var regeneratedAt = new List<int>();
        for (var k = 0; k < after.Order.Length; k++)
        {
            if (!regenerated[after.Order[k]]) continue;
            after.HopsAt(k, _filter, memo, candidates);
            regeneratedAt.Add(candidates.Count);
        }
        var previous = new Dictionary<(int, int), int>();
        var parts = new List<(int Node, int Start, int Count, bool Kept, int FirstRun, int EndRun)>();
        var total = 0;
        // The walk steps over the previous hops node by node (their runs), not hop by hop.
        var runs = before.Runs;
        var lastRun = runs.Length - 1;
        var g = 0;
        var r = 0;
        void NoteRun(int run)
        {
            for (var i = runs[run]; i < runs[run + 1]; i++) previous[(before.Edges[i], before.Nodes[i])] = i;
        }
        for (var k = 0; k < after.Order.Length; k++)
        {
            var node = after.Order[k];
            if (!regenerated[node])
            {
                for (; g < lastRun && regenerated[before.Nodes[runs[g]]]; g++) NoteRun(g);
                if (g == lastRun || before.Nodes[runs[g]] != node) continue;
                var first = runs[g];
                var count = runs[g + 1] - first;
                if (parts.Count > 0 && parts[^1] is { Kept: true } last && last.EndRun == g) parts[^1] = last with { Count = last.Count + count, EndRun = g + 1 };
                else parts.Add((node, first, count, true, g, g + 1));
                g++;
                total += count;
                continue;
            }
            var start = r == 0 ? 0 : regeneratedAt[r - 1];
            var end = regeneratedAt[r++];
            if (end == start) continue;
            parts.Add((node, start, end - start, false, 0, 0));
            total += end - start;
        }
        // (The previous hops after the last kept run: a regenerated node's are noted too.)
        for (; g < lastRun; g++)
        {
            if (regenerated[before.Nodes[runs[g]]]) NoteRun(g);
        }
        var edges = new int[total];
        var nodes = new int[total];
        var hops = new TransferFact[total];
        var nextRuns = new List<int>();
        from = new int[total];
        var at = 0;
        foreach (var (node, start, count, kept, firstRun, endRun) in parts)
        {
            if (kept)
            {
                Array.Copy(before.Edges, start, edges, at, count);
                Array.Copy(before.Nodes, start, nodes, at, count);
                Array.Copy(before.Hops, start, hops, at, count);
                for (var c = 0; c < count; c++) from[at + c] = start + c;
                for (var run = firstRun; run < endRun; run++) nextRuns.Add(runs[run] - start + at);
                at += count;
                continue;
            }
            nextRuns.Add(at);
            for (var c = start; c < start + count; c++)
            {
                var (e, data) = candidates[c];
                var keep = -1;
                if (previous.Remove((e, node), out var i))
                {
                    var was = before.Hops[i];
                    if (SameEdge(old.Transfers[e], after.Graph.Transfers[e]) && was.Hop == after.Trace.Length(node)
                        && StructuralEquality.Equal(was.Data, data) && StructuralEquality.Equal(was.Origin, after.Trace.Origin(node)) && chains.Same(node))
                    {
                        keep = i;
                    }
                    else
                    {
                        removed.Add(was);
                    }
                }
                var hop = keep >= 0 ? before.Hops[keep] : after.BuildHop(e, node, data);
                if (keep < 0) added.Add(hop);
                edges[at] = e;
                nodes[at] = node;
                hops[at] = hop;
                from[at] = keep;
                at++;
            }
        }
        nextRuns.Add(total);
        // Hops of a node outside the region that it no longer reaches cannot exist (it is reached as before); the
        // regenerated nodes' previous hops not found again are gone.
        foreach (var i in previous.Values) removed.Add(before.Hops[i]);
        return new RegimeHops(after, edges, nodes, hops) { Runs = [.. nextRuns] };
    }
}
