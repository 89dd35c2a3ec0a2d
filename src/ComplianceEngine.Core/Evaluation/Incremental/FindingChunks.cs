using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Evaluation.Incremental;

/// <summary>
/// The kept report's findings in report order, held in chunks that the reports published from them share: a published
/// report holds the chunks as they were (<see cref="Snapshot"/>), and a chunk written after that is copied first (copy on
/// write), so an update copies the chunks it changes instead of every finding.
/// </summary>
/// <remarks>Not thread-safe (the incremental runner's one writer); a snapshot is immutable and may be read from any thread.</remarks>
internal sealed class FindingChunks
{
    /// <summary>How many findings a chunk holds when the list is built; a chunk that grows to twice this is split.</summary>
    internal const int ChunkSize = 512;

    /// <summary>At most this many findings leaving or coming are put into their chunks one at a time; more rebuild the chunks in one pass.</summary>
    private const int ChunkedMoves = 64;

    private List<Finding[]> _chunks = [];

    /// <summary>Where each chunk starts in the list.</summary>
    private int[] _starts = [];

    /// <summary>Chunks no snapshot holds (written in place).</summary>
    private readonly HashSet<Finding[]> _owned = new(ReferenceEqualityComparer.Instance);

    private readonly int _chunkSize;

    /// <summary>The findings of <paramref name="sorted"/> (in report order), in chunks of <paramref name="chunkSize"/>.</summary>
    public FindingChunks(IEnumerable<Finding> sorted, int chunkSize = ChunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        _chunkSize = chunkSize;
        Rebuild(sorted);
    }

    /// <summary>How many findings there are.</summary>
    public int Count { get; private set; }

    /// <summary>The finding at <paramref name="index"/>; set: replaced (its chunk copied first when a snapshot holds it).</summary>
    public Finding this[int index]
    {
        get
        {
            var c = ChunkOf(index);
            return _chunks[c][index - _starts[c]];
        }
        set
        {
            var c = ChunkOf(index);
            Own(c)[index - _starts[c]] = value;
        }
    }

    /// <summary>The index of <paramref name="f"/> (as <see cref="List{T}.BinarySearch(T, IComparer{T})"/>: the complement of where it would go when absent).</summary>
    public int BinarySearch(Finding f, IComparer<Finding> order)
    {
        if (Count == 0) return ~0;
        var c = ChunkFor(f, order);
        var at = Array.BinarySearch(_chunks[c], f, order);
        return at >= 0 ? _starts[c] + at : ~(_starts[c] + ~at);
    }

    /// <summary>
    /// The list without the findings at <paramref name="leaving"/> (ascending positions) and with <paramref name="coming"/>
    /// (sorted by <paramref name="order"/>) each put before the first finding that does not sort before it.
    /// </summary>
    public void Merge(List<int> leaving, List<Finding> coming, IComparer<Finding> order)
    {
        if (leaving.Count + coming.Count > ChunkedMoves)
        {
            Rebuild(Merged(leaving, coming, order));
            return;
        }
        // Each chunk with findings leaving made again without them.
        for (var g = 0; g < leaving.Count;)
        {
            var c = ChunkOf(leaving[g]);
            var start = _starts[c];
            var chunk = _chunks[c];
            var end = start + chunk.Length;
            var gone = g;
            while (gone < leaving.Count && leaving[gone] < end) gone++;
            var rest = new Finding[chunk.Length - (gone - g)];
            var to = 0;
            var next = g;
            for (var i = 0; i < chunk.Length; i++)
            {
                if (next < gone && leaving[next] == start + i)
                {
                    next++;
                    continue;
                }
                rest[to++] = chunk[i];
            }
            _chunks[c] = rest;
            _owned.Add(rest);
            g = gone;
        }
        _chunks.RemoveAll(chunk => chunk.Length == 0);
        Count -= leaving.Count;
        // Each coming finding put into the chunk where it sorts (a chunk grown to twice the size is split).
        foreach (var f in coming)
        {
            if (_chunks.Count == 0)
            {
                _chunks.Add([f]);
                _owned.Add(_chunks[0]);
                Count++;
                continue;
            }
            var c = ChunkFor(f, order);
            var chunk = _chunks[c];
            var at = LowerBound(chunk, f, order);
            var grown = new Finding[chunk.Length + 1];
            Array.Copy(chunk, grown, at);
            grown[at] = f;
            Array.Copy(chunk, at, grown, at + 1, chunk.Length - at);
            Count++;
            if (grown.Length < 2 * _chunkSize)
            {
                _chunks[c] = grown;
                _owned.Add(grown);
                continue;
            }
            var half = grown.Length / 2;
            _chunks[c] = grown[..half];
            _chunks.Insert(c + 1, grown[half..]);
            _owned.Add(_chunks[c]);
            _owned.Add(_chunks[c + 1]);
        }
        Restart();
    }

