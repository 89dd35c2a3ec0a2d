using System.Runtime.InteropServices;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// The onward index's side of the graph (issue 12, item 6): a next version derived from this one when only some edges
/// changed in place (<see cref="Patched"/>), a search that records how it ran (<see cref="SearchRecorded"/>), and a
/// replay of a recorded search in which only the nodes downstream of the change are searched again (<see cref="Replay"/>).
/// </summary>
internal sealed partial class OnwardGraph
{
    /// <summary>
    /// The graph of <paramref name="transfers"/>, which are this graph's transfers with only the edges in
    /// <paramref name="changed"/> replaced (the same count and order), derived from this graph without looking at the
    /// other edges: node ids, categories and kinds of lot are shared, arrays copied and patched. A changed edge may end
    /// elsewhere, carry other data of a known kind, and leave a site under other regimes (its exporter moved: which regimes
    /// bind it is patched) as long as the regimes followed stay the same. Null when the change needs a graph built from
    /// scratch: an edge leaves another node, it declares new categories, its data is a new kind of lot, or the regimes
    /// followed change (<paramref name="regimesToFollow"/>: as the graph was built with, null for every regime).
    /// </summary>
    public OnwardGraph? Patched(IReadOnlyList<TransferFact> transfers, IReadOnlyList<int> changed, IReadOnlySet<string>? regimesToFollow = null)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        ArgumentNullException.ThrowIfNull(changed);
        if (transfers.Count != Transfers.Count) return null;
        var kinds = Lots.Kinds;
        var newNodes = new List<string>();
        ulong[]? binding = null;
        ulong unbound = 0;
        foreach (var e in changed)
        {
            TransferFact was = Transfers[e], now = transfers[e];
            if (!string.Equals(was.FromNode, now.FromNode, StringComparison.Ordinal)
                || was.CarriesOnlyItsCategories != now.CarriesOnlyItsCategories
                || !(now.Categories.IsDefaultOrEmpty || now.Categories.SequenceEqual(was.Categories, StringComparer.Ordinal)))
            {
                return null;
            }
            if (!was.Source.Regimes.SequenceEqual(now.Source.Regimes, StringComparer.Ordinal) || (was.Source.Country is null) != (now.Source.Country is null))
            {
                // The exporter's regimes changed: which regimes bind the edge is patched (a regime no longer followed, or
                // one not followed yet, needs the graph built again).
                if (_binding is null || BindingOf(now.Source, regimesToFollow) is not { } mask) return null;
                binding ??= (ulong[])_binding.Clone();
                unbound |= binding[e] & ~mask;
                binding[e] = mask;
            }
            if (!_ids.ContainsKey(now.ToNode)) newNodes.Add(now.ToNode);
        }
        if (binding is not null && unbound != 0)
        {
            // A regime some changed edge no longer binds is still followed only while another edge binds it.
            ulong any = 0;
            foreach (var mask in binding) any |= mask;
            if ((any & unbound) != unbound) return null;
        }
        var kindOf = new int[changed.Count];
        for (var c = 0; c < changed.Count; c++) kindOf[c] = Lots.KindOf(transfers[changed[c]].Data);
        // A new kind of lot would not be counted by the searches kept: build from scratch (the old graph's kinds only grew).
        if (Lots.Kinds != kinds) return null;
        return new OnwardGraph(this, transfers, changed, kindOf, newNodes, binding ?? _binding);
    }

    /// <summary>
    /// Which of <see cref="Regimes"/> bind an edge leaving <paramref name="source"/>, as the full constructor works it out; null
    /// when the site is under a followed regime this graph does not follow (or of unknown country, and no unknown-origin
    /// search is followed).
    /// </summary>
    private ulong? BindingOf(Location.Site source, IReadOnlySet<string>? regimesToFollow)
    {
        ulong mask = 0;
        foreach (var regime in source.Regimes)
        {
            var r = Regimes.IndexOf(regime);
            if (r >= 0 && regime != FlowAnalyzer.UnknownOrigin) mask |= 1UL << r;
            else if (r < 0 && (regimesToFollow is null || regimesToFollow.Contains(regime))) return null;
        }
        if (source.Country is null)
        {
            if (Regimes.Count == 0 || Regimes[^1] != FlowAnalyzer.UnknownOrigin) return null;
            mask |= 1UL << (Regimes.Count - 1);
        }
        return mask;
    }

    /// <summary>Whether regime <paramref name="regime"/> binds edge <paramref name="e"/>, read from the bits (as <see cref="Binds"/>, faster).</summary>
    public bool BindsAt(int regime, int e) => _binding is { } binding ? (binding[e] & (1UL << regime)) != 0 : Binds(Regimes[regime], e);

    private OnwardGraph(OnwardGraph old, IReadOnlyList<TransferFact> transfers, IReadOnlyList<int> changed, int[] kindOf, List<string> newNodes,
        ulong[]? binding)
    {
        Transfers = transfers;
        // Ids never change meaning: shared while no node is added (the old graph keeps its own count).
        if (newNodes.Count == 0)
        {
            _ids = old._ids;
        }
        else
        {
            _ids = new Dictionary<string, int>(old._ids, StringComparer.Ordinal);
            foreach (var key in newNodes) Id(key);
        }
        From = old.From;
        Regimes = old.Regimes;
        _binding = binding;
        Sensitivity = old.Sensitivity;
        Categories = old.Categories;
        Lots = old.Lots;
        // The edge arrays are never written after a graph is made: an array the changed edges leave as it was is shared with
        // the old graph (a reroute changes destinations only), and only an array some changed edge differs in is copied (each
        // is 105k entries at 100k flows: copying them all was a fifth of a reroute's index update, most of it the large
        // object heap's fresh pages and the collections they bring).
        var to = new int[changed.Count];
        var own = new long[changed.Count];
        var set = new long[changed.Count];
        bool sameTo = true, sameOwn = true, sameSet = true, sameKind = true;
        for (var c = 0; c < changed.Count; c++)
        {
            var e = changed[c];
            var t = transfers[e];
            to[c] = _ids[t.ToNode];
            own[c] = Categories.Of(t.Categories);
            set[c] = t.CarriesOnlyItsCategories ? own[c] : CategoryBits.All;
            sameTo &= to[c] == old.To[e];
            sameOwn &= own[c] == old.EdgeOwn[e];
            sameSet &= set[c] == old.EdgeSet[e];
            sameKind &= kindOf[c] == old.EdgeKind[e];
        }
        To = sameTo ? old.To : (int[])old.To.Clone();
        EdgeOwn = sameOwn ? old.EdgeOwn : (long[])old.EdgeOwn.Clone();
        EdgeSet = sameSet ? old.EdgeSet : (long[])old.EdgeSet.Clone();
        EdgeKind = sameKind ? old.EdgeKind : (int[])old.EdgeKind.Clone();
        for (var c = 0; c < changed.Count; c++)
        {
            var e = changed[c];
            if (!sameTo) To[e] = to[c];
            if (!sameOwn) EdgeOwn[e] = own[c];
            if (!sameSet) EdgeSet[e] = set[c];
            if (!sameKind) EdgeKind[e] = kindOf[c];
        }

        // Each node's edges are its own in order, and a store's also its cluster's when a transfer ends at it on that
        // cluster (as the full constructor merges them): only the stores the changed edges ended or end at can change.
        var nodes = _ids.Count;
        // (The old graph's lists are shared while no store's list changed and no node was added: copied only then.)
        int[]?[]? outgoing = null;
        int[]?[] Own()
        {
            if (outgoing is not null) return outgoing;
            outgoing = new int[]?[nodes];
            Array.Copy(old.Outgoing, outgoing, old.Outgoing.Length);
            return outgoing;
        }
        if (nodes != old.Outgoing.Length) Own();
        // (Only a store's list merges another node's edges: any other node's are its own, which leave it as before.)
        var stores = new HashSet<int>();
        foreach (var e in changed)
        {
            if (old.Transfers[e].ToNode.StartsWith("DataStore/", StringComparison.Ordinal)) stores.Add(old.To[e]);
            if (transfers[e].ToNode.StartsWith("DataStore/", StringComparison.Ordinal)) stores.Add(To[e]);
        }
        var restructured = new List<int>();
        var lists = OutgoingOf(stores);
        foreach (var store in stores)
        {
            var list = lists[store];
            var before = store < old.Outgoing.Length ? old.Outgoing[store] : null;
            if (before is null ? list is null : list is not null && before.AsSpan().SequenceEqual(list)) continue;
            Own()[store] = list;
            restructured.Add(store);
        }
        Outgoing = outgoing ?? old.Outgoing;
        Restructured = restructured;

        if (restructured.Count == 0)
        {
            // Every node leaves by the same edges as before (new nodes by none): the side-by-side arrays are the old ones,
            // the changed edges' destinations and categories written where they lie.
            _outStart = nodes == old.NodeCount ? old._outStart : [.. old._outStart, .. Enumerable.Repeat(old._outStart[^1], nodes - old.NodeCount)];
            _outEdge = old._outEdge;
            // (Shared with the old graph where no changed edge's destination or categories differ, as the arrays above.)
            _outTo = sameTo ? old._outTo : (int[])old._outTo.Clone();
            _outSet = sameSet ? old._outSet : (long[])old._outSet.Clone();
            if (sameTo && sameSet)
            {
                _incoming = old._incoming;
                return;
            }
            var positions = PositionsOf(changed);
            foreach (var at in positions)
            {
                if (!sameTo) _outTo[at] = To[_outEdge[at]];
                if (!sameSet) _outSet[at] = EdgeSet[_outEdge[at]];
            }
            if (sameTo) _incoming = old._incoming;
            else if (old._incoming is { } incoming) _incoming = MovedIncoming(old, incoming, positions);
            return;
        }
        _outStart = new int[nodes + 1];
        for (var n = 0; n < nodes; n++) _outStart[n + 1] = _outStart[n] + (Outgoing[n]?.Length ?? 0);
        _outEdge = new int[_outStart[^1]];
        _outTo = new int[_outEdge.Length];
        _outSet = new long[_outEdge.Length];
        for (var n = 0; n < nodes; n++)
        {
            if (Outgoing[n] is not { } edges) continue;
            for (var k = 0; k < edges.Length; k++)
            {
                var at = _outStart[n] + k;
                _outEdge[at] = edges[k];
                _outTo[at] = To[edges[k]];
                _outSet[at] = EdgeSet[edges[k]];
            }
        }
    }

    /// <summary>
    /// Where <paramref name="edges"/> lie among the edges side by side (<c>_outEdge</c>: a node's own edges and a store's merged
    /// cluster edges), in ascending order: one pass over that array (a vector search for a single edge).
    /// </summary>
    private List<int> PositionsOf(IReadOnlyList<int> edges)
    {
        var positions = new List<int>();
        if (edges.Count == 0) return positions;
        var all = _outEdge.AsSpan();
        if (edges.Count == 1)
        {
            var e = edges[0];
            for (var at = 0; at < all.Length;)
            {
                var k = all[at..].IndexOf(e);
                if (k < 0) break;
                positions.Add(at + k);
                at += k + 1;
            }
            return positions;
        }
        var wanted = new bool[Transfers.Count];
        foreach (var e in edges) wanted[e] = true;
        for (var at = 0; at < all.Length; at++)
        {
            if (wanted[all[at]]) positions.Add(at);
        }
        return positions;
    }

    /// <summary>
    /// The edges backwards (<see cref="Incoming"/>) of this graph, patched from <paramref name="old"/>'s (<paramref name="incoming"/>),
    /// whose side-by-side edges are these but for the destinations at some of <paramref name="positions"/>: each moved edge's
    /// node taken out of its old destination's sources and put among its new one's, in order, as <see cref="Incoming"/> lists
    /// them. Only the sources between the two places shift by one, and only the starts of the nodes between the two
    /// destinations change (a copy of each array and a shift per moved edge, where building them scatters every edge).
    /// </summary>
    private (int[] Start, int[] From) MovedIncoming(OnwardGraph old, (int[] Start, int[] From) incoming, List<int> positions)
    {
        var nodes = NodeCount;
        var start = new int[nodes + 1];
        var (oldStart, oldFrom) = incoming;
        Array.Copy(oldStart, start, oldStart.Length);
        for (var n = oldStart.Length; n <= nodes; n++) start[n] = oldStart[^1];
        var from = (int[])oldFrom.Clone();
        foreach (var at in positions)
        {
            var (a, b) = (old._outTo[at], _outTo[at]);
            if (a == b) continue;
            var node = NodeAt(at);
            // Out of a's sources (one of node's entries: they are alike) ...
            var i = Array.IndexOf(from, node, start[a], start[a + 1] - start[a]);
            if (i < 0) throw new InvalidOperationException("an edge's source is not among its old destination's sources");
            // ... and into b's, after the sources numbered up to it: found as if the entry at i were out already (the
            // sources from i on one place earlier, the starts after a one less).
            int Start(int n) => n > a ? start[n] - 1 : start[n];
            int From(int k) => k < i ? from[k] : from[k + 1];
            var j = Start(b);
            while (j < Start(b + 1) && From(j) <= node) j++;
            // Then only the entries between i and j move, by one place, and only the starts between a and b change.
            if (j >= i) Array.Copy(from, i + 1, from, i, j - i);
            else Array.Copy(from, j, from, j + 1, i - j);
            from[j] = node;
            if (a < b)
            {
                for (var n = a + 1; n <= b; n++) start[n]--;
            }
            else
            {
                for (var n = b + 1; n <= a; n++) start[n]++;
            }
        }
        return (start, from);
    }

    /// <summary>Whether the edges backwards are worked out (a patched graph takes them from the graph it was patched from, patched).</summary>
    internal bool KnowsIncoming => _incoming is not null;

    /// <summary>The edges backwards (<see cref="Incoming"/>), for tests.</summary>
    internal (int[] Start, int[] From) IncomingEdges() => Incoming();

    /// <summary>The node whose edges side by side hold position <paramref name="at"/> of <c>_outEdge</c>.</summary>
    private int NodeAt(int at)
    {
        // The last node whose edges start at or before it (nodes without edges share their start with the next node).
        var k = Array.BinarySearch(_outStart, 0, NodeCount + 1, at);
        if (k < 0) return ~k - 1;
        while (k + 1 <= NodeCount && _outStart[k + 1] == at) k++;
        return k;
    }

    /// <summary>The nodes whose edges (which edges, in which order) differ from the graph this one was patched from.</summary>
    public IReadOnlyList<int> Restructured { get; } = [];

    /// <summary>
    /// The edges data at each of <paramref name="stores"/> leaves by, worked out from the edges alone (as the full constructor
    /// does: its own edges in order, then those of the cluster the first transfer ending at it on a cluster names): the edges
    /// leaving a store or its cluster and ending at the store are found by vector searches of <see cref="From"/> and
    /// <see cref="To"/> (a few per store; a loop over every edge looking each node up cost half a millisecond at 100k flows).
    /// </summary>
    private Dictionary<int, int[]?> OutgoingOf(HashSet<int> stores)
    {
        var lists = new Dictionary<int, int[]?>();
        foreach (var store in stores)
        {
            var edges = Leaving(store);
            if (ClusterOf(store) is var c && c >= 0 && Leaving(c) is { Count: > 0 } clusterEdges)
            {
                if (edges.Count == 0)
                {
                    edges = clusterEdges;
                }
                else
                {
                    var present = new HashSet<int>(edges);
                    foreach (var e in clusterEdges)
                    {
                        if (present.Add(e)) edges.Add(e);
                    }
                }
            }
            lists[store] = edges.Count == 0 ? null : [.. edges];
        }
        return lists;
    }

    /// <summary>The edges leaving <paramref name="node"/> that name the node they leave (as the full constructor lists a node's own edges), in order.</summary>
    private List<int> Leaving(int node)
    {
        var edges = new List<int>();
        var from = From.AsSpan();
        for (var at = 0; at < from.Length;)
        {
            var k = from[at..].IndexOf(node);
            if (k < 0) break;
            at += k;
            if (Transfers[at].FromNode.Length != 0) edges.Add(at);
            at++;
        }
        return edges;
    }

    /// <summary>
    /// The cluster whose edges <paramref name="store"/>'s merge: named by the first transfer (in order) ending at the store on a
    /// cluster; -1 for none (or a cluster that is no node).
    /// </summary>
    private int ClusterOf(int store)
    {
        var to = To.AsSpan();
        for (var at = 0; at < to.Length;)
        {
            var k = to[at..].IndexOf(store);
            if (k < 0) break;
            at += k;
            var t = Transfers[at];
            if (t.ToNode.StartsWith("DataStore/", StringComparison.Ordinal) && t.Destination.Kind == "Cluster")
                return _ids.TryGetValue("Cluster/" + t.Destination.Name, out var clusterNode) ? clusterNode : -1;
            at++;
        }
        return -1;
    }

    /// <summary>
    /// The region of <paramref name="before"/>'s regime (searched on <paramref name="old"/>, from which this graph was
    /// patched) that the change of <paramref name="changed"/> can affect, for <see cref="Replay"/>: the changed edges' old
    /// and new ends, the nodes whose edges were restructured, and every node data can move to from the region, in either
    /// version. Which data can move is bounded by categories: a node's categories at most (what reached it before, plus
    /// what the new edges can bring, to a fixed point), so an edge that carries none of them does not extend the region.
    /// <paramref name="listing"/> are the nodes whose edges include a changed edge.
    /// </summary>
    public bool[] RegionOf(OnwardGraph old, RegimeSearch before, IReadOnlyList<int> changed, IReadOnlyCollection<int> listing) =>
        RegionOf(old, before, changed, listing, seeds: []);

    /// <summary>
    /// As <see cref="RegionOf(OnwardGraph, RegimeSearch, IReadOnlyList{int}, IReadOnlyCollection{int})"/>, with the nodes where the
    /// regime's data starts differently (<paramref name="seeds"/>: a bound edge added, removed, or carrying another kind of lot,
    /// with the categories the node's new bound edge starts there, <see cref="CategoryBits.Nothing"/> for none) in the region too.
    /// </summary>
    public bool[] RegionOf(OnwardGraph old, RegimeSearch before, IReadOnlyList<int> changed, IReadOnlyCollection<int> listing,
        IReadOnlyList<(int Node, long Categories)> seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(before);
        var nodes = NodeCount;
        var region = new bool[nodes];
        var categories = new long[nodes];
        for (var k = 0; k < before.Order.Length; k++)
        {
            if (before.Arrived[k] != LotSets.Empty) categories[before.Order[k]] = Lots.Categories(before.Arrived[k]);
        }
        var work = new Stack<int>();
        void Raise(int node, long add)
        {
            var now = add == CategoryBits.Nothing ? categories[node] : Categories.Union(categories[node], add);
            if (region[node] && now == categories[node]) return;
            region[node] = true;
            categories[node] = now;
            work.Push(node);
        }
        foreach (var node in Restructured)
        {
            // Its lots were not worked out where data did not leave it before: any.
            if (node >= old.Outgoing.Length || old.Outgoing[node] is null) categories[node] = CategoryBits.All;
            Raise(node, CategoryBits.Nothing);
        }
        foreach (var (node, starts) in seeds) Raise(node, starts);
        foreach (var e in changed)
        {
            Raise(old.To[e], CategoryBits.Nothing);
            Raise(To[e], CategoryBits.Nothing);
            foreach (var node in listing) Raise(To[e], Categories.Carry(categories[node], EdgeSet[e]));
        }
        while (work.Count > 0)
        {
            var node = work.Pop();
            var held = categories[node];
            if (held == CategoryBits.Nothing) continue;
            for (int p = _outStart[node], end = _outStart[node + 1]; p < end; p++)
            {
                var carried = Categories.Carry(held, _outSet[p]);
                if (carried != CategoryBits.Nothing) Raise(_outTo[p], carried);
            }
            if (node >= old.NodeCount) continue;
            for (int p = old._outStart[node], end = old._outStart[node + 1]; p < end; p++)
            {
                var carried = Categories.Carry(held, old._outSet[p]);
                if (carried != CategoryBits.Nothing) Raise(old._outTo[p], carried);
            }
        }
        return region;
    }

    /// <summary>The nodes whose edges include one of <paramref name="edges"/> (a store's merged cluster edges included).</summary>
    public HashSet<int> Listing(IReadOnlyList<int> edges)
    {
        var nodes = new HashSet<int>();
        foreach (var at in PositionsOf(edges)) nodes.Add(NodeAt(at));
        return nodes;
    }

    /// <summary>The nodes data at <paramref name="node"/> goes to next, one per edge out of it, in order.</summary>
    public ReadOnlySpan<int> Next(int node) => node < NodeCount ? _outTo.AsSpan(_outStart[node], _outStart[node + 1] - _outStart[node]) : [];

    /// <summary>As <see cref="Search"/>, recording how the search ran (<see cref="SearchLog"/>) so that it can be replayed after a change.</summary>
    public RegimeSearch SearchRecorded(string regime, SearchScratch scratch, out SearchLog log)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        var r = Regimes.IndexOf(regime);
        if (r < 0) throw new ArgumentException($"'{regime}' is not a regime this graph follows", nameof(regime));
        var count = Transfers.Count;
        var nodes = NodeCount;
        scratch.Reset(nodes, count);
        var trace = new RegimeTrace(Transfers, nodes);
        var order = new List<int>();
        var counts = new LotCounts(Lots.Kinds);
        var bound = scratch.Bound;
        var queue = scratch.Queue;
        var queued = scratch.Queued;
        var lots = scratch.Lots;
        var reachedBy = trace.ReachedBy;
        log = new SearchLog(nodes) { HasGrowth = true };

        Bound(r, bound);
        for (var i = 0; i < count; i++)
        {
            if (!bound[i]) continue;
            log.BoundEdges.Add(i);
            var from = From[i];
            if (reachedBy[from] == RegimeTrace.Unreached)
            {
                trace.MarkSeed(from);
                order.Add(from);
                log.ReachEvent[from] = SearchLog.SeedEvent;
                log.ReachSlot[from] = i;
            }
            if (EdgeOwn[i] != CategoryBits.Nothing && lots.Grow(from, EdgeKind[i], EdgeOwn[i], Categories))
            {
                log.Grew(i, from, EdgeKind[i], EdgeOwn[i]);
                if (!queued[from])
                {
                    queued[from] = true;
                    queue.Enqueue(from);
                    log.SeedEnqueueEdge.Add(i);
                    log.SeedEnqueueNode.Add(from);
                }
            }
            counts.Add(EdgeKind[i], Transfers[i].Held);
        }
        var grewKinds = scratch.GrewKinds;
        var grewCategories = scratch.GrewCategories;
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            queued[node] = false;
            var grew = lots.TakeFresh(node, ref grewKinds, ref grewCategories);
            var ev = log.StartEvent(node, grewKinds.AsSpan(0, grew), grewCategories.AsSpan(0, grew));
            var start = _outStart[node];
            for (int p = start, end = _outStart[node + 1]; p < end; p++)
            {
                var e = _outEdge[p];
                var next = _outTo[p];
                var grown = false;
                for (var g = 0; g < grew; g++)
                {
                    var carried = Categories.Carry(grewCategories[g], _outSet[p]);
                    if (carried == CategoryBits.Nothing) continue;
                    if (reachedBy[next] == RegimeTrace.Unreached)
                    {
                        trace.Reach(next, e, node);
                        order.Add(next);
                        log.ReachEvent[next] = ev;
                        log.ReachSlot[next] = p - start;
                    }
                    if (lots.Grow(next, grewKinds[g], carried, Categories))
                    {
                        grown = true;
                        log.Grew(p - start, next, grewKinds[g], carried);
                    }
                }
                if (grown && !queued[next])
                {
                    queued[next] = true;
                    queue.Enqueue(next);
                    log.Enqueued(p - start, next);
                }
            }
            log.EndEvent();
        }
        scratch.GrewKinds = grewKinds;
        scratch.GrewCategories = grewCategories;

        var arrived = new int[order.Count];
        for (var k = 0; k < order.Count; k++)
        {
            var node = order[k];
            if (Outgoing[node] is not null) arrived[k] = lots.SetAt(node, Lots);
        }
        return new RegimeSearch(this, regime, trace, [.. order], arrived, counts, (bool[])bound.Clone());
    }

    /// <summary>
    /// <paramref name="before"/> (a search of an earlier version, recorded in <paramref name="log"/>) run again on this graph,
    /// where only the nodes in <paramref name="region"/> can have changed: a region closed under the edges of both versions
    /// (data never flows from it to a node outside it), holding every node whose edges or whose incoming edges changed, and
    /// the regime's seeds unchanged outside it. Outside the region the search runs exactly as it did (the same lots, in the
    /// same order, reach the same nodes by the same edges), so only the region is searched, from scratch, with the events
    /// outside it taken from the log in the order the queue would interleave them: the result (tree, order of reaching,
    /// lots) is the one a full search gives. <paramref name="next"/> is this run's log; <paramref name="searched"/> counts
    /// the events of region nodes handled (the work done beyond reading the log). The regime binds <paramref name="boundEdges"/>
    /// (in order; <paramref name="bound"/> per edge) in this graph: a node whose bound edges were added, removed, or carry
    /// another kind of lot must be in the region (its seeding is searched again); <paramref name="counts"/> are this graph's.
    /// </summary>
    public RegimeSearch Replay(RegimeSearch before, SearchLog log, bool[] region, LotCounts counts, NodeLotTable lots, IReadOnlyList<int> boundEdges,
        bool[] bound, out SearchLog next, out int searched)
    {
        var search = ReplayUnset(before, log, region, counts, lots, boundEdges, bound, out next, out searched, out var unset);
        SetArrived(search, lots, unset);
        return search;
    }

    /// <summary>
    /// As <see cref="Replay"/>, without the sets of lots that arrived at the region's nodes (<see cref="RegimeSearch.Arrived"/> at
    /// the positions in <paramref name="unset"/>, to be set by <see cref="SetArrived"/> from <paramref name="lots"/>): everything it
    /// touches is its own or read only (while the categories are plain bits, <see cref="CategoryBits.Narrow"/>), so replays of
    /// several regimes may run at once, each with its own <paramref name="lots"/>; the sets are interned in the graph's
    /// <see cref="LotSets"/>, one thread at a time.
    /// </summary>
    public RegimeSearch ReplayUnset(RegimeSearch before, SearchLog log, bool[] region, LotCounts counts, NodeLotTable lots, IReadOnlyList<int> boundEdges,
        bool[] bound, out SearchLog next, out int searched, out List<int> unset)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(boundEdges);
        ArgumentNullException.ThrowIfNull(bound);
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(lots);
        var nodes = NodeCount;
        var old = before.Trace;
        var trace = new RegimeTrace(Transfers, nodes);
        lots.Reset(nodes);
        var log2 = new SearchLog(nodes);
        log2.Reserve(log);
        next = log2;
        log2.BoundEdges.AddRange(boundEdges);
        searched = 0;
        // Outside the region, every node is reached as before, by the same edge from the same node.
        foreach (var node in before.Order)
        {
            if (region[node]) continue;
            if (old.ReachedBy[node] == RegimeTrace.Seed) trace.MarkSeed(node);
            else trace.Reach(node, old.ReachedBy[node], old.Via(node));
        }
        var reached = new List<int>();
        var queue = new Queue<(int Node, int After)>();
        var queued = new bool[nodes];
        var uEnqueued = 0;

        // Seeds: the region's from the bound edges; the others' enqueueing as logged.
        var s = 0;
        void OutsideSeeds(int upTo)
        {
            for (; s < log.SeedEnqueueEdge.Count && log.SeedEnqueueEdge[s] <= upTo; s++)
            {
                var seed = log.SeedEnqueueNode[s];
                if (region[seed]) continue;
                uEnqueued++;
                log2.SeedEnqueueEdge.Add(log.SeedEnqueueEdge[s]);
                log2.SeedEnqueueNode.Add(seed);
            }
        }
        foreach (var i in boundEdges)
        {
            OutsideSeeds(i);
            var from = From[i];
            if (!region[from]) continue;
            if (trace.ReachedBy[from] == RegimeTrace.Unreached)
            {
                trace.MarkSeed(from);
                reached.Add(from);
                log2.ReachEvent[from] = SearchLog.SeedEvent;
                log2.ReachSlot[from] = i;
            }
            if (EdgeOwn[i] != CategoryBits.Nothing && lots.Grow(from, EdgeKind[i], EdgeOwn[i], Categories))
            {
                log2.Grew(i, from, EdgeKind[i], EdgeOwn[i]);
                if (!queued[from])
                {
                    queued[from] = true;
                    queue.Enqueue((from, uEnqueued));
                    log2.SeedEnqueueEdge.Add(i);
                    log2.SeedEnqueueNode.Add(from);
                }
            }
        }
        // The seeding's growths outside the region, as logged.
        log2.HasGrowth = log.HasGrowth;
        if (log.HasGrowth) CopyGrowths(log, SearchLog.SeedEvent, log2, region);

        // Seeds logged at edges the regime no longer binds are the region's (their node's seeding changed): none left outside.
        OutsideSeeds(int.MaxValue);

        var events = log.EventNode.Count;
        var renumbered = new int[events];
        var boundary = new sbyte[nodes];
        var grewKinds = new int[16];
        var grewCategories = new long[16];
        var j = 0;
        var uDequeued = 0;
        while (true)
        {
            while (j < events && region[log.EventNode[j]]) j++;
            if (queue.Count > 0 && (j >= events || queue.Peek().After <= uDequeued))
            {
                // A region node: searched as the full search does.
                var (node, _) = queue.Dequeue();
                queued[node] = false;
                searched++;
                var grew = lots.TakeFresh(node, ref grewKinds, ref grewCategories);
                var ev = log2.StartEvent(node, grewKinds.AsSpan(0, grew), grewCategories.AsSpan(0, grew));
                Pass(node, ev, grewKinds, grewCategories, grew, -1);
                log2.EndEvent();
                continue;
            }
            if (j >= events) break;
            {
                // A node outside the region: what it passed on is in the log; only its edges into the region are followed.
                var node = log.EventNode[j];
                var (freshFrom, freshTo) = (log.FreshStart[j], log.FreshStart[j + 1]);
                var ev = log2.StartEvent(node, CollectionsMarshal.AsSpan(log.FreshKind).Slice(freshFrom, freshTo - freshFrom), CollectionsMarshal.AsSpan(log.FreshCategories).Slice(freshFrom, freshTo - freshFrom));
                renumbered[j] = ev;
                if (boundary[node] == 0) boundary[node] = (sbyte)(IntoRegion(node, region) ? 1 : 2);
                // Its growths outside the region as logged (all of them, at once, when none of its edges leads into it).
                if (log.HasGrowth) CopyGrowths(log, j, log2, boundary[node] == 2 ? null : region);
                if (boundary[node] == 2)
                {
                    for (var q = log.EnqueueStart[j]; q < log.EnqueueStart[j + 1]; q++)
                    {
                        if (region[log.EnqueueNode[q]]) continue;
                        uEnqueued++;
                        log2.Enqueued(log.EnqueueSlot[q], log.EnqueueNode[q]);
                    }
                }
                else
                {
                    var count = freshTo - freshFrom;
                    if (grewKinds.Length < count)
                    {
                        grewKinds = new int[count];
                        grewCategories = new long[count];
                    }
                    CollectionsMarshal.AsSpan(log.FreshKind).Slice(freshFrom, count).CopyTo(grewKinds);
                    CollectionsMarshal.AsSpan(log.FreshCategories).Slice(freshFrom, count).CopyTo(grewCategories);
                    Pass(node, ev, grewKinds, grewCategories, count, j);
                }
                log2.EndEvent();
                j++;
                uDequeued++;
            }
        }

        // Passes what grew at node (handled as event ev) along its edges: into the region as the full search does, and for
        // a node outside it (logged as event logged) to nodes outside the region as the log says it did.
        void Pass(int node, int ev, int[] kinds, long[] categories, int grew, int logged)
        {
            var start = _outStart[node];
            var q = logged >= 0 ? log.EnqueueStart[logged] : 0;
            var qEnd = logged >= 0 ? log.EnqueueStart[logged + 1] : 0;
            for (int p = start, end = _outStart[node + 1]; p < end; p++)
            {
                var slot = p - start;
                var to = _outTo[p];
                for (; q < qEnd && log.EnqueueSlot[q] < slot; q++) { }
                if (!region[to])
                {
                    if (logged < 0)
                    {
                        for (var g = 0; g < grew; g++)
                        {
                            if (Categories.Carry(categories[g], _outSet[p]) != CategoryBits.Nothing)
                                throw new InvalidOperationException("the replayed region is not closed under the edges data moves along");
                        }
                        continue;
                    }
                    if (q < qEnd && log.EnqueueSlot[q] == slot)
                    {
                        uEnqueued++;
                        log2.Enqueued(slot, to);
                        q++;
                    }
                    continue;
                }
                var e = _outEdge[p];
                var grown = false;
                for (var g = 0; g < grew; g++)
                {
                    var carried = Categories.Carry(categories[g], _outSet[p]);
                    if (carried == CategoryBits.Nothing) continue;
                    if (trace.ReachedBy[to] == RegimeTrace.Unreached)
                    {
                        trace.Reach(to, e, node);
                        reached.Add(to);
                        log2.ReachEvent[to] = ev;
                        log2.ReachSlot[to] = slot;
                    }
                    if (lots.Grow(to, kinds[g], carried, Categories))
                    {
                        grown = true;
                        log2.Grew(slot, to, kinds[g], carried);
                    }
                }
                if (grown && !queued[to])
                {
                    queued[to] = true;
                    queue.Enqueue((to, uEnqueued));
                    log2.Enqueued(slot, to);
                }
            }
        }

        // The order of reaching: the nodes outside the region in their old order, the region's where they now fall.
        var order = new int[before.Order.Length - CountIn(before.Order, region) + reached.Count];
        var arrived = new int[order.Length];
        var pending = new List<int>();
        var at = 0;
        var d = 0;
        for (var k = 0; k < before.Order.Length; k++)
        {
            var node = before.Order[k];
            if (region[node]) continue;
            var was = log.ReachEvent[node];
            var ev = was == SearchLog.SeedEvent ? SearchLog.SeedEvent : renumbered[was];
            var slot = log.ReachSlot[node];
            log2.ReachEvent[node] = ev;
            log2.ReachSlot[node] = slot;
            for (; d < reached.Count && Earlier(log2, reached[d], ev, slot); d++) Place(reached[d]);
            order[at] = node;
            arrived[at++] = before.Arrived[k];
        }
        for (; d < reached.Count; d++) Place(reached[d]);

        void Place(int node)
        {
            order[at] = node;
            if (Outgoing[node] is not null) pending.Add(at);
            arrived[at++] = LotSets.Empty;
        }

        unset = pending;
        return new RegimeSearch(this, before.Regime, trace, order, arrived, counts, bound);
    }

    /// <summary>Sets the lots that arrived at the positions <paramref name="unset"/> of <paramref name="search"/>'s order (a replay's region nodes data leaves), from <paramref name="lots"/>.</summary>
    public void SetArrived(RegimeSearch search, NodeLotTable lots, List<int> unset)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(lots);
        ArgumentNullException.ThrowIfNull(unset);
        foreach (var k in unset) search.Arrived[k] = lots.SetAt(search.Order[k], Lots);
    }


    /// <summary>Copies the growths <paramref name="log"/> records for event <paramref name="ev"/> at nodes outside <paramref name="region"/> (null: all of them) into <paramref name="into"/> (for its current event).</summary>
    private static void CopyGrowths(SearchLog log, int ev, SearchLog into, bool[]? region)
    {
        var (from, to) = log.GrowthsOf(ev);
        if (region is null)
        {
            into.GrowSlot.AddRange(CollectionsMarshal.AsSpan(log.GrowSlot).Slice(from, to - from));
            into.GrowNode.AddRange(CollectionsMarshal.AsSpan(log.GrowNode).Slice(from, to - from));
            into.GrowKind.AddRange(CollectionsMarshal.AsSpan(log.GrowKind).Slice(from, to - from));
            into.GrowCategories.AddRange(CollectionsMarshal.AsSpan(log.GrowCategories).Slice(from, to - from));
            return;
        }
        for (var g = from; g < to; g++)
        {
            var node = log.GrowNode[g];
            if (!region[node]) into.Grew(log.GrowSlot[g], node, log.GrowKind[g], log.GrowCategories[g]);
        }
    }

    private static bool Earlier(SearchLog log, int node, int ev, int slot) =>
        log.ReachEvent[node] < ev || (log.ReachEvent[node] == ev && log.ReachSlot[node] < slot);

    private static int CountIn(int[] nodes, bool[] region)
    {
        var n = 0;
        foreach (var node in nodes)
        {
            if (region[node]) n++;
        }
        return n;
    }

    private bool IntoRegion(int node, bool[] region)
    {
        foreach (var to in Next(node))
        {
            if (region[to]) return true;
        }
        return false;
    }
}

