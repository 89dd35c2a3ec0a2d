using ComplianceEngine.Server.Serving;
using Microsoft.Extensions.Options;

namespace ComplianceEngine.Host.Tests;

public sealed class EvaluationGateTests
{
    [Fact]
    public async Task Gate_SlotsThenQueueThenFull_CancelledWaiterLeavesTheQueue()
    {
        using var gate = new EvaluationGate(Options.Create(new ServeOptions { MaxConcurrentEvaluations = 1, QueueLimit = 1 }));
        var first = await gate.EnterAsync(CancellationToken.None);
        Assert.NotNull(first);

        using var timeout = new CancellationTokenSource();
        var waiting = gate.EnterAsync(timeout.Token);
        Assert.False(waiting.IsCompleted);
        Assert.Null(await gate.EnterAsync(CancellationToken.None)); // the queue is full: 429

        await timeout.CancelAsync(); // the waiter times out: 503, and its place in the queue is free again
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var next = gate.EnterAsync(CancellationToken.None);
        Assert.False(next.IsCompleted);

        first!.Dispose();
        using var second = await next;
        Assert.NotNull(second);
    }
}
