using ComplianceEngine.Server.Serving;
using Microsoft.Extensions.Options;

namespace ComplianceEngine.Host.Tests;

public sealed class EvaluationGateTests
{
    private const long MiB = 1024 * 1024;

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    // Budget 100 MiB, 10 bytes per body byte: a 5 MiB body reserves 50 MiB.
    private static EvaluationGate Gate(int running = 8, int queue = 32, ManualClock? clock = null) =>
        new(Options.Create(new ServeOptions
        {
            MaxConcurrentEvaluations = running, QueueLimit = queue, EvaluationMemoryBudgetMegabytes = 100, EvaluationBytesPerBodyByte = 10,
            RequestTimeoutSeconds = 60,
        }), clock ?? new ManualClock());

    private static async Task<EvaluationGate.Admission> Admitted(EvaluationGate gate, long bodyBytes)
    {
        var admission = await gate.AdmitAsync(bodyBytes, CancellationToken.None);
        Assert.Equal(AdmissionOutcome.Admitted, admission.Outcome);
        return admission;
    }

    [Fact]
    public async Task Admit_SlotsThenQueueThenFull_CancelledWaiterLeavesTheQueue()
    {
        var gate = Gate(running: 1, queue: 1);
        var first = await Admitted(gate, 1);

        using var timeout = new CancellationTokenSource();
        var waiting = gate.AdmitAsync(1, timeout.Token);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(AdmissionOutcome.QueueFull, (await gate.AdmitAsync(1, CancellationToken.None)).Outcome); // 429

        await timeout.CancelAsync(); // the waiter times out: 503, and its place in the queue is free again
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, gate.Waiting);
        var next = gate.AdmitAsync(1, CancellationToken.None);
        Assert.False(next.IsCompleted);

