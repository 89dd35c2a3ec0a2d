using System.Collections;
using System.Runtime.CompilerServices;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// A set of objects compared by reference, kept as <see cref="Segments"/> sets chosen by each object's hash, so that no
/// array of it reaches the large-object heap until it holds about 300,000 objects. An evaluation's coverage grows a set of
/// judged subjects per jurisdiction while chunks are judged: as one set, each doubling of a large one was a new
/// large-object array, and large-object allocations are what start background gen-2 collections during the evaluate phase
/// (bench/RESULTS.md, "The evaluate phase's allocations"). Enumeration order is unspecified (callers only count or collect).
/// </summary>
internal sealed class ReferenceSet<T> : IEnumerable<T> where T : class
{
    /// <summary>The segments (a power of two).</summary>
    internal const int Segments = 64;

    private readonly HashSet<T>?[] _segments = new HashSet<T>?[Segments];

    /// <summary>The objects in the set.</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="item"/>; true when it was not in the set.</summary>
    public bool Add(T item)
    {
        ref var segment = ref _segments[RuntimeHelpers.GetHashCode(item) & (Segments - 1)];
        segment ??= new HashSet<T>(ReferenceEqualityComparer.Instance);
        if (!segment.Add(item)) return false;
        Count++;
        return true;
    }

    /// <summary>Whether <paramref name="item"/> is in the set.</summary>
    public bool Contains(T item) => _segments[RuntimeHelpers.GetHashCode(item) & (Segments - 1)] is { } segment && segment.Contains(item);

    /// <summary>Adds every object of <paramref name="other"/>.</summary>
    public void UnionWith(ReferenceSet<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var s = 0; s < Segments; s++)
        {
            if (other._segments[s] is not { Count: > 0 } theirs) continue;
            ref var mine = ref _segments[s];
            mine ??= new HashSet<T>(ReferenceEqualityComparer.Instance);
            var before = mine.Count;
            mine.UnionWith(theirs);
            Count += mine.Count - before;
        }
    }

    /// <summary>Empties the set.</summary>
    public void Clear()
    {
        Array.Clear(_segments);
        Count = 0;
    }

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator()
    {
        foreach (var segment in _segments)
        {
            if (segment is null) continue;
            foreach (var item in segment) yield return item;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
