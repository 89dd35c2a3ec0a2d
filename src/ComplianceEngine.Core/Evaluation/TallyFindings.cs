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

    /// <summary>Whether some row was made from a finding (<see cref="FindingRow.Made"/>) rather than built.</summary>
    public bool HasMade { get; private set; }

    /// <summary>The row at <paramref name="index"/>, by reference (no copy of the row; the index is not checked beyond the arrays' own bounds).</summary>
    internal ref readonly FindingRow At(int index) => ref _blocks[index / BlockSize][index % BlockSize];

    /// <summary>Adds a row.</summary>
    public void Add(in FindingRow row)
    {
        if (row.Made is not null) HasMade = true;
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
    /// Where the report's findings are among the tallies' rows, in order (tally by tally, each in the order added): every row
    /// but those whose id an earlier row has (the first of equal ids is kept). Ids are compared as numbers
    /// (<see cref="FindingRow.IdBits"/>); a made finding whose id is not one is compared by its text (it can equal no number's).
    /// </summary>
    public static (int Tally, int Row)[] Kept(IReadOnlyList<VerdictTally> tallies)
    {
        var total = 0;
        foreach (var t in tallies) total += t.Findings.Count;
        var seen = new HashSet<ulong>(total);
        HashSet<string>? seenText = null;
        var kept = new (int Tally, int Row)[total];
        var n = 0;
        for (var t = 0; t < tallies.Count; t++)
        {
            var rows = tallies[t].Findings;
            var i = 0;
            foreach (var block in rows._blocks)
            {
                var end = Math.Min(BlockSize, rows.Count - i);
                for (var k = 0; k < end; k++, i++)
                {
                    ref readonly var row = ref block[k];
                    var fresh = row.HasIdBits ? seen.Add(row.IdBits) : (seenText ??= new(StringComparer.Ordinal)).Add(row.Made!.Id);
                    if (fresh) kept[n++] = (t, i);
                }
            }
        }
        Array.Resize(ref kept, n);
        return kept;
    }

    /// <summary>
    /// The findings of the <paramref name="kept"/> rows (<see cref="FindingRow.ToFinding"/>) with each one's rule and (when
    /// <paramref name="withFacts"/>) fact, made tally by tally on up to <paramref name="workers"/> threads: the ids written
    /// out and the finding objects made when the report takes them. Each tally's rows are let go as soon as its findings are
    /// made (<see cref="VerdictTally.ReleaseFindings"/>), so the rows and the findings made of them are not all held at once.
    /// </summary>
    public static (Finding[] Findings, CompiledRule[] Rules, Fact?[]? Facts) Findings(IReadOnlyList<VerdictTally> tallies, (int Tally, int Row)[] kept,
        int workers, bool withFacts)
    {
        var findings = new Finding[kept.Length];
        var rules = new CompiledRule[kept.Length];
        var facts = withFacts ? new Fact?[kept.Length] : null;
        // The kept rows of one tally are one range of kept (tally by tally, in order).
        var starts = new int[tallies.Count + 1];
        foreach (var (t, _) in kept) starts[t + 1]++;
        for (var t = 0; t < tallies.Count; t++) starts[t + 1] += starts[t];
        void Make(int t)
        {
            var rows = tallies[t].Findings;
            for (var k = starts[t]; k < starts[t + 1]; k++)
            {
                var row = rows[kept[k].Row];
                findings[k] = row.ToFinding();
                rules[k] = row.Rule;
                if (facts is not null) facts[k] = row.Fact;
            }
            tallies[t].ReleaseFindings();
        }
        if (workers <= 1 || tallies.Count < 2)
        {
            for (var t = 0; t < tallies.Count; t++) Make(t);
        }
        else Parallel.For(0, tallies.Count, new ParallelOptions { MaxDegreeOfParallelism = workers }, Make);
        return (findings, rules, facts);
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
