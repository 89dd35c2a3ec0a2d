using System.Collections.Immutable;
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

    private FactTable(List<Fact> entries, int[][] evidence, Dictionary<string, int> firstOfRule)
    {
        Entries = entries;
        _evidence = evidence;
        FirstOfRule = firstOfRule;
    }

    /// <summary>Each rule id the findings name, with the index of its first finding (read while the table was worked out).</summary>
    public IReadOnlyDictionary<string, int> FirstOfRule { get; }

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
    public static FactTable Build(IReadOnlyList<Finding> findings) => Build(findings, parallelism: 1);

    /// <summary>As <see cref="Build(IReadOnlyList{Finding}, int)"/>, each finding's fields read without making it where the report keeps rows.</summary>
    public static FactTable Build(ShownFindings findings, int parallelism)
    {
        ArgumentNullException.ThrowIfNull(findings);
        return Build(findings.Count, findings.FieldsOf, parallelism);
    }

    /// <summary>
    /// As <see cref="Build(IReadOnlyList{Finding})"/>, on up to <paramref name="parallelism"/> threads: consecutive ranges
    /// of findings are tabled on their own, then merged in range order (a range's facts in the order it first cites them,
    /// so every fact gets the number the one-thread table gives it), so the table is the same.
    /// </summary>
    public static FactTable Build(IReadOnlyList<Finding> findings, int parallelism)
    {
        ArgumentNullException.ThrowIfNull(findings);
        return Build(findings.Count, i => new FindingFields(findings[i]), parallelism);
    }

    /// <summary>The table of <paramref name="count"/> findings, each read by <paramref name="fieldsOf"/> (on any thread).</summary>
    private static FactTable Build(int count, Func<int, FindingFields> fieldsOf, int parallelism)
    {
        var evidence = new int[count][];
        var ranges = parallelism <= 1 || count < 2 * MinRange ? 1 : Math.Min(parallelism * 2, count / MinRange);
        var parts = new Part[ranges];
        var size = (count + ranges - 1) / Math.Max(1, ranges);
        void TableRange(int r) => parts[r] = Part.Of(fieldsOf, r * size, Math.Min(count, (r + 1) * size), evidence);
        if (ranges == 1) TableRange(0);
        else Parallel.For(0, ranges, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, TableRange);

        // The ranges' facts numbered in range order: a fact keeps the number of its first citation.
        var ids = ranges == 1 ? null : new Dictionary<Fact, int>(parts[0].Entries.Count);
        var entries = ranges == 1 ? parts[0].Entries : [];
        var counts = ranges == 1 ? parts[0].Counts : [];
        var global = new int[ranges][];
        for (var r = 0; r < ranges && ids is not null; r++)
        {
            var part = parts[r];
            var map = global[r] = new int[part.Entries.Count];
            for (var local = 0; local < part.Entries.Count; local++)
            {
                var fact = part.Entries[local];
                if (!ids.TryGetValue(fact, out var id))
                {
                    id = entries.Count;
                    ids.Add(fact, id);
                    entries.Add(fact);
                    counts.Add(0);
                }
                counts[id] += part.Counts[local];
                map[local] = id;
            }
        }

        // Most cited first; among equals, first cited first.
        var order = Enumerable.Range(0, entries.Count).OrderByDescending(id => counts[id]).ThenBy(id => id).ToArray();
        var renumbered = new int[order.Length];
        for (var rank = 0; rank < order.Length; rank++) renumbered[order[rank]] = rank;
        void Renumber(int r)
        {
            var map = global[r];
            var end = Math.Min(count, (r + 1) * size);
            for (var i = r * size; i < end; i++)
            {
                var indexes = evidence[i];
                for (var j = 0; j < indexes.Length; j++) indexes[j] = renumbered[map is null ? indexes[j] : map[indexes[j]]];
            }
        }
        if (ranges == 1) Renumber(0);
        else Parallel.For(0, ranges, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, Renumber);
        // The first finding of each rule: the first range's first, range by range.
        var firstOfRule = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            foreach (var (rule, first) in part.FirstOfRule) firstOfRule.TryAdd(rule, first);
        }
        return new FactTable([.. order.Select(id => entries[id])], evidence, firstOfRule);
    }

    /// <summary>Findings per range below which a range is not worth a thread of its own.</summary>
    private const int MinRange = 4096;

    /// <summary>Equal paths, name by name (the same array, most often).</summary>
    private static bool SamePath(ImmutableArray<string> a, ImmutableArray<string> b) =>
        a == b || (!a.IsDefault && a.AsSpan().SequenceEqual(b.AsSpan()));

    /// <summary>
    /// Whether the text of <paramref name="path"/> (its names joined with <c>" -> "</c>) occurs in <paramref name="prefix"/>
    /// followed by that text only at the end: then replacing every occurrence (left to right, as <see cref="string.Replace(string, string?, StringComparison)"/>
    /// does) replaces only the end, and the value is the prefix and the token. An occurrence starting in the prefix (within it, or
    /// running on into the path) returns false.
    /// </summary>
    /// <remarks>
    /// The path's text is not joined: it is read through <see cref="Joined"/>, name by name. An occurrence starting
    /// <c>rest</c> characters before the prefix's end is the prefix's last <c>rest</c> characters matching the path's
    /// first, and (when <c>rest</c> is shorter than the path's text) the path's text from <c>rest</c> on matching its start.
    /// </remarks>
    internal static bool PathOnlyAtEnd(string prefix, ImmutableArray<string> path)
    {
        var p = prefix.AsSpan();
        var length = Joined.LengthOf(path);
        if (length == 0) return false;
        var first = new Joined(path).Next();
        var from = 0;
        while (from < p.Length)
        {
            var at = p[from..].IndexOf(first);
            if (at < 0) return true;
            var i = from + at;
            var rest = p.Length - i;
            var text = new Joined(path);
            var occurs = true;
            for (var k = 0; k < Math.Min(rest, length) && occurs; k++) occurs = p[i + k] == text.Next();
            if (occurs && rest < length)
            {
                var start = new Joined(path);
                for (var k = 0; k < length - rest && occurs; k++) occurs = text.Next() == start.Next();
            }
            if (occurs) return false;
            from = i + 1;
        }
        return true;
    }

    /// <summary>The characters of a path's names joined with <c>" -> "</c>, one at a time (no string made).</summary>
    private struct Joined(ImmutableArray<string> path)
    {
        private const string Separator = " -> ";
        private int _segment;
        private int _at;

        /// <summary>The joined text's length.</summary>
        public static int LengthOf(ImmutableArray<string> path)
        {
            if (path.IsDefaultOrEmpty) return 0;
            var n = Separator.Length * (path.Length - 1);
            foreach (var name in path) n += name.Length;
            return n;
        }

        /// <summary>The next character (the caller reads no further than <see cref="LengthOf"/>).</summary>
        public char Next()
        {
            while (true)
            {
                // Segments: name 0, separator, name 1, separator, ... name n-1.
                var text = (_segment & 1) == 0 ? path[_segment >> 1] : Separator;
                if (_at < text.Length) return text[_at++];
                _segment++;
                _at = 0;
            }
        }
    }

    /// <summary>The facts of one range of findings, numbered in the order the range first cites them, and their citations.</summary>
    private sealed record Part(List<Fact> Entries, List<int> Counts, List<(string Rule, int First)> FirstOfRule)
    {
        /// <summary>Tables findings <paramref name="from"/> to <paramref name="to"/> (exclusive), their evidence numbered into <paramref name="evidence"/>.</summary>
        public static Part Of(Func<int, FindingFields> fieldsOf, int from, int to, int[][] evidence)
        {
            var ids = new Dictionary<Fact, int>();
            var entries = new List<Fact>();
            var counts = new List<int>();
            var rules = new HashSet<string>(StringComparer.Ordinal);
            var firstOfRule = new List<(string, int)>();
            Dictionary<string, string>? tokenized = null;
            for (var i = from; i < to; i++)
            {
                var f = fieldsOf(i);
                if (rules.Add(f.RuleId)) firstOfRule.Add((f.RuleId, i));
                string? pathText = null;
                var cited = f.Evidence;
                var subject = f.Subject.Location;
                var indexes = cited.Length == 0 ? [] : new int[cited.Length];
                var hasPath = !f.Path.IsDefault && f.Path.Length >= 2;
                for (var j = 0; j < cited.Length; j++)
                {
                    var e = cited[j];
                    var atSubject = e.Location.IsKnown && e.Location.Line == subject.Line && e.Location.File == subject.File;
                    string value;
                    if (hasPath && e.TryGetPathEnding(out var prefix, out var ending) && SamePath(ending, f.Path))
                    {
                        // A prefix and the finding's own path (an onward hop's evidence): the value with the path replaced,
                        // without joining the value; the same text as the replace below gives (see PathOnlyAtEnd).
                        if (PathOnlyAtEnd(prefix, f.Path)) value = Tokenized(prefix);
                        else
                        {
                            pathText ??= string.Join(" -> ", f.Path.AsSpan());
                            value = string.Concat(prefix, pathText).Replace(pathText, JsonReportWriter.PathToken, StringComparison.Ordinal);
                        }
                    }
                    else
                    {
                        value = e.Value;
                        if (hasPath && value.Contains(" -> ", StringComparison.Ordinal))
                        {
                            pathText ??= string.Join(" -> ", f.Path.AsSpan());
                            value = value.Replace(pathText, JsonReportWriter.PathToken, StringComparison.Ordinal);
                        }
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
            return new Part(entries, counts, firstOfRule);

            // A prefix's value with the path token, made once per prefix (prefixes are shared by an origin's findings).
            string Tokenized(string prefix)
            {
                tokenized ??= new Dictionary<string, string>(ReferenceEqualityComparer.Instance);
                if (!tokenized.TryGetValue(prefix, out var text)) tokenized[prefix] = text = prefix + JsonReportWriter.PathToken;
                return text;
            }
        }
    }
}
