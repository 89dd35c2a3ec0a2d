using ComplianceEngine.Core.Evaluation.Incremental;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// The onward hops of one version of an estate's direct transfers, kept between evaluations so that the next version
/// re-derives only what a change affects (issue 12, item 6). <see cref="Hops"/> is exactly what
/// <see cref="FlowAnalyzer.OnwardHops(IReadOnlyList{TransferFact}, IReadOnlySet{string})"/> gives for the same transfers, in
/// the same order; <see cref="Update"/> takes the next version's direct transfers and returns the hops that disappear and
/// the ones that appear, so that the previous hops minus <see cref="OnwardUpdate.Removed"/> plus
/// <see cref="OnwardUpdate.Added"/> are the next version's hops (unchanged hops are the previous objects).
/// </summary>
/// <remarks>
/// <para>How little it touches: a regime's search only reads the edges out of the nodes its data reaches, and which edges
/// its law binds. A node whose edges changed (a flow added, removed or edited; a store's or cluster's implied transfers
/// changed; anything a hop copies from its edge, exported totals included) affects only the regimes whose data reached it
/// or whose law binds one of its edges, before or after; every other regime's hops are kept as they are, without a search.
/// An affected regime is searched again (its hops' chains depend on the order its data spread in) and its hops are compared
/// with the previous ones edge by edge, so only hops whose value changed are reported.</para>
/// <para>Cheapest when unchanged transfers are the same objects as in the previous version (compared by reference first,
/// then by value). The evaluation's context (date, organisation, sensitivity) must be the one the previous version was
/// built with. One writer at a time; a built index is not changed by <see cref="Update"/> (it returns a new one).</para>
/// </remarks>
public sealed partial class OnwardIndex
{
    private readonly IReadOnlySet<string>? _regimesToFollow;
    private readonly IOnwardHopFilter? _filter;
    private readonly Dictionary<string, RegimeHops> _byRegime;
    private readonly TransferFact[] _direct;

    private OnwardIndex(TransferFact[] direct, OnwardGraph graph, IReadOnlySet<string>? regimesToFollow, IOnwardHopFilter? filter,
        Dictionary<string, RegimeHops> byRegime)
    {
        _direct = direct;
        Graph = graph;
        _regimesToFollow = regimesToFollow;
        _filter = filter;
        _byRegime = byRegime;
    }

    internal OnwardGraph Graph { get; }

    /// <summary>The direct transfers this version was built from.</summary>
    public IReadOnlyList<TransferFact> Direct => Graph.Transfers;

    /// <summary>Every onward hop, in the order the full search gives them (regime by regime).</summary>
    public IEnumerable<TransferFact> Hops => Graph.Regimes.SelectMany(r => _byRegime[r].Hops);

    /// <summary>How many onward hops there are.</summary>
    public int Count => _byRegime.Values.Sum(r => r.Hops.Length);

    /// <summary>The regimes followed, in the order <see cref="Hops"/> gives their hops.</summary>
    internal IReadOnlyList<string> Regimes => Graph.Regimes;

    /// <summary>How many times a node was taken from the queue in <paramref name="regime"/>'s last search or replay (-1: not recorded).</summary>
    internal int EventsOf(string regime) => _byRegime[regime].Log?.EventNode.Count ?? -1;

    /// <summary>How <paramref name="regime"/>'s search ran (null: not recorded).</summary>
    internal SearchLog? LogOf(string regime) => _byRegime[regime].Log;

    /// <summary>The search <paramref name="regime"/>'s hops come from (of this version or, when no change reached the regime, an earlier one).</summary>
    internal RegimeSearch SearchOf(string regime) => _byRegime[regime].Search;

    /// <summary>One regime's hops, in order (the array the index holds: <see cref="ReplaceHop"/> writes to it).</summary>
    internal IReadOnlyList<TransferFact> HopsOf(string regime) => _byRegime[regime].Hops;

