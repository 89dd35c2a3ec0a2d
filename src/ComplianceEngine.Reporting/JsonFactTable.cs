using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Reporting;

/// <summary>
/// The <c>facts</c> table of the JSON report (schema 3): every distinct evidence entry of the findings once (what the fact
/// is, its value with the citing finding's path as <c>{path}</c>, and where it was declared: on the citing finding's
/// subject line, or at a file and line of its own), and for each finding the
/// indexes of its evidence in the table, in the finding's order. The most cited facts come first (short indexes), ties
/// in the order the findings first cite them, so the table is the same for the same findings.
/// </summary>
internal sealed class FactTable
{
    /// <summary>
    /// One entry: declared on the citing finding's subject line (<see cref="AtSubject"/>), at <see cref="File"/> and
    /// <see cref="Line"/>, or (neither) where the location is not known.
    /// </summary>
    internal readonly record struct Fact(string Name, string Value, string? File, int Line, bool AtSubject);

    private const int Window = 16384;
    private const int Chunk = 512;

    private readonly int[][] _evidence;

    private FactTable(List<Fact> entries, int[][] evidence)
    {
        Entries = entries;
        _evidence = evidence;
    }

    /// <summary>The distinct facts, most cited first.</summary>
    public IReadOnlyList<Fact> Entries { get; }

    /// <summary>The indexes into <see cref="Entries"/> of the evidence of the <paramref name="finding"/>-th finding.</summary>
    public int[] Of(int finding) => _evidence[finding];

    /// <summary>The table of <paramref name="findings"/> (in the order they are written).</summary>
    public static FactTable Build(IReadOnlyList<Finding> findings) => Build(findings, 1);

    /// <summary>
    /// The table of <paramref name="findings"/> (in the order they are written). Each evidence entry's value (with the path
    /// as <c>{path}</c>) and its hash are worked out by up to <paramref name="parallelism"/> threads, a window of findings
    /// at a time; the entries are then numbered in order on this thread, so the table does not depend on the threads.
    /// </summary>
    public static FactTable Build(IReadOnlyList<Finding> findings, int parallelism)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var ids = new Dictionary<Keyed, int>(KeyedComparer.Instance);
        var entries = new List<Fact>();
        var counts = new List<int>();
        var evidence = new int[findings.Count][];
        var window = new Keyed[Math.Min(findings.Count, Window)][];
        for (var from = 0; from < findings.Count; from += Window)
        {
            var n = Math.Min(Window, findings.Count - from);
            var start = from;
            if (parallelism > 1 && n > Chunk)
            {
                Parallel.For(0, (n + Chunk - 1) / Chunk, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, c =>
                {
                    for (var k = c * Chunk; k < Math.Min(n, (c + 1) * Chunk); k++) window[k] = KeysOf(findings[start + k]);
                });
            }
            else
            {
                for (var k = 0; k < n; k++) window[k] = KeysOf(findings[start + k]);
            }
            for (var k = 0; k < n; k++)
            {
                var keys = window[k];
                var indexes = new int[keys.Length];
                for (var j = 0; j < keys.Length; j++)
                {
                    ref var id = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(ids, keys[j], out var known);
                    if (!known)
                    {
                        id = entries.Count;
                        entries.Add(keys[j].Fact);
                        counts.Add(0);
                    }
                    counts[id]++;
                    indexes[j] = id;
                }
                evidence[start + k] = indexes;
                window[k] = null!;
            }
        }

        // Most cited first; among equals, first cited first.
        var order = Enumerable.Range(0, entries.Count).OrderByDescending(id => counts[id]).ThenBy(id => id).ToArray();
        var renumbered = new int[order.Length];
        for (var rank = 0; rank < order.Length; rank++) renumbered[order[rank]] = rank;
        foreach (var indexes in evidence)
            for (var j = 0; j < indexes.Length; j++) indexes[j] = renumbered[indexes[j]];
        return new FactTable([.. order.Select(id => entries[id])], evidence);
    }

    /// <summary>The facts of one finding's evidence, in its order, each with its hash.</summary>
    private static Keyed[] KeysOf(Finding f)
    {
        var cited = f.Evidence;
        if (cited.IsDefaultOrEmpty) return [];
        var pathText = f.Path.IsDefaultOrEmpty || f.Path.Length < 2 ? null : string.Join(" -> ", f.Path);
        var subject = f.Subject.Location;
        var keys = new Keyed[cited.Length];
        for (var j = 0; j < cited.Length; j++)
        {
            var e = cited[j];
            var value = pathText is null ? e.Value : e.Value.Replace(pathText, JsonReportWriter.PathToken, StringComparison.Ordinal);
            var fact = !e.Location.IsKnown ? new Fact(e.Fact, value, null, 0, false)
                : e.Location.Line == subject.Line && e.Location.File == subject.File ? new Fact(e.Fact, value, null, 0, true)
                : new Fact(e.Fact, value, e.Location.File, e.Location.Line, false);
            keys[j] = new Keyed(fact, fact.GetHashCode());
        }
        return keys;
    }

    /// <summary>A fact with its hash, worked out once (on the thread that built it).</summary>
    private readonly record struct Keyed(Fact Fact, int Hash);

    private sealed class KeyedComparer : IEqualityComparer<Keyed>
    {
        public static readonly KeyedComparer Instance = new();
        public bool Equals(Keyed x, Keyed y) => x.Hash == y.Hash && x.Fact.Equals(y.Fact);
        public int GetHashCode(Keyed obj) => obj.Hash;
    }
}
