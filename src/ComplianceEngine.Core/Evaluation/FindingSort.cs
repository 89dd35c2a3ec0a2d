using System.Collections.Immutable;
using System.Runtime.InteropServices;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// Sorts a large report into <see cref="FindingFactory.Order"/> from integer keys worked out once: each finding's rule
/// rank (given) and subject rank (the distinct subjects sorted once, by a key whose ordinal order is the natural order).
/// Findings are bucketed by rule rank (a counting sort), each bucket sorted by subject rank with a primitive sort, and
/// only runs of one rule and one subject (a flow's hops) compare paths and ids. The result is the order of one
/// comparison sort by <see cref="FindingFactory.Order"/>.
/// </summary>
internal static class FindingSort
{
    /// <summary>
    /// <paramref name="items"/> in <see cref="FindingFactory.Order"/>, given each finding's rank by (jurisdiction, rule)
    /// (equal for equal keys, ordered as the keys; see <see cref="FindingFactory.RuleRanks"/>). Ids are unique.
    /// </summary>
    public static ImmutableArray<Finding> Sort(Finding[] items, int[] ruleRanks, int workers)
    {
        var n = items.Length;
        if (n == 0) return [];
        var subjectRanks = SubjectRanks(items);

        // A counting sort by rule rank: each rule's findings become one contiguous bucket, in finding order.
        var groups = 0;
        foreach (var r in ruleRanks) groups = Math.Max(groups, r + 1);
        var starts = new int[groups + 1];
        foreach (var r in ruleRanks) starts[r + 1]++;
        for (var g = 0; g < groups; g++) starts[g + 1] += starts[g];
        var fill = starts[..^1];
        var keys = new int[n];
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            var at = fill[ruleRanks[i]]++;
            keys[at] = subjectRanks[i];
            order[at] = i;
        }

        void SortGroup(int g)
        {
            var (from, length) = (starts[g], starts[g + 1] - starts[g]);
            if (length > 1) keys.AsSpan(from, length).Sort(order.AsSpan(from, length));
        }
        var parallel = workers > 1 && n >= 50_000;
        if (parallel) Parallel.For(0, groups, new ParallelOptions { MaxDegreeOfParallelism = workers }, SortGroup);
        else
        {
            for (var g = 0; g < groups; g++) SortGroup(g);
        }

        // Findings of one rule about one subject (a flow's hops) are ordered by path, then id: their paths become ranks of
        // names (the names ranked once), compared as integers.
        var runs = new List<(int From, int Length)>();
        for (var g = 0; g < groups; g++)
        {
            var end = starts[g + 1];
            for (var run = starts[g]; run < end;)
            {
                var next = run + 1;
                while (next < end && keys[next] == keys[run]) next++;
                if (next - run > 1) runs.Add((run, next - run));
                run = next;
            }
        }
        if (runs.Count > 0) SortRuns(items, order, runs, parallel ? workers : 1);

