using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// The flow graph of one version of an estate's direct transfers, as the onward search reads it: graph nodes as dense ids
/// (one string lookup per endpoint in all), edges as transfer indices, each edge's categories as a <see cref="CategoryBits"/>
/// value and its data's kind of lot, and each regime's search (<see cref="Search"/>) over it.
/// </summary>
/// <remarks>
/// Lineage as lots: a regime's data rests at a node as lots, each the data of one kind of origin (its subjects, subject
/// types and designations) with the categories of it that reached the node. An edge out of the node carries the part of
/// each lot in the categories it declares (a flow that declares none, or a copy, carries every lot whole). Lots only grow,
/// so the search runs to a fixed point; a hop's data is the union of the lots it carries. Node ids may be shared with an
/// earlier version's graph (an onward index): ids never change meaning, new nodes get new ids.
/// </remarks>
internal sealed partial class OnwardGraph
{
    private readonly Dictionary<string, int> _ids;

    /// <summary>Builds the graph of <paramref name="transfers"/>; node ids continue <paramref name="ids"/> when given (it is copied).</summary>
    /// <remarks>Called once per evaluation over every edge.</remarks>
    public OnwardGraph(IReadOnlyList<TransferFact> transfers, IReadOnlySet<string>? regimesToFollow, Dictionary<string, int>? ids = null,
        int narrowLimit = CategoryBits.NarrowLimit)
    {
        Transfers = transfers;
        // Read as an array: every edge is read once here (each fact's fields together: a million facts lie scattered over
        // the heap, so a pass per field would miss the cache per fact each time), and once per hop later (see Edges).
        var edges = _edges = transfers as TransferFact[] ?? [.. transfers];
        var count = edges.Length;
        _ids = ids is null ? new Dictionary<string, int>(StringComparer.Ordinal) : new Dictionary<string, int>(ids, StringComparer.Ordinal);
        From = new int[count];
        To = new int[count];
        EdgeSet = new long[count];
        EdgeOwn = new long[count];
        EdgeKind = new int[count];
        // Until the vocabularies are known (after the pass), the per-edge arrays hold what the pass read: EdgeSet the edge's
        // exporter (its regimes' list, times two, plus one for an unknown country), EdgeOwn its categories' list (times two,
        // plus one when it carries only its categories; -2: none declared), EdgeKind its data's subjects, subject types and
        // designations (as a list). Consecutive edges often share a node, an exporter or data: the last answers are kept.
        var outgoing = new List<List<int>?>();
        var stores = new List<int>();
        var regimeLists = new Dictionary<ImmutableArray<string>, int>();
        var categoryLists = new Dictionary<string[], int>(ReferenceEqualityComparer.Instance);
        var kindLists = new Dictionary<(string[]?, string[]?, string[]?), int>(LotSets.SameArrays.Instance);
        var kindData = new List<CarriedData>();
        var unknownOrigin = false;
        var (lastFrom, lastFromId, lastTo, lastToId) = ((string?)null, 0, (string?)null, 0);
        var (lastSource, lastSourceKey) = ((Location.Site?)null, 0L);
        var (lastData, lastCategories, lastKind) = ((CarriedData?)null, 0L, 0);
        for (var i = 0; i < count; i++)
        {
            var t = edges[i];
            var fromNode = t.FromNode;
            var toNode = t.ToNode;
            if (!ReferenceEquals(fromNode, lastFrom)) (lastFrom, lastFromId) = (fromNode, Id(fromNode));
            if (!ReferenceEquals(toNode, lastTo)) (lastTo, lastToId) = (toNode, Id(toNode));
            From[i] = lastFromId;
            To[i] = lastToId;
            while (outgoing.Count < _ids.Count) outgoing.Add(null);
            if (fromNode.Length != 0) (outgoing[lastFromId] ??= []).Add(i);
            // A store's data also leaves with flows declared from its cluster (merged below, once every edge is listed).
            if (toNode.StartsWith("DataStore/", StringComparison.Ordinal)) stores.Add(i);
            var source = t.Source;
            if (!ReferenceEquals(source, lastSource))
            {
                if (!regimeLists.TryGetValue(source.Regimes, out var list)) regimeLists[source.Regimes] = list = regimeLists.Count;
                (lastSource, lastSourceKey) = (source, (list * 2L) + (source.Country is null ? 1 : 0));
            }
            EdgeSet[i] = lastSourceKey;
            unknownOrigin |= (lastSourceKey & 1) != 0;
            var data = t.Data;
            if (!ReferenceEquals(data, lastData))
            {
                lastData = data;
                var categories = data.Categories;
                if (categories.IsDefaultOrEmpty)
                {
                    lastCategories = -2;
                }
                else
                {
                    var array = ImmutableCollectionsMarshal.AsArray(categories)!;
                    if (!categoryLists.TryGetValue(array, out var list)) categoryLists[array] = list = categoryLists.Count;
                    lastCategories = list * 2L;
                }
                var key = (ImmutableCollectionsMarshal.AsArray(data.Subjects), ImmutableCollectionsMarshal.AsArray(data.SubjectTypes),
                    ImmutableCollectionsMarshal.AsArray(data.Designations));
                if (!kindLists.TryGetValue(key, out lastKind))
                {
                    kindLists[key] = lastKind = kindData.Count;
                    kindData.Add(data);
                }
            }
            EdgeOwn[i] = lastCategories + (t.CarriesOnlyItsCategories ? 1 : 0);
            EdgeKind[i] = lastKind;
        }
        while (outgoing.Count < _ids.Count) outgoing.Add(null);

        // A store node always lies on the same cluster (its destination site), so each is merged once; the edges keep their order.
        var merged = new bool[_ids.Count];
        // Which edges a store already has, marked with the store's node (+ 1) instead of a set per store.
        int[]? marks = null;
        foreach (var i in stores)
        {
            var storeNode = To[i];
            if (merged[storeNode]) continue;
            var t = edges[i];
            if (t.Destination.Kind != "Cluster") continue;
            merged[storeNode] = true;
            if (!_ids.TryGetValue("Cluster/" + t.Destination.Name, out var clusterNode) || outgoing[clusterNode] is not { } clusterEdges) continue;
            if (outgoing[storeNode] is { } storeEdges)
            {
                marks ??= new int[count];
                var mark = storeNode + 1;
                foreach (var e in storeEdges) marks[e] = mark;
                foreach (var e in clusterEdges)
                {
                    if (marks[e] == mark) continue;
                    marks[e] = mark;
                    storeEdges.Add(e);
                }
            }
            else
            {
                outgoing[storeNode] = [.. clusterEdges];
            }
        }
        Outgoing = [.. outgoing.Select(o => o?.ToArray())];

        // The regimes, from each exporter's list once (in the order the edges first name them).
        var regimes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in regimeLists.Keys)
        {
            foreach (var r in list)
            {
                if (regimesToFollow is null || regimesToFollow.Contains(r)) regimes.Add(r);
            }
        }
        var ordered = regimes.Order(StringComparer.Ordinal).ToList();
        // Data that leaves a site of unknown country may carry any regime: it is followed onward as its own search.
        if (unknownOrigin) ordered.Add(FlowAnalyzer.UnknownOrigin);
        Regimes = ordered;
        // Which regimes bind each edge's exporter, as bits (one word while there are at most 64 regimes, as there are today).
        if (ordered.Count <= 64)
        {
            _binding = new ulong[count];
            var masks = new ulong[regimeLists.Count];
            foreach (var (list, id) in regimeLists)
            {
                var mask = 0UL;
                for (var r = 0; r < ordered.Count; r++)
                {
                    if (ordered[r] != FlowAnalyzer.UnknownOrigin && list.Contains(ordered[r])) mask |= 1UL << r;
                }
                masks[id] = mask;
            }
            // Data leaving a site of unknown country is bound by the unknown-origin search (the last, when there is one).
            var unknownBit = 1UL << (ordered.Count - 1);
            for (var i = 0; i < count; i++)
            {
                var key = EdgeSet[i];
                _binding[i] = (key & 1) != 0 ? masks[key >> 1] | unknownBit : masks[key >> 1];
            }
        }

