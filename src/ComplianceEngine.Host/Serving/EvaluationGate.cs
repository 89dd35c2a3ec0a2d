using Microsoft.Extensions.Options;

namespace ComplianceEngine.Server.Serving;

/// <summary>
/// Bounds evaluations: <see cref="ServeOptions.MaxConcurrentEvaluations"/> run, <see cref="ServeOptions.QueueLimit"/>
/// wait (first come, first served), the rest are turned away (429). A request that times out or is abandoned while
/// waiting leaves the queue; nothing is evaluated for it. Within a slot, an evaluation also reserves its share of the
/// memory budget (<see cref="ServeOptions.EvaluationMemoryBudgetMegabytes"/>) by the size of its body before it is
/// parsed, so large bodies run one or two at a time while small ones run side by side.
/// </summary>
public sealed class EvaluationGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly int _queueLimit;
    private readonly MemoryBudget _memory;
    private readonly long _bytesPerBodyByte;
    private int _waiting;

    /// <summary>Creates the gate from the options.</summary>
    public EvaluationGate(IOptions<ServeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _slots = new SemaphoreSlim(options.Value.MaxConcurrentEvaluations, options.Value.MaxConcurrentEvaluations);
        _queueLimit = options.Value.QueueLimit;
        _memory = new MemoryBudget(options.Value.EvaluationMemoryBudgetMegabytes * 1024L * 1024L);
        _bytesPerBodyByte = options.Value.EvaluationBytesPerBodyByte;
    }

    /// <summary>The memory an evaluation of a body of <paramref name="bodyBytes"/> bytes is expected to hold at its peak.</summary>
    public long EstimatedBytes(long bodyBytes) => checked(Math.Max(bodyBytes, 1) * _bytesPerBodyByte);

    /// <summary>Budget reserved now (for tests and metrics).</summary>
    public long ReservedBytes => _memory.Reserved;

    /// <summary>A slot (dispose it to give it back), or null when the queue is full.</summary>
    /// <exception cref="OperationCanceledException">The request timed out or was abandoned while waiting.</exception>
    public async Task<IDisposable?> EnterAsync(CancellationToken cancellationToken)
    {
        if (_slots.Wait(0, CancellationToken.None)) return new Release(() => _slots.Release());
        if (Interlocked.Increment(ref _waiting) > _queueLimit)
        {
            Interlocked.Decrement(ref _waiting);
            return null;
        }
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new Release(() => _slots.Release());
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>
    /// Waits until the memory an evaluation of <paramref name="bodyBytes"/> is expected to hold fits the budget, and
    /// reserves it until disposed. One evaluation larger than the whole budget runs alone.
    /// </summary>
    /// <exception cref="OperationCanceledException">The request timed out or was abandoned while waiting.</exception>
    public Task<IDisposable> ReserveMemoryAsync(long bodyBytes, CancellationToken cancellationToken) =>
        _memory.ReserveAsync(EstimatedBytes(bodyBytes), cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    private sealed class Release(Action release) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) release();
        }
    }

    /// <summary>A budget of bytes handed out first come, first served (a waiter is never overtaken by a smaller one).</summary>
    private sealed class MemoryBudget(long capacity)
    {
        private readonly Lock _lock = new();
        private readonly LinkedList<(long Bytes, TaskCompletionSource<IDisposable> Granted)> _waiters = [];

        public long Reserved { get; private set; }

        public Task<IDisposable> ReserveAsync(long bytes, CancellationToken cancellationToken)
        {
            // Larger than the whole budget: it runs when nothing else holds any.
            var want = Math.Min(bytes, capacity);
            TaskCompletionSource<IDisposable> granted;
            LinkedListNode<(long, TaskCompletionSource<IDisposable>)> node;
            lock (_lock)
            {
                if (_waiters.Count == 0 && Reserved + want <= capacity)
                {
                    Reserved += want;
                    return Task.FromResult<IDisposable>(new Release(() => Give(want)));
                }
                granted = new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
                node = _waiters.AddLast((want, granted));
            }
            if (cancellationToken.CanBeCanceled)
            {
                var registration = cancellationToken.Register(() =>
                {
                    lock (_lock)
                    {
                        if (node.List is null) return; // already granted
                        _waiters.Remove(node);
                        GrantWaiting(); // the next in line may fit now
                    }
                    granted.TrySetCanceled(cancellationToken);
                });
                _ = granted.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            return granted.Task;
        }

        private void Give(long bytes)
        {
            lock (_lock)
            {
                Reserved -= bytes;
                GrantWaiting();
            }
        }

        // Under the lock: hands budget to waiters in order while the first fits.
        private void GrantWaiting()
        {
            while (_waiters.First is { } first && Reserved + first.Value.Bytes <= capacity)
            {
                _waiters.RemoveFirst();
                Reserved += first.Value.Bytes;
                var bytes = first.Value.Bytes;
                first.Value.Granted.TrySetResult(new Release(() => Give(bytes)));
            }
        }
    }
}
