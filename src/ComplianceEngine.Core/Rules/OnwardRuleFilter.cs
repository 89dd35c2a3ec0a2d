using System.Collections.Frozen;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Rules;
using System.Runtime.CompilerServices;

namespace ComplianceEngine.Core.Rules;

/// <summary>
/// Decides, before an onward hop is built, whether any rule could apply to it, so hops every rule would find not
/// applicable are never built or judged (in a densely connected estate they are most of them). A hop is its edge's
/// transfer (mechanisms, purpose, source, destination and the rest are the edge's own) carrying other data: the lots of
/// its regime that reached the edge (<see cref="CarriedData"/>: categories, subjects, subject types, designations; the
/// counts are the lots' at most the edge's), not the edge's. So a rule's top-level condition that reads only edge fields,
/// and is false on the edge, is false on every hop along it (worked out once per edge, in parallel); one that reads only
/// the lots' categories, subjects, subject types and designations, and is false on them, is false on the hop (worked out
/// once per distinct lots' data: hops carrying the same lots share it); and a rule's conditions on
/// <c>regimes</c>, <c>hop</c> and <c>implied</c> say which regimes' hops it can judge at all (see <see cref="OnwardScope"/>).
/// A hop is built when some rule passes all three tests. A condition that mixes edge and data fields, or anything not
/// recognised, is not used to drop hops: the verdicts are the same.
/// </summary>
internal sealed class OnwardRuleFilter : IReusingHopFilter, IConcurrentHopFilter
{
    /// <summary>Fields an onward hop shares with its edge (and fields of the evaluation itself).</summary>
    private static readonly FrozenSet<string> EdgeFields = new[]
    {
        "asOf.year", "mechanisms", "purpose", "encryptedInTransit", "pseudonymised", "retentionHours", "sameSite", "crossBorder", "keyCountry",
        "exportedIndividuals", "exportedSensitiveIndividuals",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly string[] EdgePrefixes = ["source.", "destination.", "exporter."];

    /// <summary>
    /// Fields a hop reads from the lots it carries, and fields of the evaluation itself. Not the counts: a hop's
    /// individuals are its lots' at most the edge's, so they differ from hop to hop along the same lots.
    /// </summary>
    private static readonly FrozenSet<string> DataFields = new[]
    {
        "categories", "subjects", "subjectTypes", "designations", "asOf.year",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly CompiledRule[] _rules;
    private readonly Func<Fact, Tri>[][] _edgeConditions;
    private readonly Func<Fact, Tri>[][] _dataConditions;
    private readonly Dictionary<string, ulong[]> _byRegime = new(StringComparer.Ordinal);
    private readonly Dictionary<CarriedData, ulong[]> _byData = new(SameLists.Instance);
    private readonly int _words;
    private readonly int _workers;
    private ulong[] _edges = [];
    private IReadOnlyList<TransferFact> _transfers = [];

    /// <summary>A filter over <paramref name="transferRules"/>; <paramref name="workers"/> threads check the edges.</summary>
    public OnwardRuleFilter(IEnumerable<CompiledRule> transferRules, int workers)
    {
        _workers = Math.Max(1, workers);
        var scoped = transferRules.Select(r => (Rule: r, Scope: OnwardScope.Of(r.Definition.When)))
            .Where(x => x.Scope is null || x.Scope.Count > 0).ToArray();
        _rules = [.. scoped.Select(x => x.Rule)];
        _words = Math.Max(1, (_rules.Length + 63) / 64);
        // Each rule's conditions compiled and classified once, not looked up per edge or per lots' data.
        _edgeConditions = [.. _rules.Select(r => EdgeConditions(r.Definition.When).Select(r.Node).ToArray())];
        _dataConditions = [.. _rules.Select(r => DataConditions(r.Definition.When).Select(r.Node).ToArray())];
        Scopes = [.. scoped.Select(x => x.Scope)];
    }

    private IReadOnlySet<string>?[] Scopes { get; }

    /// <summary>The top-level conditions of <paramref name="when"/> that read only fields a hop shares with its edge.</summary>
    internal static Condition[] EdgeConditions(Condition? when) => [.. OnwardScope.Conjuncts(when).Where(c => Reads(c, EdgeFields, EdgePrefixes))];

    /// <summary>The top-level conditions of <paramref name="when"/> that read only a hop's own data.</summary>
    internal static Condition[] DataConditions(Condition? when) => [.. OnwardScope.Conjuncts(when).Where(c => Reads(c, DataFields, []))];

    /// <summary>Whether <paramref name="c"/> reads only <paramref name="fields"/> (or fields starting with one of <paramref name="prefixes"/>).</summary>
    private static bool Reads(Condition c, FrozenSet<string> fields, string[] prefixes) => c switch
    {
        FieldCondition f => fields.Contains(f.Field) || prefixes.Any(p => f.Field.StartsWith(p, StringComparison.Ordinal)),
        AllCondition all => all.Items.All(i => Reads(i, fields, prefixes)),
        AnyCondition any => any.Items.All(i => Reads(i, fields, prefixes)),
        NotCondition not => Reads(not.Inner, fields, prefixes),
        _ => false,
    };

    /// <inheritdoc />
    public void Prepare(IReadOnlyList<TransferFact> transfers)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        var masks = new ulong[transfers.Count * _words];
        Parallel.For(0, transfers.Count, new ParallelOptions { MaxDegreeOfParallelism = _workers }, e =>
        {
            for (var i = 0; i < _rules.Length; i++)
            {
                if (MayApply(_edgeConditions[i], transfers[e])) masks[(e * _words) + (i >> 6)] |= 1UL << (i & 63);
            }
        });
        _edges = masks;
        _transfers = transfers;
    }

    /// <inheritdoc />
    public void Prepare(IReadOnlyList<TransferFact> from, IReadOnlyList<TransferFact> transfers, int[] previous)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(transfers);
        ArgumentNullException.ThrowIfNull(previous);
        if (!ReferenceEquals(from, _transfers) || _edges.Length != from.Count * _words)
        {
            // Last prepared for another list: its answers say nothing about these edges.
            Prepare(transfers);
            return;
        }
        var before = _edges;
        var count = _transfers.Count;
        var masks = new ulong[transfers.Count * _words];
        for (var e = 0; e < transfers.Count; e++)
        {
            var was = e < previous.Length ? previous[e] : -1;
            if (was >= 0 && was < count)
            {
                Array.Copy(before, was * _words, masks, e * _words, _words);
                continue;
            }
            for (var i = 0; i < _rules.Length; i++)
            {
                if (MayApply(_edgeConditions[i], transfers[e])) masks[(e * _words) + (i >> 6)] |= 1UL << (i & 63);
            }
        }
        _edges = masks;
        _transfers = transfers;
    }