        Sensitivity = count > 0 ? edges[0].Context.Sensitivity : SensitivityInference.None;
        // The categories and kinds of each list once, in the order the edges first name them (so sets, names and kinds are
        // numbered as an edge-by-edge pass would number them).
        var categoryArrays = new ImmutableArray<string>[categoryLists.Count];
        foreach (var (array, id) in categoryLists) categoryArrays[id] = ImmutableCollectionsMarshal.AsImmutableArray(array);
        Categories = CategoryBits.OfLists(categoryArrays, narrowLimit);
        Lots = new LotSets(Categories);
        var sets = new long[categoryArrays.Length];
        for (var c = 0; c < sets.Length; c++) sets[c] = Categories.Of(categoryArrays[c]);
        var kinds = new int[kindData.Count];
        for (var k = 0; k < kinds.Length; k++) kinds[k] = Lots.KindOf(kindData[k]);
        for (var i = 0; i < count; i++)
        {
            var own = EdgeOwn[i];
            var set = own < 0 ? CategoryBits.All : sets[own >> 1];
            EdgeOwn[i] = set;
            EdgeSet[i] = (own & 1) != 0 ? set : CategoryBits.All;
            EdgeKind[i] = kinds[EdgeKind[i]];
        }
        // The edges out of each node side by side, with what the search reads of each (its destination and what it carries).
        _outStart = new int[_ids.Count + 1];
        for (var n = 0; n < _ids.Count; n++) _outStart[n + 1] = _outStart[n] + (Outgoing[n]?.Length ?? 0);
        _outEdge = new int[_outStart[^1]];
        _outTo = new int[_outEdge.Length];
        _outSet = new long[_outEdge.Length];
        for (var n = 0; n < _ids.Count; n++)
        {
            if (Outgoing[n] is not { } leaving) continue;
            for (var k = 0; k < leaving.Length; k++)
            {
                var at = _outStart[n] + k;
                _outEdge[at] = leaving[k];
                _outTo[at] = To[leaving[k]];
                _outSet[at] = EdgeSet[leaving[k]];
            }
        }
    }

    private readonly int[] _outStart;
    private readonly int[] _outEdge;
    private readonly int[] _outTo;
    private readonly long[] _outSet;

    private int Id(string key)
    {
        if (!_ids.TryGetValue(key, out var id)) _ids[key] = id = _ids.Count;
        return id;
    }

    /// <summary>The node ids (a later version's graph continues them).</summary>
    public Dictionary<string, int> Ids => _ids;

    /// <summary>The direct transfers: edge i is transfer i.</summary>
    public IReadOnlyList<TransferFact> Transfers { get; }

    /// <summary><see cref="Transfers"/> as an array (read without an interface call per hop; made on first use).</summary>
    public TransferFact[] Edges => _edges ??= Transfers as TransferFact[] ?? [.. Transfers];

    private TransferFact[]? _edges;

    /// <summary>Node ids.</summary>
    public int NodeCount => _ids.Count;

    /// <summary>Each edge's source node.</summary>
    public int[] From { get; }

    /// <summary>Each edge's destination node.</summary>
    public int[] To { get; }

    /// <summary>The edges data at a node leaves by, in order (null: none).</summary>
    public int[]?[] Outgoing { get; }

    /// <summary>The regimes followed, sorted, then <see cref="FlowAnalyzer.UnknownOrigin"/> when some data leaves a site of unknown country.</summary>
    public List<string> Regimes { get; }

    /// <summary>What the regimes' sensitive categories let hops infer.</summary>
    public SensitivityInference Sensitivity { get; }

    /// <summary>The categories vocabulary.</summary>
    public CategoryBits Categories { get; }

    /// <summary>The kinds of lot and sets of lots.</summary>
    public LotSets Lots { get; }

    /// <summary>What each edge carries of a lot (its own categories, or <see cref="CategoryBits.All"/>).</summary>
    public long[] EdgeSet { get; }

    /// <summary>Each edge's own categories (none declared: <see cref="CategoryBits.All"/>).</summary>
    public long[] EdgeOwn { get; }

    /// <summary>Each edge's data's kind of lot.</summary>
    public int[] EdgeKind { get; }

    private readonly ulong[]? _binding;

    /// <summary>Whether <paramref name="regime"/> binds edge <paramref name="e"/>'s exporter (the direct transfer is already judged under it).</summary>
    public bool Binds(string regime, int e) =>
        regime == FlowAnalyzer.UnknownOrigin ? Transfers[e].Source.Country is null : Transfers[e].Source.Regimes.Contains(regime);

    /// <summary>Which edges regime number <paramref name="r"/> of <see cref="Regimes"/> binds, into <paramref name="bound"/>.</summary>
    private void Bound(int r, bool[] bound)
    {
        if (_binding is { } binding)
        {
            var bit = 1UL << r;
            for (var i = 0; i < binding.Length; i++) bound[i] = (binding[i] & bit) != 0;
            return;
        }
        for (var i = 0; i < Transfers.Count; i++) bound[i] = Binds(Regimes[r], i);
    }

    /// <summary>
    /// One regime's search: a breadth-first search from the sites it binds along all transfers, to a fixed point of lots;
    /// then its hops (where its data leaves a site the regime does not bind), node by node in the order its data first
    /// reached them, each node's edges in order. <paramref name="scratch"/> is reused between searches (one thread).
    /// </summary>
    public RegimeSearch Search(string regime, SearchScratch scratch) => Run(regime, scratch, cut: false, filter: null);

    /// <summary>
    /// As <see cref="Search(string, SearchScratch)"/>, cut to what <see cref="RegimeSearch.Hops"/> with <paramref name="filter"/>
    /// (null: every hop) can give: the regime's data is followed only to the nodes from which it can still leave along an
    /// edge the regime does not bind and some rule of the filter could judge a hop of the regime along (the filter's edge
    /// and regime tests, <see cref="IOnwardHopFilter.MayWant"/>), and the lots that arrived are kept only where it can leave
    /// so. The hops are exactly the full search's, in the same order (every node that matters is reached by the same edge
    /// with the same lots, see <see cref="SearchScratch.Live"/>); the search's trace covers only the nodes that matter, so
    /// an onward index, which compares traces, uses the full search.
    /// </summary>
    public RegimeSearch SearchFor(string regime, SearchScratch scratch, IOnwardHopFilter? filter) => Run(regime, scratch, cut: true, filter);

    private RegimeSearch Run(string regime, SearchScratch scratch, bool cut, IOnwardHopFilter? filter)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        var r = Regimes.IndexOf(regime);
        if (r < 0) throw new ArgumentException($"'{regime}' is not a regime this graph follows", nameof(regime));
        var edges = Edges;
        var count = edges.Length;
        var nodes = NodeCount;
        scratch.Reset(nodes, count);
        var trace = new RegimeTrace(Edges, nodes);
        var order = new List<int>();
        var counts = new LotCounts(Lots.Kinds);
        var bound = scratch.Bound;
        var queue = scratch.Queue;
        var queued = scratch.Queued;
        var lots = scratch.Lots;
        var categories = Categories;
        var reachedBy = trace.ReachedBy;
        var outStart = _outStart;
        var outEdge = _outEdge;
        var outTo = _outTo;
        var outSet = _outSet;

        Bound(r, bound);
        // Which nodes matter (all of them in a full search): see SearchScratch.Live.
        var live = scratch.Live;
        bool[]? candidates = null;
        if (cut)
        {
            // The edges a hop of the regime may be wanted along (asked once per edge, not per hop).
            candidates = new bool[count];
            for (var i = 0; i < count; i++) candidates[i] = !bound[i] && (filter is null || filter.MayWant(i, regime));
            Live(candidates, live, scratch.Stack);
        }
        else
        {
            Array.Fill(live, SearchScratch.Leaves, 0, nodes);
        }
        for (var i = 0; i < count; i++)
        {
            if (!bound[i]) continue;
            var from = From[i];
            if (reachedBy[from] == RegimeTrace.Unreached)
            {
                trace.MarkSeed(from);
                order.Add(from);
            }
            // What the regime's data is where it starts: the lot that leaves along each edge (everything, if it says nothing).
            // A lot's categories only grow, so each (node, kind) changes at most once per category: only what grew is passed
            // on, and the search is linear in the lots that move.
            if (live[from] != SearchScratch.Dead && EdgeOwn[i] != CategoryBits.Nothing && lots.Grow(from, EdgeKind[i], EdgeOwn[i], categories) && !queued[from])
            {
                queued[from] = true;
                queue.Enqueue(from);
            }
            counts.Add(EdgeKind[i], edges[i].Held);
        }
        var grewKinds = scratch.GrewKinds;
        var grewCategories = scratch.GrewCategories;
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            queued[node] = false;
            // What grew since the node was last handled, as it was now: lots that grow while its edges are followed (a
            // loop back to it) are passed on when it is handled again.
            var grew = lots.TakeFresh(node, ref grewKinds, ref grewCategories);
            for (int p = outStart[node], end = outStart[node + 1]; p < end; p++)
            {
                var e = outEdge[p];
                var next = outTo[p];
                if (live[next] == SearchScratch.Dead) continue;
                var edgeSet = outSet[p];
                var grown = false;
                for (var g = 0; g < grew; g++)
                {
                    var carried = categories.Carry(grewCategories[g], edgeSet);
                    if (carried == CategoryBits.Nothing) continue;
                    if (reachedBy[next] == RegimeTrace.Unreached)
                    {
                        trace.Reach(next, e, node);
                        order.Add(next);
                    }
                    grown |= lots.Grow(next, grewKinds[g], carried, categories);
                }
                if (grown && !queued[next])
                {
                    queued[next] = true;
                    queue.Enqueue(next);
                }
            }
        }
        scratch.GrewKinds = grewKinds;
        scratch.GrewCategories = grewCategories;

        // Only nodes data leaves again need their lots as a set.
        var arrived = new int[order.Count];
        // The sets of lots are the graph's, shared with hops being built meanwhile (see LotsGate).
        lock (LotsGate)
        {
            for (var k = 0; k < order.Count; k++)
            {
                var node = order[k];
                if (Outgoing[node] is not null && live[node] == SearchScratch.Leaves) arrived[k] = lots.SetAt(node, Lots);
            }
        }
        lots.Measure();
        return new RegimeSearch(this, regime, trace, [.. order], arrived, counts, (bool[])bound.Clone()) { Candidates = candidates, CutFor = filter };
    }

    /// <summary>
    /// Marks in <paramref name="live"/> each node the regime's data can leave by one of the <paramref name="candidates"/> (edges
    /// it does not bind and along which the filter may want a hop of it: <see cref="SearchScratch.Leaves"/>), then each node
    /// from which such a node can be reached (<see cref="SearchScratch.Passes"/>); the rest are <see cref="SearchScratch.Dead"/>.
    /// <paramref name="stack"/> is scratch.
    /// </summary>
    private void Live(bool[] candidates, byte[] live, Stack<int> stack)
    {
        var nodes = NodeCount;
        Array.Clear(live, 0, nodes);
        stack.Clear();
        var outStart = _outStart;
        var outEdge = _outEdge;
        for (var n = 0; n < nodes; n++)
        {
            for (int p = outStart[n], end = outStart[n + 1]; p < end; p++)
            {
                if (!candidates[outEdge[p]]) continue;
                live[n] = SearchScratch.Leaves;
                stack.Push(n);
                break;
            }
        }
        var (inStart, inFrom) = Incoming();
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            for (int q = inStart[n], end = inStart[n + 1]; q < end; q++)
            {
                var from = inFrom[q];
                if (live[from] != SearchScratch.Dead) continue;
                live[from] = SearchScratch.Passes;
                stack.Push(from);
            }
        }
    }

    private (int[] Start, int[] From)? _incoming;

    /// <summary>The graph's edges as the search follows them, backwards: the nodes data reaches node n from are <c>From[Start[n]..Start[n + 1]]</c> (worked out once).</summary>
    private (int[] Start, int[] From) Incoming()
    {
        if (_incoming is { } known) return known;
        var nodes = NodeCount;
        var start = new int[nodes + 1];
        foreach (var to in _outTo) start[to + 1]++;
        for (var n = 0; n < nodes; n++) start[n + 1] += start[n];
        var from = new int[_outTo.Length];
        var next = start[..^1];
        for (var n = 0; n < nodes; n++)
        {
            for (int p = _outStart[n], end = _outStart[n + 1]; p < end; p++) from[next[_outTo[p]]++] = n;
        }
        var incoming = (start, from);
        _incoming = incoming;
        return incoming;
    }
}

