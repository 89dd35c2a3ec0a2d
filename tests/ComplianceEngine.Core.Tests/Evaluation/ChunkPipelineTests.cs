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
}
