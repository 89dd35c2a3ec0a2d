using System.Runtime.CompilerServices;
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
        To = (int[])old.To.Clone();
        EdgeSet = (long[])old.EdgeSet.Clone();
        EdgeOwn = (long[])old.EdgeOwn.Clone();
        EdgeKind = (int[])old.EdgeKind.Clone();
        Regimes = old.Regimes;
        _binding = binding;
        Sensitivity = old.Sensitivity;
        Categories = old.Categories;
        Lots = old.Lots;
        for (var c = 0; c < changed.Count; c++)
        {
            var e = changed[c];
            var t = transfers[e];
            To[e] = _ids[t.ToNode];
            EdgeOwn[e] = Categories.Of(t.Categories);
            EdgeSet[e] = t.CarriesOnlyItsCategories ? EdgeOwn[e] : CategoryBits.All;
            EdgeKind[e] = kindOf[c];
        }

        // Each node's edges are its own in order, and a store's also its cluster's when a transfer ends at it on that
        // cluster (as the full constructor merges them): only the stores the changed edges ended or end at can change.
        var nodes = _ids.Count;
        var outgoing = new int[]?[nodes];
        Array.Copy(old.Outgoing, outgoing, old.Outgoing.Length);
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
            outgoing[store] = list;
            restructured.Add(store);
        }
        Outgoing = outgoing;
        Restructured = restructured;

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

    /// <summary>The nodes whose edges (which edges, in which order) differ from the graph this one was patched from.</summary>
    public IReadOnlyList<int> Restructured { get; } = [];

    /// <summary>
    /// The edges data at each of <paramref name="stores"/> leaves by, worked out from the edges alone (as the full constructor
    /// does: its own edges in order, then those of the cluster the first transfer ending at it on a cluster names), in three
    /// passes over the edges for all of them.
    /// </summary>
    private Dictionary<int, int[]?> OutgoingOf(HashSet<int> stores)
    {
        var own = new Dictionary<int, List<int>>();
        var clusterOf = new Dictionary<int, int>();
        var from = From;
        if (stores.Count > 0)
        {
            for (var i = 0; i < from.Length; i++)
            {
                if (stores.Contains(from[i]) && Transfers[i].FromNode.Length != 0)
                {
                    if (!own.TryGetValue(from[i], out var list)) own[from[i]] = list = [];
                    list.Add(i);
                }
                // The first transfer (in order) that ends at the store on a cluster names the cluster whose edges it merges.
                var to = To[i];
                if (!stores.Contains(to) || clusterOf.ContainsKey(to)) continue;
                var t = Transfers[i];
                if (t.ToNode.StartsWith("DataStore/", StringComparison.Ordinal) && t.Destination.Kind == "Cluster")
                    clusterOf[to] = _ids.TryGetValue("Cluster/" + t.Destination.Name, out var clusterNode) ? clusterNode : -1;
            }
        }
        var clusters = new Dictionary<int, List<int>>();
        foreach (var c in clusterOf.Values)
        {
            if (c >= 0) clusters.TryAdd(c, []);
        }
        if (clusters.Count > 0)
        {
            for (var i = 0; i < from.Length; i++)
            {
                if (clusters.TryGetValue(from[i], out var list) && Transfers[i].FromNode.Length != 0) list.Add(i);
            }
        }
        var lists = new Dictionary<int, int[]?>();
        foreach (var store in stores)
        {
            var edges = own.GetValueOrDefault(store);
            if (clusterOf.TryGetValue(store, out var c) && c >= 0 && clusters[c] is { Count: > 0 } clusterEdges)
            {
                if (edges is null)
                {
                    edges = [.. clusterEdges];
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
            lists[store] = edges?.ToArray();
        }
        return lists;
    }

    /// <summary>
    /// The region of <paramref name="before"/>'s regime (searched on <paramref name="old"/>, from which this graph was
    /// patched) that the change of <paramref name="changed"/> can affect, for <see cref="Replay"/>: the changed edges' old
    /// and new ends, the nodes whose edges were restructured, and every node data can move to from the region, in either
    /// version. Which data can move is bounded by categories: a node's categories at most (what reached it before, plus
    /// what the new edges can bring, to a fixed point), so an edge that carries none of them does not extend the region.
    /// <paramref name="listing"/> are the nodes whose edges include a changed edge.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool[] RegionOf(OnwardGraph old, RegimeSearch before, IReadOnlyList<int> changed, IReadOnlyCollection<int> listing) =>
        RegionOf(old, before, changed, listing, seeds: []);

    /// <summary>
    /// As <see cref="RegionOf(OnwardGraph, RegimeSearch, IReadOnlyList{int}, IReadOnlyCollection{int})"/>, with the nodes where the
    /// regime's data starts differently (<paramref name="seeds"/>: a bound edge added, removed, or carrying another kind of lot,
    /// with the categories the node's new bound edge starts there, <see cref="CategoryBits.Nothing"/> for none) in the region too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>
    /// Where a regime's search on <paramref name="old"/> (from which this graph was patched) can first run otherwise, for
    /// <see cref="Replay"/>:
    /// the old and new ends of the edges in <paramref name="moving"/> (edges that end elsewhere or carry other categories), the
    /// nodes whose edges were restructured, and the nodes where the regime's data starts differently (<paramref name="seeds"/>).
    /// The replay spreads it only as far as the search really changes.
    /// </summary>
    public bool[] ChangedAt(OnwardGraph old, IReadOnlyList<int> moving, IReadOnlyList<(int Node, long Categories)> seeds)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(moving);
        ArgumentNullException.ThrowIfNull(seeds);
        var region = new bool[NodeCount];
        foreach (var node in Restructured) region[node] = true;
        foreach (var (node, _) in seeds) region[node] = true;
        foreach (var e in moving)
        {
            region[old.To[e]] = true;
            region[To[e]] = true;
        }
        return region;
    }

    /// <summary>The nodes whose edges include one of <paramref name="edges"/> (a store's merged cluster edges included).</summary>
    public HashSet<int> Listing(IReadOnlyList<int> edges)
    {
        var wanted = new HashSet<int>(edges);
        var nodes = new HashSet<int>();
        for (var n = 0; n < NodeCount; n++)
        {
            for (int p = _outStart[n], end = _outStart[n + 1]; p < end; p++)
            {
                if (wanted.Contains(_outEdge[p])) nodes.Add(n);
            }
        }
        return nodes;
    }

    /// <summary>The nodes data at <paramref name="node"/> goes to next, one per edge out of it, in order.</summary>
    public ReadOnlySpan<int> Next(int node) => node < NodeCount ? _outTo.AsSpan(_outStart[node], _outStart[node + 1] - _outStart[node]) : [];

    /// <summary>As <see cref="Search"/>, recording how the search ran (<see cref="SearchLog"/>) so that it can be replayed after a change.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        log = new SearchLog(nodes);

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
            if (EdgeOwn[i] != CategoryBits.Nothing && lots.Grow(from, EdgeKind[i], EdgeOwn[i], Categories) && !queued[from])
            {
                queued[from] = true;
                queue.Enqueue(from);
                log.SeedEnqueueEdge.Add(i);
                log.SeedEnqueueNode.Add(from);
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
                    grown |= lots.Grow(next, grewKinds[g], carried, Categories);
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
    /// where the search can differ first at the nodes in <paramref name="region"/>: it holds every node whose edges or whose
    /// incoming edges changed and every node whose seeding changed (the regime binds <paramref name="boundEdges"/>, in order;
    /// <paramref name="bound"/> per edge; a node whose bound edges were added, removed, or carry another kind of lot), and
    /// <paramref name="counts"/> are this graph's. The region's nodes are searched from scratch; every other node's events are
    /// read from the log, merged into the FIFO order the full search would have (a region entry enqueued after k outside
    /// enqueues is dequeued before the (k+1)-th outside event).
    /// </summary>
    /// <remarks>
    /// <para>Early cut-off: the region need not be closed under the edges data moves along. What a region node hands a node
    /// outside it (the lots each of its events carries along each edge, and where in the outside events it happens) is
    /// compared with what its recorded events handed that node; a node outside the region whose every input, in order, is
    /// the one recorded (and whose enqueues come in the recorded order) runs exactly as recorded, so the search stops
    /// spreading there. Where an input differs, that node joins the region and the replay runs again (the region only grows:
    /// after <see cref="ReplayRounds"/> rounds it is closed under every edge of either version, which leaves nothing to
    /// compare). The result (tree, order of reaching, lots) is the one a full search gives.</para>
    /// <para><paramref name="next"/> is this run's log; <paramref name="searched"/> counts the events of region nodes handled in
    /// the last round (the work done beyond reading the log); <paramref name="final"/> is the region of the last round (a
    /// node outside it is reached as before, by the same edge from the same node, and holds the same lots).</para>
    /// </remarks>
    public RegimeSearch Replay(RegimeSearch before, SearchLog log, bool[] region, LotCounts counts, NodeLotTable lots, IReadOnlyList<int> boundEdges,
        bool[] bound, out SearchLog next, out int searched, out bool[] final, out int rounds)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(boundEdges);
        ArgumentNullException.ThrowIfNull(bound);
        ArgumentNullException.ThrowIfNull(region);
        ArgumentNullException.ThrowIfNull(lots);
        var current = (bool[])region.Clone();
        var scratch = new ReplayScratch(NodeCount);
        var joined = new List<int>();
        for (rounds = 1; ; rounds++)
        {
            joined.Clear();
            var search = ReplayOnce(before, log, current, counts, lots, boundEdges, bound, scratch, joined, out next, out searched);
            if (search is not null)
            {
                final = current;
                return search;
            }
            foreach (var node in joined) current[node] = true;
            if (rounds == ReplayRounds)
            {
                CloseUnderEdges(before.Graph, current);
                Array.Clear(scratch.IntoRegion);
                continue;
            }
            // Only the nodes with an edge to a node that joined have other edges into the region now.
            var (inStart, inFrom) = Incoming();
            foreach (var node in joined)
            {
                for (var q = inStart[node]; q < inStart[node + 1]; q++) scratch.IntoRegion[inFrom[q]] = null;
            }
        }
    }

    /// <summary>How many replays of a growing region are tried before the region is closed under every edge (see <see cref="Replay"/>).</summary>
    internal const int ReplayRounds = 6;

    /// <summary>Adds to <paramref name="region"/> every node data can move to from it along an edge of this graph or of <paramref name="old"/>.</summary>
    private void CloseUnderEdges(OnwardGraph old, bool[] region)
    {
        var work = new Stack<int>();
        for (var n = 0; n < region.Length; n++)
        {
            if (region[n]) work.Push(n);
        }
        while (work.Count > 0)
        {
            var node = work.Pop();
            foreach (var to in Next(node))
            {
                if (region[to]) continue;
                region[to] = true;
                work.Push(to);
            }
            foreach (var to in old.Next(node))
            {
                if (region[to]) continue;
                region[to] = true;
                work.Push(to);
            }
        }
    }

    /// <summary>Arrays one replay's rounds reuse (the nodes a round reached are cleared after it).</summary>
    private sealed class ReplayScratch(int nodes)
    {
        /// <summary>The recorded events of each node, in order (built on first use): node n's are <c>Events[Start[n]..Start[n + 1]]</c>.</summary>
        public (int[] Start, int[] Events)? EventsOf;

        /// <summary>Per node handed lots by the region (built on first use): each kind's categories at each of its recorded turns that grew it, in order.</summary>
        public readonly Dictionary<int, Dictionary<int, List<(int Event, long Categories)>>> Held = [];

        /// <summary>Per node, the positions of its edges into the region (null: not worked out since the region last grew next to it).</summary>
        public readonly int[]?[] IntoRegion = new int[]?[nodes];

        /// <summary>The log the rounds write (cleared between rounds), and each recorded event's number in it.</summary>
        public SearchLog? Log;
        public int[]? Renumbered;

        public readonly int[] ReachEdge = Filled(nodes, RegimeTrace.Unreached);
        public readonly int[] ReachVia = new int[nodes];
        public readonly bool[] Queued = new bool[nodes];
        public readonly bool[] Joined = new bool[nodes];

        /// <summary>Per node outside the region: whether its first reach was given again by a region node's event.</summary>
        public readonly bool[] ReachLogged = new bool[nodes];

        private static int[] Filled(int n, int value)
        {
            var a = new int[n];
            Array.Fill(a, value);
            return a;
        }
    }

    /// <summary>
    /// What a region node's recorded event handed a node outside the region along one edge: where among the outside events it
    /// happened (how many had been handled), the node and edge, the lots carried (sorted by kind: <see cref="Start"/> into the
    /// shared lists), and whether it first reached or enqueued the node then.
    /// </summary>
    private struct Handed
    {
        public int Position;
        public int From;
        public int Edge;
        public int To;
        public int Start;
        public int Count;
        public bool Enqueued;
        public bool Reached;
        public bool Matched;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private RegimeSearch? ReplayOnce(RegimeSearch before, SearchLog log, bool[] region, LotCounts counts, NodeLotTable lots, IReadOnlyList<int> boundEdges,
        bool[] bound, ReplayScratch scratch, List<int> joined, out SearchLog next, out int searched)
    {
        var nodes = NodeCount;
        var old = before.Trace;
        var was = before.Graph;
        lots.Reset(nodes);
        var log2 = scratch.Log ??= new SearchLog(nodes, log);
        log2.Clear();
        next = log2;
        log2.BoundEdges.AddRange(boundEdges);
        searched = 0;
        var reachEdge = scratch.ReachEdge;
        var reachVia = scratch.ReachVia;
        var queued = scratch.Queued;
        var isJoined = scratch.Joined;
        var (eventStart, eventsOf) = scratch.EventsOf ??= EventsByNode(log, was.NodeCount);
        // The lots each node outside the region held after its recorded events up to the last outside event handled (kept
        // for the nodes a region node hands lots to): an input they already held changes nothing there (it neither grows
        // the node nor, once it was handled, reaches it), in either version, so it need not be given again.
        var heldIndex = scratch.Held;
        var lastOutside = -1;
        var reachLogged = scratch.ReachLogged;
        Array.Clear(reachLogged);
        var reached = new List<int>();
        var queue = new Queue<(int Node, int After)>();
        var uEnqueued = 0;
        var uDequeued = 0;

        // What the region's recorded events handed nodes outside it, per node handed to, in order; and the recorded enqueues
        // among them, in order.
        var handed = new List<Handed>();
        var handedKinds = new List<int>();
        var handedCategories = new List<long>();
        var pending = new Dictionary<int, Queue<int>>();
        var enqueues = new Queue<int>();
        var carriedKinds = new int[16];
        var carriedCategories = new long[16];

        void Join(int node)
        {
            if (isJoined[node]) return;
            isJoined[node] = true;
            joined.Add(node);
        }

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
            if (reachEdge[from] == RegimeTrace.Unreached)
            {
                reachEdge[from] = RegimeTrace.Seed;
                reached.Add(from);
                log2.ReachEvent[from] = SearchLog.SeedEvent;
                log2.ReachSlot[from] = i;
            }
            if (EdgeOwn[i] != CategoryBits.Nothing && lots.Grow(from, EdgeKind[i], EdgeOwn[i], Categories) && !queued[from])
            {
                queued[from] = true;
                queue.Enqueue((from, uEnqueued));
                log2.SeedEnqueueEdge.Add(i);
                log2.SeedEnqueueNode.Add(from);
            }
        }

        // Seeds logged at edges the regime no longer binds are the region's (their node's seeding changed): none left outside.
        OutsideSeeds(int.MaxValue);

        var events = log.EventNode.Count;
        var renumbered = scratch.Renumbered ??= new int[events];
        // Per outside node, the positions of its edges into the region (worked out when it is first handled; empty: none).
        var intoRegion = scratch.IntoRegion;
        var grewKinds = new int[16];
        var grewCategories = new long[16];
        var j = 0;
        while (true)
        {
            for (; j < events && region[log.EventNode[j]]; j++) Recorded(j);
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
                lastOutside = j;
                var into = intoRegion[node] ??= IntoRegion(node, region);
                if (into.Length == 0)
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
        // Inputs recorded but not given again: those nodes run otherwise.
        foreach (var (to, left) in pending)
        {
            if (left.Count > 0) Join(to);
        }
        if (joined.Count > 0)
        {
            // Another round follows: only what the next one needs is reset.
            foreach (var node in reached)
            {
                reachEdge[node] = RegimeTrace.Unreached;
                queued[node] = false;
            }
            foreach (var node in joined) isJoined[node] = false;
            return null;
        }

        // The recorded event j of a region node: what it handed each node outside the region, as its edges (in the graph it
        // was searched on) carried its fresh lots.
        void Recorded(int j)
        {
            var node = log.EventNode[j];
            if (node >= was.NodeCount) return;
            var (freshFrom, freshTo) = (log.FreshStart[j], log.FreshStart[j + 1]);
            var q = log.EnqueueStart[j];
            var qEnd = log.EnqueueStart[j + 1];
            var start = was._outStart[node];
            for (int p = start, end = was._outStart[node + 1]; p < end; p++)
            {
                var to = was._outTo[p];
                var slot = p - start;
                for (; q < qEnd && log.EnqueueSlot[q] < slot; q++) { }
                if (to < region.Length && region[to]) continue;
                var at = handedKinds.Count;
                for (var f = freshFrom; f < freshTo; f++)
                {
                    var carried = Categories.Carry(log.FreshCategories[f], was._outSet[p]);
                    if (carried == CategoryBits.Nothing) continue;
                    handedKinds.Add(log.FreshKind[f]);
                    handedCategories.Add(carried);
                }
                var n = handedKinds.Count - at;
                if (n == 0) continue;
                if (Holds(to, CollectionsMarshal.AsSpan(handedKinds).Slice(at, n), CollectionsMarshal.AsSpan(handedCategories).Slice(at, n)))
                {
                    handedKinds.RemoveRange(at, n);
                    handedCategories.RemoveRange(at, n);
                    continue;
                }
                SortByKind(CollectionsMarshal.AsSpan(handedKinds).Slice(at, n), CollectionsMarshal.AsSpan(handedCategories).Slice(at, n));
                var enqueued = q < qEnd && log.EnqueueSlot[q] == slot;
                var entry = new Handed
                {
                    Position = uDequeued,
                    From = node,
                    Edge = was._outEdge[p],
                    To = to,
                    Start = at,
                    Count = n,
                    Enqueued = enqueued,
                    Reached = to < log.ReachEvent.Length && log.ReachEvent[to] == j && log.ReachSlot[to] == slot && old.ReachedBy[to] >= 0,
                };
                handed.Add(entry);
                if (!pending.TryGetValue(to, out var list)) pending[to] = list = new Queue<int>();
                list.Enqueue(handed.Count - 1);
                if (enqueued) enqueues.Enqueue(handed.Count - 1);
            }
        }

        // Passes what grew at node (handled as event ev) along its edges: into the region as the full search does; for a node
        // outside it (logged as event logged) to nodes outside the region as the log says it did; for a region node to nodes
        // outside it, compared with what the region's recorded events handed them.
        void Pass(int node, int ev, int[] kinds, long[] categories, int grew, int logged)
        {
            var start = _outStart[node];
            if (logged >= 0)
            {
                // An outside node: its recorded enqueues of outside nodes and its edges into the region, in the order of its edges.
                var q = log.EnqueueStart[logged];
                var qEnd = log.EnqueueStart[logged + 1];
                var slots = intoRegion[node]!;
                var r = 0;
                while (q < qEnd || r < slots.Length)
                {
                    var loggedSlot = q < qEnd ? log.EnqueueSlot[q] : int.MaxValue;
                    var regionSlot = r < slots.Length ? slots[r] : int.MaxValue;
                    if (loggedSlot < regionSlot)
                    {
                        var target = log.EnqueueNode[q++];
                        if (region[target]) continue;
                        uEnqueued++;
                        log2.Enqueued(loggedSlot, target);
                        continue;
                    }
                    // (An enqueue recorded along an edge into the region is the region's own, worked out here.)
                    if (loggedSlot == regionSlot) q++;
                    r++;
                    Into(node, ev, start + regionSlot, regionSlot, kinds, categories, grew);
                }
                return;
            }
            for (int p = start, end = _outStart[node + 1]; p < end; p++)
            {
                var to = _outTo[p];
                if (!region[to]) Hand(node, ev, p - start, _outEdge[p], to, _outSet[p], kinds, categories, grew);
                else Into(node, ev, p, p - start, kinds, categories, grew);
            }
        }

        // Passes what grew at node along edge position p into a region node, as the full search does.
        void Into(int node, int ev, int p, int slot, int[] kinds, long[] categories, int grew)
        {
            var to = _outTo[p];
            var e = _outEdge[p];
            var grown = false;
            for (var g = 0; g < grew; g++)
            {
                var carried = Categories.Carry(categories[g], _outSet[p]);
                if (carried == CategoryBits.Nothing) continue;
                if (reachEdge[to] == RegimeTrace.Unreached)
                {
                    reachEdge[to] = e;
                    reachVia[to] = node;
                    reached.Add(to);
                    log2.ReachEvent[to] = ev;
                    log2.ReachSlot[to] = slot;
                }
                grown |= lots.Grow(to, kinds[g], carried, Categories);
            }
            if (grown && !queued[to])
            {
                queued[to] = true;
                queue.Enqueue((to, uEnqueued));
                log2.Enqueued(slot, to);
            }
        }

        // A region node's event hands lots to a node outside the region: as recorded (then the node runs as it did, and
        // the recorded enqueue and first reach happen here), or not (the node joins the region for the next round).
        void Hand(int node, int ev, int slot, int edge, int to, long edgeSet, int[] kinds, long[] categories, int grew)
        {
            if (carriedKinds.Length < grew)
            {
                carriedKinds = new int[grew];
                carriedCategories = new long[grew];
            }
            var n = 0;
            for (var g = 0; g < grew; g++)
            {
                var carried = Categories.Carry(categories[g], edgeSet);
                if (carried == CategoryBits.Nothing) continue;
                carriedKinds[n] = kinds[g];
                carriedCategories[n++] = carried;
            }
            if (n == 0 || isJoined[to] || Holds(to, carriedKinds.AsSpan(0, n), carriedCategories.AsSpan(0, n))) return;
            SortByKind(carriedKinds.AsSpan(0, n), carriedCategories.AsSpan(0, n));
            var other = -1;
            if (pending.TryGetValue(to, out var list) && list.Count > 0)
            {
                var h = handed[list.Peek()];
                if (h.Position == uDequeued && h.From == node && h.Edge == edge && h.Count == n
                    && carriedKinds.AsSpan(0, n).SequenceEqual(CollectionsMarshal.AsSpan(handedKinds).Slice(h.Start, n))
                    && carriedCategories.AsSpan(0, n).SequenceEqual(CollectionsMarshal.AsSpan(handedCategories).Slice(h.Start, n)))
                {
                    var at = list.Peek();
                    // Outside nodes are handled in the order they were enqueued: the recorded enqueues must come in their order.
                    while (h.Enqueued && enqueues.Count > 0 && handed[enqueues.Peek()].Matched && enqueues.Peek() != at) enqueues.Dequeue();
                    if (!h.Enqueued || enqueues.Peek() == at)
                    {
                        list.Dequeue();
                        CollectionsMarshal.AsSpan(handed)[at].Matched = true;
                        if (h.Enqueued)
                        {
                            enqueues.Dequeue();
                            uEnqueued++;
                            log2.Enqueued(slot, to);
                        }
                        if (h.Reached)
                        {
                            log2.ReachEvent[to] = ev;
                            log2.ReachSlot[to] = slot;
                            reachLogged[to] = true;
                        }
                        return;
                    }
                    other = handed[enqueues.Peek()].To;
                }
            }
            // Not as recorded: the node joins the region in the next round.
            if (other >= 0) Join(other);
            Join(to);
        }

        // Whether node (outside the region) held every lot of kinds/categories after its recorded events up to the last
        // outside event handled, having been handled at least once (so it was reached).
        bool Holds(int node, ReadOnlySpan<int> kinds, ReadOnlySpan<long> categories)
        {
            if (node >= was.NodeCount || eventStart[node] == eventStart[node + 1] || eventsOf[eventStart[node]] > lastOutside) return false;
            if (!heldIndex.TryGetValue(node, out var byKind)) heldIndex[node] = byKind = HeldByKind(log, eventsOf.AsSpan(eventStart[node], eventStart[node + 1] - eventStart[node]));
            for (var i = 0; i < kinds.Length; i++)
            {
                if (!byKind.TryGetValue(kinds[i], out var seen)) return false;
                // The kind's categories at the node's last turn up to now (the last entry recorded at or before it).
                int lo = 0, hi = seen.Count - 1, found = -1;
                while (lo <= hi)
                {
                    var mid = (lo + hi) >> 1;
                    if (seen[mid].Event <= lastOutside)
                    {
                        found = mid;
                        lo = mid + 1;
                    }
                    else
                    {
                        hi = mid - 1;
                    }
                }
                if (found < 0) return false;
                var has = seen[found].Categories;
                if (Categories.Union(has, categories[i]) != has) return false;
            }
            return true;
        }

        // The order of reaching: the nodes outside the region in their old order, the region's where they now fall.
        var order = new int[before.Order.Length - CountIn(before.Order, region) + reached.Count];
        var arrived = new int[order.Length];
        var at = 0;
        var d = 0;
        for (var k = 0; k < before.Order.Length; k++)
        {
            var node = before.Order[k];
            if (region[node]) continue;
            var wasEvent = log.ReachEvent[node];
            if (!reachLogged[node])
            {
                // Reached by a seed or an outside node's event (a region node's event that reached it set log2 as it did).
                log2.ReachEvent[node] = wasEvent == SearchLog.SeedEvent ? SearchLog.SeedEvent : renumbered[wasEvent];
                log2.ReachSlot[node] = log.ReachSlot[node];
            }
            var ev = log2.ReachEvent[node];
            var slot = log2.ReachSlot[node];
            for (; d < reached.Count && Earlier(log2, reached[d], ev, slot); d++) Place(reached[d]);
            order[at] = node;
            arrived[at++] = before.Arrived[k];
        }
        for (; d < reached.Count; d++) Place(reached[d]);

        void Place(int node)
        {
            order[at] = node;
            arrived[at++] = Outgoing[node] is not null ? lots.SetAt(node, Lots) : LotSets.Empty;
        }

        // The tree, node by node in the order of reaching (each node is reached from one reached before it).
        var trace = new RegimeTrace(Transfers, nodes);
        foreach (var node in order)
        {
            int edge, via;
            if (region[node]) (edge, via) = (reachEdge[node], reachVia[node]);
            else (edge, via) = (old.ReachedBy[node], old.ReachedBy[node] >= 0 ? old.Via(node) : -1);
            if (edge == RegimeTrace.Seed) trace.MarkSeed(node);
            else trace.Reach(node, edge, via);
        }
        foreach (var node in reached)
        {
            reachEdge[node] = RegimeTrace.Unreached;
            queued[node] = false;
        }
        foreach (var node in joined) isJoined[node] = false;
        return new RegimeSearch(this, before.Regime, trace, order, arrived, counts, bound);
    }

    /// <summary>For each kind of lot that grew at a node's recorded <paramref name="events"/>, its categories after each of them, in order.</summary>
    private static Dictionary<int, List<(int Event, long Categories)>> HeldByKind(SearchLog log, ReadOnlySpan<int> events)
    {
        var byKind = new Dictionary<int, List<(int, long)>>();
        foreach (var ev in events)
        {
            for (var f = log.FreshStart[ev]; f < log.FreshStart[ev + 1]; f++)
            {
                if (!byKind.TryGetValue(log.FreshKind[f], out var list)) byKind[log.FreshKind[f]] = list = [];
                list.Add((ev, log.FreshCategories[f]));
            }
        }
        return byKind;
    }

    /// <summary>The events of <paramref name="log"/> per node, in order.</summary>
    private static (int[] Start, int[] Events) EventsByNode(SearchLog log, int nodes)
    {
        var start = new int[nodes + 1];
        var count = log.EventNode.Count;
        for (var j = 0; j < count; j++) start[log.EventNode[j] + 1]++;
        for (var n = 0; n < nodes; n++) start[n + 1] += start[n];
        var events = new int[count];
        var next = start[..^1];
        for (var j = 0; j < count; j++) events[next[log.EventNode[j]]++] = j;
        return (start, events);
    }

    /// <summary>Sorts a few lots by kind (kinds are distinct).</summary>
    private static void SortByKind(Span<int> kinds, Span<long> categories)
    {
        for (var i = 1; i < kinds.Length; i++)
        {
            var (k, c) = (kinds[i], categories[i]);
            var m = i - 1;
            for (; m >= 0 && kinds[m] > k; m--)
            {
                kinds[m + 1] = kinds[m];
                categories[m + 1] = categories[m];
            }
            kinds[m + 1] = k;
            categories[m + 1] = c;
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

    /// <summary>The positions of <paramref name="node"/>'s edges that end in <paramref name="region"/>, in order.</summary>
    private int[] IntoRegion(int node, bool[] region)
    {
        var next = Next(node);
        var count = 0;
        foreach (var to in next)
        {
            if (region[to]) count++;
        }
        if (count == 0) return [];
        var slots = new int[count];
        count = 0;
        for (var k = 0; k < next.Length; k++)
        {
            if (region[next[k]]) slots[count++] = k;
        }
        return slots;
    }
}

/// <summary>
/// How one regime's search ran, enough to replay it (<see cref="OnwardGraph.Replay"/>): each time a node was taken from the
/// queue (an event), what had grown there and which nodes it put on the queue (by the position of the edge among the
/// node's); the seeds put on the queue (by bound edge); and for each node reached, the event (or, for a seed, the bound
/// edge) and the edge position it was first reached at.
/// </summary>
internal sealed class SearchLog
{
    public const int SeedEvent = -1;

    public SearchLog(int nodes)
    {
        EventNode = [];
        FreshStart = [0];
        FreshKind = [];
        FreshCategories = [];
        EnqueueStart = [0];
        EnqueueSlot = [];
        EnqueueNode = [];
        ReachEvent = new int[nodes];
        ReachSlot = new int[nodes];
    }

    /// <summary>An empty log for a search of <paramref name="nodes"/> nodes, its lists sized for a run like <paramref name="like"/>'s (a replay's: no list grows in steps).</summary>
    public SearchLog(int nodes, SearchLog like)
    {
        ArgumentNullException.ThrowIfNull(like);
        static int Room(int n) => n + (n >> 4) + 16;
        EventNode = new(Room(like.EventNode.Count));
        FreshStart = new(Room(like.FreshStart.Count)) { 0 };
        FreshKind = new(Room(like.FreshKind.Count));
        FreshCategories = new(Room(like.FreshCategories.Count));
        EnqueueStart = new(Room(like.EnqueueStart.Count)) { 0 };
        EnqueueSlot = new(Room(like.EnqueueSlot.Count));
        EnqueueNode = new(Room(like.EnqueueNode.Count));
        ReachEvent = new int[nodes];
        ReachSlot = new int[nodes];
    }

    /// <summary>Empties the log for another run over the same nodes (the lists keep their room).</summary>
    public void Clear()
    {
        EventNode.Clear();
        FreshStart.Clear();
        FreshStart.Add(0);
        FreshKind.Clear();
        FreshCategories.Clear();
        EnqueueStart.Clear();
        EnqueueStart.Add(0);
        EnqueueSlot.Clear();
        EnqueueNode.Clear();
        SeedEnqueueEdge.Clear();
        SeedEnqueueNode.Clear();
        BoundEdges.Clear();
    }

    public List<int> EventNode { get; }
    public List<int> FreshStart { get; }
    public List<int> FreshKind { get; }
    public List<long> FreshCategories { get; }
    public List<int> EnqueueStart { get; }
    public List<int> EnqueueSlot { get; }
    public List<int> EnqueueNode { get; }
    public List<int> SeedEnqueueEdge { get; } = [];
    public List<int> SeedEnqueueNode { get; } = [];
    public List<int> BoundEdges { get; } = [];
    public int[] ReachEvent { get; }
    public int[] ReachSlot { get; }

    public int StartEvent(int node, ReadOnlySpan<int> kinds, ReadOnlySpan<long> categories)
    {
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