/// <summary>
/// What one regime's search found: its tree (<see cref="Trace"/>), the nodes its data reached in the order it first
/// reached them, the lots that arrived at each (as a set), its individuals per kind of lot, and which edges it binds.
/// </summary>
internal sealed partial class RegimeSearch(OnwardGraph graph, string regime, RegimeTrace trace, int[] order, int[] arrived, LotCounts counts, bool[] bound)
{
    public OnwardGraph Graph { get; } = graph;
    public string Regime { get; } = regime;
    public RegimeTrace Trace { get; } = trace;
    public int[] Order { get; } = order;

    /// <summary>The set of lots (see <see cref="LotSets"/>) that arrived at each node of <see cref="Order"/> (empty at a node data does not leave).</summary>
    public int[] Arrived { get; } = arrived;
    public bool[] Bound { get; } = bound;

    /// <summary>
    /// For a search cut for a filter (<see cref="OnwardGraph.SearchFor"/>, <see cref="CutFor"/>): the edges the regime does not
    /// bind and along which the filter may want a hop of it; null for a full search.
    /// </summary>
    public bool[]? Candidates { get; init; }

    /// <summary>The filter a cut search was cut for (null: none, or a full search).</summary>
    public IOnwardHopFilter? CutFor { get; init; }

    /// <summary>
    /// The regime's onward hops (with the edge each is along and the node it leaves: a cluster's edges also leave each
    /// store on it that data reached), node by node in the order its data first reached them;
    /// only those <paramref name="filter"/> wants, when given.
    /// </summary>
    public IEnumerable<(int Edge, int Node, TransferFact Hop)> Hops(IOnwardHopFilter? filter)
    {
        ImmutableArray<string> only = Regime == FlowAnalyzer.UnknownOrigin ? [] : [Regime];
        var lotData = new Dictionary<(int Set, long Categories), CarriedData>();
        var batch = new List<(int Edge, int Node, TransferFact Hop)>();
        for (var k = 0; k < Order.Length;)
        {
            lock (Graph.LotsGate) k = HopsFrom(k, filter, only, lotData, batch);
            foreach (var hop in batch) yield return hop;
            batch.Clear();
        }
    }

