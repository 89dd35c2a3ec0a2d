using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ComplianceEngine.Core.Facts;

/// <summary>One lot of a regime's data at a node: a kind of lot (see <see cref="LotSets"/>) and the categories of it there.</summary>
internal readonly record struct Lot(int Kind, long Categories);

/// <summary>
/// The kinds of lot (one per distinct subjects, subject types and designations of the data edges carry) and sets of lots
/// as dense ids: a set holds at most one lot per kind, with the categories of it present (a <see cref="CategoryBits"/>
/// value), sorted by kind. Carries are memoised; <see cref="Empty"/> is no data.
/// </summary>
internal sealed class LotSets
{
    public const int Empty = 0;

    private readonly CategoryBits _categories;
    private readonly Dictionary<(string[]?, string[]?, string[]?), int> _kindIds = new(KindComparer.Instance);
    private readonly Dictionary<(string[]?, string[]?, string[]?), int> _kindOfArrays = new(SameArrays.Instance);
    private readonly List<(ImmutableArray<string> Subjects, ImmutableArray<string> SubjectTypes, ImmutableArray<string> Designations)> _kinds = [];
    private readonly List<Lot[]> _sets = [[]];
    private readonly Dictionary<Lot[], int> _setIds = new(SequenceComparer<Lot>.Instance) { [[]] = Empty };
    private readonly Dictionary<(int, long), int> _carry = [];
    private readonly List<long> _setCategories = [CategoryBits.Nothing];
    private readonly Dictionary<int, (ImmutableArray<string>, ImmutableArray<string>, ImmutableArray<string>)> _described = [];
    private readonly Dictionary<int[], (ImmutableArray<string>, ImmutableArray<string>, ImmutableArray<string>)> _describedKinds = new(SequenceComparer<int>.Instance);

    public LotSets(CategoryBits categories) => _categories = categories;

    /// <summary>How many kinds there are.</summary>
    public int Kinds => _kinds.Count;

    /// <summary>The kind of lot <paramref name="data"/> is.</summary>
    public int KindOf(CarriedData data)
    {
        // The lists are shared arrays (a store's, interned): looked up by the arrays themselves first, by their words once.
        var key = (ImmutableCollectionsMarshal.AsArray(data.Subjects), ImmutableCollectionsMarshal.AsArray(data.SubjectTypes),
            ImmutableCollectionsMarshal.AsArray(data.Designations));
        if (_kindOfArrays.TryGetValue(key, out var id)) return id;
        if (!_kindIds.TryGetValue(key, out id))
        {
            _kinds.Add((data.Subjects, data.SubjectTypes, data.Designations));
            _kindIds[key] = id = _kinds.Count - 1;
        }
        return _kindOfArrays[key] = id;
    }

    /// <summary>The set of <paramref name="lots"/> (one per kind, any order; sorted here).</summary>
    public int Of(Span<Lot> lots)
    {
        if (lots.Length == 0) return Empty;
        lots.Sort(static (a, b) => a.Kind.CompareTo(b.Kind));
        var lookup = _setIds.GetAlternateLookup<ReadOnlySpan<Lot>>();
        if (lookup.TryGetValue(lots, out var id)) return id;
        return Intern(lots.ToArray());
    }

    /// <summary>The set of <paramref name="lots"/>, already sorted by kind (one per kind).</summary>
    public int OfSorted(ReadOnlySpan<Lot> lots)
    {
        if (lots.Length == 0) return LotSets.Empty;
        var lookup = _setIds.GetAlternateLookup<ReadOnlySpan<Lot>>();
        if (lookup.TryGetValue(lots, out var id)) return id;
        return Intern(lots.ToArray());
    }

    /// <summary>What an edge declaring <paramref name="edge"/> carries of the lots in <paramref name="set"/>.</summary>
    public int Carry(int set, long edge)
    {
        if (set == Empty || edge == CategoryBits.All) return set;
        if (_carry.TryGetValue((set, edge), out var id)) return id;
        // The lots carried stay sorted by kind: gathered in a buffer reused from carry to carry, and looked up without
        // copying them (a set already known, as most are, costs no allocation).
        var lots = _sets[set];
        if (_carried.Length < lots.Length) _carried = new Lot[Math.Max(lots.Length, _carried.Length * 2)];
        var n = 0;
        foreach (var lot in lots)
        {
            var c = _categories.Carry(lot.Categories, edge);
            if (c != CategoryBits.Nothing) _carried[n++] = lot with { Categories = c };
        }
        return _carry[(set, edge)] = OfSorted(_carried.AsSpan(0, n));
    }

    /// <summary>The lots <see cref="Carry"/> gathers (one thread at a time, as every lookup here).</summary>
    private Lot[] _carried = new Lot[16];

    /// <summary>The categories of every lot in <paramref name="set"/> together.</summary>
    public long Categories(int set) => _setCategories[set];

    /// <summary>The lots in <paramref name="set"/>, by kind.</summary>
    public ReadOnlySpan<Lot> this[int set] => _sets[set];

