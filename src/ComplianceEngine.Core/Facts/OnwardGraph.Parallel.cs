using System.Runtime.ExceptionServices;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// The onward search with each regime's search run ahead on a thread of its own, while the hops of the regimes before it
/// are built and judged: the evaluation's workers no longer stop while a regime's search finds its nodes (in a large estate
/// a regime's search takes seconds, and no hop leaves it before it ends).
/// </summary>
internal sealed partial class OnwardGraph
{
    /// <summary>
    /// Held while the graph's shared tables of lots (<see cref="Lots"/>: sets interned, carries and descriptions memoised) are
    /// read or grown: by a search as it records the sets of lots that arrived at its nodes, and by a search's hops as they are
    /// built. One thread can then search the next regime while another builds the last one's hops. Each holder keeps it for
    /// a batch of work (a search's sets, a batch of hops), never while waiting for anything else.
    /// </summary>
    internal object LotsGate { get; } = new();

    /// <summary>
    /// Runs <paramref name="body"/> for each of 0 to <paramref name="count"/> - 1 on the calling thread and up to
    /// <paramref name="workers"/> - 1 pool threads, the costliest first (<paramref name="cost"/>: an estimate, ties in index
    /// order): the calling thread starts the costliest at once, a pool thread takes the next when it starts, and whichever
    /// thread is free takes what is left, so the calling thread does not wait for a pool thread to start (it takes the rest
    /// itself) and does not wait for the longest to end after its own short one (issue 12 item 6, twelfth round: the onward
    /// index's replays, EU's and JP's, of which the calling thread ran the first and then waited for the second). Returns when
    /// every call has ended; their exceptions, if any, thrown together.
    /// </summary>
    internal static void CostliestFirst(int count, Func<int, long> cost, int workers, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(cost);
        ArgumentNullException.ThrowIfNull(body);
        var order = new int[count];
        var keys = new long[count];
        for (var k = 0; k < count; k++) (order[k], keys[k]) = (k, cost(k));
        // Descending cost, then ascending index (a stable order whatever the sort).
        Array.Sort(order, (a, b) => keys[a] != keys[b] ? keys[b].CompareTo(keys[a]) : a.CompareTo(b));
        if (workers <= 1 || count <= 1)
        {
            foreach (var k in order) body(k);
            return;
        }
        var next = -1;
        var done = 0;
        var gate = new object();
        List<Exception>? failures = null;
        void Work()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                try
                {
                    body(order[i]);
                }
                catch (Exception ex)
                {
                    lock (gate) (failures ??= []).Add(ex);
                }
                lock (gate)
                {
                    if (++done == count) Monitor.PulseAll(gate);
                }
            }
        }
        // (A pool thread that starts after every call was taken finds nothing left and ends.)
        for (var w = 1; w < Math.Min(workers, count); w++) ThreadPool.UnsafeQueueUserWorkItem(static work => ((Action)work!)(), (Action)Work);
        Work();
        lock (gate)
        {
            while (done < count) Monitor.Wait(gate);
        }
        if (failures is not null) throw new AggregateException(failures);
    }

    /// <summary>How many regimes' searches may be finished and waiting for their hops to be built (besides the one running).</summary>
    internal const int SearchesAhead = 1;

    /// <summary>
    /// The hops <see cref="FlowAnalyzer.OnwardHops(IReadOnlyList{TransferFact}, IReadOnlySet{string}, IOnwardHopFilter)"/> gives,
    /// in the same order (regime by regime, each regime's hops in its search's order), with each regime's search run on a
    /// thread of its own ahead of the hops being built. The enumerating thread builds the hops, as before; the search thread
    /// works at most <see cref="SearchesAhead"/> regimes ahead of it, with one scratch for all its searches, so no more is held
    /// than a regime's search result or two. Only the order of work changes: every search and every hop is the one the
    /// single-threaded search makes.
    /// </summary>
    /// <remarks>
    /// Runs as the single-threaded search does when <paramref name="workers"/> is 1, when the filter is not a
    /// <see cref="IConcurrentHopFilter"/> (its answers are asked for from two threads), or when the categories are too many for
    /// plain bits (the wide category sets are interned as the search runs). <paramref name="beforeSearch"/>, when given, is
    /// called on the search thread before each regime's search (tests delay it).
    /// </remarks>
    internal static IEnumerable<TransferFact> HopsSearchingAhead(IReadOnlyList<TransferFact> transfers, IReadOnlySet<string>? regimesToFollow,
        IOnwardHopFilter? filter, int workers, Action<string>? beforeSearch = null)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        if (workers <= 1 || filter is not (null or IConcurrentHopFilter)) return filter is null
            ? FlowAnalyzer.OnwardHops(transfers, regimesToFollow)
            : FlowAnalyzer.OnwardHops(transfers, regimesToFollow, filter);
        return SearchingAhead(transfers, regimesToFollow, filter, beforeSearch);
    }

    private static IEnumerable<TransferFact> SearchingAhead(IReadOnlyList<TransferFact> transfers, IReadOnlySet<string>? regimesToFollow,
        IOnwardHopFilter? filter, Action<string>? beforeSearch)
    {
        var graph = new OnwardGraph(transfers, regimesToFollow);
        if (graph.Regimes.Count == 0) yield break;
        filter?.Prepare(transfers);
        if (!graph.Categories.Narrow)
        {
            // Wide category sets are interned by the search itself: one thread.
            var scratch = new SearchScratch();
            foreach (var regime in graph.Regimes)
            {
                foreach (var (_, _, hop) in graph.SearchFor(regime, scratch, filter).Hops(filter)) yield return hop;
            }
            yield break;
        }
        (filter as IConcurrentHopFilter)?.KnowRegimes(graph.Regimes);
        using var ahead = new SearchAhead(graph, filter, beforeSearch);
        for (var r = 0; r < graph.Regimes.Count; r++)
        {
            foreach (var (_, _, hop) in ahead.Take(r).Hops(filter)) yield return hop;
        }
    }

    /// <summary>
    /// The thread that searches the regimes in order, at most <see cref="SearchesAhead"/> finished searches ahead of the thread
    /// that takes them; its failure is rethrown to the taker. Disposing it stops the thread (after the search it is in).
    /// </summary>
    private sealed class SearchAhead : IDisposable
    {
        private readonly OnwardGraph _graph;
        private readonly IOnwardHopFilter? _filter;
        private readonly Action<string>? _beforeSearch;
        private readonly RegimeSearch?[] _done;
        private readonly SemaphoreSlim _finished = new(0);
        private readonly SemaphoreSlim _room = new(SearchesAhead + 1);
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;
        private ExceptionDispatchInfo? _error;

        public SearchAhead(OnwardGraph graph, IOnwardHopFilter? filter, Action<string>? beforeSearch)
        {
            _graph = graph;
            _filter = filter;
            _beforeSearch = beforeSearch;
            _done = new RegimeSearch?[graph.Regimes.Count];
            _thread = new Thread(Search) { IsBackground = true, Name = "Onward search" };
            _thread.Start();
        }

        private void Search()
        {
            try
            {
                var scratch = new SearchScratch();
                for (var r = 0; r < _done.Length; r++)
                {
                    _room.Wait(_stop.Token);
                    var regime = _graph.Regimes[r];
                    _beforeSearch?.Invoke(regime);
                    Volatile.Write(ref _done[r], _graph.SearchFor(regime, scratch, _filter));
                    _finished.Release();
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // Any failure of the search is rethrown on the thread that takes the searches.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Volatile.Write(ref _error, ExceptionDispatchInfo.Capture(ex));
                _finished.Release();
            }
        }

        /// <summary>Regime <paramref name="r"/>'s search, once it is finished (taken in order, once each).</summary>
        public RegimeSearch Take(int r)
        {
            _finished.Wait();
            Volatile.Read(ref _error)?.Throw();
            var search = Volatile.Read(ref _done[r]) ?? throw new InvalidOperationException($"regime {r}'s search was taken out of order");
            _done[r] = null;
            _room.Release();
            return search;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join();
            _stop.Dispose();
            _finished.Dispose();
            _room.Dispose();
        }
    }
}

/// <summary>
/// An onward hop filter whose <see cref="IOnwardHopFilter.MayWant"/> one thread may ask (a regime's search, run ahead) while
/// another asks <see cref="IOnwardHopFilter.Wanted"/> (the hops of the regime before it), once the regimes asked about are known.
/// </summary>
internal interface IConcurrentHopFilter : IOnwardHopFilter
{
    /// <summary>
    /// Works out whatever the filter keeps per regime for <paramref name="regimes"/> (after <see cref="IOnwardHopFilter.Prepare"/>):
    /// from then on <see cref="IOnwardHopFilter.MayWant"/> about them changes nothing a concurrent <see cref="IOnwardHopFilter.Wanted"/> reads.
    /// </summary>
    void KnowRegimes(IEnumerable<string> regimes);
}