    /// <summary>A batch of hops to build before they are handed on (the building runs in a method of its own, not the iterator).</summary>
    private const int HopBatch = 256;

    /// <summary>
    /// The hops leaving the nodes of <see cref="Order"/> from position <paramref name="k"/> on, into <paramref name="batch"/>, until
    /// it holds at least <see cref="HopBatch"/>; the position to go on from. Hot: a method of its own, not the iterator's body
    /// (which is compiled less well).
    /// </summary>
    private int HopsFrom(int k, IOnwardHopFilter? filter, ImmutableArray<string> only, Dictionary<(int, long), CarriedData> lotData,
        List<(int Edge, int Node, TransferFact Hop)> batch)
    {
        var g = Graph;
        var lots = g.Lots;
        var outgoing = g.Outgoing;
        var transfers = g.Edges;
        var edgeSets = g.EdgeSet;
        var edgeOwns = g.EdgeOwn;
        var reachedBy = Trace.ReachedBy;
        // A search cut for this filter knows which edges it may want a hop along (and which the regime binds).
        var candidates = ReferenceEquals(filter, CutFor) ? Candidates : null;
        var (lastSet, lastEdgeSet, lastOwn, lastData) = (-1, 0L, 0L, (CarriedData?)null);
        // The last hop's data at most its edge's (consecutive edges often move the same store's data): the same object again.
        var (lastLots, lastEdgeData, lastHopData) = ((CarriedData?)null, (CarriedData?)null, (CarriedData?)null);
        for (; k < Order.Length && batch.Count < HopBatch; k++)
        {
            var node = Order[k];
            if (outgoing[node] is not { } edges) continue;
            var pred = reachedBy[node];
            if (pred < 0) continue;
            foreach (var e in edges)
            {
                if (candidates is not null)
                {
                    if (e == pred || !candidates[e]) continue;
                }
                else
                {
                    if (e == pred || Bound[e]) continue;
                    // Rules the hop's edge or regime rules out are checked before its lots are worked out.
                    if (filter is not null && !filter.MayWant(e, Regime)) continue;
                }
                // A node's edges often carry its lots the same way: the last answer is kept (the same object the memo gives).
                var edge = transfers[e];
                var set = Arrived[k];
                var edgeSet = edgeSets[e];
                var edgeOwn = edgeOwns[e];
                CarriedData? data;
                if (set == lastSet && edgeSet == lastEdgeSet && edgeOwn == lastOwn)
                {
                    data = lastData;
                }
                else
                {
                    var carried = lots.Carry(set, edgeSet);
                    data = carried == LotSets.Empty ? null : LotData(edge, carried, edgeOwn, only, lotData);
                    (lastSet, lastEdgeSet, lastOwn, lastData) = (set, edgeSet, edgeOwn, data);
                }
                if (data is null) continue;
                if (filter is not null && !filter.Wanted(e, Regime, data)) continue;
                if (!ReferenceEquals(data, lastLots) || !ReferenceEquals(edge.Data, lastEdgeData))
                    (lastLots, lastEdgeData, lastHopData) = (data, edge.Data, FlowAnalyzer.AtMostTheEdges(data, edge.Data, only, g.Sensitivity));
                batch.Add((e, node, OnwardHop(edge, e, node, only, lastHopData!)));
            }
        }
        return k;
    }

