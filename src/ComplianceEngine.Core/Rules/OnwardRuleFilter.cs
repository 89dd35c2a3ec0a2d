using System.Collections.Frozen;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Rules;

/// <summary>
/// Decides, before an onward hop is built, whether any rule could apply to it, so hops every rule would find not
/// applicable are never built or judged (in a densely connected estate they are most of them). A hop carries its edge's
/// data (except its categories: only those of the regime's data that reached the edge, a subset of the edge's, or any
/// if the edge does not restrict them (a flow declaring none, a copy); so a condition on categories counts only where
/// fewer categories cannot make it true, and only on flows that declare categories): mechanisms, source, destination and the rest are the edge's own. So a rule's top-level condition
/// that reads only such fields, and is false on the edge, is false on every hop along it; and a rule's conditions on
/// <c>regimes</c>, <c>hop</c> and <c>implied</c> say which regimes' hops it can judge at all (see <see cref="OnwardScope"/>).
/// A hop is built when some rule passes both tests. Anything not recognised keeps the hop: the verdicts are the same.
/// </summary>
internal sealed class OnwardRuleFilter : IOnwardHopFilter
{
    /// <summary>Fields an onward hop copies from its edge (and fields of the evaluation itself).</summary>
    private static readonly FrozenSet<string> EdgeFields = new[]
    {
        "categories", "subjects", "subjectTypes", "designations", "individuals", "sensitiveIndividuals", "asOf.year", "mechanisms", "purpose",
        "encryptedInTransit", "pseudonymised", "retentionHours", "sameSite", "crossBorder", "keyCountry", "exportedIndividuals",
        "exportedSensitiveIndividuals",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly string[] EdgePrefixes = ["source.", "destination.", "exporter."];

    private readonly CompiledRule[] _rules;
    private readonly EdgeTest[][] _edgeConditions;
    private readonly Dictionary<string, ulong[]> _byRegime = new(StringComparer.Ordinal);
    private readonly int _words;
    private readonly int _workers;
    private ulong[] _edges = [];

    /// <summary>A filter over <paramref name="transferRules"/>; <paramref name="workers"/> threads check the edges.</summary>
    public OnwardRuleFilter(IEnumerable<CompiledRule> transferRules, int workers)
    {
        _workers = Math.Max(1, workers);
        var scoped = transferRules.Select(r => (Rule: r, Scope: OnwardScope.Of(r.Definition.When)))
            .Where(x => x.Scope is null || x.Scope.Count > 0).ToArray();
        _rules = [.. scoped.Select(x => x.Rule)];
        _words = Math.Max(1, (_rules.Length + 63) / 64);
        _edgeConditions = [.. _rules.Select(r => EdgeConditions(r.Definition.When).Select(c => new EdgeTest(r.Node(c), ReadsCategories(c))).ToArray())];
        Scopes = [.. scoped.Select(x => x.Scope)];
    }

    private IReadOnlySet<string>?[] Scopes { get; }

    /// <summary>The top-level conditions of <paramref name="when"/> that read only fields a hop shares with its edge.</summary>
    internal static Condition[] EdgeConditions(Condition? when) => [.. OnwardScope.Conjuncts(when).Where(c => ReadsEdgeFieldsOnly(c, positive: true))];

    /// <summary>
    /// Whether <paramref name="c"/> reads only edge fields, and any condition on categories in it can only become false
    /// with fewer categories (a hop's categories are a subset of its edge's): a set test of presence, not under a negation.
    /// </summary>
    private static bool ReadsEdgeFieldsOnly(Condition c, bool positive) => c switch
    {
        FieldCondition { Field: "categories" } f => positive && f.Operator is Operators.Contains or Operators.ContainsAny or Operators.In
            or Operators.ContainsAll or Operators.Prefix,
        FieldCondition f => EdgeFields.Contains(f.Field) || EdgePrefixes.Any(p => f.Field.StartsWith(p, StringComparison.Ordinal)),
        AllCondition all => all.Items.All(i => ReadsEdgeFieldsOnly(i, positive)),
        AnyCondition any => any.Items.All(i => ReadsEdgeFieldsOnly(i, positive)),
        NotCondition not => ReadsEdgeFieldsOnly(not.Inner, !positive),
        _ => false,
    };

    /// <summary>Whether <paramref name="c"/> reads the categories.</summary>
    private static bool ReadsCategories(Condition c) => c switch
    {
        FieldCondition f => f.Field == "categories",
        AllCondition all => all.Items.Any(ReadsCategories),
        AnyCondition any => any.Items.Any(ReadsCategories),
        NotCondition not => ReadsCategories(not.Inner),
        _ => true,
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
    }

    /// <summary>One top-level edge condition of a rule, compiled, and whether it reads the categories.</summary>
    private readonly record struct EdgeTest(Func<Fact, Tri> Evaluate, bool ReadsCategories);

    private static bool MayApply(EdgeTest[] conditions, TransferFact edge)
    {
        foreach (var c in conditions)
        {
            // An edge that does not restrict its categories carries whatever reached it: its hops may have any categories.
            if (!edge.CarriesOnlyItsCategories && c.ReadsCategories) continue;
            try
            {
                if (c.Evaluate(edge) == Tri.False) return false;
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
    public bool Wanted(int edge, string regime)
    {
        var regimeMask = Regime(regime);
        for (var w = 0; w < _words; w++)
        {
            if ((_edges[(edge * _words) + w] & regimeMask[w]) != 0) return true;
        }
        return false;
    }

    /// <summary>The rules that can judge onward hops of <paramref name="regime"/>, as bits (one producing thread calls this).</summary>
    private ulong[] Regime(string regime)
    {
        if (_byRegime.TryGetValue(regime, out var mask)) return mask;
        mask = new ulong[_words];
        for (var i = 0; i < _rules.Length; i++)
        {
            // Hops of data whose origin is unknown may be judged by any rule.
            if (Scopes[i] is not { } scope || regime == Facts.FlowAnalyzer.UnknownOrigin || scope.Contains(regime)) mask[i >> 6] |= 1UL << (i & 63);
        }
        return _byRegime[regime] = mask;
    }
}
