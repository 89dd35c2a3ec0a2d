using System.Collections;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// A tally's findings in the order added, as rows (<see cref="FindingRow"/>: a finding's parts, its id, text object and
/// the finding itself made when the report takes it), each with its rule and (when kept for explanations) its fact: a list
/// of fixed-size blocks instead of one array that doubles. A chunk's few thousand findings never copy what they hold on
/// growing, no block reaches the large-object heap, and what survives the evaluation's collections is one block per 512
/// findings instead of four objects per finding.
/// </summary>
internal sealed class TallyFindings : IReadOnlyList<FindingRow>
{
    /// <summary>Rows per block: 512 rows of at most 104 bytes, well under the 85,000-byte large-object threshold.</summary>
    internal const int BlockSize = 512;

    private readonly List<FindingRow[]> _blocks = [];

    /// <summary>How many findings were added.</summary>
    public int Count { get; private set; }

    /// <summary>The row at <paramref name="index"/> (in the order added).</summary>
    public FindingRow this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return _blocks[index / BlockSize][index % BlockSize];
        }
    }

    /// <summary>Adds a row.</summary>
    public void Add(in FindingRow row)
    {
        var at = Count % BlockSize;
        if (at == 0) _blocks.Add(new FindingRow[BlockSize]);
        _blocks[^1][at] = row;
        Count++;
    }

    /// <summary>Adds a finding that is already made, with its rule and fact.</summary>
    public void Add(Finding made, CompiledRule rule, Fact? fact) => Add(new FindingRow(made, rule, fact));

    /// <summary>Every row's finding (<see cref="FindingRow.ToFinding"/>), in the order added.</summary>
    public Finding[] ToFindings()
    {
        var findings = new Finding[Count];
        var i = 0;
        foreach (var block in _blocks)
        {
            var n = Math.Min(BlockSize, Count - i);
            for (var k = 0; k < n; k++) findings[i++] = block[k].ToFinding();
        }
        return findings;
    }

    /// <summary>
    /// The findings of each tally's rows (<see cref="ToFindings()"/>), tallies on up to <paramref name="workers"/> threads:
    /// the findings' ids (SHA-256 fingerprints) and objects are made in parallel when the report takes them.
    /// </summary>
    public static Finding[][] ToFindings(IReadOnlyList<VerdictTally> tallies, int workers)
    {
        var made = new Finding[tallies.Count][];
        if (workers <= 1 || tallies.Count < 2)
        {
            for (var i = 0; i < tallies.Count; i++) made[i] = tallies[i].Findings.ToFindings();
        }
        else Parallel.For(0, tallies.Count, new ParallelOptions { MaxDegreeOfParallelism = workers }, i => made[i] = tallies[i].Findings.ToFindings());
        return made;
    }

    /// <summary>The rows in the order added.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<FindingRow> IEnumerable<FindingRow>.GetEnumerator()
    {
        foreach (var row in this) yield return row;
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<FindingRow>)this).GetEnumerator();

    /// <summary>Walks the blocks in order, without an allocation.</summary>
    public struct Enumerator(TallyFindings owner)
    {
        private int _index = -1;

        /// <summary>The current row.</summary>
        public readonly FindingRow Current => owner._blocks[_index / BlockSize][_index % BlockSize];

        /// <summary>Moves to the next row.</summary>
        public bool MoveNext() => ++_index < owner.Count;
    }
}