    /// <summary>
    /// The data of the lots in <paramref name="set"/> carried along <paramref name="edge"/>: their categories (or the edge's own
    /// where the lots say "all of them"), subjects, subject types and designations, and as many individuals (and with
    /// sensitive data) as the stores the lots started from hold, or inferred under the hop's regime. Shared by every hop
    /// carrying the same lots (see <see cref="FlowAnalyzer.AtMostTheEdges"/> for what differs per hop).
    /// </summary>
    private CarriedData LotData(TransferFact edge, int set, long edgeOwn, ImmutableArray<string> regimes, Dictionary<(int, long), CarriedData> memo)
    {
        var lots = Graph.Lots;
        var shown = lots.Categories(set);
        if (shown == CategoryBits.All) shown = edgeOwn;
        if (memo.TryGetValue((set, shown), out var data)) return data;
        var (subjects, subjectTypes, designations) = lots.Describe(set);
        var (individuals, sensitive) = counts.Of(lots[set]);
        data = new CarriedData(shown == CategoryBits.All ? edge.Data.Categories : Graph.Categories.Names(shown), subjects, subjectTypes, designations,
            individuals, sensitive);
        return memo[(set, shown)] = Graph.Sensitivity.Infer(data, regimes);
    }

    private TransferFact OnwardHop(TransferFact edge, int e, int node, ImmutableArray<string> only, CarriedData data) =>
        OnwardHop(edge, _paths ??= new OnwardPaths(Trace), Regime, only, Trace.Origin(node), Trace.Length(node), data, e, node);

