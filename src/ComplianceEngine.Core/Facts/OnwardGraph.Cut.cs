using System.Runtime.InteropServices;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// The onward index's replay cut off where the search runs as recorded (issue 12, item 6, eighth round): after edges moved,
/// a regime's search is run again as one pass over its queue in which a node is searched only from the moment its lots can
/// differ from the recorded search's; until then its turns are read from the log.
/// </summary>
internal sealed partial class OnwardGraph
{
    /// <summary>
    /// <paramref name="before"/> (a search of the graph this one was patched from, recorded in <paramref name="log"/>, which
    /// records every growth: <see cref="SearchLog.HasGrowth"/>) run again on this graph, where only the edges in
    /// <paramref name="moving"/> end elsewhere or carry other categories; no node's edges were restructured and the regime's
    /// seeds are the same. The result (tree, order of reaching, lots) is the one a full search gives.
    /// </summary>
    /// <remarks>
    /// <para>The queue is simulated as the full search runs it (first in, first out). Each node is either <em>recorded</em>
    /// (everything it received so far is what it received in the recorded search, so it holds what it held there and its turns
    /// are the log's) or <em>live</em> (searched). The moved edges' old and new ends are live from the start. A recorded node's
    /// turn is read from the log: what grew there, the nodes it put on the queue and the lots it grew, except along its edges to
    /// live nodes, which are followed. A live node's turn is searched; what it carries to a recorded node that already holds it
    /// (its lots as the log's growths give them up to the last recorded turn handled) changes nothing and is dropped; anything
    /// else makes that node live first.</para>
    /// <para>A node that turns live no longer takes its recorded turns: what those turns grew at recorded nodes is missing
    /// from now on, so each such node turns live before the first recorded turn after the missing growth (a join waiting in
    /// a queue of its own). A node turns live with its lots as the log's growths give them up to the last recorded turn
    /// handled, and as fresh those that grew since its own last turn. Joining early is always right (a live node is searched
    /// exactly); these two rules only make sure no recorded node's turn is read from the log after it could have differed.</para>
    /// <para>Only the live nodes' turns are searched, and the recorded nodes' turns cost a copy of their log entries (and a
    /// walk of their edges when one leads to a live node).</para>
    /// </remarks>
    public RegimeSearch ReplayCut(RegimeSearch before, SearchLog log, IReadOnlyList<int> moving, OnwardGraph old, NodeLotTable lots, NodeLotTable shadow,
        out SearchLog next, out int searched, out List<int> unset, out bool[] live)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(moving);
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(lots);
        ArgumentNullException.ThrowIfNull(shadow);
        if (!log.HasGrowth) throw new ArgumentException("the log does not record the growths", nameof(log));
        var nodes = NodeCount;
        var oldTrace = before.Trace;
        var oldNodes = log.ReachEvent.Length;
        var events = log.EventNode.Count;
        var growths = log.GrowNode.Count;
        lots.Reset(nodes);
        shadow.Reset(nodes);
        var isLive = new bool[nodes];
        live = isLive;
        var trace = new RegimeTrace(Transfers, nodes);
        var log2 = new SearchLog(nodes) { HasGrowth = true };
        next = log2;
        log2.BoundEdges.AddRange(log.BoundEdges);
        var liveEvents = 0;
        var (inStart, inFrom) = Incoming();
        var eventNode = CollectionsMarshal.AsSpan(log.EventNode);
        var growNode = log.GrowNode;
        var growKind = log.GrowKind;
        var growCategories = log.GrowCategories;
        var growSlot = log.GrowSlot;

        // Each node's turns in the log, in order.
        var evStart = new int[nodes + 1];
        foreach (var n in eventNode) evStart[n + 1]++;
        for (var n = 0; n < nodes; n++) evStart[n + 1] += evStart[n];
        var evList = new int[events];
        {
            var fill = evStart[..^1];
            for (var j = 0; j < events; j++) evList[fill[eventNode[j]]++] = j;
        }
        var nextEv = new int[nodes];
        var lastTurn = new int[nodes];
        Array.Fill(lastTurn, NoTurn);