/// <summary>
/// How one regime's search ran, enough to replay it (<see cref="OnwardGraph.Replay"/>): each time a node was taken from the
/// queue (an event), what had grown there and which nodes it put on the queue (by the position of the edge among the
/// node's); the seeds put on the queue (by bound edge); and for each node reached, the event (or, for a seed, the bound
/// edge) and the edge position it was first reached at.
/// </summary>
internal sealed class SearchLog(int nodes)
{
    public const int SeedEvent = -1;

    public List<int> EventNode { get; } = [];
    public List<int> FreshStart { get; } = [0];
    public List<int> FreshKind { get; } = [];
    public List<long> FreshCategories { get; } = [];
    public List<int> EnqueueStart { get; } = [0];
    public List<int> EnqueueSlot { get; } = [];
    public List<int> EnqueueNode { get; } = [];
    // (The seeding's lists and the bound edges are shared by the logs a cut-off replay writes from this one, whose seeding is
    // the same: never changed once the log is written.)
    public List<int> SeedEnqueueEdge { get; init; } = [];
    public List<int> SeedEnqueueNode { get; init; } = [];
    public List<int> BoundEdges { get; init; } = [];
    public int[] ReachEvent { get; } = new int[nodes];
    public int[] ReachSlot { get; } = new int[nodes];

