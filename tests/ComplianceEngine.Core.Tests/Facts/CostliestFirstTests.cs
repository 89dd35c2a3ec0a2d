using System.Collections.Concurrent;
using ComplianceEngine.Core.Facts;

namespace ComplianceEngine.Core.Tests.Facts;

/// <summary>
/// Issue 12 item 6 (twelfth round): the onward index's replays of one update are run the costliest first, the calling thread
/// taking the first and whatever no pool thread has taken (<see cref="OnwardGraph.CostliestFirst"/>). Every call must run
/// exactly once, the method must return only once every call has ended, and a call's failure must surface.
/// </summary>
public sealed class CostliestFirstTests
{
    [Fact]
    public void OneThread_RunsTheCostliestFirst_TiesInIndexOrder()
    {
        long[] costs = [3, 40, 7, 40, 0, 12];
        var ran = new List<int>();
        OnwardGraph.CostliestFirst(costs.Length, k => costs[k], workers: 1, ran.Add);
        Assert.Equal([1, 3, 5, 2, 0, 4], ran);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(7, 2)]
    [InlineData(7, 4)]
    public void SeveralThreads_RunEveryCallOnce_AndReturnWhenAllEnded(int count, int workers)
    {
        for (var round = 0; round < 50; round++)
        {
            var runs = new int[count];
            var ended = new int[count];
            OnwardGraph.CostliestFirst(count, k => k % 3, workers, k =>
            {
                Interlocked.Increment(ref runs[k]);
                // Some calls yield so that the others overlap them.
                if (k % 2 == 0) Thread.Yield();
                Volatile.Write(ref ended[k], 1);
            });
            Assert.All(runs, r => Assert.Equal(1, r));
            Assert.All(ended, e => Assert.Equal(1, e));
        }
    }

    [Fact]
    public void TwoThreads_ACallWaitingForAnother_BothEnd()
    {
        // The costliest (0) lets the other go on: whichever threads take them, neither waits for a thread that never comes.
        for (var round = 0; round < 50; round++)
        {
            using var first = new ManualResetEventSlim();
            var threads = new ConcurrentBag<int>();
            OnwardGraph.CostliestFirst(2, k => k == 0 ? 10 : 1, workers: 2, k =>
            {
                threads.Add(Environment.CurrentManagedThreadId);
                if (k == 0) first.Set();
                else first.Wait();
            });
            Assert.True(first.IsSet);
            Assert.Equal(2, threads.Count);
        }
    }

    [Fact]
    public void AFailingCall_IsThrown_AfterTheOthersRan()
    {
        var ran = new int[5];
        var thrown = Assert.Throws<AggregateException>(() => OnwardGraph.CostliestFirst(5, k => k, workers: 2, k =>
        {
            Interlocked.Increment(ref ran[k]);
            if (k == 3) throw new InvalidOperationException("replay 3 failed");
        }));
        Assert.Equal("replay 3 failed", Assert.Single(thrown.InnerExceptions).Message);
        Assert.All(ran, r => Assert.Equal(1, r));
    }
}
