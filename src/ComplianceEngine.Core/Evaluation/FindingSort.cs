using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
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

        var ties = Comparer<int>.Create((x, y) =>
        {
            var c = FindingFactory.ComparePaths(items[x].Path, items[y].Path);
            return c != 0 ? c : string.CompareOrdinal(items[x].Id, items[y].Id);
        });
        void SortGroup(int g)
        {
            var (from, length) = (starts[g], starts[g + 1] - starts[g]);
            if (length < 2) return;
            keys.AsSpan(from, length).Sort(order.AsSpan(from, length));
            // Findings of one rule about one subject (a flow's hops): ordered by path, then id.
            var end = from + length;
            for (var run = from; run < end;)
            {
                var next = run + 1;
                while (next < end && keys[next] == keys[run]) next++;
                if (next - run > 1) order.AsSpan(run, next - run).Sort(ties);
                run = next;
            }
        }
        if (workers <= 1 || n < 50_000)
        {
            for (var g = 0; g < groups; g++) SortGroup(g);
        }
        else Parallel.For(0, groups, new ParallelOptions { MaxDegreeOfParallelism = workers }, SortGroup);

        var sorted = new Finding[n];
        for (var p = 0; p < n; p++) sorted[p] = items[order[p]];
        return ImmutableCollectionsMarshal.AsImmutableArray(sorted);
    }

    /// <summary>
    /// Each finding's rank by subject (kind ordinally, then name in <see cref="NaturalComparer"/> order; equal keys, equal
    /// rank). Findings of one document share its subject object, so the distinct subjects are found by reference; they are
    /// sorted by kind and <see cref="NaturalKey"/>, ordinal comparisons instead of natural ones.
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
        var subjects = new FindingSubject[slots.Count];
        foreach (var (subject, slot) in slots) subjects[slot] = subject;

        var kinds = subjects.Select(s => s.Kind).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var kindRank = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < kinds.Length; k++) kindRank[kinds[k]] = k;
        var entries = new (int Kind, string Key)[subjects.Length];
        for (var s = 0; s < subjects.Length; s++)
        {
            var key = NaturalKey(subjects[s].Name);
            if (key is null) return FallbackRanks(subjects, of);
            entries[s] = (kindRank[subjects[s].Kind], key);
        }
        var order = new int[subjects.Length];
        for (var s = 0; s < order.Length; s++) order[s] = s;
        static int Compare((int Kind, string Key) a, (int Kind, string Key) b) =>
            a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind) : string.CompareOrdinal(a.Key, b.Key);
        Array.Sort(entries, order, Comparer<(int Kind, string Key)>.Create(Compare));
        var rank = new int[subjects.Length];
        var r = 0;
        for (var s = 0; s < subjects.Length; s++)
        {
            if (s > 0 && Compare(entries[s - 1], entries[s]) != 0) r++;
            rank[order[s]] = r;
        }
        for (var i = 0; i < of.Length; i++) of[i] = rank[of[i]];
        return of;
    }

    /// <summary>Ranks by comparing subjects with <see cref="NaturalComparer"/> (for names <see cref="NaturalKey"/> cannot encode).</summary>
    private static int[] FallbackRanks(FindingSubject[] subjects, int[] of)
    {
        var order = new int[subjects.Length];
        for (var s = 0; s < order.Length; s++) order[s] = s;
        var byKindAndName = Comparer<FindingSubject>.Create((a, b) =>
            string.CompareOrdinal(a.Kind, b.Kind) is var c and not 0 ? c : NaturalComparer.Instance.Compare(a.Name, b.Name));
        var sorted = (FindingSubject[])subjects.Clone();
        Array.Sort(sorted, order, byKindAndName);
        var rank = new int[subjects.Length];
        var r = 0;
        for (var s = 0; s < sorted.Length; s++)
        {
            if (s > 0 && byKindAndName.Compare(sorted[s - 1], sorted[s]) != 0) r++;
            rank[order[s]] = r;
        }
        for (var i = 0; i < of.Length; i++) of[i] = rank[of[i]];
        return of;
    }

    /// <summary>
    /// A key whose ordinal order is <see cref="NaturalComparer"/>'s order of the names: each run of digits becomes '0',
    /// its length without leading zeros (plus one) as a character, and those digits; other characters stay; then U+0000
    /// and the name itself (equal numbers written differently fall back to ordinal order, as the comparer does). Null
    /// for a name the key cannot encode (one holding U+0000, or a run of 65,535 digits or more).
    /// </summary>
    internal static string? NaturalKey(string name)
    {
        var key = new StringBuilder(name.Length * 2 + 4);
        for (var i = 0; i < name.Length;)
        {
            var c = name[i];
            if (c == '\0') return null;
            if (!char.IsAsciiDigit(c))
            {
                key.Append(c);
                i++;
                continue;
            }
            var start = i;
            while (i < name.Length && char.IsAsciiDigit(name[i])) i++;
            var digits = name.AsSpan(start, i - start).TrimStart('0');
            if (digits.Length >= char.MaxValue) return null;
            key.Append('0').Append((char)(digits.Length + 1)).Append(digits);
        }
        return key.Append('\0').Append(name).ToString();
    }
}
