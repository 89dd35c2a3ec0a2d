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
    /// <paramref name="before"/> (a search of <paramref name="old"/>, the graph this one was patched from, recorded in
    /// <paramref name="log"/>, which records every growth: <see cref="SearchLog.HasGrowth"/>) run again on this graph, where
    /// only some edges end elsewhere or carry other categories: no node's edges were restructured and the regime's seeds are
    /// the same. The result (tree, order of reaching, lots) is the one a full search gives; <paramref name="live"/> marks the
    /// nodes that were searched (any other node was reached as before and holds what it held).
    /// </summary>
    /// <remarks>
    /// <para>The queue is simulated as the full search runs it (first in, first out), each entry knowing the recorded turn it
    /// stands for (the log's enqueues, in order, give each node's turns) or none. A node is <em>recorded</em> (it holds what it
    /// held in the recorded search at the same point, and its turns are the log's) or <em>live</em> (searched). Nothing is live
    /// at first. A turn at a recorded position (a recorded node's, or a live node's put on the queue where the log says) is
    /// followed edge by edge: where an edge leads to a recorded node and what it carries grows that node exactly as the log
    /// says (the same lots after, kind by kind), the log's growths, first reach and enqueue are taken; otherwise the node turns
    /// live and the edge is searched. A live node's turn without a recorded position is searched; what it carries to a
    /// recorded node that already holds it changes nothing and is dropped, anything else makes that node live first.</para>
    /// <para>A recorded turn whose enqueue did not happen where the log says is missing: its node turns live, the nodes it grew
    /// turn live before the next recorded turn after it (a join waiting in a queue of its own), and the turns it queued are
    /// missing too. A node turns live with its lots as the log's growths give them up to the last recorded position handled,
    /// fresh those that grew since its own last turn. Joining early is always right (a live node is searched exactly): these
    /// rules only make sure no node's recorded turn is read from the log after it could have differed.</para>
    /// <para>Only the live nodes' turns are searched; a recorded node's turn costs a copy of its log entries (and a walk of its
    /// edges when one leads to a live node or moved).</para>
    /// <para>Nor are all of the queue's turns taken one by one (<paramref name="walked"/>: how many were). The queue is kept as
    /// the recorded one (first in, first out, the k-th entry put on it is turn k: the recorded entries are a range of turns,
    /// from the next to handle up to those put on it so far, less the missing ones) and the live turns the log has no place
    /// for, each after the recorded entries put on the queue before it. Only the turns of nodes whose turns are not read as
    /// they are (the live nodes, the nodes with an edge to one, and the nodes a moved edge leaves, from the first turn at which
    /// that edge carries anything in either version) are taken one by one; the runs of turns between them, and the turns
    /// before the first (the change does not reach them), are taken as a whole: their first reaches and places in the next
    /// log. A node that turns live finds its last turn and whether its next is on the queue from the log's turns by node.</para>
    /// </remarks>
    public RegimeSearch ReplayCut(RegimeSearch before, SearchLog log, OnwardGraph old, NodeLotTable lots, NodeLotTable shadow,
        out Lazy<SearchLog> next, out int searched, out List<int> unset, out bool[] live, out int walked)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(lots);
        ArgumentNullException.ThrowIfNull(shadow);
        if (!log.HasGrowth) throw new ArgumentException("the log does not record the growths", nameof(log));
        if (Restructured.Count > 0 || old._outTo.Length != _outTo.Length) throw new ArgumentException("the graph's edges were restructured", nameof(old));
        var nodes = NodeCount;
        var oldTrace = before.Trace;
        var events = log.EventNode.Count;
        var growths = log.GrowNode.Count;
        lots.Reset(nodes);
        shadow.Reset(nodes);
        var isLive = new bool[nodes];
        live = isLive;
        var trace = new RegimeTrace(Transfers, nodes);
        // The next log, as a draft: each turn the log's turn j as it is (j), or one written here (~k: turn k of the draft's own
        // log); it is written out in full later, off the update's path (LogIndex.Write).
        var turns = new List<int>(log.EventNode.Count + 64);
        var log2 = new SearchLog(0) { HasGrowth = true };
        log2.Reserve(log.DraftSize);
        var reachEvent = new int[nodes];
        var reachSlot = new int[nodes];
        var liveEvents = 0;
        var (inStart, inFrom) = Incoming();
        var eventNode = CollectionsMarshal.AsSpan(log.EventNode);
        var growNode = log.GrowNode;
        var growKind = log.GrowKind;
        var growCategories = log.GrowCategories;
        var growSlot = log.GrowSlot;

        // What the replay reads of the log by node and by turn (worked out off the previous update's path when it wrote the log).
        var index = log.IndexFor(before.Order, nodes);
        var (seedTurn, turnOf, growEvent, gStart, gList, rStart, rList) = (index.SeedTurn, index.TurnOf, index.GrowEvent, index.GrowStart, index.Growths, index.ReachStart, index.Reached);
        var (turnStart, turnList) = (index.TurnStart, index.Turns);
        var missing = new bool[events];

        // How many of each recorded node's growths its shadow (its lots as recorded, for the comparisons) holds.
        var shadowAt = new int[nodes];

        // The queue, as the recorded one and the live turns the log has no place for. Its entries are turns: the recorded ones
        // (first in, first out, the k-th entry put on it, the seeds' then each turn's enqueues in order, is turn k) are those
        // from the next turn to handle (h) up to the entries put on it so far (seeds + enqueued), less the missing ones; a live
        // turn the log has no place for comes after the recorded entries put on the queue before it (its tag).
        var queued = new bool[nodes];
        var seeds = seedTurn.Length;
        var h = 0;
        // How many recorded enqueues are behind the queue's end: before the turn under way's edge position (put), and before
        // that position's own enqueue is taken (slotPut: what a node turning live there finds on the queue).
        var put = 0;
        var slotPut = 0;
        var cur = SearchLog.SeedEvent;
        var free = new Queue<(int Node, int Tag)>();
        // The turns that are not read from the log as they are (a live node's, a node's with an edge to a live node, a moved
        // edge's node's): taken one by one; the runs of turns between them are taken as a whole.
        // (A set of turns, one bit each: the next at or after a turn is found a word at a time; a priority queue of them
        // took a fifth of a replay's time, a hub's turns put on it one by one and taken off again.)
        var followTurns = new ulong[(events + 63) >> 6];
        // Per node, how many of its edges lead to a live node (its recorded turns follow those edges).
        var liveSucc = new int[nodes];
        // Per node, the positions of its edges that lead to a live node (null: none), as the nodes turn live.
        var livePositions = new List<int>?[nodes];
        // The nodes an edge that moved leaves (their recorded turns follow their edges).
        var movedFrom = new bool[nodes];
        var movedAt = new List<(int Node, int Pos)>();
        for (var pos = 0; pos < _outTo.Length; pos++)
        {
            // (The first position at or after pos where either array differs, by a vector search.)
            // (An array the patch shared with the old graph is the same throughout.)
            var sameTo = ReferenceEquals(_outTo, old._outTo) ? _outTo.Length : _outTo.AsSpan(pos).CommonPrefixLength(old._outTo.AsSpan(pos));
            var sameSet = ReferenceEquals(_outSet, old._outSet) ? _outSet.Length : _outSet.AsSpan(pos).CommonPrefixLength(old._outSet.AsSpan(pos));
            pos += Math.Min(sameTo, sameSet);
            if (pos >= _outTo.Length) break;
            var from = NodeAt(pos);
            movedFrom[from] = true;
            movedAt.Add((from, pos));
        }
        // A live node that was reached while it was recorded (its place in the tree is the recorded one).
        var keptReach = new bool[nodes];
        var reachedLive = new bool[nodes];
        var order = new List<int>(before.Order.Length);
        var joins = new PriorityQueue<int, int>();
        var missed = new Stack<int>();
        var p = SearchLog.SeedEvent;
        var grewKinds = new int[16];
        var grewCategories = new long[16];
        var joinKinds = new int[16];
        var joinCategories = new long[16];
        var slotGrowths = new List<int>();
        // The growths the turn under way took from the log (a node that turns live later in the turn holds them).
        var turnCopied = new List<int>();
        // The turn under way's growths by edge position, and their order (by position, then as logged).
        var turnGrowths = new List<int>();
        Comparison<int> bySlot = (a, b) => growSlot[a] != growSlot[b] ? growSlot[a].CompareTo(growSlot[b]) : a.CompareTo(b);

        // The first of node's turns after turn t (its turns' count: none).
        int NextTurnAfter(int node, int t)
        {
            var (lo, hi) = (turnStart[node], turnStart[node + 1]);
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (turnList[mid] <= t) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }

        // Turn t is taken one by one (when it is reached).
        void FollowTurn(int t) => followTurns[t >> 6] |= 1UL << t;

        // The first turn at or after t taken one by one (the log's turn count: none).
        int NextFollowed(int t)
        {
            if (t >= events) return events;
            var w = t >> 6;
            var bits = followTurns[w] & (ulong.MaxValue << t);
            while (bits == 0)
            {
                if (++w == followTurns.Length) return events;
                bits = followTurns[w];
            }
            return (w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits);
        }

        // Node's turns after the one under way are taken one by one from now on.
        void Follow(int node)
        {
            for (int k = NextTurnAfter(node, cur), end = turnStart[node + 1]; k < end; k++) FollowTurn(turnList[k]);
        }

        // A recorded node turns live: its lots are its growths up to the last recorded turn handled, fresh since its last turn.
        void Join(int node)
        {
            // Its last turn taken (a recorded node's turns up to the one under way were all taken, as recorded), and whether
            // its next is on the queue (put there by a turn handled, or earlier in the turn under way, and not missing).
            var next = NextTurnAfter(node, cur);
            var last = next > turnStart[node] ? turnList[next - 1] : NoTurn;
            queued[node] = next < turnStart[node + 1] && turnList[next] < seeds + slotPut && !missing[turnList[next]];
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
            // What the turn under way already grew there as logged (another edge to it, followed earlier in the turn).
            foreach (var g in turnCopied)
            {
                if (growNode[g] == node) lots.Grow(node, growKind[g], growCategories[g], Categories);
            }
            // Reached as recorded already (possibly earlier in the turn under way): its place in the tree is kept.
            keptReach[node] = trace.ReachedBy[node] != RegimeTrace.Unreached;
            isLive[node] = true;
            Follow(node);
            for (int q = inStart[node], end = inStart[node + 1]; q < end; q++)
            {
                var from = inFrom[q];
                if (liveSucc[from]++ == 0) Follow(from);
                // The positions of from's edges that lead to node, found once (a node's sources are listed in order, one
                // entry per edge: the entries after the first of the same source are those same edges).
                if (q > inStart[node] && inFrom[q - 1] == from) continue;
                var first = _outStart[from];
                var edges = _outTo.AsSpan(first, _outStart[from + 1] - first);
                var positions = livePositions[from] ??= [];
                for (var k = edges.IndexOf(node); k >= 0;)
                {
                    positions.Add(first + k);
                    var after = edges[(k + 1)..].IndexOf(node);
                    k = after < 0 ? -1 : k + 1 + after;
                }
            }
        }

        void JoinBefore(int limit)
        {
            while (joins.TryPeek(out var node, out var key) && key < limit)
            {
                joins.Dequeue();
                if (!isLive[node]) Join(node);
            }
        }

        // A recorded turn that will not be taken (nothing put its node on the queue where the log says): its node turns live,
        // the nodes it grew turn live before the next recorded turn after it, and the turns it queued do not happen either.
        void Missing(int turn)
        {
            missed.Push(turn);
            while (missed.TryPop(out var t))
            {
                if (missing[t]) continue;
                missing[t] = true;
                var node = log.EventNode[t];
                if (!isLive[node]) Join(node);
                var (from, to) = log.GrowthsOf(t);
                for (var g = from; g < to; g++)
                {
                    if (!isLive[growNode[g]]) joins.Enqueue(growNode[g], t);
                }
                for (var q = log.EnqueueStart[t]; q < log.EnqueueStart[t + 1]; q++) missed.Push(turnOf[q]);
            }
        }

        // The lot of kind a recorded node holds as recorded up to the last recorded turn handled (Nothing: none).
        long Held(int t, int kind)
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
            return shadow.Get(t, kind);
        }

        void Reach(int t, int e, int from, int ev, int slot)
        {
            trace.Reach(t, e, from);
            reachedLive[t] = true;
            order.Add(t);
            reachEvent[t] = ev;
            reachSlot[t] = slot;
        }

        void CopyReach(int t, int ev)
        {
            if (oldTrace.ReachedBy[t] == RegimeTrace.Seed) trace.MarkSeed(t);
            else trace.Reach(t, oldTrace.ReachedBy[t], oldTrace.Via(t));
            order.Add(t);
            reachEvent[t] = ev;
            reachSlot[t] = log.ReachSlot[t];
        }

        void Enqueue(int t, int turn, int slot, bool write = true)
        {
            queued[t] = true;
            if (turn < 0) free.Enqueue((t, seeds + put));
            if (write) log2.Enqueued(slot, t);
        }

        // A turn written here (its growths and enqueues follow, then EndEvent): its number in the next log.
        int StartTurn(int node, ReadOnlySpan<int> kinds, ReadOnlySpan<long> categories)
        {
            turns.Add(~log2.EventNode.Count);
            log2.StartEvent(node, kinds, categories);
            return turns.Count - 1;
        }

        // What grew at node (grew lots in the buffers) carried along position pos to live node t; true when t was put on the queue.
        bool PassLive(int node, int ev, int pos, int slot, int grew, int t, int turn)
        {
            var set = _outSet[pos];
            var grown = false;
            for (var g = 0; g < grew; g++)
            {
                var carried = Categories.Carry(grewCategories[g], set);
                if (carried == CategoryBits.Nothing) continue;
                if (!reachedLive[t] && !keptReach[t]) Reach(t, _outEdge[pos], node, ev, slot);
                if (lots.Grow(t, grewKinds[g], carried, Categories))
                {
                    grown = true;
                    log2.Grew(slot, t, grewKinds[g], carried);
                }
            }
            if (!grown || queued[t]) return false;
            Enqueue(t, turn, slot);
            return true;
        }

        // What the lot of kind that grew at the node under way carries along an edge of set (Nothing: it did not grow there).
        long CarriedOf(int kind, long set, int grew)
        {
            for (var f = 0; f < grew; f++)
            {
                if (grewKinds[f] == kind) return Categories.Carry(grewCategories[f], set);
            }
            return CategoryBits.Nothing;
        }

        // Whether what grew at a node, carried along position pos to recorded node t, grows t exactly as the logged growths
        // (slotGrowths) did: the same lots after, kind by kind.
        bool SameGrowth(int pos, int grew, int t)
        {
            var set = _outSet[pos];
            foreach (var g in slotGrowths)
            {
                var kind = growKind[g];
                var carried = CategoryBits.Nothing;
                for (var f = 0; f < grew; f++)
                {
                    if (grewKinds[f] != kind) continue;
                    carried = Categories.Carry(grewCategories[f], set);
                    break;
                }
                var held = Held(t, kind);
                if (Categories.Union(held, carried) != Categories.Union(held, growCategories[g])) return false;
            }
            for (var f = 0; f < grew; f++)
            {
                var carried = Categories.Carry(grewCategories[f], set);
                if (carried == CategoryBits.Nothing) continue;
                var logged = false;
                foreach (var g in slotGrowths) logged |= growKind[g] == grewKinds[f];
                if (logged) continue;
                var held = Held(t, grewKinds[f]);
                if (Categories.Union(held, carried) != held) return false;
            }
            return true;
        }

        // A turn at a recorded position j: node's own (recorded node: what grew is the log's) or a live node's put on the queue
        // where the log says. Each edge's effect is the log's where it is the same; where it is not, its destination turns live.
        void Turn(int node, int j, int grew, int ev)
        {
            var recorded = !isLive[node];
            put = log.EnqueueStart[j];
            var qEnd = log.EnqueueStart[j + 1];
            var (g, gEnd) = log.GrowthsOf(j);
            var (r, rEnd) = (rStart[j + 1], rStart[j + 2]);
            // The turn's growths by edge position (logs list them in any order within a turn; most in order already).
            var growthsAt = turnGrowths;
            growthsAt.Clear();
            var inOrder = true;
            for (var g1 = g; g1 < gEnd; g1++)
            {
                inOrder &= g1 == g || growSlot[g1 - 1] <= growSlot[g1];
                growthsAt.Add(g1);
            }
            if (!inOrder) growthsAt.Sort(bySlot);
            var k = 0;
            var start = _outStart[node];
            var skips = recorded && !movedFrom[node];
            for (int pos = start, end = _outStart[node + 1]; pos < end; pos++)
            {
                if (skips)
                {
                    // A recorded node's turn along edges that did not move: a position the log names nothing at (no growth,
                    // first reach or enqueue) and whose destination is recorded changes nothing; those are skipped in a
                    // tight loop (a store's turn walks its cluster's edges too: hundreds, of which a few matter).
                    var next = end;
                    if (k < growthsAt.Count) next = Math.Min(next, start + growSlot[growthsAt[k]]);
                    if (r < rEnd) next = Math.Min(next, start + log.ReachSlot[rList[r]]);
                    if (put < qEnd) next = Math.Min(next, start + log.EnqueueSlot[put]);
                    while (pos < next && !isLive[_outTo[pos]]) pos++;
                    if (pos >= end) break;
                }
                var slot = pos - start;
                var t = _outTo[pos];
                var was = old._outTo[pos];
                var moved = t != was || _outSet[pos] != old._outSet[pos];
                slotGrowths.Clear();
                for (; k < growthsAt.Count && growSlot[growthsAt[k]] == slot; k++) slotGrowths.Add(growthsAt[k]);
                var reached = -1;
                if (r < rEnd && log.ReachSlot[rList[r]] == slot) reached = rList[r++];
                var enqueued = -1;
                slotPut = put;
                if (put < qEnd && log.EnqueueSlot[put] == slot) enqueued = put++;
                if (t != was)
                {
                    // The edge led elsewhere: what it grew there is missing (that node turns live), and so is the turn it queued.
                    if (slotGrowths.Count > 0 && !isLive[was]) Join(was);
                    if (enqueued >= 0) Missing(turnOf[enqueued]);
                    (reached, enqueued) = (-1, -1);
                    slotGrowths.Clear();
                }
                if (!isLive[t])
                {
                    var asLogged = recorded && !moved;
                    if (asLogged || SameGrowth(pos, grew, t))
                    {
                        // The same kinds grew, to the same lots; what was carried is this turn's (the log's when it is the same turn along the same edge).
                        foreach (var x in slotGrowths)
                        {
                            log2.Grew(slot, t, growKind[x], asLogged ? growCategories[x] : CarriedOf(growKind[x], _outSet[pos], grew));
                            turnCopied.Add(x);
                        }
                        if (reached >= 0) CopyReach(reached, ev);
                        if (enqueued >= 0)
                        {
                            Enqueue(t, turnOf[enqueued], slot);
                        }
                        continue;
                    }
                    Join(t);
                }
                if (!PassLive(node, ev, pos, slot, grew, t, enqueued >= 0 ? turnOf[enqueued] : -1) && enqueued >= 0) Missing(turnOf[enqueued]);
            }
            slotPut = put;
            if (r < rEnd || put < qEnd) throw new InvalidOperationException("a recorded turn's log names an edge its node does not have");
            turnCopied.Clear();
        }

        // The seeding, as logged (no node is live yet, and the seeds are the same; its growths and enqueues are the log's,
        // copied when the next log is written, and the seeds are the queue's first entries).
        for (int r = rStart[0], rEnd = rStart[1]; r < rEnd; r++) CopyReach(rList[r], SearchLog.SeedEvent);

        // The turns before the first a moved edge carries anything along (in either version) run as recorded; the moved edges'
        // nodes' turns from there on are taken one by one.
        var (j0, _) = CarryingTurns(log, old, movedAt, turnStart, turnList);
        foreach (var (n, _) in movedAt)
        {
            for (int k = NextTurnAfter(n, j0 - 1), end = turnStart[n + 1]; k < end; k++) FollowTurn(turnList[k]);
        }
        var walks = 0;

        // Whether recorded turn j of node (whose edges did not move) carries none of its fresh lots along an edge to a live
        // node. (What a turn carries along an edge does not depend on what the destination holds, and a growth, first reach
        // or enqueue the log names at a position was carried there: at such a position the log names nothing.)
        bool CarriesNothingLive(int node, int j)
        {
            if (livePositions[node] is not { } positions) return true;
            var fresh = CollectionsMarshal.AsSpan(log.FreshCategories)[log.FreshStart[j]..log.FreshStart[j + 1]];
            foreach (var pos in positions)
            {
                var set = _outSet[pos];
                foreach (var f in fresh)
                {
                    if (Categories.Carry(f, set) != CategoryBits.Nothing) return false;
                }
            }
            return true;
        }

        // Turns a to b - 1 as recorded, as a whole: none is missing, none is followed, and no join is due before any of them.
        void Copied(int a, int b)
        {
            var ev0 = turns.Count;
            CollectionsMarshal.SetCount(turns, ev0 + (b - a));
            var run = CollectionsMarshal.AsSpan(turns)[ev0..];
            for (var k = 0; k < run.Length; k++) run[k] = a + k;
            for (int r = rStart[a + 1], rEnd = rStart[b + 1]; r < rEnd; r++)
            {
                var t = rList[r];
                CopyReach(t, ev0 + (log.ReachEvent[t] - a));
            }
            p = b - 1;
            cur = p;
            put = slotPut = log.EnqueueStart[b];
        }

        while (true)
        {
            if (free.TryPeek(out var entry) && entry.Tag <= h)
            {
                // A live node's turn the log has no place for (the recorded entries before it were taken): searched, and what
                // it carries to a recorded node that already holds it dropped.
                free.Dequeue();
                var node = entry.Node;
                queued[node] = false;
                walks++;
                liveEvents++;
                var grew = lots.TakeFresh(node, ref grewKinds, ref grewCategories);
                var evFree = StartTurn(node, grewKinds.AsSpan(0, grew), grewCategories.AsSpan(0, grew));
                var begin = _outStart[node];
                for (int pos = begin, end = _outStart[node + 1]; pos < end; pos++)
                {
                    var t = _outTo[pos];
                    if (!isLive[t])
                    {
                        var set = _outSet[pos];
                        for (var f = 0; f < grew; f++)
                        {
                            var carried = Categories.Carry(grewCategories[f], set);
                            if (carried == CategoryBits.Nothing) continue;
                            var held = Held(t, grewKinds[f]);
                            if (Categories.Union(held, carried) == held) continue;
                            Join(t);
                            break;
                        }
                        if (!isLive[t]) continue;
                    }
                    PassLive(node, evFree, pos, pos - begin, grew, t, -1);
                }
                log2.EndEvent();
                continue;
            }
            if (h >= events) break;
            var nextFollowed = NextFollowed(h);
            var nextFree = free.TryPeek(out var e0) ? e0.Tag : events;
            var nextJoin = joins.TryPeek(out _, out var key) ? key + 1 : events;
            var stop = Math.Min(Math.Min(nextFollowed, nextFree), Math.Min(nextJoin, events));
            if (stop > h)
            {
                Copied(h, stop);
                h = stop;
                continue;
            }
            var j = h;
            if (nextFollowed == j)
            {
                followTurns[j >> 6] &= ~(1UL << j);
                if (missing[j])
                {
                    // Not on the queue: never taken.
                    h = j + 1;
                    continue;
                }
            }
            else
            {
                // A join is due before turn j, which may make it a turn to follow: looked at again after it.
                JoinBefore(j);
                continue;
            }
            {
                var node = eventNode[j];
                JoinBefore(j);
                if (!isLive[node] && !movedFrom[node] && CarriesNothingLive(node, j))
                {
                    // A recorded node's turn along edges that did not move, carrying nothing to a live node: every edge does
                    // what the log says (an edge to a live node carries nothing, so the log names nothing there either), so
                    // the turn is the log's as it is, taken as a run of one.
                    Copied(j, j + 1);
                    h = j + 1;
                    continue;
                }
                queued[node] = false;
                cur = j;
                walks++;
                if (!isLive[node])
                {
                    var (freshFrom, freshTo) = (log.FreshStart[j], log.FreshStart[j + 1]);
                    var count = freshTo - freshFrom;
                    var ev = StartTurn(node, CollectionsMarshal.AsSpan(log.FreshKind).Slice(freshFrom, count), CollectionsMarshal.AsSpan(log.FreshCategories).Slice(freshFrom, count));
                    if (grewKinds.Length < count)
                    {
                        grewKinds = new int[count];
                        grewCategories = new long[count];
                    }
                    CollectionsMarshal.AsSpan(log.FreshKind).Slice(freshFrom, count).CopyTo(grewKinds);
                    CollectionsMarshal.AsSpan(log.FreshCategories).Slice(freshFrom, count).CopyTo(grewCategories);
                    Turn(node, j, count, ev);
                }
                else
                {
                    liveEvents++;
                    var grewAt = lots.TakeFresh(node, ref grewKinds, ref grewCategories);
                    var evAt = StartTurn(node, grewKinds.AsSpan(0, grewAt), grewCategories.AsSpan(0, grewAt));
                    Turn(node, j, grewAt, evAt);
                }
                log2.EndEvent();
                p = j;
                cur = j;
                put = slotPut = log.EnqueueStart[j + 1];
                h = j + 1;
            }
        }
        // Growths missing after the last turns: the nodes they grew hold what the recorded turns handled gave them.
        JoinBefore(int.MaxValue);

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
        walked = walks;
        unset = pending;
        next = new Lazy<SearchLog>(() => LogIndex.Write(log, log2, turns, reachEvent, reachSlot, nodes, orderArray, walks), LazyThreadSafetyMode.ExecutionAndPublication);
        return new RegimeSearch(this, before.Regime, trace, orderArray, arrived, before.Counts, before.Bound);
    }

    /// <summary>
    /// The first and last recorded turns (of <paramref name="log"/>, whose index gives each node's turns) at which a moved edge
    /// (<paramref name="movedAt"/>: the positions whose destination or categories differ from <paramref name="old"/>'s, and
    /// the nodes they leave) carries any of the turn's fresh lots, in either version; (the log's turn count, seeding) when none
    /// does. At any other turn of those nodes the moved edges carry nothing either way, so the turn runs as recorded.
    /// </summary>
    private (int First, int Last) CarryingTurns(SearchLog log, OnwardGraph old, List<(int Node, int Pos)> movedAt, int[] turnStart, int[] turnList)
    {
        var (first, last) = (log.EventNode.Count, SearchLog.SeedEvent);
        foreach (var (node, pos) in movedAt)
        {
            for (int k = turnStart[node], end = turnStart[node + 1]; k < end; k++)
            {
                var j = turnList[k];
                for (int f = log.FreshStart[j], fEnd = log.FreshStart[j + 1]; f < fEnd; f++)
                {
                    var fresh = log.FreshCategories[f];
                    if (Categories.Carry(fresh, _outSet[pos]) == CategoryBits.Nothing && Categories.Carry(fresh, old._outSet[pos]) == CategoryBits.Nothing) continue;
                    first = Math.Min(first, j);
                    last = Math.Max(last, j);
                    break;
                }
            }
        }
        return (first, last);
    }

    /// <summary>Works out what the cut-off replays share (the edges backwards) before several run at once.</summary>
    public void PrepareCut() => Incoming();

    /// <summary>A node that has not taken a recorded turn yet.</summary>
    private const int NoTurn = int.MinValue;
}

