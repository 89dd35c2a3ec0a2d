using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// Finding ids (stable fingerprints), the shared parsed templates and the report's order. Findings themselves are made
/// from verdicts by a <see cref="FindingBuilder"/> per thread.
/// </summary>
public static class FindingFactory
{
    /// <summary>The stable fingerprint of a finding: rule, subject, path and jurisdiction (never a line number).</summary>
    public static string Fingerprint(string ruleId, string jurisdiction, FindingSubject subject, IEnumerable<string> path)
    {
        ArgumentNullException.ThrowIfNull(ruleId);
        ArgumentNullException.ThrowIfNull(jurisdiction);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(path);
        return Fingerprint(RuleKey(ruleId, jurisdiction), subject, path is ImmutableArray<string> a ? a : [.. path]);
    }

    /// <summary>The UTF-8 start of a fingerprint's key, "rule\njurisdiction\n": the same for every finding of a rule.</summary>
    internal static byte[] RuleKey(string ruleId, string jurisdiction)
    {
        var key = new byte[Encoding.UTF8.GetByteCount(ruleId) + Encoding.UTF8.GetByteCount(jurisdiction) + 2];
        var n = Put(key, 0, ruleId, (byte)'\n');
        Put(key, n, jurisdiction, (byte)'\n');
        return key;
    }

    /// <summary>
    /// The fingerprint from a rule's key (<see cref="RuleKey"/>): SHA-256 of the UTF-8 key "rule\njurisdiction\nKind/name\npath
    /// joined by U+001F", encoded straight into a reused buffer and hashed by a reused hash object (a one-shot hash sets
    /// up its context on every call); only the 16-character result is allocated.
    /// </summary>
    internal static string Fingerprint(byte[] ruleKey, FindingSubject subject, ImmutableArray<string> path) => IdText(FingerprintBits(ruleKey, subject, path));

    /// <summary>
    /// The fingerprint as a number: the first eight bytes of the SHA-256 (<see cref="Fingerprint(byte[], FindingSubject, ImmutableArray{string})"/>),
    /// big-endian, so that <see cref="IdText"/> writes the id's 16 hex digits. Equal numbers, equal ids.
    /// </summary>
    internal static ulong FingerprintBits(byte[] ruleKey, FindingSubject subject, ImmutableArray<string> path)
    {
        // At most three UTF-8 bytes per UTF-16 char (a surrogate pair's four bytes are two chars): the buffer is sized
        // without counting each name's bytes first, and the encoder says how many it wrote.
        var chars = subject.Kind.Length + subject.Name.Length;
        if (!path.IsDefault)
        {
            foreach (var p in path) chars += p.Length + 1;
        }
        var length = ruleKey.Length + 3 * chars + 2;
        // A buffer per thread, not ArrayPool: the shared pool trims itself on every gen-2 collection, and with millions of
        // findings that trimming showed up as a tenth of the evaluation's time.
        var bytes = t_key is { } buffer && buffer.Length >= length ? buffer : t_key = new byte[Math.Max(length, 1024)];
        ruleKey.AsSpan().CopyTo(bytes);
        var n = Put(bytes, ruleKey.Length, subject.Kind, (byte)'/');
        n = Put(bytes, n, subject.Name, (byte)'\n');
        if (!path.IsDefault)
        {
            for (var i = 0; i < path.Length; i++)
            {
                if (i > 0) bytes[n++] = 0x1f;
                n = Put(bytes, n, path[i], null);
            }
        }
        var sha = t_sha ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(bytes, 0, n);
        Span<byte> hash = stackalloc byte[32];
        sha.GetHashAndReset(hash);
        if (bytes.Length > 64 * 1024) t_key = null;
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }

