using Microsoft.Extensions.Options;

namespace ComplianceEngine.Server.Serving;

/// <summary>
/// Bounds evaluations: <see cref="ServeOptions.MaxConcurrentEvaluations"/> run, <see cref="ServeOptions.QueueLimit"/>
/// wait (first come, first served), the rest are turned away (429). A request that times out or is abandoned while
/// waiting leaves the queue; nothing is evaluated for it.
/// </summary>
public sealed class EvaluationGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly int _queueLimit;
    private int _waiting;

    /// <summary>Creates the gate from the options.</summary>
    public EvaluationGate(IOptions<ServeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _slots = new SemaphoreSlim(options.Value.MaxConcurrentEvaluations, options.Value.MaxConcurrentEvaluations);
        _queueLimit = options.Value.QueueLimit;
    }

    /// <summary>A slot (dispose it to give it back), or null when the queue is full.</summary>
    /// <exception cref="OperationCanceledException">The request timed out or was abandoned while waiting.</exception>
    public async Task<IDisposable?> EnterAsync(CancellationToken cancellationToken)
    {
        if (_slots.Wait(0, CancellationToken.None)) return new Slot(_slots);
        if (Interlocked.Increment(ref _waiting) > _queueLimit)
        {
            Interlocked.Decrement(ref _waiting);
            return null;
        }
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new Slot(_slots);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