internal sealed partial class NodeLotTable
{
    /// <summary>The categories of the lot of <paramref name="kind"/> at <paramref name="node"/> (<see cref="CategoryBits.Nothing"/>: none).</summary>
    public long Get(int node, int kind)
    {
        ref var state = ref _nodes[node];
        var count = state.Count;
        if (count == 0) return CategoryBits.Nothing;
        var slot = state.IndexBits == 0 ? _kinds.AsSpan(state.Start, count).IndexOf(kind) : Find(ref state, kind);
        return slot < 0 ? CategoryBits.Nothing : _categories[state.Start + slot];
    }

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

/// <summary>
/// What a cut-off replay reads of a log by node and by turn (<see cref="OnwardGraph.ReplayCut"/>): the turn each enqueue gave
/// (the queue is first in, first out: a node's k-th enqueue gives its k-th turn), each growth's turn, each node's growths in
/// order, and the nodes first reached at each turn. Worked out once per log, when the log is written (off the update's
/// path for a replay's log) or on first use.
/// </summary>
internal sealed class LogIndex
{
    public required int[] SeedTurn { get; init; }
    public required int[] TurnOf { get; init; }
    public required int[] GrowEvent { get; init; }
    public required int[] GrowStart { get; init; }
    public required int[] Growths { get; init; }
    public required int[] ReachStart { get; init; }
    public required int[] Reached { get; init; }