    /// <summary>
    /// Whether the log records every growth (<see cref="Grew"/>): each time a lot grew at a node, which event (or the seeding)
    /// grew it, along which edge position (a seed's: its bound edge), and the kind and categories carried. A node's lots at
    /// any point of the search are the union of its growths up to there, which the cut-off replay (<see cref="OnwardGraph.ReplayCut"/>) reads.
    /// </summary>
    public bool HasGrowth { get; set; }

    /// <summary>
    /// How many turns the cut-off replay that wrote this log took one by one (0: written by a search or a replay of a region):
    /// what the next replay of the regime is expected to cost, to start the costliest of an update's replays first.
    /// </summary>
    public int ReplayCost { get; init; }

    /// <summary>What a cut-off replay reads of this log by node and by turn, once worked out (<see cref="IndexFor"/>).</summary>
    public LogIndex? Index { get; set; }

    /// <summary>This log's index (<see cref="LogIndex"/>) for its search's <paramref name="order"/>, worked out on first use.</summary>
    public LogIndex IndexFor(int[] order, int nodes) => Index is { } index && index.GrowStart.Length >= nodes + 1 ? index : Index = LogIndex.Of(this, order, nodes);

    /// <summary>Per event, where its growths start in the growth lists (the seeding's come before the first event's).</summary>
    public List<int> GrowStart { get; } = [];
    public List<int> GrowSlot { get; } = [];
    public List<int> GrowNode { get; } = [];
    public List<int> GrowKind { get; } = [];
    public List<long> GrowCategories { get; } = [];