    /// <summary>The subjects, subject types and designations of the lots in <paramref name="set"/> together (sorted, distinct).</summary>
    public (ImmutableArray<string> Subjects, ImmutableArray<string> SubjectTypes, ImmutableArray<string> Designations) Describe(int set)
    {
        if (_described.TryGetValue(set, out var d)) return d;
        var lots = _sets[set];
        if (lots.Length == 1)
        {
            var k = _kinds[lots[0].Kind];
            return _described[set] = (k.Subjects, k.SubjectTypes, k.Designations);
        }
        if (Vocabulary() is { } vocabulary)
        {
            // Each kind's subjects, subject types and designations as bits over their (small, sorted) vocabularies: the
            // union of a set's is an OR per lot, and sets with the same union describe the same, worked out once.
            ulong subjects = 0, subjectTypes = 0, designations = 0;
            foreach (var lot in lots)
            {
                var (s, t, g) = vocabulary.Masks[lot.Kind];
                subjects |= s;
                subjectTypes |= t;
                designations |= g;
            }
            if (!_describedMasks.TryGetValue((subjects, subjectTypes, designations), out d))
            {
                d = (KindVocabulary.Names(vocabulary.Subjects, subjects), KindVocabulary.Names(vocabulary.SubjectTypes, subjectTypes),
                    KindVocabulary.Names(vocabulary.Designations, designations));
                _describedMasks[(subjects, subjectTypes, designations)] = d;
            }
            return _described[set] = d;
        }
        // Sets that differ only in their categories describe the same: worked out once per distinct kinds.
        Span<int> ids = lots.Length <= 256 ? stackalloc int[lots.Length] : new int[lots.Length];
        for (var i = 0; i < lots.Length; i++) ids[i] = lots[i].Kind;
        var lookup = _describedKinds.GetAlternateLookup<ReadOnlySpan<int>>();
        if (lookup.TryGetValue(ids, out d)) return _described[set] = d;
        var kinds = lots.Select(l => _kinds[l.Kind]).ToList();
        d = (FactBuilder.Sorted(kinds.SelectMany(k => k.Subjects)), FactBuilder.Sorted(kinds.SelectMany(k => k.SubjectTypes)),
            FactBuilder.Sorted(kinds.SelectMany(k => k.Designations)));
        lookup[ids] = d;
        return _described[set] = d;
    }

    private readonly Dictionary<(ulong, ulong, ulong), (ImmutableArray<string>, ImmutableArray<string>, ImmutableArray<string>)> _describedMasks = [];
    private KindVocabulary? _vocabulary;

    /// <summary>The kinds' vocabularies as bits (null when one has more than 64 words: sets are then described by their kinds).</summary>
    private KindVocabulary? Vocabulary()
    {
        if (_vocabularyKinds != _kinds.Count)
        {
            _vocabulary = KindVocabulary.Of(_kinds);
            _vocabularyKinds = _kinds.Count;
            // A new kind's words shift the others' bits: descriptions cached by the old bits name other words now.
            _describedMasks.Clear();
        }
        return _vocabulary;
    }

    private int _vocabularyKinds = -1;

    /// <summary>The sorted subjects, subject types and designations every kind names, and each kind's as bits over them.</summary>
    private sealed class KindVocabulary
    {
        public required string[] Subjects { get; init; }
        public required string[] SubjectTypes { get; init; }
        public required string[] Designations { get; init; }
        public required (ulong, ulong, ulong)[] Masks { get; init; }