    /// <summary>Each node's turns in order: node n's are <c>Turns[TurnStart[n]..TurnStart[n + 1]]</c>.</summary>
    public required int[] TurnStart { get; init; }
    public required int[] Turns { get; init; }

    /// <summary>The index of <paramref name="log"/>, whose search reached <paramref name="order"/> in that order, for a graph of <paramref name="nodes"/> nodes (or more).</summary>
    public static LogIndex Of(SearchLog log, int[] order, int nodes)
    {
        var events = log.EventNode.Count;
        var eventNode = CollectionsMarshal.AsSpan(log.EventNode);
        // One array of cursors for the counting sorts below (they filled copies of their starts, one array each, before).
        var fill = GC.AllocateUninitializedArray<int>(Math.Max(nodes + 1, events + 2));
        var evStart = new int[nodes + 1];
        foreach (var n in eventNode) evStart[n + 1]++;
        for (var n = 0; n < nodes; n++) evStart[n + 1] += evStart[n];
        var evList = GC.AllocateUninitializedArray<int>(events);
        {
            Array.Copy(evStart, fill, nodes);
            for (var j = 0; j < events; j++) evList[fill[eventNode[j]]++] = j;
        }
        var seedTurn = new int[log.SeedEnqueueNode.Count];
        var turnOf = GC.AllocateUninitializedArray<int>(log.EnqueueNode.Count);
        {
            var taken = fill;
            Array.Clear(taken, 0, nodes);
            var seedNode = CollectionsMarshal.AsSpan(log.SeedEnqueueNode);
            for (var s = 0; s < seedTurn.Length; s++)
            {
                var n = seedNode[s];
                seedTurn[s] = evList[evStart[n] + taken[n]++];
            }
            var enqueueNode = CollectionsMarshal.AsSpan(log.EnqueueNode);
            for (var q = 0; q < turnOf.Length; q++)
            {
                var n = enqueueNode[q];
                turnOf[q] = evList[evStart[n] + taken[n]++];
            }
        }
        var growths = log.GrowNode.Count;
        var growNode = CollectionsMarshal.AsSpan(log.GrowNode);
        var growEvent = GC.AllocateUninitializedArray<int>(growths);
        {
            var (seedFrom, seedTo) = log.GrowthsOf(SearchLog.SeedEvent);
            for (var g = seedFrom; g < seedTo; g++) growEvent[g] = SearchLog.SeedEvent;
            // (Each turn's growths are the range from its start to the next turn's, the last's to the end.)
            var growStart = CollectionsMarshal.AsSpan(log.GrowStart);
            for (var j = 0; j < events; j++)
            {
                var to = j + 1 < growStart.Length ? growStart[j + 1] : growths;
                for (var g = growStart[j]; g < to; g++) growEvent[g] = j;
            }
        }
        var gStart = new int[nodes + 1];
        foreach (var n in growNode) gStart[n + 1]++;
        for (var n = 0; n < nodes; n++) gStart[n + 1] += gStart[n];
        var gList = GC.AllocateUninitializedArray<int>(growths);
        {
            Array.Copy(gStart, fill, nodes);
            for (var g = 0; g < growths; g++) gList[fill[growNode[g]]++] = g;
        }
        var rStart = new int[events + 2];
        foreach (var n in order) rStart[log.ReachEvent[n] + 2]++;
        for (var k = 0; k < events + 1; k++) rStart[k + 1] += rStart[k];
        var rList = GC.AllocateUninitializedArray<int>(order.Length);
        {
            Array.Copy(rStart, fill, events + 1);
            foreach (var n in order) rList[fill[log.ReachEvent[n] + 1]++] = n;
        }
        return new LogIndex { SeedTurn = seedTurn, TurnOf = turnOf, GrowEvent = growEvent, GrowStart = gStart, Growths = gList, ReachStart = rStart, Reached = rList, TurnStart = evStart, Turns = evList };
    }