    /// <summary>The paths of this search's hops (one object for all of them: each hop knows its edge and node).</summary>
    private OnwardPaths? _paths;

    /// <summary>
    /// The hop <paramref name="hop"/> along a new version of its edge, <paramref name="edge"/>, whose place in the graph is
    /// unchanged (the same endpoints, sites, data and categories, so every regime's search is the same): the same regime,
    /// lots, origin, path and export volumes, with the edge's own fields (mechanisms, purpose, encryption, ...) from
    /// <paramref name="edge"/>. The incremental evaluation re-derives the hops along a changed flow this way.
    /// </summary>
    internal static TransferFact Rebase(TransferFact hop, TransferFact edge)
    {
        ArgumentNullException.ThrowIfNull(hop);
        ArgumentNullException.ThrowIfNull(edge);
        var rebased = OnwardHop(edge, new TracedPath(hop.Path), hop.OnwardRegime!, hop.Regimes, hop.Origin!, hop.Hop, hop.Data, hop.OnwardEdge, hop.OnwardNode);
        rebased.ExportedIndividuals = hop.ExportedIndividuals;
        rebased.ExportedSensitiveIndividuals = hop.ExportedSensitiveIndividuals;
        return rebased;
    }

    /// <summary>
    /// An onward hop: what a transfer shares with its hops is <paramref name="edge"/>'s (not copied), and the hop's own are its
    /// regime's data (<paramref name="data"/>, which is also what its lots hold where it leaves), origin, place in the chain
    /// and, for its path, the edge and node it leaves in its search.
    /// </summary>
    private static TransferFact OnwardHop(TransferFact edge, LazyPath path, string regime, ImmutableArray<string> only, Location.Site origin, int hop, CarriedData data,
        int e, int node) =>
        new(edge, path)
        {
            Data = data,
            Implied = true,
            OnwardRegime = regime,
            Origins = only,
            Regimes = only,
            Origin = origin,
            Hop = hop,
            OnwardEdge = e,
            OnwardNode = node,
        };

    /// <summary>The paths of a search's hops, each traced when it is first read (most hops never make a finding).</summary>
    private sealed class OnwardPaths(RegimeTrace trace) : LazyPath
    {
        public override ImmutableArray<string> Build(Fact fact)
        {
            var hop = (TransferFact)fact;
            return trace.Path(hop.OnwardEdge, hop.OnwardNode);
        }
    }

    /// <summary>A path already traced.</summary>
    private sealed class TracedPath(ImmutableArray<string> path) : LazyPath
    {
        public override ImmutableArray<string> Build(Fact fact) => path;
    }
}

/// <summary>
/// The lots of one regime's data at every node, and which of them grew since the node was last handled, in flat arrays
/// reused from search to search: node n's lots are slots <c>[Start[n], Start[n] + Count[n])</c> of the kinds and categories
/// arrays (a node that outgrows its slots moves to twice as many at the end), so adding a lot touches one place instead of
/// walking through an object per node. When the arrays fill up, the slots nodes moved out of are reclaimed (the nodes' slots
/// moved down, in order) before the arrays grow, so they stay within about twice the slots in use. A node with many lots
/// (a hub: in a large estate, hundreds of kinds reach it) also has an open-addressing index from kind to slot, so finding
/// a lot there does not scan them all.
/// </summary>
internal sealed partial class NodeLotTable
{
    /// <summary>Nodes with at least this many slots are indexed (fewer are scanned, which is faster).</summary>
    private const int IndexedFrom = 16;

    /// <summary>Where a node's lots are: its slots, how many are used and fresh, and its index (bits 0: none). One cache line.</summary>
    private struct NodeState
    {
        public int Start;
        public int Count;
        public int Capacity;
        public int FreshCount;
        public int IndexStart;
        public int IndexBits;
    }

    private NodeState[] _nodes = [];
    private int[] _kinds = new int[1024];
    private long[] _categories = new long[1024];
    private bool[] _fresh = new bool[1024];
    private int[] _freshSlots = new int[1024];
    private int[] _index = new int[1024];
    private int _used;
    private int _indexUsed;

    /// <summary>Slots (and index entries) that belong to a node now: the rest of those used were left when nodes moved.</summary>
    private int _live;
    private int _indexLive;
    private readonly List<int> _touched = [];
    private int[] _sortKinds = new int[16];
    private long[] _sortCategories = new long[16];
    private Lot[] _sorted = new Lot[16];

    /// <summary>What the table held at the end of the last search (the bench reports it): lots, slots used and allocated, index entries used and allocated.</summary>
    public (long Lots, long SlotsUsed, long Slots, long IndexUsed, long Index) Footprint { get; private set; }

    /// <summary>Empties what the last search left, for a graph of <paramref name="nodes"/> nodes.</summary>
    public void Reset(int nodes)
    {
        foreach (var node in _touched)
        {
            if (node < _nodes.Length) _nodes[node] = default;
        }
        _touched.Clear();
        Array.Clear(_fresh, 0, _used);
        _used = 0;
        _indexUsed = 0;
        _live = 0;
        _indexLive = 0;
        if (_nodes.Length < nodes) _nodes = new NodeState[nodes];
    }