    /// <summary>The growths of event <paramref name="ev"/> (<see cref="SeedEvent"/>: the seeding's), as a range of the growth lists.</summary>
    public (int From, int To) GrowthsOf(int ev) => ev == SeedEvent
        ? (0, GrowStart.Count > 0 ? GrowStart[0] : GrowNode.Count)
        : (GrowStart[ev], ev + 1 < GrowStart.Count ? GrowStart[ev + 1] : GrowNode.Count);

    /// <summary>Records that the lot of <paramref name="kind"/> at <paramref name="node"/> grew by <paramref name="categories"/> (carried along position <paramref name="slot"/>) in the current event.</summary>
    public void Grew(int slot, int node, int kind, long categories)
    {
        GrowSlot.Add(slot);
        GrowNode.Add(node);
        GrowKind.Add(kind);
        GrowCategories.Add(categories);
    }

    /// <summary>
    /// The size of the draft the cut-off replay that wrote this log made (the turns it wrote itself, their fresh lots, growths
    /// and enqueues; zeros: none): the next replay of the regime reserves about as much for its own
    /// (<see cref="Reserve(ValueTuple{int, int, int, int})"/>), instead of growing its lists from empty in steps.
    /// </summary>
    public (int Turns, int Fresh, int Growths, int Enqueues) DraftSize { get; init; }

