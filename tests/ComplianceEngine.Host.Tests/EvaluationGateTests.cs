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

    private const long MiB = 1024 * 1024;

    // Budget 100 MiB, 10 bytes per body byte: a 5 MiB body reserves 50 MiB.
    private static EvaluationGate MemoryGate() =>
        new(Options.Create(new ServeOptions { MaxConcurrentEvaluations = 8, EvaluationMemoryBudgetMegabytes = 100, EvaluationBytesPerBodyByte = 10 }));

    [Fact]
    public async Task Memory_LargeBodiesWaitForBudget_SmallOnesShareIt()
    {
        using var gate = MemoryGate();
        var a = await gate.ReserveMemoryAsync(5 * MiB, CancellationToken.None);
        var b = await gate.ReserveMemoryAsync(4 * MiB, CancellationToken.None); // 90 MiB of 100 reserved
        Assert.Equal(90 * MiB, gate.ReservedBytes);
        var c = gate.ReserveMemoryAsync(2 * MiB, CancellationToken.None); // 20 more does not fit
        Assert.False(c.IsCompleted);
        b.Dispose();
        using var third = await c;
        Assert.Equal(70 * MiB, gate.ReservedBytes);
        a.Dispose();
        third.Dispose();
        Assert.Equal(0, gate.ReservedBytes);
    }

    [Fact]
    public async Task Memory_BodyLargerThanTheBudget_RunsAlone()
    {
        using var gate = MemoryGate();
        var small = await gate.ReserveMemoryAsync(1, CancellationToken.None);
        var huge = gate.ReserveMemoryAsync(50 * MiB, CancellationToken.None); // 500 MiB expected: more than the budget
        Assert.False(huge.IsCompleted);
        small.Dispose();
        using var alone = await huge;
        Assert.Equal(100 * MiB, gate.ReservedBytes);
        Assert.False(gate.ReserveMemoryAsync(1, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task Memory_FirstComeFirstServed_CancelledWaiterLetsTheNextIn()
    {
        using var gate = MemoryGate();
        var held = await gate.ReserveMemoryAsync(6 * MiB, CancellationToken.None); // 60
        using var timeout = new CancellationTokenSource();
        var big = gate.ReserveMemoryAsync(5 * MiB, timeout.Token); // 50: waits
        var small = gate.ReserveMemoryAsync(1 * MiB, CancellationToken.None); // 10 would fit, but does not overtake
        Assert.False(big.IsCompleted);
        Assert.False(small.IsCompleted);

        await timeout.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => big);
        using var next = await small;
        Assert.Equal(70 * MiB, gate.ReservedBytes);
        held.Dispose();
        Assert.Equal(10 * MiB, gate.ReservedBytes);
    }
}
