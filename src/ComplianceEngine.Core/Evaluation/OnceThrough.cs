using System.Collections;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// The items of a list, then of a sequence, enumerated once and let go as they are handed out: the list's slot is cleared
/// as its item is taken (the list itself is dropped after its last item), and the sequence's enumerator, with whatever it
/// holds, is disposed and dropped as soon as it ends. An evaluation's facts are many and each is judged once: what has
/// been judged is garbage at once, not when the last fact is.
/// </summary>
/// <remarks>The list must be this sequence's own (no one else reads it): its slots are cleared.</remarks>
internal sealed class OnceThrough<T> : IEnumerable<T>, IEnumerator<T> where T : class
{
    private List<T>? _first;
    private IEnumerable<T>? _then;
    private IEnumerator<T>? _rest;
    private int _next;
    private bool _started;

    /// <summary>The items of <paramref name="first"/> (cleared as they are taken), then those of <paramref name="then"/> (if any).</summary>
    public OnceThrough(List<T> first, IEnumerable<T>? then)
    {
        ArgumentNullException.ThrowIfNull(first);
        _first = first;
        _then = then;
    }

    /// <summary>The one enumeration (a second one is a programming error: the items are gone).</summary>
    public IEnumerator<T> GetEnumerator()
    {
        if (_started) throw new InvalidOperationException("The items are handed out once: this sequence was already enumerated.");
        _started = true;
        return this;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public T Current { get; private set; } = null!;

    object IEnumerator.Current => Current;

    /// <inheritdoc />
    public bool MoveNext()
    {
        if (_first is { } list)
        {
            if (_next < list.Count)
            {
                Current = list[_next];
                list[_next++] = null!;
                return true;
            }
            _first = null;
        }
        if (_then is { } then)
        {
            _then = null;
            _rest = then.GetEnumerator();
        }
        if (_rest is { } rest)
        {
            if (rest.MoveNext())
            {
                Current = rest.Current;
                return true;
            }
            Release();
        }
        Current = null!;
        return false;
    }

    /// <summary>Whether the list or the sequence (or its enumerator) is still held: false once every item was handed out.</summary>
    internal bool HoldsItems => _first is not null || _then is not null || _rest is not null;

    /// <summary>Not supported: the items handed out are gone.</summary>
    public void Reset() => throw new NotSupportedException("The items are handed out once.");

    /// <inheritdoc />
    public void Dispose()
    {
        Release();
        _first = null;
        _then = null;
        Current = null!;
    }

    private void Release()
    {
        var rest = _rest;
        _rest = null;
        rest?.Dispose();
    }
}