    /// <summary>
    /// Puts <paramref name="transfer"/> in place of direct transfer <paramref name="edge"/>: a new version of it at the same place in
    /// the graph (the same endpoints, sites, data, categories and path, and the onward filter keeps the same hops along it), so
    /// every search runs the same. The hops along it are replaced with <see cref="ReplaceHop"/>. The index is changed in place.
    /// </summary>
    internal void ReplaceEdge(int edge, TransferFact transfer)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        _direct[edge] = transfer;
    }

    /// <summary>Puts <paramref name="hop"/> (the same hop along a new version of its edge) at <paramref name="position"/> of <paramref name="regime"/>'s hops.</summary>
    internal void ReplaceHop(string regime, int position, TransferFact hop)
    {
        ArgumentNullException.ThrowIfNull(hop);
        _byRegime[regime].Hops[position] = hop;
    }

    /// <summary>The onward hops of <paramref name="direct"/> for the regimes in <paramref name="regimesToFollow"/> (null: every regime).</summary>
    public static OnwardIndex Build(IReadOnlyList<TransferFact> direct, IReadOnlySet<string>? regimesToFollow) => Build(direct, regimesToFollow, filter: null);

    /// <summary>As <see cref="Build(IReadOnlyList{TransferFact}, IReadOnlySet{string})"/>, keeping only the hops <paramref name="filter"/> wants (it is kept for updates).</summary>
    internal static OnwardIndex Build(IReadOnlyList<TransferFact> direct, IReadOnlySet<string>? regimesToFollow, IOnwardHopFilter? filter) =>
        Build(direct, regimesToFollow, filter, workers: 1);

    /// <summary>As <see cref="Build(IReadOnlyList{TransferFact}, IReadOnlySet{string}, IOnwardHopFilter?)"/>; its updates replay up to <paramref name="workers"/> regimes at once.</summary>
    internal static OnwardIndex Build(IReadOnlyList<TransferFact> direct, IReadOnlySet<string>? regimesToFollow, IOnwardHopFilter? filter, int workers)
    {
        ArgumentNullException.ThrowIfNull(direct);
        // The index's own copy: the graph reads it, and ReplaceEdge writes to it.
        TransferFact[] own = [.. direct];
        var graph = new OnwardGraph(own, regimesToFollow);
        if (graph.Regimes.Count > 0) filter?.Prepare(own);
        var scratch = new SearchScratch();
        var byRegime = new Dictionary<string, RegimeHops>(StringComparer.Ordinal);
        foreach (var regime in graph.Regimes) byRegime[regime] = RegimeHops.Of(graph.SearchRecorded(regime, scratch, out var log), filter, log);
        return new OnwardIndex(own, graph, regimesToFollow, filter, byRegime) { Workers = Math.Max(1, workers) };
    }

    /// <summary>
    /// The next version: the onward hops of <paramref name="direct"/>, re-deriving only the regimes the changes since this
    /// version reach. This index stays as it was.
    /// </summary>
    public OnwardUpdate Update(IReadOnlyList<TransferFact> direct) => UpdateMarked(direct, mark: null);

    /// <summary>As <see cref="Update(IReadOnlyList{TransferFact})"/>; <paramref name="mark"/> is told each step as it ends (a bench times them).</summary>
    internal OnwardUpdate UpdateMarked(IReadOnlyList<TransferFact> direct, Action<string>? mark)
    {
        ArgumentNullException.ThrowIfNull(direct);
        // Edges changed in place: the graph patched and each regime's search replayed downstream of the change only.
        if (Patch(direct, mark) is { } patched) return patched;
        return Rebuilt([.. direct]);
    }

    /// <summary>
    /// The next version when it is this one with the transfers at some edges replaced (<paramref name="replaced"/>: each edge's
    /// index and its new transfer; the same edge twice: the last one), the rest the same objects at the same places: only the
    /// replaced edges are compared, so the update's cost follows the change, not the estate. Nothing else can differ (the
    /// next version's transfers are made here from this one's), so an edge changed but not named cannot be missed.
    /// </summary>
    internal OnwardUpdate UpdateReplacing(IReadOnlyList<(int Edge, TransferFact Transfer)> replaced, Action<string>? mark = null)
    {
        ArgumentNullException.ThrowIfNull(replaced);
        var own = (TransferFact[])_direct.Clone();
        var edges = new List<int>(replaced.Count);
        foreach (var (e, transfer) in replaced)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(e);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(e, own.Length);
            ArgumentNullException.ThrowIfNull(transfer);
            own[e] = transfer;
            edges.Add(e);
        }
        edges.Sort();
        var changed = new List<int>(edges.Count);
        foreach (var e in edges)
        {
            if ((changed.Count == 0 || changed[^1] != e) && !SameEdge(_direct[e], own[e])) changed.Add(e);
        }
        mark?.Invoke("compare");
        return Patch(own, changed, mark) ?? Rebuilt(own);
    }

    /// <summary>
    /// Prepares the onward filter for this version's transfers again after an update of it to <paramref name="other"/> (a
    /// version differing from this one at most at <paramref name="edges"/>) prepared it for that one: the way back of a
    /// rehearsal, so the next update of this version finds the filter prepared for its own transfers.
    /// </summary>
    internal void PrepareFilterAfter(OnwardIndex other, IReadOnlyList<int> edges)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Graph.Regimes.Count > 0 && _filter is IReusingHopFilter reusing) reusing.Patch(other._direct, _direct, edges);
    }

    /// <summary>The general update: a new graph of <paramref name="own"/> (the next index's own array), compared with this one node by node.</summary>
    private OnwardUpdate Rebuilt(TransferFact[] own)
    {
        var old = Graph;
        var graph = new OnwardGraph(own, _regimesToFollow, old.Ids);
        var (changed, map, ordered) = Compare(old, graph);
        if (graph.Regimes.Count > 0)
        {
            // An edge equal to a previous one passes the filter's edge test the same: a filter that can reuses its answers.
            if (_filter is IReusingHopFilter reusing && old.Regimes.Count > 0) reusing.Prepare(old.Transfers, own, map);
            else _filter?.Prepare(own);
        }
        var reverse = new int[old.Transfers.Count];
        Array.Fill(reverse, -1);
        for (var e = 0; e < map.Length; e++)
        {
            if (map[e] >= 0) reverse[map[e]] = e;
        }
        // The edges leaving changed nodes, before and after: a regime whose law binds one of them starts differently.
        var oldEdges = Leaving(old, changed);
        var newEdges = Leaving(graph, changed);

        var scratch = new SearchScratch();
        var byRegime = new Dictionary<string, RegimeHops>(StringComparer.Ordinal);
        var removed = new List<TransferFact>();
        var added = new List<TransferFact>();
        var searched = new List<string>();
        var previous = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var regime in graph.Regimes)
        {
            var before = _byRegime.GetValueOrDefault(regime);
            if (before is not null && ordered && !Affected(regime, before.Search, changed, old, oldEdges, graph, newEdges))
            {
                byRegime[regime] = before.Remapped(reverse);
                continue;
            }
            searched.Add(regime);
            var after = RegimeHops.Of(graph.SearchRecorded(regime, scratch, out var log), _filter, log);
            if (before is null)
            {
                byRegime[regime] = after;
                added.AddRange(after.Hops);
                continue;
            }
            var from = new int[after.Hops.Length];
            byRegime[regime] = Diff(before, after, map, removed, added, from);
            previous[regime] = from;
        }
        foreach (var (regime, before) in _byRegime)
        {
            if (!byRegime.ContainsKey(regime)) removed.AddRange(before.Hops);
        }
        return new OnwardUpdate(new OnwardIndex(own, graph, _regimesToFollow, _filter, byRegime) { Workers = Workers }, removed, added, searched) { Previous = previous };
    }

    /// <summary>
    /// The nodes whose edges changed (the edges leaving them, or the edges data leaves them by), each new edge's previous
    /// index (-1: none), and whether the unchanged edges kept their order.
    /// </summary>
    private static (HashSet<int> Changed, int[] Map, bool Ordered) Compare(OnwardGraph old, OnwardGraph graph)
    {
        var changed = new HashSet<int>();
        var map = new int[graph.Transfers.Count];
        Array.Fill(map, -1);
        var (oldStart, oldEdges) = EdgesFrom(old);
        var (newStart, newEdges) = EdgesFrom(graph);
        for (var node = 0; node < graph.NodeCount; node++)
        {
            var before = node < old.NodeCount ? oldEdges.AsSpan(oldStart[node], oldStart[node + 1] - oldStart[node]) : [];
            if (!Match(before, newEdges.AsSpan(newStart[node], newStart[node + 1] - newStart[node]), old, graph, map)) changed.Add(node);
        }
        for (var node = 0; node < graph.NodeCount; node++)
        {
            var before = node < old.NodeCount ? old.Outgoing[node] : null;
            var after = graph.Outgoing[node];
            if ((before?.Length ?? 0) != (after?.Length ?? 0)) changed.Add(node);
            else if (after is not null && before is not null)
            {
                for (var k = 0; k < after.Length; k++)
                {
                    if (map[after[k]] != before[k]) changed.Add(node);
                }
            }
        }
        // Regimes are searched edge by edge in order: unchanged edges must keep their order for a kept regime to be the same.
        var last = -1;
        var ordered = true;
        for (var e = 0; e < map.Length && ordered; e++)
        {
            if (map[e] < 0) continue;
            ordered = map[e] > last;
            last = map[e];
        }
        return (changed, map, ordered);
    }

    /// <summary>The edges from each node, in order: node n's are <c>Edges[Start[n]..Start[n + 1]]</c>.</summary>
    private static (int[] Start, int[] Edges) EdgesFrom(OnwardGraph graph)
    {
        var start = new int[graph.NodeCount + 1];
        var from = graph.From;
        foreach (var node in from) start[node + 1]++;
        for (var n = 0; n < graph.NodeCount; n++) start[n + 1] += start[n];
        var edges = new int[from.Length];
        var next = start[..^1];
        for (var e = 0; e < from.Length; e++) edges[next[from[e]]++] = e;
        return (start, edges);
    }

    /// <summary>Pairs each edge of <paramref name="after"/> with an equal edge of <paramref name="before"/> in order; true when all pair up.</summary>
    private static bool Match(ReadOnlySpan<int> before, ReadOnlySpan<int> after, OnwardGraph old, OnwardGraph graph, int[] map)
    {
        var all = before.Length == after.Length;
        var p = 0;
        foreach (var e in after)
        {
            var found = -1;
            for (var q = p; q < before.Length; q++)
            {
                if (!SameEdge(old.Transfers[before[q]], graph.Transfers[e])) continue;
                found = q;
                break;
            }
            if (found < 0)
            {
                all = false;
                continue;
            }
            all &= found == p;
            map[e] = before[found];
            p = found + 1;
        }
        return all;
    }

    private static bool SameEdge(TransferFact a, TransferFact b) => ReferenceEquals(a, b) || StructuralEquality.Equal(a, b);

    /// <summary>Whether a change at <paramref name="changed"/> nodes can change <paramref name="regime"/>'s search.</summary>
    private static bool Affected(string regime, RegimeSearch search, HashSet<int> changed, OnwardGraph old, List<int> oldEdges, OnwardGraph graph,
        List<int> newEdges)
    {
        var reached = search.Trace.ReachedBy;
        foreach (var node in changed)
        {
            if (node < reached.Length && reached[node] != RegimeTrace.Unreached) return true;
        }
        return oldEdges.Exists(e => old.Binds(regime, e)) || newEdges.Exists(e => graph.Binds(regime, e));
    }

    private static List<int> Leaving(OnwardGraph graph, HashSet<int> nodes)
    {
        var edges = new List<int>();
        for (var e = 0; e < graph.Transfers.Count; e++)
        {
            if (nodes.Contains(graph.From[e])) edges.Add(e);
        }
        return edges;
    }

    /// <summary>
    /// The new search's hops, with the previous object wherever a hop along the same edge holds the same values;
    /// <paramref name="from"/> receives, per new hop, the previous hop's position when it was kept (else -1).
    /// </summary>
    private static RegimeHops Diff(RegimeHops before, RegimeHops after, int[] map, List<TransferFact> removed, List<TransferFact> added, int[] from)
    {
        var chains = new ChainComparer(before.Search.Trace, after.Search.Trace);
        // One hop per regime, edge and node it leaves (node ids are shared between versions).
        var previous = new Dictionary<(int, int), int>(before.Edges.Length);
        for (var i = 0; i < before.Edges.Length; i++) previous[(before.Edges[i], before.Nodes[i])] = i;
        var hops = new TransferFact[after.Hops.Length];
        for (var i = 0; i < hops.Length; i++)
        {
            from[i] = -1;
            var hop = after.Hops[i];
            var oldEdge = map[after.Edges[i]];
            if (oldEdge >= 0 && previous.Remove((oldEdge, after.Nodes[i]), out var at))
            {
                var was = before.Hops[at];
                if (SameHop(was, hop) && chains.Same(after.Nodes[i]))
                {
                    hops[i] = was;
                    from[i] = at;
                    continue;
                }
                removed.Add(was);
            }
            hops[i] = hop;
            added.Add(hop);
        }
        foreach (var at in previous.Values) removed.Add(before.Hops[at]);
        return new RegimeHops(after.Search, after.Edges, after.Nodes, hops) { Log = after.Log };
    }

    /// <summary>Two hops of one regime along equal edges from one node: the same when their data, origin and length are (and their chains: <see cref="ChainComparer"/>).</summary>
    private static bool SameHop(TransferFact a, TransferFact b) =>
        a.Hop == b.Hop && StructuralEquality.Equal(a.Data, b.Data) && StructuralEquality.Equal(a.Origin, b.Origin);

    /// <summary>
    /// Whether a node's chain (the edges its regime's data first reached it by, back to where the data starts) is the same in
    /// two searches, edge by edge; so hops leaving it have the same path without tracing either. Memoised per node.
    /// </summary>
    private sealed class ChainComparer(RegimeTrace before, RegimeTrace after)
    {
        private readonly Dictionary<int, bool> _same = [];

        public bool Same(int node)
        {
            var walked = new List<int>();
            var same = true;
            for (var n = node; ; n = after.Via(n))
            {
                if (_same.TryGetValue(n, out var known))
                {
                    same = known;
                    break;
                }
                walked.Add(n);
                var edge = after.ReachedBy[n];
                var was = n < before.ReachedBy.Length ? before.ReachedBy[n] : RegimeTrace.Unreached;
                if (edge < 0 || was < 0)
                {
                    same = edge == was;
                    break;
                }
                if (before.Via(n) != after.Via(n) || !SameEdge(before.Transfers[was], after.Transfers[edge]))
                {
                    same = false;
                    break;
                }
            }
            foreach (var n in walked) _same[n] = same;
            return same;
        }
    }

    /// <summary>One regime's search and its hops, each with the index of its edge in the owning index's graph and the node it leaves.</summary>
    private sealed class RegimeHops(RegimeSearch search, int[] edges, int[] nodes, TransferFact[] hops)
    {
        public RegimeSearch Search { get; } = search;
        public int[] Edges { get; } = edges;
        public int[] Nodes { get; } = nodes;
        public TransferFact[] Hops { get; } = hops;

        /// <summary>
        /// How the search ran (null: not recorded), for a replay after the next change. A cut-off replay's log is written on
        /// another thread after the update (<see cref="Pending"/>); reading it waits for that.
        /// </summary>
        public SearchLog? Log { get => _log ?? Pending?.Value; init => _log = value; }

        private readonly SearchLog? _log;

        /// <summary>A cut-off replay's log, written off the update's path (<see cref="OnwardGraph.ReplayCut"/>), or null.</summary>
        public Lazy<SearchLog>? Pending { get; init; }

        /// <summary>
        /// Where each node's hops start (the hops of one node lie side by side, nodes in their search order), then
        /// <see cref="Hops"/>' length: so a walk over the hops steps node by node. Worked out from <see cref="Nodes"/> when
        /// first asked, or given by <see cref="Compared"/> (patched from the previous version's, run by run).
        /// </summary>
        public int[] Runs { get => _runs ??= RunsOf(Nodes); init => _runs = value; }

        private int[]? _runs;

        private static int[] RunsOf(int[] nodes)
        {
            var runs = new List<int>();
            for (var i = 0; i < nodes.Length; i++)
            {
                if (i == 0 || nodes[i] != nodes[i - 1]) runs.Add(i);
            }
            runs.Add(nodes.Length);
            return [.. runs];
        }

        public static RegimeHops Of(RegimeSearch search, IOnwardHopFilter? filter, SearchLog? log)
        {
            var edges = new List<int>();
            var nodes = new List<int>();
            var hops = new List<TransferFact>();
            foreach (var (e, node, hop) in search.Hops(filter))
            {
                edges.Add(e);
                nodes.Add(node);
                hops.Add(hop);
            }
            return new RegimeHops(search, [.. edges], [.. nodes], [.. hops]) { Log = log };
        }

        /// <summary>The same hops, their edges renumbered for the next version (<paramref name="next"/>: previous index to new index).</summary>
        public RegimeHops Remapped(int[] next) => new(Search, [.. Edges.Select(e => next[e])], Nodes, Hops) { Runs = Runs };
    }
}