    /// <summary>The findings now, as a list the report holds: the chunks as they are, never written again (the next write copies).</summary>
    public FindingList Snapshot()
    {
        _owned.Clear();
        return Count == 0 ? FindingList.Empty : FindingList.From(new Source([.. _chunks], [.. _starts], Count));
    }

    /// <summary>The findings in order, with <paramref name="leaving"/> left out and <paramref name="coming"/> merged in.</summary>
    private IEnumerable<Finding> Merged(List<int> leaving, List<Finding> coming, IComparer<Finding> order)
    {
        var gone = 0;
        var next = 0;
        var index = 0;
        foreach (var chunk in _chunks)
        {
            foreach (var f in chunk)
            {
                if (gone < leaving.Count && leaving[gone] == index++)
                {
                    gone++;
                    continue;
                }
                while (next < coming.Count && order.Compare(coming[next], f) <= 0) yield return coming[next++];
                yield return f;
            }
        }
        while (next < coming.Count) yield return coming[next++];
    }

    private void Rebuild(IEnumerable<Finding> sorted)
    {
        var chunks = new List<Finding[]>();
        var current = new List<Finding>(_chunkSize);
        foreach (var f in sorted)
        {
            current.Add(f);
            if (current.Count == _chunkSize)
            {
                chunks.Add([.. current]);
                current.Clear();
            }
        }
        if (current.Count > 0) chunks.Add([.. current]);
        _chunks = chunks;
        _owned.Clear();
        foreach (var chunk in chunks) _owned.Add(chunk);
        Count = chunks.Sum(c => c.Length);
        Restart();
    }

    /// <summary>Where each chunk starts, worked out again after chunks changed length.</summary>
    private void Restart()
    {
        var starts = new int[_chunks.Count];
        var at = 0;
        for (var c = 0; c < starts.Length; c++)
        {
            starts[c] = at;
            at += _chunks[c].Length;
        }
        _starts = starts;
    }

    /// <summary>The chunk a snapshot may hold, made this list's own (copied) before it is written.</summary>
    private Finding[] Own(int c)
    {
        var chunk = _chunks[c];
        if (_owned.Contains(chunk)) return chunk;
        var copy = (Finding[])chunk.Clone();
        _chunks[c] = copy;
        _owned.Add(copy);
        return copy;
    }

    private int ChunkOf(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        return StartingAt(_starts, index);
    }

    /// <summary>The last chunk starting at or before <paramref name="index"/>.</summary>
    private static int StartingAt(int[] starts, int index)
    {
        int lo = 0, hi = starts.Length - 1;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo + 1) >> 1);
            if (starts[mid] <= index) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>The first chunk whose last finding does not sort before <paramref name="f"/> (the last chunk when every one does).</summary>
    private int ChunkFor(Finding f, IComparer<Finding> order)
    {
        int lo = 0, hi = _chunks.Count - 1;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (order.Compare(_chunks[mid][^1], f) < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static int LowerBound(Finding[] chunk, Finding f, IComparer<Finding> order)
    {
        int lo = 0, hi = chunk.Length;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (order.Compare(chunk[mid], f) < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>A published list: the chunks as they were (never written again), each finding the object held.</summary>
    private sealed class Source(Finding[][] chunks, int[] starts, int count) : FindingSource
    {
        public override int Count => count;

        public override Finding Make(int index)
        {
            var c = StartingAt(starts, index);
            return chunks[c][index - starts[c]];
        }

        public override FindingStatus StatusOf(int index) => Make(index).Status;
    }
}