    /// <summary>
    /// The log a cut-off replay drafted, written out: the seeding as <paramref name="log"/> had it, then each turn of
    /// <paramref name="turns"/> (j: the log's turn j as it is; ~k: turn k of <paramref name="written"/>, the turns the replay
    /// wrote itself), with the first reaches the replay recorded; and its index, for the next replay. <paramref name="walked"/>:
    /// the turns the replay took one by one (<see cref="SearchLog.ReplayCost"/>).
    /// </summary>
    public static SearchLog Write(SearchLog log, SearchLog written, List<int> turns, int[] reachEvent, int[] reachSlot, int nodes, int[] order, int walked)
    {
        // The seeding is the same (a cut-off replay's seeds and bound edges are the log's): its lists are shared, not copied.
        var next = new SearchLog(nodes)
        {
            HasGrowth = true,
            ReplayCost = walked,
            DraftSize = written.Size,
            BoundEdges = log.BoundEdges,
            SeedEnqueueEdge = log.SeedEnqueueEdge,
            SeedEnqueueNode = log.SeedEnqueueNode,
        };
        next.Reserve(log);
        var (seedFrom, seedTo) = log.GrowthsOf(SearchLog.SeedEvent);
        CopyGrowths(log, seedFrom, seedTo, next);
        var all = CollectionsMarshal.AsSpan(turns);
        for (var k = 0; k < all.Length; k++)
        {
            var turn = all[k];
            if (turn >= 0)
            {
                // A run of the log's turns as they are, one after the other: copied as a whole.
                var m = 1;
                while (k + m < all.Length && all[k + m] == turn + m) m++;
                CopyTurns(log, turn, m, next);
                k += m - 1;
                continue;
            }
            var (from, j) = (written, ~turn);
            var (freshFrom, freshTo) = (from.FreshStart[j], from.FreshStart[j + 1]);
            next.StartEvent(from.EventNode[j], CollectionsMarshal.AsSpan(from.FreshKind).Slice(freshFrom, freshTo - freshFrom),
                CollectionsMarshal.AsSpan(from.FreshCategories).Slice(freshFrom, freshTo - freshFrom));
            var (g, gEnd) = from.GrowthsOf(j);
            CopyGrowths(from, g, gEnd, next);
            var (q, qEnd) = (from.EnqueueStart[j], from.EnqueueStart[j + 1]);
            next.EnqueueSlot.AddRange(CollectionsMarshal.AsSpan(from.EnqueueSlot).Slice(q, qEnd - q));
            next.EnqueueNode.AddRange(CollectionsMarshal.AsSpan(from.EnqueueNode).Slice(q, qEnd - q));
            next.EndEvent();
        }
        Array.Copy(reachEvent, next.ReachEvent, nodes);
        Array.Copy(reachSlot, next.ReachSlot, nodes);
        next.Index = Of(next, order, nodes);
        return next;
    }