        // Each growth's event, and each node's growths in order.
        var growEvent = new int[growths];
        {
            var (seedFrom, seedTo) = log.GrowthsOf(SearchLog.SeedEvent);
            for (var g = seedFrom; g < seedTo; g++) growEvent[g] = SearchLog.SeedEvent;
            for (var j = 0; j < events; j++)
            {
                var (from, to) = log.GrowthsOf(j);
                for (var g = from; g < to; g++) growEvent[g] = j;
            }
        }
        var gStart = new int[nodes + 1];
        for (var g = 0; g < growths; g++) gStart[growNode[g] + 1]++;
        for (var n = 0; n < nodes; n++) gStart[n + 1] += gStart[n];
        var gList = new int[growths];
        {
            var fill = gStart[..^1];
            for (var g = 0; g < growths; g++) gList[fill[growNode[g]]++] = g;
        }
        // How many of each recorded node's growths its shadow (its lots as recorded, for the drops) holds.
        var shadowAt = new int[nodes];

        // The nodes first reached at each turn (index ev + 1; the seeding at 0), in the order they were reached.
        var rStart = new int[events + 2];
        foreach (var n in before.Order) rStart[log.ReachEvent[n] + 2]++;
        for (var k = 0; k < events + 1; k++) rStart[k + 1] += rStart[k];
        var rList = new int[before.Order.Length];
        {
            var fill = rStart[..^1];
            foreach (var n in before.Order) rList[fill[log.ReachEvent[n] + 1]++] = n;
        }

        var queue = new Queue<int>();
        var queued = new bool[nodes];
        // Per node, how many of its edges lead to a live node (its recorded turns follow those edges).
        var liveSucc = new int[nodes];
        // A live node that was reached while it was recorded (its place in the tree is the recorded one).
        var keptReach = new bool[nodes];
        var reachedLive = new bool[nodes];
        var order = new List<int>(before.Order.Length);
        var joins = new PriorityQueue<int, int>();
        var p = SearchLog.SeedEvent;
        var grewKinds = new int[16];
        var grewCategories = new long[16];
        var joinKinds = new int[16];
        var joinCategories = new long[16];

        void MakeLive(int node)
        {
            isLive[node] = true;
            for (int q = inStart[node], end = inStart[node + 1]; q < end; q++) liveSucc[inFrom[q]]++;
            // Its recorded turns from here on do not happen: the nodes they grew must not take recorded turns past them.
            for (int k = evStart[node] + nextEv[node], end = evStart[node + 1]; k < end; k++)
            {
                var j = evList[k];
                var (from, to) = log.GrowthsOf(j);
                for (var g = from; g < to; g++)
                {
                    var t = growNode[g];
                    if (!isLive[t]) joins.Enqueue(t, j);
                }
            }
        }

        // A recorded node turns live: its lots are its growths up to the last recorded turn handled, fresh since its last turn.
        void Join(int node)
        {
            var last = lastTurn[node];
            var taken = last == NoTurn;
            for (int k = gStart[node], end = gStart[node + 1]; k < end; k++)
            {
                var g = gList[k];
                var ev = growEvent[g];
                if (ev > p) break;
                if (!taken && ev >= last)
                {
                    lots.TakeFresh(node, ref joinKinds, ref joinCategories);
                    taken = true;
                }
                lots.Grow(node, growKind[g], growCategories[g], Categories);
            }
            if (!taken) lots.TakeFresh(node, ref joinKinds, ref joinCategories);
            keptReach[node] = node < oldNodes && oldTrace.ReachedBy[node] != RegimeTrace.Unreached && log.ReachEvent[node] <= p;
            MakeLive(node);
        }

        void JoinBefore(int limit)
        {
            while (joins.TryPeek(out var node, out var key) && key < limit)
            {
                joins.Dequeue();
                if (!isLive[node]) Join(node);
            }
        }

        // Whether recorded node t holds categories of kind as recorded up to the last recorded turn handled.
        bool Holds(int t, int kind, long categories)
        {
            var at = shadowAt[t];
            var end = gStart[t + 1] - gStart[t];
            for (; at < end; at++)
            {
                var g = gList[gStart[t] + at];
                if (growEvent[g] > p) break;
                shadow.Grow(t, growKind[g], growCategories[g], Categories);
            }
            shadowAt[t] = at;
            return shadow.Holds(t, kind, categories, Categories);
        }

        void Reach(int t, int e, int from, int ev, int slot)
        {
            trace.Reach(t, e, from);
            reachedLive[t] = true;
            order.Add(t);
            log2.ReachEvent[t] = ev;
            log2.ReachSlot[t] = slot;
        }

