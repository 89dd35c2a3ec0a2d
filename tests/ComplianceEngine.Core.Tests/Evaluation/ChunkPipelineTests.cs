using ComplianceEngine.Core.Evaluation;

namespace ComplianceEngine.Core.Tests.Evaluation;

public sealed class ChunkPipelineTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Run_ResultsComeBackInChunkOrder(int workers)
    {
        var results = ChunkPipeline.Run(Enumerable.Range(0, 1000), chunkSize: 7, workers, chunk =>
        {
            // Later chunks finish first on some threads: order must not follow completion.
            Thread.Sleep(chunk[0] % 3);
            return chunk.ToArray();
        });

        Assert.Equal(143, results.Count);
        Assert.Equal(Enumerable.Range(0, 1000), results.SelectMany(c => c));
        Assert.All(results.SkipLast(1), c => Assert.Equal(7, c.Length));
    }

    [Fact]
    public void Run_WorkThrows_TheSameExceptionReachesTheCaller()
    {
        var ex = Assert.Throws<InvalidOperationException>(() =>
            ChunkPipeline.Run(Enumerable.Range(0, 10_000), 10, 2, chunk => chunk[0] == 500 ? throw new InvalidOperationException("chunk 50") : chunk.Count));
        Assert.Equal("chunk 50", ex.Message);
    }

    [Fact]
    public void Run_SourceThrows_TheExceptionReachesTheCallerAndWorkersStop()
    {
        static IEnumerable<int> Failing()
        {
            for (var i = 0; i < 100; i++) yield return i;
            throw new FormatException("source broke");
        }

        var ex = Assert.Throws<FormatException>(() => ChunkPipeline.Run(Failing(), 10, 2, chunk => chunk.Count));
        Assert.Equal("source broke", ex.Message);
    }

    [Fact]
    public void Run_ReadyItems_TheirChunksAreQueuedWithoutWaitingForWorkers()
    {
        // Workers judge nothing until the calling thread has gone past the ready items (the onward search set up while the
        // direct facts are judged): with only room for two chunks that would wait forever.
        using var pastReady = new ManualResetEventSlim();
        IEnumerable<int> Source()
        {
            for (var i = 0; i < 200; i++)
            {
                if (i == 100) pastReady.Set();
                yield return i;
            }
        }

        var results = ChunkPipeline.Run(Source(), chunkSize: 10, workers: 2, chunk => pastReady.Wait(TimeSpan.FromSeconds(5)) ? chunk[0] : -1, readyItems: 100);

        Assert.Equal(Enumerable.Range(0, 20).Select(c => c * 10), results);
    }

    [Fact]
    public void Run_ReadyItems_OneWorkerJudgesThemWhileTheCallingThreadBuildsTheRest()
    {
        // The calling thread takes 300 ms to build the items after the ready ones (the onward search set up): meanwhile one
        // worker judges the ready chunks, and the other joins only at the first chunk past them.
        var judgedBefore = new System.Collections.Concurrent.ConcurrentBag<int>();
        var past = 0;
        IEnumerable<int> Source()
        {
            for (var i = 0; i < 200; i++)
            {
                if (i == 100)
                {
                    Thread.Sleep(300);
                    Volatile.Write(ref past, 1);
                }
                yield return i;
            }
        }

        var results = ChunkPipeline.Run(Source(), chunkSize: 10, workers: 2, chunk =>
        {
            if (Volatile.Read(ref past) == 0) judgedBefore.Add(Environment.CurrentManagedThreadId);
            Thread.Sleep(5);
            return chunk[0];
        }, readyItems: 100);

        Assert.Equal(Enumerable.Range(0, 20).Select(c => c * 10), results);
        // However slowly the worker runs (a loaded machine), no second thread judged a chunk before the source went past.
        Assert.NotEmpty(judgedBefore);
        Assert.Single(judgedBefore.Distinct());
    }

    [Fact]
    public async Task Run_PastTheReadyItems_TheCallingThreadRunsAheadByAsManyChunksAsWorkers()
    {
        using var gate = new ManualResetEventSlim();
        var yielded = 0;
        IEnumerable<int> Source()
        {
            for (var i = 0; i < 1000; i++)
            {
                Interlocked.Increment(ref yielded);
                yield return i;
            }
        }

        var run = Task.Run(() => ChunkPipeline.Run(Source(), chunkSize: 10, workers: 2, chunk =>
        {
            gate.Wait();
            return chunk.Count;
        }, readyItems: 30));
        // With both workers held: the 3 ready chunks (2 taken, 1 queued), 2 more queued, and the next one cut, waiting for room.
        var reached = SpinWait.SpinUntil(() => Volatile.Read(ref yielded) >= 60, TimeSpan.FromSeconds(10));
        Thread.Sleep(200);
        var ahead = Volatile.Read(ref yielded);
        gate.Set();

        Assert.Equal(Enumerable.Repeat(10, 100), await run);
        Assert.True(reached, $"the calling thread stopped at item {ahead}");
        Assert.Equal(60, ahead);
    }

    [Fact]
    public void Run_EmptySource_NoChunks() => Assert.Empty(ChunkPipeline.Run(Array.Empty<int>(), 10, 2, chunk => chunk.Count));
}