    /// <inheritdoc />
    /// <remarks>Only the changed edges' answers are worked out, written over the previous ones in place (the filter keeps no
    /// other version of them).</remarks>
    public void Patch(IReadOnlyList<TransferFact> previous, IReadOnlyList<TransferFact> transfers, IReadOnlyList<int> changed)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(transfers);
        ArgumentNullException.ThrowIfNull(changed);
        if (!ReferenceEquals(previous, _transfers) || transfers.Count != previous.Count || _edges.Length != transfers.Count * _words)
        {
            // Last prepared for another list: its answers say nothing about these edges.
            Prepare(transfers);
            return;
        }
        var masks = _edges;
        foreach (var e in changed)
        {
            Array.Clear(masks, e * _words, _words);
            for (var i = 0; i < _rules.Length; i++)
            {
                if (MayApply(_edgeConditions[i], transfers[e])) masks[(e * _words) + (i >> 6)] |= 1UL << (i & 63);
            }
        }
        _transfers = transfers;
    }

    /// <summary>
    /// Whether the hops along <paramref name="a"/> and along <paramref name="b"/> (two versions of one edge) pass the edge test
    /// of the same rules, so the filter keeps exactly the same hops along either (the incremental evaluation's check).
    /// </summary>
    public bool SameEdgeRules(TransferFact a, TransferFact b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        for (var i = 0; i < _rules.Length; i++)
        {
            if (MayApply(_edgeConditions[i], a) != MayApply(_edgeConditions[i], b)) return false;
        }
        return true;
    }

    private static bool MayApply(Func<Fact, Tri>[] conditions, TransferFact fact)
    {
        foreach (var c in conditions)
        {
            try
            {
                if (c(fact) == Tri.False) return false;
            }
#pragma warning disable CA1031 // A condition that fails here keeps the hop: the session judges it and reports the failure.
            catch (Exception)
#pragma warning restore CA1031
            {
                return true;
            }
        }
        return true;
    }

    /// <inheritdoc />
    /// <remarks><paramref name="data"/> is the lots' data (shared by the hops carrying the same lots): its categories, subjects,
    /// subject types and designations are the hop's.</remarks>
    public bool Wanted(int edge, string regime, CarriedData data)
    {
        var regimeMask = Regime(regime);
        var dataMask = Data(edge, data);
        for (var w = 0; w < _words; w++)
        {
            if ((_edges[(edge * _words) + w] & regimeMask[w] & dataMask[w]) != 0) return true;
        }
        return false;
    }

    /// <inheritdoc />
    /// <remarks>The edge and regime tests of <see cref="Wanted"/> without the data test.</remarks>
    public bool MayWant(int edge, string regime)
    {
        var regimeMask = Regime(regime);
        for (var w = 0; w < _words; w++)
        {
            if ((_edges[(edge * _words) + w] & regimeMask[w]) != 0) return true;
        }
        return false;
    }

    /// <summary>The transfers the filter was last prepared for (for tests).</summary>
    internal IReadOnlyList<TransferFact> PreparedFor => _transfers;

    /// <summary>Masks kept per carried data (a cache; a long-lived filter sees new lists with each version of an estate).</summary>
    internal int CachedData => _byData.Count;

    /// <summary>Drops the masks kept per carried data (they are worked out again when asked).</summary>
    internal void ForgetData() => _byData.Clear();

    /// <summary>The rules whose data conditions may hold for a hop carrying <paramref name="data"/>, as bits (one producing thread calls this).</summary>
    private ulong[] Data(int edge, CarriedData data)
    {
        // A node's hops often carry the same lots' data one after another: the last answer is kept (two fields: only the
        // producing thread reads and writes them, so no object is allocated per change).
        if (ReferenceEquals(_lastData, data)) return _lastDataMask;
        if (!_byData.TryGetValue(data, out var mask)) mask = NewDataMask(edge, data);
        (_lastData, _lastDataMask) = (data, mask);
        return mask;
    }

    private CarriedData? _lastData;
    private ulong[] _lastDataMask = [];

    /// <summary>The mask of <see cref="Data"/> for data not seen before (recorded).</summary>
    private ulong[] NewDataMask(int edge, CarriedData data)
    {
        // The data conditions read only the data (and the evaluation's date): any transfer carrying it answers the same.
        var e = _transfers[edge];
        var probe = new TransferFact(e.Context, e.Subject, e.Path, e.Source, e.Destination, e.Purpose) { Data = data, Hop = 2, Implied = true };
        var mask = new ulong[_words];
        for (var i = 0; i < _rules.Length; i++)
        {
            if (MayApply(_dataConditions[i], probe)) mask[i >> 6] |= 1UL << (i & 63);
        }
        return _byData[data] = mask;
    }

    /// <summary>
    /// Data compared by the lists the data conditions read (categories, subjects, subject types, designations), each by
    /// reference: hops' lists are shared arrays, so lots' data records that differ only in their counts share one mask.
    /// </summary>
    private sealed class SameLists : IEqualityComparer<CarriedData>
    {
        public static SameLists Instance { get; } = new();

        public bool Equals(CarriedData? x, CarriedData? y) => ReferenceEquals(x, y) || (x is not null && y is not null
            && Same(x.Categories, y.Categories) && Same(x.Subjects, y.Subjects) && Same(x.SubjectTypes, y.SubjectTypes) && Same(x.Designations, y.Designations));

        public int GetHashCode(CarriedData obj) => HashCode.Combine(Hash(obj.Categories), Hash(obj.Subjects), Hash(obj.SubjectTypes), Hash(obj.Designations));

        private static bool Same(System.Collections.Immutable.ImmutableArray<string> a, System.Collections.Immutable.ImmutableArray<string> b) =>
            ReferenceEquals(System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(a), System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(b));

        private static int Hash(System.Collections.Immutable.ImmutableArray<string> a) =>
            System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(a));
    }

    /// <inheritdoc />
    /// <remarks>Each regime's mask is recorded: a search run ahead then only reads the masks.</remarks>
    public void KnowRegimes(IEnumerable<string> regimes)
    {
        ArgumentNullException.ThrowIfNull(regimes);
        foreach (var regime in regimes) Regime(regime);
    }

    /// <summary>
    /// The rules that can judge onward hops of <paramref name="regime"/>, as bits. A search run ahead asks from its own thread
    /// while the hops are filtered on another (after <see cref="KnowRegimes"/>): the regimes asked about are found by
    /// reference in a list that is only ever replaced whole, so neither thread writes anything to answer.
    /// </summary>
    private ulong[] Regime(string regime)
    {
        foreach (var (known, mask) in Volatile.Read(ref _known))
        {
            if (ReferenceEquals(known, regime)) return mask;
        }
        return NewRegime(regime);
    }

    /// <summary>The regimes asked about so far, each string as it was asked (a few: one per regime an estate has).</summary>
    private (string Regime, ulong[] Mask)[] _known = [];

    /// <summary>The mask of a regime not in <see cref="_known"/> (by reference), recorded there (up to a bound: other strings of the same regime are looked up by value).</summary>
    private ulong[] NewRegime(string regime)
    {
        lock (_byRegime)
        {
            if (!_byRegime.TryGetValue(regime, out var mask)) mask = _byRegime[regime] = RegimeMask(regime);
            if (_known.Length < KnownRegimes) Volatile.Write(ref _known, [.. _known, (regime, mask)]);
            return mask;
        }
    }

    /// <summary>At most this many regime strings are found by reference.</summary>
    private const int KnownRegimes = 64;

    private ulong[] RegimeMask(string regime)
    {
        var mask = new ulong[_words];
        for (var i = 0; i < _rules.Length; i++)
        {
            // Hops of data whose origin is unknown may be judged by any rule.
            if (Scopes[i] is not { } scope || regime == Facts.FlowAnalyzer.UnknownOrigin || scope.Contains(regime)) mask[i >> 6] |= 1UL << (i & 63);
        }
        return mask;
    }
}