    /// <summary>Appends turns <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> - 1 of <paramref name="from"/> to <paramref name="into"/> as they are (their fresh lots, growths and enqueues).</summary>
    private static void CopyTurns(SearchLog from, int first, int count, SearchLog into)
    {
        var end = first + count;
        into.EventNode.AddRange(CollectionsMarshal.AsSpan(from.EventNode).Slice(first, count));
        var (f, fEnd) = (from.FreshStart[first], from.FreshStart[end]);
        Shifted(into.FreshStart, CollectionsMarshal.AsSpan(from.FreshStart).Slice(first + 1, count), into.FreshKind.Count - f);
        into.FreshKind.AddRange(CollectionsMarshal.AsSpan(from.FreshKind).Slice(f, fEnd - f));
        into.FreshCategories.AddRange(CollectionsMarshal.AsSpan(from.FreshCategories).Slice(f, fEnd - f));
        var (g, _) = from.GrowthsOf(first);
        var (_, gEnd) = from.GrowthsOf(end - 1);
        Shifted(into.GrowStart, CollectionsMarshal.AsSpan(from.GrowStart).Slice(first, count), into.GrowNode.Count - g);
        CopyGrowths(from, g, gEnd, into);
        var (q, qEnd) = (from.EnqueueStart[first], from.EnqueueStart[end]);
        Shifted(into.EnqueueStart, CollectionsMarshal.AsSpan(from.EnqueueStart).Slice(first + 1, count), into.EnqueueSlot.Count - q);
        into.EnqueueSlot.AddRange(CollectionsMarshal.AsSpan(from.EnqueueSlot).Slice(q, qEnd - q));
        into.EnqueueNode.AddRange(CollectionsMarshal.AsSpan(from.EnqueueNode).Slice(q, qEnd - q));
    }

    /// <summary>Appends <paramref name="values"/>, each plus <paramref name="shift"/>, to <paramref name="into"/>.</summary>
    private static void Shifted(List<int> into, ReadOnlySpan<int> values, int shift)
    {
        var at = into.Count;
        CollectionsMarshal.SetCount(into, at + values.Length);
        var span = CollectionsMarshal.AsSpan(into)[at..];
        for (var i = 0; i < values.Length; i++) span[i] = values[i] + shift;
    }

    private static void CopyGrowths(SearchLog from, int g, int gEnd, SearchLog into)
    {
        into.GrowSlot.AddRange(CollectionsMarshal.AsSpan(from.GrowSlot).Slice(g, gEnd - g));
        into.GrowNode.AddRange(CollectionsMarshal.AsSpan(from.GrowNode).Slice(g, gEnd - g));
        into.GrowKind.AddRange(CollectionsMarshal.AsSpan(from.GrowKind).Slice(g, gEnd - g));
        into.GrowCategories.AddRange(CollectionsMarshal.AsSpan(from.GrowCategories).Slice(g, gEnd - g));
    }
}