    /// <summary>A fingerprint's id: its number as 16 lower-case hex digits (the first eight bytes of the hash, in order).</summary>
    internal static string IdText(ulong bits) => bits.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>The number of an id <see cref="IdText"/> wrote (16 lower-case hex digits); false for any other text.</summary>
    internal static bool TryIdBits(string id, out ulong bits)
    {
        bits = 0;
        if (id.Length != 16) return false;
        foreach (var c in id)
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0) return false;
            bits = bits << 4 | (uint)digit;
        }
        return true;
    }

    [ThreadStatic]
    private static byte[]? t_key;

    [ThreadStatic]
    private static IncrementalHash? t_sha;

    private static int Put(byte[] buffer, int at, string text, byte? then)
    {
        at += Encoding.UTF8.GetBytes(text, buffer.AsSpan(at));
        if (then is { } b) buffer[at++] = b;
        return at;
    }

    /// <summary>One parsed template per template text (rule definitions hold each once; the table lets them go with the rules).</summary>
    private static readonly ConditionalWeakTable<string, TextTemplate> Templates = [];

    internal static TextTemplate TemplateOf(string template) => Templates.GetValue(template, TextTemplate.Parse);

    /// <summary><paramref name="findings"/> in <see cref="Order"/>. Ids are unique, so the order is total.</summary>
    public static ImmutableArray<Finding> Sort(IEnumerable<Finding> findings) => Sort(findings, workers: 1);

    /// <summary>
    /// As <see cref="Sort(IEnumerable{Finding})"/>, on up to <paramref name="workers"/> threads. For large reports the
    /// first keys are ranked once: (jurisdiction, rule) and (subject kind, name) become integers, so most comparisons
    /// compare two integers instead of following four strings; findings are grouped by rule and the groups sorted in
    /// parallel. Ties on both ranks fall back to <see cref="Order"/> (path, then id). The result is the same order.
    /// </summary>
    public static ImmutableArray<Finding> Sort(IEnumerable<Finding> findings, int workers)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var items = findings.ToArray();
        if (items.Length < 100_000)
        {
            Array.Sort(items, Order);
            return ImmutableCollectionsMarshal.AsImmutableArray(items);
        }
        var ruleRank = Ranks(items, f => (f.Jurisdiction, f.RuleId), static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Jurisdiction, b.Jurisdiction);
            return c != 0 ? c : string.CompareOrdinal(a.RuleId, b.RuleId);
        });
        return Sort(items, ruleRank.Of, workers);
    }

    /// <summary>
    /// <paramref name="items"/> in <see cref="Order"/>, given each finding's rank by (jurisdiction, rule) (equal for
    /// equal keys, as <see cref="RuleRanks"/> works them out once per rule set); the items are sorted in place.
    /// </summary>
    internal static ImmutableArray<Finding> Sort(Finding[] items, int[] ruleRanks, int workers)
    {
        var subjectRanks = SubjectRanks(items);
        var groupCount = 0;
        foreach (var r in ruleRanks) groupCount = Math.Max(groupCount, r + 1);
        var groups = new List<(int Subject, int Index)>[groupCount];
        for (var i = 0; i < items.Length; i++) (groups[ruleRanks[i]] ??= []).Add((subjectRanks[i], i));
        Parallel.ForEach(groups.Where(g => g is not null), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, g =>
            g.Sort((x, y) => WithinRule(items, x, y)));
        var sorted = new Finding[items.Length];
        var at = 0;
        foreach (var g in groups)
        {
            if (g is null) continue;
            foreach (var (_, index) in g) sorted[at++] = items[index];
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(sorted);
    }

    /// <summary>
    /// Two findings of one rule rank (equal jurisdiction and rule), by subject rank, then as <see cref="Order"/> goes on:
    /// equal subject ranks are equal kinds and names (the natural order falls back to ordinal), so path, then id.
    /// </summary>
    private static int WithinRule(Finding[] items, (int Subject, int Index) x, (int Subject, int Index) y)
    {
        if (x.Subject != y.Subject) return x.Subject < y.Subject ? -1 : 1;
        var (a, b) = (items[x.Index], items[y.Index]);
        var c = ComparePaths(a.Path, b.Path);
        return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
    }

    /// <summary>Each rule's rank by (jurisdiction, rule id), by position in <paramref name="rules"/> (a rule set's <see cref="CompiledRule.Index"/>; equal keys, equal rank).</summary>
    internal static int[] RuleRanks(IReadOnlyList<CompiledRule> rules)
    {
        var order = Enumerable.Range(0, rules.Count).ToArray();
        static int Compare(RuleDefinition a, RuleDefinition b)
        {
            var c = string.CompareOrdinal(a.Jurisdiction, b.Jurisdiction);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        }
        Array.Sort(order, (x, y) => Compare(rules[x].Definition, rules[y].Definition));
        var ranks = new int[rules.Count];
        var rank = 0;
        for (var i = 0; i < order.Length; i++)
        {
            if (i > 0 && Compare(rules[order[i - 1]].Definition, rules[order[i]].Definition) != 0) rank++;
            ranks[order[i]] = rank;
        }
        return ranks;
    }

    /// <summary>
    /// Each finding's rank by subject (kind, then name in natural order; equal keys, equal rank). Findings of one document
    /// share its subject object, so the distinct subjects are found by reference and only they are compared.
    /// </summary>
    private static int[] SubjectRanks(Finding[] items) => SubjectRanks(items.Length, i => items[i].Subject);

    /// <summary>
    /// The rank by subject (as <see cref="SubjectRanks(Finding[])"/>) of each of <paramref name="count"/> items, whose subjects
    /// <paramref name="subjectOf"/> gives: a finding's or a finding row's. Items of one document share its subject object, and
    /// a fact's items come one after another, so the distinct subjects are found by reference and only they are compared.
    /// </summary>
    internal static int[] SubjectRanks(int count, Func<int, FindingSubject> subjectOf)
    {
        var slots = new Dictionary<FindingSubject, int>(ReferenceEqualityComparer.Instance);
        var of = new int[count];
        // A repeat of the last subject is not looked up again.
        FindingSubject? last = null;
        var lastSlot = -1;
        for (var i = 0; i < count; i++)
        {
            var subject = subjectOf(i);
            if (!ReferenceEquals(subject, last))
            {
                if (!slots.TryGetValue(subject, out lastSlot)) slots[subject] = lastSlot = slots.Count;
                last = subject;
            }
            of[i] = lastSlot;
        }
        var subjects = new FindingSubject[slots.Count];
        foreach (var (subject, slot) in slots) subjects[slot] = subject;
        var rank = RanksOfSubjects(subjects);
        for (var i = 0; i < of.Length; i++) of[i] = rank[of[i]];
        return of;
    }

    /// <summary>Each of <paramref name="subjects"/>' rank by kind, then name in natural order (equal keys, equal rank); the array is sorted in place.</summary>
    internal static int[] RanksOfSubjects(FindingSubject[] subjects)
    {
        var order = Enumerable.Range(0, subjects.Length).ToArray();
        Array.Sort(subjects, order, SubjectOrder.Instance);
        var rank = new int[subjects.Length];
        var r = 0;
        for (var i = 0; i < subjects.Length; i++)
        {
            if (i > 0 && SubjectOrder.Instance.Compare(subjects[i - 1], subjects[i]) != 0) r++;
            rank[order[i]] = r;
        }
        return rank;
    }

    /// <summary>Subjects by kind (ordinal), then name as people read it.</summary>
    private sealed class SubjectOrder : IComparer<FindingSubject>
    {
        public static SubjectOrder Instance { get; } = new();

        public int Compare(FindingSubject? a, FindingSubject? b)
        {
            if (ReferenceEquals(a, b)) return 0;
            var c = string.CompareOrdinal(a!.Kind, b!.Kind);
            return c != 0 ? c : NaturalComparer.Instance.Compare(a.Name, b.Name);
        }
    }

    /// <summary>Each finding's rank among the distinct keys (equal keys, equal rank), and how many distinct keys there are.</summary>
    private static (int[] Of, int Count) Ranks<TKey>(Finding[] items, Func<Finding, TKey> key, Comparison<TKey> compare)
        where TKey : notnull
    {
        var distinct = new Dictionary<TKey, int>();
        var of = new int[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var k = key(items[i]);
            if (!distinct.TryGetValue(k, out var slot)) distinct[k] = slot = distinct.Count;
            of[i] = slot;
        }
        var keys = distinct.Keys.ToArray();
        var order = Enumerable.Range(0, keys.Length).ToArray();
        Array.Sort(order, (x, y) => compare(keys[x], keys[y]));
        var rank = new int[keys.Length];
        for (var r = 0; r < order.Length; r++) rank[order[r]] = r;
        for (var i = 0; i < of.Length; i++) of[i] = rank[of[i]];
        return (of, keys.Length);
    }

    /// <summary>
    /// Deterministic order: jurisdiction, rule, subject kind, then subject name and path as people read names
    /// (<see cref="NaturalComparer"/>: <c>f2</c> before <c>f100</c>), then id.
    /// </summary>
    public static IComparer<Finding> Order { get; } = Comparer<Finding>.Create((a, b) =>
    {
        var c = string.CompareOrdinal(a.Jurisdiction, b.Jurisdiction);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.RuleId, b.RuleId);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Subject.Kind, b.Subject.Kind);
        if (c != 0) return c;
        c = NaturalComparer.Instance.Compare(a.Subject.Name, b.Subject.Name);
        if (c != 0) return c;
        c = ComparePaths(a.Path, b.Path);
        return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
    });

    /// <summary>Paths name by name (in natural order), a path before its own extensions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ComparePaths(ImmutableArray<string> a, ImmutableArray<string> b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var c = NaturalComparer.Instance.Compare(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Length.CompareTo(b.Length);
    }
}