        // What grew at node carried along position pos (slot) to a node searched, or, from a live node, to any node.
        void PassLive(int node, int ev, int pos, int slot, int grew)
        {
            var t = _outTo[pos];
            var set = _outSet[pos];
            var grown = false;
            for (var g = 0; g < grew; g++)
            {
                var carried = Categories.Carry(grewCategories[g], set);
                if (carried == CategoryBits.Nothing) continue;
                if (!isLive[t])
                {
                    if (Holds(t, grewKinds[g], carried)) continue;
                    Join(t);
                }
                if (!reachedLive[t] && !keptReach[t]) Reach(t, _outEdge[pos], node, ev, slot);
                if (lots.Grow(t, grewKinds[g], carried, Categories))
                {
                    grown = true;
                    log2.Grew(slot, t, grewKinds[g], carried);
                }
            }
            if (grown && !queued[t])
            {
                queued[t] = true;
                queue.Enqueue(t);
                log2.Enqueued(slot, t);
            }
        }

        void EnqueueRecorded(int slot, int t, bool seed, int edge)
        {
            if (queued[t]) throw new InvalidOperationException("a recorded node was put on the queue twice: the replay left the recorded search");
            queued[t] = true;
            queue.Enqueue(t);
            if (seed)
            {
                log2.SeedEnqueueEdge.Add(edge);
                log2.SeedEnqueueNode.Add(t);
            }
            else
            {
                log2.Enqueued(slot, t);
            }
        }

        void CopyReach(int t, int ev)
        {
            if (oldTrace.ReachedBy[t] == RegimeTrace.Seed) trace.MarkSeed(t);
            else trace.Reach(t, oldTrace.ReachedBy[t], oldTrace.Via(t));
            order.Add(t);
            log2.ReachEvent[t] = ev;
            log2.ReachSlot[t] = log.ReachSlot[t];
        }

        foreach (var e in moving)
        {
            if (!isLive[old.To[e]]) MakeLive(old.To[e]);
            if (!isLive[To[e]]) MakeLive(To[e]);
        }

        // The seeding: a live node's from its bound edges, a recorded one's as logged.
        {
            // The seeding's growths at recorded nodes as logged (a live node's are worked out below).
            var (g, gEnd) = log.GrowthsOf(SearchLog.SeedEvent);
            for (; g < gEnd; g++)
            {
                if (!isLive[growNode[g]]) log2.Grew(growSlot[g], growNode[g], growKind[g], growCategories[g]);
            }
            var (r, rEnd) = (rStart[0], rStart[1]);
            var s = 0;
            foreach (var i in log.BoundEdges)
            {
                var from = From[i];
                if (isLive[from])
                {
                    for (; r < rEnd && log.ReachSlot[rList[r]] == i; r++) { }
                    for (; s < log.SeedEnqueueEdge.Count && log.SeedEnqueueEdge[s] == i; s++) { }
                    if (!reachedLive[from])
                    {
                        trace.MarkSeed(from);
                        reachedLive[from] = true;
                        order.Add(from);
                        log2.ReachEvent[from] = SearchLog.SeedEvent;
                        log2.ReachSlot[from] = i;
                    }
                    if (EdgeOwn[i] != CategoryBits.Nothing && lots.Grow(from, EdgeKind[i], EdgeOwn[i], Categories))
                    {
                        log2.Grew(i, from, EdgeKind[i], EdgeOwn[i]);
                        if (!queued[from])
                        {
                            queued[from] = true;
                            queue.Enqueue(from);
                            log2.SeedEnqueueEdge.Add(i);
                            log2.SeedEnqueueNode.Add(from);
                        }
                    }
                    continue;
                }
                for (; r < rEnd && log.ReachSlot[rList[r]] == i; r++) CopyReach(rList[r], SearchLog.SeedEvent);
                for (; s < log.SeedEnqueueEdge.Count && log.SeedEnqueueEdge[s] == i; s++) EnqueueRecorded(0, log.SeedEnqueueNode[s], seed: true, i);
            }
        }