/// <summary>What <see cref="OnwardIndex.Update"/> found.</summary>
/// <param name="Index">The next version's index (its <see cref="OnwardIndex.Hops"/> are the full search's).</param>
/// <param name="Removed">Previous hops that are not among the next version's (their edge, data, origin or chain changed, or they are gone).</param>
/// <param name="Added">The next version's hops that were not among the previous ones.</param>
/// <param name="RegimesSearched">The regimes searched again (the others' hops were kept without a search).</param>
public sealed record OnwardUpdate(OnwardIndex Index, IReadOnlyList<TransferFact> Removed, IReadOnlyList<TransferFact> Added, IReadOnlyList<string> RegimesSearched)
{
    /// <summary>
    /// Per regime searched again that the previous version had: for each of its hops now (in order), the position of the
    /// same hop object among the regime's previous hops, or -1 for a hop in <see cref="Added"/>. A regime not searched
    /// again kept its hops at their positions; a regime not listed here and searched is new (every hop added).
    /// </summary>
    internal IReadOnlyDictionary<string, int[]> Previous { get; init; } = new Dictionary<string, int[]>();

    /// <summary>
    /// When the searches were replayed downstream of the change (edges changed in place): how many times a node of the
    /// region downstream of the change was handled again, summed over the regimes replayed (0: none replayed).
    /// </summary>
    internal int EventsReplayed { get; init; }