        public static KindVocabulary? Of(List<(ImmutableArray<string> Subjects, ImmutableArray<string> SubjectTypes, ImmutableArray<string> Designations)> kinds)
        {
            string[] Words(Func<(ImmutableArray<string>, ImmutableArray<string>, ImmutableArray<string>), ImmutableArray<string>> of) =>
                [.. kinds.SelectMany(k => of(k)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            var subjects = Words(k => k.Item1);
            var subjectTypes = Words(k => k.Item2);
            var designations = Words(k => k.Item3);
            if (subjects.Length > 64 || subjectTypes.Length > 64 || designations.Length > 64) return null;
            static ulong Mask(string[] words, ImmutableArray<string> names)
            {
                ulong mask = 0;
                foreach (var n in names) mask |= 1UL << Array.BinarySearch(words, n, StringComparer.Ordinal);
                return mask;
            }
            return new KindVocabulary
            {
                Subjects = subjects,
                SubjectTypes = subjectTypes,
                Designations = designations,
                Masks = [.. kinds.Select(k => (Mask(subjects, k.Subjects), Mask(subjectTypes, k.SubjectTypes), Mask(designations, k.Designations)))],
            };
        }

        /// <summary>The words of <paramref name="mask"/>, in order (sorted, as the vocabulary is).</summary>
        public static ImmutableArray<string> Names(string[] words, ulong mask)
        {
            if (mask == 0) return [];
            var names = new string[BitOperations.PopCount(mask)];
            var i = 0;
            for (var bits = mask; bits != 0; bits &= bits - 1) names[i++] = words[BitOperations.TrailingZeroCount(bits)];
            return ImmutableCollectionsMarshal.AsImmutableArray(names);
        }
    }

    private int Intern(Lot[] lots)
    {
        if (_setIds.TryGetValue(lots, out var id)) return id;
        _sets.Add(lots);
        var union = CategoryBits.Nothing;
        foreach (var lot in lots) union = _categories.Union(union, lot.Categories);
        _setCategories.Add(union);
        return _setIds[lots] = _sets.Count - 1;
    }

    /// <summary>Three arrays compared and hashed by reference.</summary>
    internal sealed class SameArrays : IEqualityComparer<(string[]?, string[]?, string[]?)>
    {
        public static SameArrays Instance { get; } = new();

        public bool Equals((string[]?, string[]?, string[]?) x, (string[]?, string[]?, string[]?) y) =>
            ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2) && ReferenceEquals(x.Item3, y.Item3);

        public int GetHashCode((string[]?, string[]?, string[]?) obj) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Item1), RuntimeHelpers.GetHashCode(obj.Item2), RuntimeHelpers.GetHashCode(obj.Item3));
    }

    private sealed class KindComparer : IEqualityComparer<(string[]?, string[]?, string[]?)>
    {
        public static KindComparer Instance { get; } = new();

        public bool Equals((string[]?, string[]?, string[]?) x, (string[]?, string[]?, string[]?) y) =>
            Same(x.Item1, y.Item1) && Same(x.Item2, y.Item2) && Same(x.Item3, y.Item3);

        public int GetHashCode((string[]?, string[]?, string[]?) obj) => HashCode.Combine(Hash(obj.Item1), Hash(obj.Item2), Hash(obj.Item3));

        private static bool Same(string[]? a, string[]? b) => ReferenceEquals(a, b) || (a ?? []).AsSpan().SequenceEqual(b ?? []);

        private static int Hash(string[]? a)
        {
            var hash = new HashCode();
            foreach (var s in a ?? []) hash.Add(s, StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }

    /// <summary>Arrays compared and hashed item by item, and looked up by a span without copying it (an interning key).</summary>
    private sealed class SequenceComparer<T> : IEqualityComparer<T[]>, IAlternateEqualityComparer<ReadOnlySpan<T>, T[]>
        where T : IEquatable<T>
    {
        public static SequenceComparer<T> Instance { get; } = new();

        public bool Equals(T[]? x, T[]? y) => (x ?? []).AsSpan().SequenceEqual(y ?? []);

        public int GetHashCode(T[] obj) => GetHashCode((ReadOnlySpan<T>)obj);

        public bool Equals(ReadOnlySpan<T> alternate, T[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<T> alternate)
        {
            var hash = new HashCode();
            foreach (var item in alternate) hash.Add(item);
            return hash.ToHashCode();
        }

        public T[] Create(ReadOnlySpan<T> alternate) => alternate.ToArray();
    }
}

/// <summary>
/// One regime's individuals per kind of lot: the sum over the distinct data its lots start from (a store's, or a
/// cluster's stores'), an upper bound of the individuals in any of its lots (unknown when any start is unknown).
/// </summary>
internal sealed class LotCounts(int kinds)
{
    private readonly double?[] _individuals = new double?[kinds];
    private readonly double?[] _sensitive = new double?[kinds];
    private readonly bool[] _unknown = new bool[kinds];
    private readonly bool[] _sensitiveUnknown = new bool[kinds];
    private readonly HashSet<(int, CarriedData)> _counted = new(KindDataComparer.Instance);

    /// <summary>Counts <paramref name="held"/> (the data at a seed) toward kind <paramref name="kind"/>, once.</summary>
    public void Add(int kind, CarriedData held)
    {
        if (!_counted.Add((kind, held))) return;
        if (held.Individuals is { } n) _individuals[kind] = (_individuals[kind] ?? 0) + n;
        else _unknown[kind] = true;
        if (held.SensitiveIndividuals is { } m) _sensitive[kind] = (_sensitive[kind] ?? 0) + m;
        else _sensitiveUnknown[kind] = true;
    }

    /// <summary>The individuals (and those with sensitive data) of the lots' kinds together.</summary>
    public (double? Individuals, double? Sensitive) Of(ReadOnlySpan<Lot> lots)
    {
        double? all = 0, sensitive = 0;
        foreach (var lot in lots)
        {
            var k = lot.Kind;
            all = _unknown[k] ? null : all + (_individuals[k] ?? 0);
            sensitive = _sensitiveUnknown[k] ? null : sensitive + (_sensitive[k] ?? 0);
        }
        return (all, sensitive);
    }

    private sealed class KindDataComparer : IEqualityComparer<(int, CarriedData)>
    {
        public static KindDataComparer Instance { get; } = new();

        public bool Equals((int, CarriedData) x, (int, CarriedData) y) => x.Item1 == y.Item1 && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((int, CarriedData) obj) => HashCode.Combine(obj.Item1, System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item2));
    }
}
