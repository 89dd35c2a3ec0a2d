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
    public void Run_EmptySource_NoChunks() => Assert.Empty(ChunkPipeline.Run(Array.Empty<int>(), 10, 2, chunk => chunk.Count));

    [Fact]
    public void Run_ReadyItems_AreQueuedWithoutWaiting_SoTheSourceBuildsTheNextItemsMeanwhile()
    {
        // Two workers, held on the first two chunks until the source has got to its first made item (100): only possible when
        // the ten chunks of ready items were queued without waiting for the workers.
        using var reached = new ManualResetEventSlim();
        IEnumerable<int> Source()
        {
            for (var i = 0; i < 200; i++)
            {
                if (i == 100) reached.Set();
                yield return i;
            }
        }
        var sawMadeItemWhileJudgingFirstChunk = false;
        var results = ChunkPipeline.Run(Source(), chunkSize: 10, workers: 2, chunk =>
        {
            if (chunk[0] < 20 && reached.Wait(TimeSpan.FromSeconds(10)) && chunk[0] == 0) sawMadeItemWhileJudgingFirstChunk = true;
            return chunk.ToArray();
        }, readyItems: 100);

        Assert.True(sawMadeItemWhileJudgingFirstChunk);
        Assert.Equal(Enumerable.Range(0, 200), results.SelectMany(c => c));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(50)]
    public void Run_MadeItems_AtMostWorkersChunksWaitBeyondTheReadyOnes(int ready)
    {
        // Slow workers: whenever a chunk starts, the source has made at most two queued chunks and the one being cut
        // (waiting for a place) beyond what was started or ready.
        var produced = 0;
        IEnumerable<int> Source()
        {
            for (var i = 0; i < 400; i++)
            {
                Interlocked.Increment(ref produced);
                yield return i;
            }
        }
        var started = 0;
        var mostAhead = int.MinValue;
        var gate = new Lock();
        var results = ChunkPipeline.Run(Source(), chunkSize: 10, workers: 2, chunk =>
        {
            var startedNow = Interlocked.Add(ref started, chunk.Count);
            var ahead = Volatile.Read(ref produced) - Math.Max(ready, startedNow);
            lock (gate) mostAhead = Math.Max(mostAhead, ahead);
            Thread.Sleep(15);
            return chunk.Count;
        }, readyItems: ready);

        Assert.Equal(400, results.Sum());
        Assert.InRange(mostAhead, 1, 30);
    }
}