    /// <summary>Whether the edges changed in place and the graph was patched (else a new graph was built).</summary>
    internal bool Patched { get; init; }

    /// <summary>How many nodes of the replayed regimes' data lie in the region downstream of the change (summed over those regimes).</summary>
    internal int RegionReached { get; init; }

    /// <summary>How many queue turns the cut-off replays took one by one (the rest of each recorded search taken as a whole).</summary>
    internal int TurnsWalked { get; init; }

    /// <summary>How many regimes were replayed at once, on several threads (0: one after the other).</summary>
    internal int ReplayedAtOnce { get; init; }
}

/// <summary>An onward hop filter that can prepare for a new version of the transfers reusing what it worked out for the last one.</summary>
internal interface IReusingHopFilter : IOnwardHopFilter
{
    /// <summary>
    /// As <see cref="IOnwardHopFilter.Prepare"/>; <paramref name="previous"/> gives, per transfer, the index of an equal transfer
    /// in <paramref name="from"/>, whose answers hold for it too (-1: none). Only when this filter was last prepared for
    /// <paramref name="from"/> (that very list) are its answers reused; else every edge is looked at.
    /// </summary>
    void Prepare(IReadOnlyList<TransferFact> from, IReadOnlyList<TransferFact> transfers, int[] previous);

    /// <summary>
    /// As <see cref="Prepare(IReadOnlyList{TransferFact}, IReadOnlyList{TransferFact}, int[])"/> when <paramref name="transfers"/> are
    /// <paramref name="previous"/> with only the edges in <paramref name="changed"/> replaced (the same count and order): when
    /// this filter was last prepared for <paramref name="previous"/> (that very list), the other edges' answers hold as they are
    /// and only the changed edges are looked at; else every edge is.
    /// </summary>
    void Patch(IReadOnlyList<TransferFact> previous, IReadOnlyList<TransferFact> transfers, IReadOnlyList<int> changed);
}
