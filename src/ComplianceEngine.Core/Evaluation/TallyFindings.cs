using System.Collections;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// A tally's findings in the order added, each with its rule and (when kept for explanations) its fact: a list of
/// fixed-size blocks instead of one array that doubles. A chunk's few thousand findings never copy what they hold on
/// growing, and no block reaches the large-object heap (a doubling list's last array of a 8,192-fact chunk's findings
/// did, once per chunk).
/// </summary>
internal sealed class TallyFindings : IReadOnlyList<(Finding Finding, CompiledRule Rule, Fact? Fact)>
{
    /// <summary>Entries per block: 1,024 entries of 24 bytes, well under the 85,000-byte large-object threshold.</summary>
    internal const int BlockSize = 1024;

    private readonly List<(Finding Finding, CompiledRule Rule, Fact? Fact)[]> _blocks = [];

    /// <summary>How many findings were added.</summary>
    public int Count { get; private set; }

    /// <summary>The finding at <paramref name="index"/> (in the order added).</summary>
    public (Finding Finding, CompiledRule Rule, Fact? Fact) this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _blocks[index / BlockSize][index % BlockSize];
        }
    }

    /// <summary>Adds a finding with its rule and fact.</summary>
    public void Add((Finding Finding, CompiledRule Rule, Fact? Fact) entry)
    {
        var at = Count % BlockSize;
        if (at == 0) _blocks.Add(new (Finding, CompiledRule, Fact?)[BlockSize]);
        _blocks[^1][at] = entry;
        Count++;
    }

    /// <summary>The findings in the order added.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<(Finding Finding, CompiledRule Rule, Fact? Fact)> IEnumerable<(Finding Finding, CompiledRule Rule, Fact? Fact)>.GetEnumerator()
    {
        foreach (var entry in this) yield return entry;
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<(Finding, CompiledRule, Fact?)>)this).GetEnumerator();

    /// <summary>Walks the blocks in order, without an allocation.</summary>
    public struct Enumerator(TallyFindings owner)
    {
        private int _index = -1;

        /// <summary>The current finding.</summary>
        public readonly (Finding Finding, CompiledRule Rule, Fact? Fact) Current => owner._blocks[_index / BlockSize][_index % BlockSize];

        /// <summary>Moves to the next finding.</summary>
        public bool MoveNext() => ++_index < owner.Count;
    }
}