    /// <summary>Adds <paramref name="categories"/> to the lot of <paramref name="kind"/> at <paramref name="node"/>; false when nothing grew.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Grow(int node, int kind, long categories, CategoryBits bits)
    {
        ref var state = ref _nodes[node];
        var start = state.Start;
        var count = state.Count;
        var slot = count == 0 ? -1 : state.IndexBits == 0 ? _kinds.AsSpan(start, count).IndexOf(kind) : Find(ref state, kind);
        if (slot < 0)
        {
            if (count == state.Capacity) start = Move(node, ref state);
            slot = count;
            state.Count = count + 1;
            _kinds[start + slot] = kind;
            _categories[start + slot] = categories;
            if (state.IndexBits != 0) Index(ref state, kind, slot);
        }
        else
        {
            var before = _categories[start + slot];
            var after = bits.Union(before, categories);
            if (after == before) return false;
            _categories[start + slot] = after;
        }
        if (!_fresh[start + slot])
        {
            _fresh[start + slot] = true;
            _freshSlots[start + state.FreshCount++] = slot;
        }
        return true;
    }

    /// <summary>The first index position to probe for <paramref name="kind"/> in an index of 2^<paramref name="bits"/> entries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Home(int kind, int bits) => (int)(((uint)kind * 2654435769u) >> (32 - bits));

    /// <summary>The slot of <paramref name="kind"/> at an indexed node (-1: none).</summary>
    private int Find(ref NodeState state, int kind)
    {
        var start = state.Start;
        var bits = state.IndexBits;
        var mask = (1 << bits) - 1;
        var index = state.IndexStart;
        for (var i = Home(kind, bits); ; i = (i + 1) & mask)
        {
            var entry = _index[index + i];
            if (entry == 0) return -1;
            if (_kinds[start + entry - 1] == kind) return entry - 1;
        }
    }

    /// <summary>Records that <paramref name="kind"/> is in <paramref name="slot"/> of an indexed node (at most half full: there is a free entry).</summary>
    private void Index(ref NodeState state, int kind, int slot)
    {
        var bits = state.IndexBits;
        var mask = (1 << bits) - 1;
        var index = state.IndexStart;
        var i = Home(kind, bits);
        while (_index[index + i] != 0) i = (i + 1) & mask;
        _index[index + i] = slot + 1;
    }

    /// <summary>
    /// Gives <paramref name="node"/> twice its slots at the end of the arrays (its lots and fresh marks moved, and an index
    /// of twice as many entries once it is large); its new start.
    /// </summary>
    private int Move(int node, ref NodeState state)
    {
        var count = state.Count;
        var capacity = state.Capacity;
        var grown = Math.Max(4, capacity * 2);
        if (_used + grown > _kinds.Length)
        {
            // Reclaim the slots nodes left (most of them, in a table of hubs that doubled many times) before growing.
            if ((_used - _live) * 4 >= _kinds.Length) CompactSlots();
            if (_used + grown > _kinds.Length)
            {
                var size = Math.Max(_kinds.Length * 2, _used + grown);
                Array.Resize(ref _kinds, size);
                Array.Resize(ref _categories, size);
                Array.Resize(ref _fresh, size);
                Array.Resize(ref _freshSlots, size);
            }
        }
        var start = state.Start;
        var moved = _used;
        if (capacity == 0)
        {
            _touched.Add(node);
        }
        else
        {
            Array.Copy(_kinds, start, _kinds, moved, count);
            Array.Copy(_categories, start, _categories, moved, count);
            Array.Copy(_fresh, start, _fresh, moved, count);
            Array.Copy(_freshSlots, start, _freshSlots, moved, state.FreshCount);
            Array.Clear(_fresh, start, count);
        }
        state.Start = moved;
        state.Capacity = grown;
        _used += grown;
        _live += grown - capacity;
        if (grown >= IndexedFrom)
        {
            var entries = grown * 2;
            if (_indexUsed + entries > _index.Length)
            {
                // The node's own index is dropped (it is rebuilt below), so it counts as left too.
                if (state.IndexBits != 0) _indexLive -= 1 << state.IndexBits;
                state.IndexBits = 0;
                if ((_indexUsed - _indexLive) * 4 >= _index.Length) CompactIndex();
                if (_indexUsed + entries > _index.Length) Array.Resize(ref _index, Math.Max(_index.Length * 2, _indexUsed + entries));
            }
            else if (state.IndexBits != 0)
            {
                _indexLive -= 1 << state.IndexBits;
            }
            _indexLive += entries;
            Array.Clear(_index, _indexUsed, entries);
            state.IndexStart = _indexUsed;
            state.IndexBits = BitOperations.Log2((uint)entries);
            _indexUsed += entries;
            for (var slot = 0; slot < count; slot++) Index(ref state, _kinds[moved + slot], slot);
        }
        return moved;
    }

    /// <summary>
    /// Moves every node's slots down over the slots nodes left, in the order they lie (a move down never overwrites slots
    /// not yet moved), so the slots in use are <c>[0, _live)</c>.
    /// </summary>
    private void CompactSlots()
    {
        var nodes = OrderedBy(static s => s.Capacity > 0 ? s.Start : -1);
        var at = 0;
        foreach (var node in nodes)
        {
            ref var state = ref _nodes[node];
            var start = state.Start;
            if (start != at)
            {
                Array.Copy(_kinds, start, _kinds, at, state.Count);
                Array.Copy(_categories, start, _categories, at, state.Count);
                Array.Copy(_fresh, start, _fresh, at, state.Capacity);
                Array.Copy(_freshSlots, start, _freshSlots, at, state.FreshCount);
                state.Start = at;
            }
            at += state.Capacity;
        }
        // Fresh marks left behind by the nodes moved (the slots nodes left have none).
        Array.Clear(_fresh, at, _used - at);
        _used = at;
    }