        first.Dispose();
        using var second = await next;
        Assert.Equal(AdmissionOutcome.Admitted, second.Outcome);
        Assert.Equal(1, gate.Running);
    }

    [Fact]
    public async Task Admit_LargeBodiesWaitForBudget_SmallOnesShareIt()
    {
        var gate = Gate();
        var a = await Admitted(gate, 5 * MiB);
        var b = await Admitted(gate, 4 * MiB); // 90 MiB of 100 reserved
        Assert.Equal(90 * MiB, gate.ReservedBytes);
        var c = gate.AdmitAsync(2 * MiB, CancellationToken.None); // 20 more does not fit
        Assert.False(c.IsCompleted);
        b.Dispose();
        using var third = await c;
        Assert.Equal(70 * MiB, gate.ReservedBytes);
        a.Dispose();
        third.Dispose();
        Assert.Equal(0, gate.ReservedBytes);
        Assert.Equal(90 * MiB, gate.PeakReservedBytes);
        Assert.Equal(0, gate.Running);
    }

    [Fact]
    public async Task Admit_BodyLargerThanTheBudget_IsRefusedAtOnce_NothingReserved()
    {
        var gate = Gate();
        using var small = await Admitted(gate, 1);
        var huge = await gate.AdmitAsync(11 * MiB, CancellationToken.None); // 110 MiB expected: more than the whole budget

        Assert.Equal(AdmissionOutcome.OverBudget, huge.Outcome);
        Assert.Equal(110 * MiB, huge.ReservedBytes); // what it would have needed, for the problem detail
        Assert.Equal(10, gate.ReservedBytes);
        Assert.Equal(0, gate.Waiting);
        huge.Dispose(); // gives nothing back: it held nothing
        Assert.Equal(10, gate.ReservedBytes);
        using var fits = await Admitted(gate, 9 * MiB); // the refusal held no place in the queue
    }

    [Fact]
    public async Task Admit_ExactlyTheBudget_IsAdmittedAlone()
    {
        var gate = Gate();
        using var whole = await Admitted(gate, 10 * MiB);
        Assert.Equal(100 * MiB, gate.ReservedBytes);
        Assert.False(gate.AdmitAsync(1, CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task Admit_FirstComeFirstServed_CancelledWaiterLetsTheNextIn()
    {
        var gate = Gate();
        var held = await Admitted(gate, 6 * MiB); // 60
        using var timeout = new CancellationTokenSource();
        var big = gate.AdmitAsync(5 * MiB, timeout.Token); // 50: waits
        var small = gate.AdmitAsync(1 * MiB, CancellationToken.None); // 10 would fit, but does not overtake
        Assert.False(big.IsCompleted);
        Assert.False(small.IsCompleted);

        await timeout.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => big);
        using var next = await small;
        Assert.Equal(70 * MiB, gate.ReservedBytes);
        held.Dispose();
        Assert.Equal(10 * MiB, gate.ReservedBytes);
    }

    [Fact]
    public async Task Shrink_ChunkedBodyAdmittedForTheCap_GivesBackWhatItDidNotNeed_LetsTheNextIn()
    {
        var gate = Gate();
        var chunked = await Admitted(gate, 8 * MiB); // admitted for the body cap before its length is known: 80 MiB
        var next = gate.AdmitAsync(3 * MiB, CancellationToken.None); // 30: does not fit beside 80
        Assert.False(next.IsCompleted);

        chunked.Shrink(1 * MiB); // the body was 1 MiB: 10 MiB kept
        using var admitted = await next;
        Assert.Equal(40 * MiB, gate.ReservedBytes);
        chunked.Shrink(5 * MiB); // never grows
        Assert.Equal(40 * MiB, gate.ReservedBytes);
        chunked.Dispose();
        chunked.Shrink(0); // after it finished: nothing
        Assert.Equal(30 * MiB, gate.ReservedBytes);
    }

    [Fact]
    public async Task Admit_MemoryFitsButSlotsTaken_Waits()
    {
        var gate = Gate(running: 2);
        var a = await Admitted(gate, 1);
        using var b = await Admitted(gate, 1);
        var c = gate.AdmitAsync(1, CancellationToken.None);
        Assert.False(c.IsCompleted);
        a.Dispose();
        using var third = await c;
        Assert.Equal(2, gate.Running);
    }

    [Fact]
    public async Task Finish_LargeEvaluation_CompactsTheHeapBeforeTheNextIsAdmitted_SmallOnesDoNot()
    {
        Task<EvaluationGate.Admission>? next = null;
        var compactions = new List<bool>(); // whether the next in line was already admitted when the heap was compacted
        var gate = new EvaluationGate(Options.Create(new ServeOptions { EvaluationMemoryBudgetMegabytes = 100, EvaluationBytesPerBodyByte = 10 }),
            new ManualClock(), () => compactions.Add(next?.IsCompleted ?? false));

        var large = await Admitted(gate, 3 * MiB); // 30 MiB: a quarter of the budget or more
        next = gate.AdmitAsync(8 * MiB, CancellationToken.None); // 80: waits for it
        large.Dispose();
        Assert.Equal([false], compactions);
        using (await next)
        {
        }
        Assert.Equal(2, compactions.Count);

        (await Admitted(gate, 2 * MiB)).Dispose(); // 20 MiB: under a quarter
        Assert.Equal(2, compactions.Count);
    }

    [Fact]
    public async Task RetryAfter_FollowsHowLongEvaluationsTake_AndHowManyWait()
    {
        var clock = new ManualClock();
        var gate = Gate(running: 1, queue: 1, clock: clock);

        // Nothing measured yet: 1 s per evaluation; one runs, none waits.
        var first = await Admitted(gate, 1);
        var waiting = gate.AdmitAsync(1, CancellationToken.None); // fills the queue
        Assert.Equal(TimeSpan.FromSeconds(2), (await gate.AdmitAsync(1, CancellationToken.None)).RetryAfter);

        clock.Advance(TimeSpan.FromSeconds(10));
        first.Dispose(); // took 10 s
        var second = await waiting;
        var third = gate.AdmitAsync(1, CancellationToken.None);
        var refused = await gate.AdmitAsync(1, CancellationToken.None);
        Assert.Equal(AdmissionOutcome.QueueFull, refused.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(20), refused.RetryAfter); // 10 s each, one running, one waiting ahead

        clock.Advance(TimeSpan.FromSeconds(1000));
        second.Dispose(); // the mean moves toward 1000 s; Retry-After stops at the request timeout
        using var last = await third;
        _ = gate.AdmitAsync(1, CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(60), (await gate.AdmitAsync(1, CancellationToken.None)).RetryAfter);
    }
}
