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

    /// <summary>
    /// The table of <paramref name="findings"/> (in the order they are written): every citation's fact is worked out
    /// (its value with the finding's path as <c>{path}</c>) and looked up by value. Evidence objects are not looked up by
    /// identity: an object's first identity hash (<see cref="System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(object)"/>)
    /// made that lookup the slowest step of the JSON phase at 100,000 flows (3.75 s of the main thread's time in a profile
    /// under load; the phase took 0.74x the wall time without it, side by side), and hashing by fact and location instead
    /// chains the many objects that share both.
    /// </summary>
    public static FactTable Build(IReadOnlyList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var ids = new Dictionary<Fact, int>();
        var entries = new List<Fact>();
        var counts = new List<int>();
        var evidence = new int[findings.Count][];
        for (var i = 0; i < findings.Count; i++)
        {
            var f = findings[i];
            string? pathText = null;
            var cited = f.Evidence;
            var subject = f.Subject.Location;
            var indexes = cited.Length == 0 ? [] : new int[cited.Length];
            for (var j = 0; j < cited.Length; j++)
            {
                var e = cited[j];
                var atSubject = e.Location.IsKnown && e.Location.Line == subject.Line && e.Location.File == subject.File;
                var value = e.Value;
                if (!f.Path.IsDefault && f.Path.Length >= 2 && value.Contains(" -> ", StringComparison.Ordinal))
                {
                    pathText ??= string.Join(" -> ", f.Path);
                    value = value.Replace(pathText, JsonReportWriter.PathToken, StringComparison.Ordinal);
                }
                var fact = !e.Location.IsKnown ? new Fact(e.Fact, value, null, 0, false)
                    : atSubject ? new Fact(e.Fact, value, null, 0, true)
                    : new Fact(e.Fact, value, e.Location.File, e.Location.Line, false);
                if (!ids.TryGetValue(fact, out var id))
                {
                    id = entries.Count;
                    ids.Add(fact, id);
                    entries.Add(fact);
                    counts.Add(0);
                }
                counts[id]++;
                indexes[j] = id;
            }
            evidence[i] = indexes;
        }

        // Most cited first; among equals, first cited first.
        var order = Enumerable.Range(0, entries.Count).OrderByDescending(id => counts[id]).ThenBy(id => id).ToArray();
        var renumbered = new int[order.Length];
        for (var rank = 0; rank < order.Length; rank++) renumbered[order[rank]] = rank;
        foreach (var indexes in evidence)
            for (var j = 0; j < indexes.Length; j++) indexes[j] = renumbered[indexes[j]];
        return new FactTable([.. order.Select(id => entries[id])], evidence);
    }
}