        var sorted = new Finding[n];
        for (var p = 0; p < n; p++) sorted[p] = items[order[p]];
        return ImmutableCollectionsMarshal.AsImmutableArray(sorted);
    }

    /// <summary>Sorts each run of <paramref name="order"/> (findings of one rule and subject) by path, then id.</summary>
    private static void SortRuns(Finding[] items, int[] order, List<(int From, int Length)> runs, int workers)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (from, length) in runs)
        {
            for (var p = from; p < from + length; p++)
            {
                foreach (var name in items[order[p]].Path) names.TryAdd(name, names.Count);
            }
        }
        var rankOfName = NaturalRanks([.. names.Keys]);
        // Each run member's path as name ranks, one slice of a shared pool per finding.
        var start = new int[items.Length];
        var pool = new List<int>();
        foreach (var (from, length) in runs)
        {
            for (var p = from; p < from + length; p++)
            {
                start[order[p]] = pool.Count;
                foreach (var name in items[order[p]].Path) pool.Add(rankOfName[names[name]]);
            }
        }
        var ranks = pool.ToArray();
        Comparison<int> byPathThenId = (x, y) =>
        {
            var (a, b) = (items[x].Path, items[y].Path);
            var (ax, by) = (start[x], start[y]);
            var c = ranks.AsSpan(ax, a.Length).SequenceCompareTo(ranks.AsSpan(by, b.Length));
            return c != 0 ? c : string.CompareOrdinal(items[x].Id, items[y].Id);
        };
        void SortRun(int r) => order.AsSpan(runs[r].From, runs[r].Length).Sort(byPathThenId);
        if (workers > 1) Parallel.For(0, runs.Count, new ParallelOptions { MaxDegreeOfParallelism = workers }, SortRun);
        else
        {
            for (var r = 0; r < runs.Count; r++) SortRun(r);
        }
    }

    /// <summary>Each name's rank in <see cref="NaturalComparer"/> order (equal names, equal rank), by position in <paramref name="names"/>.</summary>
    private static int[] NaturalRanks(string[] names) => Ranks(names, new int[names.Length]);

    /// <summary>
    /// Each finding's rank by subject (kind ordinally, then name in <see cref="NaturalComparer"/> order; equal keys, equal
    /// rank). Findings of one document share its subject object, so the distinct subjects are found by reference, then
    /// ranked once.
    /// </summary>
    internal static int[] SubjectRanks(Finding[] items)
    {
        var slots = new Dictionary<FindingSubject, int>(ReferenceEqualityComparer.Instance);
        var of = new int[items.Length];
        FindingSubject? last = null;
        var lastSlot = -1;
        for (var i = 0; i < items.Length; i++)
        {
            var subject = items[i].Subject;
            if (!ReferenceEquals(subject, last))
            {
                if (!slots.TryGetValue(subject, out lastSlot)) slots[subject] = lastSlot = slots.Count;
                last = subject;
            }
            of[i] = lastSlot;
        }
        var names = new string[slots.Count];
        var kinds = new string[slots.Count];
        foreach (var (subject, slot) in slots) (names[slot], kinds[slot]) = (subject.Name, subject.Kind);
        var distinctKinds = kinds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var kindRanks = new int[kinds.Length];
        for (var s = 0; s < kinds.Length; s++) kindRanks[s] = distinctKinds.IndexOf(kinds[s]);
        var rank = Ranks(names, kindRanks);
        for (var i = 0; i < of.Length; i++) of[i] = rank[of[i]];
        return of;
    }

    /// <summary>
    /// Each name's rank by (<paramref name="groups"/>, then the name in <see cref="NaturalComparer"/> order): equal group and
    /// name, equal rank. The names are sorted by their <see cref="NaturalKey"/> (the group its first character), ordinal
    /// comparisons of strings instead of natural ones; names of equal keys (equal numbers written differently) by ordinal
    /// order, as the comparer orders them.
    /// </summary>
    private static int[] Ranks(string[] names, int[] groups)
    {
        var keys = new string[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            if (groups[i] >= char.MaxValue || NaturalKey(names[i], (char)groups[i]) is not { } key) return ComparerRanks(names, groups);
            keys[i] = key;
        }
        var order = new int[names.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(keys, order, StringComparer.Ordinal);
        for (var run = 0; run < keys.Length;)
        {
            var next = run + 1;
            while (next < keys.Length && string.Equals(keys[run], keys[next], StringComparison.Ordinal)) next++;
            if (next - run > 1) order.AsSpan(run, next - run).Sort((x, y) => string.CompareOrdinal(names[x], names[y]));
            run = next;
        }
        var rank = new int[names.Length];
        var r = 0;
        for (var i = 0; i < order.Length; i++)
        {
            if (i > 0 && !(string.Equals(keys[i - 1], keys[i], StringComparison.Ordinal) && string.Equals(names[order[i - 1]], names[order[i]], StringComparison.Ordinal))) r++;
            rank[order[i]] = r;
        }
        return rank;
    }

    /// <summary>As <see cref="Ranks"/>, comparing names with <see cref="NaturalComparer"/> (for names <see cref="NaturalKey"/> cannot encode).</summary>
    private static int[] ComparerRanks(string[] names, int[] groups)
    {
        var order = new int[names.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        Comparison<int> compare = (x, y) => groups[x] != groups[y] ? groups[x].CompareTo(groups[y]) : NaturalComparer.Instance.Compare(names[x], names[y]);
        Array.Sort(order, compare);
        var rank = new int[names.Length];
        var r = 0;
        for (var i = 0; i < order.Length; i++)
        {
            if (i > 0 && compare(order[i - 1], order[i]) != 0) r++;
            rank[order[i]] = r;
        }
        return rank;
    }

    /// <summary>
    /// A key whose ordinal order is <see cref="NaturalComparer"/>'s order of the names, but for names of equal numbers
    /// written differently (<c>f02</c>, <c>f2</c>), whose keys are equal (the comparer orders those ordinally): <paramref name="first"/>,
    /// then each run of digits as '0', its length without leading zeros (plus one) as a character and those digits, other
    /// characters as they are. One string per name. Null for a name the key cannot encode (one holding U+0000, or a run of
    /// 65,534 digits or more).
    /// </summary>
    internal static string? NaturalKey(string name, char first = '\0')
    {
        var length = 1;
        for (var i = 0; i < name.Length;)
        {
            var c = name[i];
            if (c == '\0') return null;
            if (!char.IsAsciiDigit(c))
            {
                length++;
                i++;
                continue;
            }
            var start = i;
            while (i < name.Length && char.IsAsciiDigit(name[i])) i++;
            var digits = name.AsSpan(start, i - start).TrimStart('0').Length;
            if (digits >= char.MaxValue - 1) return null;
            length += 2 + digits;
        }
        return string.Create(length, (name, first), static (key, state) =>
        {
            var (name, first) = state;
            key[0] = first;
            var at = 1;
            for (var i = 0; i < name.Length;)
            {
                if (!char.IsAsciiDigit(name[i]))
                {
                    key[at++] = name[i++];
                    continue;
                }
                var start = i;
                while (i < name.Length && char.IsAsciiDigit(name[i])) i++;
                var digits = name.AsSpan(start, i - start).TrimStart('0');
                key[at++] = '0';
                key[at++] = (char)(digits.Length + 1);
                digits.CopyTo(key[at..]);
                at += digits.Length;
            }
        });
    }
}