    /// <summary>The size of this log as a draft (<see cref="DraftSize"/>).</summary>
    public (int Turns, int Fresh, int Growths, int Enqueues) Size => (EventNode.Count, FreshKind.Count, GrowNode.Count, EnqueueNode.Count);

    /// <summary>Makes room for a draft of <paramref name="size"/> (<see cref="DraftSize"/>), so no list grows in steps.</summary>
    public void Reserve((int Turns, int Fresh, int Growths, int Enqueues) size)
    {
        Room(EventNode, size.Turns);
        Room(FreshStart, size.Turns + 1);
        Room(FreshKind, size.Fresh);
        Room(FreshCategories, size.Fresh);
        Room(EnqueueStart, size.Turns + 1);
        Room(EnqueueSlot, size.Enqueues);
        Room(EnqueueNode, size.Enqueues);
        Room(GrowStart, size.Turns);
        Room(GrowSlot, size.Growths);
        Room(GrowNode, size.Growths);
        Room(GrowKind, size.Growths);
        Room(GrowCategories, size.Growths);
    }

    private static void Room<T>(List<T> list, int count) => list.Capacity = Math.Max(list.Capacity, count + count / 16 + 16);

    /// <summary>Makes room for a log about the size of <paramref name="like"/> (a replay's log is its previous log's size, give or take), so no list grows in steps.</summary>
    public void Reserve(SearchLog like)
    {
        ArgumentNullException.ThrowIfNull(like);
        Room(EventNode, like.EventNode.Count);
        Room(FreshStart, like.FreshStart.Count);
        Room(FreshKind, like.FreshKind.Count);
        Room(FreshCategories, like.FreshCategories.Count);
        Room(EnqueueStart, like.EnqueueStart.Count);
        Room(EnqueueSlot, like.EnqueueSlot.Count);
        Room(EnqueueNode, like.EnqueueNode.Count);
        Room(GrowStart, like.GrowStart.Count);
        Room(GrowSlot, like.GrowSlot.Count);
        Room(GrowNode, like.GrowNode.Count);
        Room(GrowKind, like.GrowKind.Count);
        Room(GrowCategories, like.GrowCategories.Count);
    }

    public int StartEvent(int node, ReadOnlySpan<int> kinds, ReadOnlySpan<long> categories)
    {
        GrowStart.Add(GrowNode.Count);
        EventNode.Add(node);
        FreshKind.AddRange(kinds);
        FreshCategories.AddRange(categories);
        FreshStart.Add(FreshKind.Count);
        return EventNode.Count - 1;
    }

    public void Enqueued(int slot, int node)
    {
        EnqueueSlot.Add(slot);
        EnqueueNode.Add(node);
    }

    public void EndEvent() => EnqueueStart.Add(EnqueueSlot.Count);
}