    /// <summary>As <see cref="CompactSlots"/>, for the index entries of the indexed nodes (entries name slots relative to their node, so they move as they are).</summary>
    private void CompactIndex()
    {
        var nodes = OrderedBy(static s => s.IndexBits != 0 ? s.IndexStart : -1);
        var at = 0;
        foreach (var node in nodes)
        {
            ref var state = ref _nodes[node];
            var entries = 1 << state.IndexBits;
            if (state.IndexStart != at)
            {
                Array.Copy(_index, state.IndexStart, _index, at, entries);
                state.IndexStart = at;
            }
            at += entries;
        }
        _indexUsed = at;
    }

    /// <summary>The touched nodes for which <paramref name="position"/> is not negative, in ascending order of it.</summary>
    private int[] OrderedBy(Func<NodeState, int> position)
    {
        var keys = new List<int>(_touched.Count);
        var nodes = new List<int>(_touched.Count);
        foreach (var node in _touched)
        {
            var at = position(_nodes[node]);
            if (at < 0) continue;
            keys.Add(at);
            nodes.Add(node);
        }
        var ordered = nodes.ToArray();
        Array.Sort(keys.ToArray(), ordered);
        return ordered;
    }

    /// <summary>Records what the table holds at the end of a search (<see cref="Footprint"/>); the arrays are kept for the next search.</summary>
    public void Measure()
    {
        long lots = 0;
        foreach (var node in _touched) lots += _nodes[node].Count;
        Footprint = (lots, _used, _kinds.Length, _indexUsed, _index.Length);
    }

    /// <summary>Copies the lots at <paramref name="node"/> that grew into the buffers (grown as needed) and forgets they grew; returns how many.</summary>
    public int TakeFresh(int node, ref int[] kinds, ref long[] categories)
    {
        ref var state = ref _nodes[node];
        var n = state.FreshCount;
        if (n == 0) return 0;
        if (kinds.Length < n)
        {
            kinds = new int[Math.Max(n, kinds.Length * 2)];
            categories = new long[kinds.Length];
        }
        var start = state.Start;
        for (var i = 0; i < n; i++)
        {
            var at = start + _freshSlots[start + i];
            kinds[i] = _kinds[at];
            categories[i] = _categories[at];
            _fresh[at] = false;
        }
        state.FreshCount = 0;
        return n;
    }

    /// <summary>The set of the lots at <paramref name="node"/> (<see cref="LotSets.Empty"/>: none).</summary>
    public int SetAt(int node, LotSets sets)
    {
        var state = _nodes[node];
        var n = state.Count;
        if (n == 0) return LotSets.Empty;
        if (_sorted.Length < n)
        {
            var size = Math.Max(n, _sorted.Length * 2);
            _sortKinds = new int[size];
            _sortCategories = new long[size];
            _sorted = new Lot[size];
        }
        var kinds = _sortKinds.AsSpan(0, n);
        var categories = _sortCategories.AsSpan(0, n);
        _kinds.AsSpan(state.Start, n).CopyTo(kinds);
        _categories.AsSpan(state.Start, n).CopyTo(categories);
        kinds.Sort(categories);
        var lots = _sorted.AsSpan(0, n);
        for (var i = 0; i < n; i++) lots[i] = new Lot(kinds[i], categories[i]);
        return sets.OfSorted(lots);
    }
}

/// <summary>Arrays one thread's searches reuse, sized for the largest graph seen.</summary>
internal sealed class SearchScratch
{
    public NodeLotTable Lots { get; } = new();
    public bool[] Queued { get; private set; } = [];
    public bool[] Bound { get; private set; } = [];

    /// <summary>
    /// Per node, whether a cut search follows the regime's data there (<see cref="OnwardGraph.SearchFor"/>): its data can
    /// leave it as a hop that may be wanted (<see cref="Leaves"/>), it can reach such a node (<see cref="Passes"/>), or
    /// neither (<see cref="Dead"/>: nothing that arrives there can become a wanted hop, so it is not followed there). A node
    /// that matters is reached only from nodes that matter (its predecessors can reach what it reaches), and a node that
    /// does not matter only leads to others that do not: so skipping them changes neither the order in which the nodes that
    /// matter are handled (the queue is first in, first out) nor the lots that reach them, and their hops are the same.
    /// </summary>
    public byte[] Live { get; private set; } = [];

    /// <summary>A node no wanted hop leaves, and from which none can be reached.</summary>
    public const byte Dead = 0;

    /// <summary>A node from which a node a wanted hop may leave can be reached.</summary>
    public const byte Passes = 1;

    /// <summary>A node a wanted hop may leave.</summary>
    public const byte Leaves = 2;

    /// <summary>The nodes whose predecessors are still to be marked (<see cref="OnwardGraph.SearchFor"/>).</summary>
    public Stack<int> Stack { get; } = new();

    public Queue<int> Queue { get; } = new();
    public int[] GrewKinds { get; set; } = new int[16];
    public long[] GrewCategories { get; set; } = new long[16];

    /// <summary>Empties what the last search left, for a graph of <paramref name="nodes"/> nodes and <paramref name="edges"/> edges.</summary>
    public void Reset(int nodes, int edges)
    {
        Lots.Reset(nodes);
        if (Queued.Length < nodes) Queued = new bool[nodes];
        else Array.Clear(Queued, 0, nodes);
        if (Bound.Length < edges) Bound = new bool[edges];
        if (Live.Length < nodes) Live = new byte[nodes];
        Queue.Clear();
    }
}
