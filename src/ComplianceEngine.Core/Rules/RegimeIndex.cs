using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Rules;

/// <summary>
/// Which transfer rules can apply to a transfer, from the regimes it is judged under. A rule whose <c>when</c> has a
/// conjunct (<see cref="OnwardScope.Conjuncts"/>: an item of the top-level <c>all</c>, or of an <c>all</c> nested in it,
/// as a named predicate inlined by the loader is) on <c>regimes</c> (<c>contains</c>, <c>containsAny</c>, <c>in</c>, <c>containsAll</c>,
/// <c>equals</c>) is false, so not applicable, for every transfer whose known regimes share none of the named ones:
/// such rules need not be worked out at all. An onward hop carries one regime, so it meets a handful of rules instead
/// of every transfer rule. Transfers whose regimes are unknown meet every rule.
/// </summary>
internal sealed class RegimeIndex
{
    private readonly CompiledRule[] _all;
    private readonly (CompiledRule Rule, FrozenSet<string>[] Required)[] _rules;
    private readonly ConcurrentDictionary<string[], CompiledRule[]> _byRegimes = new(ReferenceEqualityComparer.Instance);

    /// <summary>Indexes <paramref name="transferRules"/> (in the order given, which every answer keeps).</summary>
    public RegimeIndex(IEnumerable<CompiledRule> transferRules)
    {
        _all = [.. transferRules];
        _rules = [.. _all.Select(r => (r, Required(r.Definition.When)))];
    }

    /// <summary>The regimes a transfer is judged under, or null when unknown (the <c>regimes</c> field reads the same).</summary>
    public static ImmutableArray<string>? RegimesOf(TransferFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        // A direct transfer is bound by its exporter's regimes; an onward hop by its origin's: unknown where that country is.
        var site = fact.Hop > 1 || fact.OnwardRegime is not null ? fact.Origin ?? fact.Source : fact.Source;
        return site.Country == null || fact.OnwardRegime == Facts.FlowAnalyzer.UnknownOrigin ? null : fact.Regimes;
    }

    /// <summary>The rules that may apply to <paramref name="fact"/>; every other transfer rule is not applicable to it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CompiledRule[] For(TransferFact fact)
    {
        if (RegimesOf(fact) is not { } regimes || ImmutableCollectionsMarshal.AsArray(regimes) is not { } key) return _all;
        // Regime lists are shared arrays (one per site, one per onward regime): the answer is worked out once per list.
        return _byRegimes.GetOrAdd(key, static (k, self) => self.Admitting(k), this);
    }

    /// <summary>
    /// As <see cref="For(TransferFact)"/>, answered by <paramref name="memo"/> when the fact's regime list is the one the memo
    /// holds (consecutive facts, the hops of one regime's search and the transfers of one site, share the list object), and
    /// left holding the list just answered. A memo is one thread's (a runner's loop over its chunk).
    /// </summary>
    public CompiledRule[] For(TransferFact fact, ref Memo memo)
    {
        if (RegimesOf(fact) is not { } regimes || ImmutableCollectionsMarshal.AsArray(regimes) is not { } key) return _all;
        if (ReferenceEquals(key, memo.Regimes)) return memo.Rules!;
        var rules = _byRegimes.GetOrAdd(key, static (k, self) => self.Admitting(k), this);
        memo = new Memo(key, rules);
        return rules;
    }

    /// <summary>A regime list and the rules it admits, the last one looked up (see <see cref="For(TransferFact, ref Memo)"/>).</summary>
    internal record struct Memo(string[]? Regimes, CompiledRule[]? Rules);

    private CompiledRule[] Admitting(string[] regimes) =>
        [.. _rules.Where(r => r.Required.All(set => regimes.Any(set.Contains))).Select(r => r.Rule)];

    /// <summary>The regime lists a rule's <c>when</c> requires a transfer to share a regime with (one per top-level condition).</summary>
    internal static FrozenSet<string>[] Required(Condition? when) =>
        [.. OnwardScope.Conjuncts(when).OfType<FieldCondition>().Select(OnwardScope.RequiredRegimes).OfType<IReadOnlyList<string>>()
            .Select(named => named.ToFrozenSet(StringComparer.Ordinal))];
}
