using Microsoft.Extensions.Options;

namespace ComplianceEngine.Server.Serving;

/// <summary>
/// Admits evaluations by memory: each reserves the memory it is expected to hold at its peak
/// (<see cref="ServeOptions.EvaluationBytesPerBodyByte"/> times its body's size, measured) from
/// <see cref="ServeOptions.EvaluationMemoryBudgetMegabytes"/> before its body is read, and at most
/// <see cref="ServeOptions.MaxConcurrentEvaluations"/> run at once. What does not fit waits, first come first served
/// (a waiter is never overtaken by a smaller one); at most <see cref="ServeOptions.QueueLimit"/> wait, and the rest are
/// turned away with a time to retry after. A request whose body alone would need more than the whole budget is refused,
/// never admitted alone (the server does not start when a body at the body cap would not fit, CE8020, so only a
/// programmer calling the gate directly meets this). A waiter that times out or is abandoned leaves the queue and holds
/// nothing.
/// </summary>
public sealed class EvaluationGate
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = [];
    private readonly TimeProvider _clock;
    private readonly int _maxRunning;
    private readonly int _queueLimit;
    private readonly long _capacity;
    private readonly long _bytesPerBodyByte;
    private readonly int _maxRetryAfterSeconds;
    private int _running;
    private long _reserved;
    private long _peakReserved;
    private double? _meanSeconds;
    private readonly Action _compact;

    /// <summary>Creates the gate from the options; <paramref name="clock"/> times evaluations (for Retry-After).</summary>
    public EvaluationGate(IOptions<ServeOptions> options, TimeProvider clock)
        : this(options, clock, CompactHeap)
    {
    }

    /// <summary>
    /// As the other constructor; <paramref name="compact"/> is called when a large evaluation (a quarter of the budget or
    /// more) ends, before its budget is handed on.
    /// </summary>
    public EvaluationGate(IOptions<ServeOptions> options, TimeProvider clock, Action compact)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(compact);
        var o = options.Value;
        _clock = clock;
        _compact = compact;
        _maxRunning = o.MaxConcurrentEvaluations;
        _queueLimit = o.QueueLimit;
        _capacity = o.EvaluationMemoryBudgetMegabytes * 1024L * 1024L;
        _bytesPerBodyByte = o.EvaluationBytesPerBodyByte;
        _maxRetryAfterSeconds = Math.Max(1, o.RequestTimeoutSeconds);
    }

    /// <summary>The memory an evaluation of a body of <paramref name="bodyBytes"/> bytes is expected to hold at its peak.</summary>
    public long EstimatedBytes(long bodyBytes) => checked(Math.Max(bodyBytes, 1) * _bytesPerBodyByte);

    /// <summary>The whole budget, in bytes.</summary>
    public long CapacityBytes => _capacity;

    /// <summary>Budget reserved now (for tests and metrics).</summary>
    public long ReservedBytes
    {
        get { lock (_lock) return _reserved; }
    }

    /// <summary>The most budget ever reserved at once (for tests and metrics): never more than <see cref="CapacityBytes"/>.</summary>
    public long PeakReservedBytes
    {
        get { lock (_lock) return _peakReserved; }
    }

    /// <summary>Evaluations admitted and not finished.</summary>
    public int Running
    {
        get { lock (_lock) return _running; }
    }

    /// <summary>Evaluations waiting to be admitted.</summary>
    public int Waiting
    {
        get { lock (_lock) return _waiters.Count; }
    }

    /// <summary>
    /// Admits an evaluation of a body of (at most) <paramref name="bodyBytes"/> bytes: at once when it fits and nobody
    /// waits, after the ones before it otherwise. Dispose an admitted <see cref="Admission"/> to give its budget back.
    /// </summary>
    /// <exception cref="OperationCanceledException">The request timed out or was abandoned while waiting.</exception>
    public Task<Admission> AdmitAsync(long bodyBytes, CancellationToken cancellationToken)
    {
        var want = EstimatedBytes(bodyBytes);
        Waiter waiter;
        lock (_lock)
        {
            if (want > _capacity) return Task.FromResult(new Admission(this, AdmissionOutcome.OverBudget, want, TimeSpan.Zero));
            if (_waiters.Count == 0 && Fits(want)) return Task.FromResult(Grant(want));
            if (_waiters.Count >= _queueLimit) return Task.FromResult(new Admission(this, AdmissionOutcome.QueueFull, want, RetryAfter()));
            waiter = new Waiter(want);
            waiter.Node = _waiters.AddLast(waiter);
        }
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                lock (_lock)
                {
                    if (waiter.Node!.List is null) return; // already admitted: the caller disposes it
                    _waiters.Remove(waiter.Node);
                    GrantWaiting(); // the next in line may fit now
                }
                waiter.Granted.TrySetCanceled(cancellationToken);
            });
            _ = waiter.Granted.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return waiter.Granted.Task;
    }

    // Under the lock.
    private bool Fits(long bytes) => _running < _maxRunning && _reserved + bytes <= _capacity;

    // Under the lock.
    private Admission Grant(long bytes)
    {
        _running++;
        _reserved += bytes;
        _peakReserved = Math.Max(_peakReserved, _reserved);
        return new Admission(this, AdmissionOutcome.Admitted, bytes, TimeSpan.Zero) { Started = _clock.GetTimestamp() };
    }

    // Under the lock: admits waiters in order while the first fits.
    private void GrantWaiting()
    {
        while (_waiters.First is { } first && Fits(first.Value.Bytes))
        {
            _waiters.RemoveFirst();
            first.Value.Granted.TrySetResult(Grant(first.Value.Bytes));
        }
    }

    // Under the lock: when a request turned away now is likely to be admitted, from how long evaluations have taken
    // lately, how many wait and how many run side by side. At least 1 s; at most the request timeout.
    private TimeSpan RetryAfter()
    {
        var mean = _meanSeconds ?? 1;
        var seconds = Math.Ceiling(mean * (_waiters.Count + 1) / Math.Max(1, _running));
        return TimeSpan.FromSeconds(Math.Clamp(seconds, 1, _maxRetryAfterSeconds));
    }

    private void Shrink(Admission admission, long bytes)
    {
        lock (_lock)
        {
            if (bytes >= admission.ReservedBytes) return;
            _reserved -= admission.ReservedBytes - bytes;
            admission.ReservedBytes = bytes;
            GrantWaiting();
        }
    }

    private void Finish(Admission admission)
    {
        var seconds = _clock.GetElapsedTime(admission.Started).TotalSeconds;
        // A large evaluation leaves hundreds of MiB of garbage that the collector would otherwise still hold when the
        // next large one starts (8 x 15 MB one after another: 924 MiB peak without this). Collecting it before the budget
        // is handed on keeps the process near one evaluation's peak; the budget stays reserved until it is done.
        if (admission.ReservedBytes >= _capacity / 4) _compact();
        lock (_lock)
        {
            _running--;
            _reserved -= admission.ReservedBytes;
            // A moving mean of recent evaluations (a fifth for the newest), for Retry-After.
            _meanSeconds = _meanSeconds is { } mean ? mean * 0.8 + seconds * 0.2 : seconds;
            GrantWaiting();
        }
    }

    private static void CompactHeap()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private sealed class Waiter(long bytes)
    {
        public long Bytes { get; } = bytes;
        public LinkedListNode<Waiter>? Node { get; set; }
        public TaskCompletionSource<Admission> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>What the gate decided for one request; an admitted one holds its budget until disposed.</summary>
    public sealed class Admission : IDisposable
    {
        private readonly EvaluationGate _gate;
        private int _finished;

        internal Admission(EvaluationGate gate, AdmissionOutcome outcome, long reservedBytes, TimeSpan retryAfter)
        {
            _gate = gate;
            Outcome = outcome;
            ReservedBytes = reservedBytes;
            RetryAfter = retryAfter;
        }

        /// <summary>Admitted, or why not.</summary>
        public AdmissionOutcome Outcome { get; }

        /// <summary>The memory reserved (admitted) or that would have been needed (refused), in bytes.</summary>
        public long ReservedBytes { get; internal set; }

        /// <summary>When turned away because the queue is full: when to try again.</summary>
        public TimeSpan RetryAfter { get; }

        internal long Started { get; init; }

        /// <summary>
        /// The body turned out to be <paramref name="bodyBytes"/> long (a chunked upload is admitted for the body cap
        /// before it is read): gives back the budget it does not need. Never grows a reservation.
        /// </summary>
        public void Shrink(long bodyBytes)
        {
            if (Outcome == AdmissionOutcome.Admitted && Volatile.Read(ref _finished) == 0) _gate.Shrink(this, _gate.EstimatedBytes(bodyBytes));
        }

        /// <summary>Gives the budget back (admitted only; once).</summary>
        public void Dispose()
        {
            if (Outcome == AdmissionOutcome.Admitted && Interlocked.Exchange(ref _finished, 1) == 0) _gate.Finish(this);
        }
    }
}

/// <summary>What <see cref="EvaluationGate.AdmitAsync"/> decided.</summary>
public enum AdmissionOutcome
{
    /// <summary>Admitted: the evaluation may run (dispose the admission when done).</summary>
    Admitted,

    /// <summary>Too many wait already: turned away (429 with Retry-After).</summary>
    QueueFull,

    /// <summary>The body alone would need more memory than the whole budget: refused (413, CE8021).</summary>
    OverBudget,
}
