using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// Sets of data categories over one search's vocabulary (every category its edges name), as <c>long</c> values. While the
/// vocabulary has at most <see cref="NarrowLimit"/> categories (the usual case: a generated 100k-flow estate names 20), a
/// value is the set itself, one bit per category in ordinal order, so a union is an OR and a carry an AND. A larger
/// vocabulary makes each value the id of an interned wide bitset, with unions and carries memoised. Either way
/// <see cref="All"/> is data whose categories are all of them (where a regime's data starts, or an edge that declares none)
/// and <see cref="Nothing"/> is the empty set.
/// </summary>
internal sealed class CategoryBits
{
    /// <summary>Every category (the top bit: never a category's).</summary>
    public const long All = long.MinValue;

    /// <summary>No category.</summary>
    public const long Nothing = 0;

    /// <summary>The largest vocabulary held as plain bits.</summary>
    public const int NarrowLimit = 63;

    private readonly bool _narrow;
    private readonly Dictionary<string, int> _bits = new(StringComparer.Ordinal);
    private readonly string[] _names;
    private readonly int _words;
    private readonly Dictionary<string[], long> _ofArray = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<long, ImmutableArray<string>> _shown = [];

    // Wide sets: id i (1-based) is _wide[i - 1]; memoised operations.
    private readonly List<ulong[]> _wide = [];
    private readonly Dictionary<ulong[], long> _wideIds = new(WordsComparer.Instance);
    private readonly Dictionary<(long, long), long> _union = [];
    private readonly Dictionary<(long, long), long> _carry = [];

    /// <summary>The vocabulary of <paramref name="transfers"/>' categories; wide sets past <paramref name="narrowLimit"/> categories (tests lower it).</summary>
    public CategoryBits(IReadOnlyList<TransferFact> transfers, int narrowLimit = NarrowLimit)
        : this(Distinct(transfers), narrowLimit)
    {
    }

    /// <summary>The vocabulary of <paramref name="lists"/> (each list once; none default or empty); wide sets past <paramref name="narrowLimit"/> categories.</summary>
    internal static CategoryBits OfLists(IEnumerable<ImmutableArray<string>> lists, int narrowLimit = NarrowLimit) => new(lists, narrowLimit);

    /// <summary>The categories lists of <paramref name="transfers"/>, each array once, none default or empty.</summary>
    private static IEnumerable<ImmutableArray<string>> Distinct(IReadOnlyList<TransferFact> transfers)
    {
        var seen = new HashSet<string[]>(ReferenceEqualityComparer.Instance);
        foreach (var t in transfers)
        {
            var categories = t.Categories;
            if (categories.IsDefaultOrEmpty || !seen.Add(ImmutableCollectionsMarshal.AsArray(categories)!)) continue;
            yield return categories;
        }
    }

    private CategoryBits(IEnumerable<ImmutableArray<string>> lists, int narrowLimit)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var categories in lists)
        {
            foreach (var c in categories) names.Add(c);
        }
        _names = [.. names.Order(StringComparer.Ordinal)];
        for (var i = 0; i < _names.Length; i++) _bits[_names[i]] = i;
        _narrow = _names.Length <= Math.Min(narrowLimit, NarrowLimit);
        _words = Math.Max(1, (_names.Length + 63) / 64);
    }

    /// <summary>The set an edge declares (none: all of them).</summary>
    public long Of(ImmutableArray<string> categories)
    {
        if (categories.IsDefaultOrEmpty) return All;
        var array = ImmutableCollectionsMarshal.AsArray(categories)!;
        if (_ofArray.TryGetValue(array, out var set)) return set;
        var words = new ulong[_words];
        foreach (var c in categories)
        {
            var bit = _bits[c];
            words[bit >> 6] |= 1UL << (bit & 63);
        }
        set = _narrow ? (long)words[0] : Intern(words);
        _shown.TryAdd(set, categories);
        return _ofArray[array] = set;
    }

    /// <summary>Whether sets are plain bits (no memo is written, so any thread may carry and unite them).</summary>
    public bool Narrow => _narrow;

    /// <summary>The categories of <paramref name="a"/> and <paramref name="b"/> together.</summary>
    public long Union(long a, long b)
    {
        if (_narrow)
        {
            var u = a | b;
            return (u & All) != 0 ? All : u;
        }
        if (a == All || b == All) return All;
        if (a == Nothing || a == b) return b;
        if (b == Nothing) return a;
        if (_union.TryGetValue((a, b), out var id)) return id;
        var x = _wide[(int)a - 1];
        var y = _wide[(int)b - 1];
        var words = new ulong[_words];
        for (var i = 0; i < words.Length; i++) words[i] = x[i] | y[i];
        return _union[(a, b)] = Intern(words);
    }

    /// <summary>What an edge declaring <paramref name="edge"/> carries out of a node holding <paramref name="held"/>.</summary>
    public long Carry(long held, long edge)
    {
        if (edge == All) return held;
        if ((held & All) != 0) return edge;
        if (_narrow) return held & edge;
        if (held == Nothing || held == edge) return held;
        if (_carry.TryGetValue((held, edge), out var id)) return id;
        var x = _wide[(int)held - 1];
        var y = _wide[(int)edge - 1];
        var words = new ulong[_words];
        var any = false;
        for (var i = 0; i < words.Length; i++) any |= (words[i] = x[i] & y[i]) != 0;
        return _carry[(held, edge)] = any ? Intern(words) : Nothing;
    }

    /// <summary>The categories of <paramref name="set"/> (not <see cref="All"/>), sorted; one shared array per set.</summary>
    public ImmutableArray<string> Names(long set)
    {
        if (_shown.TryGetValue(set, out var names)) return names;
        var list = new List<string>();
        if (_narrow)
        {
            for (var bits = (ulong)set; bits != 0; bits &= bits - 1) list.Add(_names[BitOperations.TrailingZeroCount(bits)]);
        }
        else if (set != Nothing)
        {
            var words = _wide[(int)set - 1];
            for (var w = 0; w < words.Length; w++)
            {
                for (var bits = words[w]; bits != 0; bits &= bits - 1) list.Add(_names[(w << 6) + BitOperations.TrailingZeroCount(bits)]);
            }
        }
        return _shown[set] = [.. list];
    }

    private long Intern(ulong[] words)
    {
        if (Array.TrueForAll(words, w => w == 0)) return Nothing;
        if (_wideIds.TryGetValue(words, out var id)) return id;
        _wide.Add(words);
        return _wideIds[words] = _wide.Count;
    }

    private sealed class WordsComparer : IEqualityComparer<ulong[]>
    {
        public static WordsComparer Instance { get; } = new();

        public bool Equals(ulong[]? x, ulong[]? y) => (x ?? []).AsSpan().SequenceEqual(y ?? []);

        public int GetHashCode(ulong[] obj)
        {
            var hash = new HashCode();
            foreach (var w in obj) hash.Add(w);
            return hash.ToHashCode();
        }
    }
}
