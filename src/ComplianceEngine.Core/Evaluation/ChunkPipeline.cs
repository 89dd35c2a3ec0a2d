using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// Cuts a stream into chunks and works on them in parallel, holding only a few chunks at a time: the calling thread
/// enumerates the source (which may build its items lazily and need not be thread-safe) while workers process chunks.
/// Results come back in chunk order, whatever the scheduling, so output built from them is deterministic.
/// </summary>
internal static class ChunkPipeline
{
    /// <summary>Runs <paramref name="work"/> on consecutive chunks of <paramref name="source"/>; results in chunk order.</summary>
    public static List<TResult> Run<T, TResult>(IEnumerable<T> source, int chunkSize, int workers, Func<List<T>, TResult> work) =>
        Run(source, chunkSize, workers, work, readyItems: 0);

    /// <summary>
    /// As <see cref="Run{T, TResult}(IEnumerable{T}, int, int, Func{List{T}, TResult})"/>, the first <paramref name="readyItems"/>
    /// items being ready (already built: a list's): their chunks are queued as fast as they are cut, without waiting for a
    /// worker, and the calling thread goes on to the items after them (which it may have to build, e.g. an evaluation's onward
    /// hops: a search to set up first) while the workers judge the ready ones. Only chunks past them wait for room in the
    /// queue (as many as there are workers), so the items built ahead stay few. Until the calling thread has cut its first
    /// chunk past the ready items, one worker judges them and the others wait: the calling thread is busy building then, and
    /// one thread per core keeps the two from taking each other's core (and cache) instead of getting ahead.
    /// </summary>
    public static List<TResult> Run<T, TResult>(IEnumerable<T> source, int chunkSize, int workers, Func<List<T>, TResult> work, int readyItems)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        if (workers <= 1) return [.. Chunks(source, chunkSize).Select(work)];
        using var chunks = Chunks(source, chunkSize).GetEnumerator();
        if (!chunks.MoveNext()) return [];
        var first = chunks.Current;
        // Most estates fit in one chunk: no threads for them.
        if (first.Count < chunkSize) return [work(first)];

        var results = new ConcurrentDictionary<int, TResult>();
        // The queue is unbounded; room for chunks past the ready items is counted apart: one place per worker, taken as such
        // a chunk is queued and given back as a worker takes it (a bounded queue of that capacity, for those chunks only).
        using var queue = new BlockingCollection<(int Index, List<T> Items, bool Counted)>();
        using var room = new SemaphoreSlim(workers, workers);
        using var failed = new CancellationTokenSource();
        // Set once the calling thread is past the ready items (or done): the workers but the first wait for it.
        using var pastReady = new ManualResetEventSlim(readyItems <= 0);
        ExceptionDispatchInfo? error = null;
        var threads = new Thread[workers];
        for (var w = 0; w < workers; w++)
        {
            var joinsLater = w > 0;
            threads[w] = new Thread(() =>
            {
                try
                {
                    if (joinsLater) pastReady.Wait(failed.Token);
                    foreach (var (index, items, counted) in queue.GetConsumingEnumerable(failed.Token))
                    {
                        if (counted) room.Release();
                        results[index] = work(items);
                    }
                }
                catch (OperationCanceledException) when (failed.IsCancellationRequested)
                {
                }
#pragma warning disable CA1031 // Any failure of a worker is rethrown on the calling thread.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Interlocked.CompareExchange(ref error, ExceptionDispatchInfo.Capture(ex), null);
                    failed.Cancel();
                }
            })
            { IsBackground = true, Name = $"ComplianceEngine evaluation {w + 1}" };
            threads[w].Start();
        }

        var count = 0;
        long cut = 0;
        void Queue(List<T> chunk)
        {
            cut += chunk.Count;
            // A chunk that ends within the ready items is queued at once; later ones wait for room.
            var counted = cut > readyItems;
            if (counted)
            {
                pastReady.Set();
                room.Wait(failed.Token);
            }
            queue.Add((count++, chunk, counted), failed.Token);
        }
        try
        {
            Queue(first);
            while (chunks.MoveNext()) Queue(chunks.Current);
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested)
        {
        }
        finally
        {
            pastReady.Set();
            queue.CompleteAdding();
            foreach (var t in threads) t.Join();
        }
        error?.Throw();
        var ordered = new List<TResult>(count);
        for (var i = 0; i < count; i++) ordered.Add(results[i]);
        return ordered;
    }

    private static IEnumerable<List<T>> Chunks<T>(IEnumerable<T> source, int size)
    {
        var chunk = new List<T>(size);
        foreach (var item in source)
        {
            chunk.Add(item);
            if (chunk.Count < size) continue;
            yield return chunk;
            chunk = new List<T>(size);
        }
        if (chunk.Count > 0) yield return chunk;
    }
}