        var renumbered = new int[events];
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            queued[node] = false;
            if (!isLive[node])
            {
                if (nextEv[node] >= evStart[node + 1] - evStart[node]) throw new InvalidOperationException("a recorded node took more turns than the log has");
                var j = evList[evStart[node] + nextEv[node]];
                if (j <= p) throw new InvalidOperationException("the recorded turns came out of order");
                JoinBefore(j);
                if (!isLive[node])
                {
                    nextEv[node]++;
                    Recorded(node, j);
                    p = j;
                    lastTurn[node] = j;
                    continue;
                }
            }
            liveEvents++;
            var grew = lots.TakeFresh(node, ref grewKinds, ref grewCategories);
            var ev = log2.StartEvent(node, grewKinds.AsSpan(0, grew), grewCategories.AsSpan(0, grew));
            var start = _outStart[node];
            for (int pos = start, end = _outStart[node + 1]; pos < end; pos++) PassLive(node, ev, pos, pos - start, grew);
            log2.EndEvent();
        }
        // Growths the last live turns left missing: the nodes they grew hold what the recorded turns handled gave them.
        JoinBefore(int.MaxValue);

        // A recorded node's turn: as logged, except along its edges to live nodes, which are followed.
        void Recorded(int node, int j)
        {
            var (freshFrom, freshTo) = (log.FreshStart[j], log.FreshStart[j + 1]);
            var count = freshTo - freshFrom;
            var ev = log2.StartEvent(node, CollectionsMarshal.AsSpan(log.FreshKind).Slice(freshFrom, count), CollectionsMarshal.AsSpan(log.FreshCategories).Slice(freshFrom, count));
            renumbered[j] = ev;
            var (q, qEnd) = (log.EnqueueStart[j], log.EnqueueStart[j + 1]);
            var (g, gEnd) = log.GrowthsOf(j);
            var (r, rEnd) = (rStart[j + 1], rStart[j + 2]);
            // The growths at recorded nodes as logged (a live node's are worked out below: they lie along its edges only, since
            // an edge whose destination changed leads to a live node in both versions).
            for (; g < gEnd; g++)
            {
                if (!isLive[growNode[g]]) log2.Grew(growSlot[g], growNode[g], growKind[g], growCategories[g]);
            }
            if (liveSucc[node] == 0)
            {
                for (; r < rEnd; r++) CopyReach(rList[r], ev);
                for (; q < qEnd; q++) EnqueueRecorded(log.EnqueueSlot[q], log.EnqueueNode[q], seed: false, 0);
                log2.EndEvent();
                return;
            }
            if (grewKinds.Length < count)
            {
                grewKinds = new int[count];
                grewCategories = new long[count];
            }
            CollectionsMarshal.AsSpan(log.FreshKind).Slice(freshFrom, count).CopyTo(grewKinds);
            CollectionsMarshal.AsSpan(log.FreshCategories).Slice(freshFrom, count).CopyTo(grewCategories);
            var start = _outStart[node];
            for (int pos = start, end = _outStart[node + 1]; pos < end; pos++)
            {
                var slot = pos - start;
                if (isLive[_outTo[pos]])
                {
                    for (; r < rEnd && log.ReachSlot[rList[r]] == slot; r++) { }
                    for (; q < qEnd && log.EnqueueSlot[q] == slot; q++) { }
                    PassLive(node, ev, pos, slot, count);
                    continue;
                }
                for (; r < rEnd && log.ReachSlot[rList[r]] == slot; r++) CopyReach(rList[r], ev);
                for (; q < qEnd && log.EnqueueSlot[q] == slot; q++) EnqueueRecorded(slot, log.EnqueueNode[q], seed: false, 0);
            }
            if (r < rEnd || q < qEnd) throw new InvalidOperationException("a recorded turn's log names an edge its node does not have");
            log2.EndEvent();
        }

        // The lots that arrived: a node that stayed recorded holds what it held; a live node's are set from the table.
        var oldPosition = new int[nodes];
        for (var k = 0; k < before.Order.Length; k++) oldPosition[before.Order[k]] = k;
        var orderArray = order.ToArray();
        var arrived = new int[orderArray.Length];
        var pending = new List<int>();
        for (var k = 0; k < orderArray.Length; k++)
        {
            var node = orderArray[k];
            if (!isLive[node])
            {
                arrived[k] = before.Arrived[oldPosition[node]];
                continue;
            }
            if (Outgoing[node] is not null) pending.Add(k);
        }
        searched = liveEvents;
        unset = pending;
        return new RegimeSearch(this, before.Regime, trace, orderArray, arrived, before.Counts, before.Bound);
    }

    /// <summary>Works out what the cut-off replays share (the edges backwards) before several run at once.</summary>
    public void PrepareCut() => Incoming();

    /// <summary>A node that has not taken a recorded turn yet.</summary>
    private const int NoTurn = int.MinValue;
}

internal sealed partial class NodeLotTable
{
    /// <summary>Whether the lot of <paramref name="kind"/> at <paramref name="node"/> already holds <paramref name="categories"/> (growing it would change nothing).</summary>
    public bool Holds(int node, int kind, long categories, CategoryBits bits)
    {
        ref var state = ref _nodes[node];
        var count = state.Count;
        if (count == 0) return false;
        var slot = state.IndexBits == 0 ? _kinds.AsSpan(state.Start, count).IndexOf(kind) : Find(ref state, kind);
        if (slot < 0) return false;
        var held = _categories[state.Start + slot];
        return bits.Union(held, categories) == held;
    }
}
