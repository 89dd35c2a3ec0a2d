using System.Collections.Frozen;
using System.Globalization;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Rules;

/// <summary>
/// Which onward hops a set of rules can judge. An onward hop carries one origin regime R (<c>regimes = [R]</c>),
/// <c>hop &gt;= 2</c> and <c>implied = true</c>. A transfer rule whose <c>when</c> has a top-level condition that is
/// false for every such hop (<c>hop: 1</c>, <c>implied: false</c>, or <c>regimes</c> naming other regimes) judges
/// it not applicable, so onward hops of regimes no rule can judge need not be built at all: the verdicts are the same.
/// The analysis is conservative: anything it does not recognise keeps every regime.
/// </summary>
internal static class OnwardScope
{
    /// <summary>The regimes whose onward hops some rule may judge, or null for all of them.</summary>
    public static FrozenSet<string>? Of(IEnumerable<CompiledRule> rules)
    {
        var regimes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            if (rule.Definition.AppliesTo == FactKinds.Placement) continue;
            var scope = Of(rule.Definition.When);
            if (scope is null) return null;
            regimes.UnionWith(scope);
        }
        return regimes.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>For one rule's <c>when</c>: the regimes of onward hops it may apply to, or null for any.</summary>
    public static IReadOnlySet<string>? Of(Condition? when)
    {
        if (when is null) return null;
        HashSet<string>? allowed = null;
        foreach (var c in Conjuncts(when))
        {
            if (c is not FieldCondition f) continue;
            if (ExcludesOnwardHops(f)) return new HashSet<string>();
            if (RequiredRegimes(f) is { } named)
            {
                if (allowed is null) allowed = new HashSet<string>(named, StringComparer.Ordinal);
                else allowed.IntersectWith(named);
            }
        }
        return allowed;
    }

    /// <summary>
    /// The conditions every match of <paramref name="when"/> must meet: the items of a top-level <c>all</c> (and of the
    /// <c>all</c>s among them, at any depth: a named predicate inlined as a nested <c>all</c> is seen through), or itself.
    /// </summary>
    internal static IEnumerable<Condition> Conjuncts(Condition? when) => when switch
    {
        null => [],
        AllCondition all => all.Items.SelectMany(Conjuncts),
        _ => [when],
    };

    /// <summary>
    /// For a condition on <c>regimes</c> that is false unless the transfer's regimes share one of the named ones
    /// (<c>contains</c>, <c>containsAny</c>, <c>in</c>, <c>containsAll</c>, <c>equals</c>): the named regimes; otherwise null.
    /// </summary>
    internal static IReadOnlyList<string>? RequiredRegimes(FieldCondition f) =>
        f.Field == "regimes" && f.Operands.Length > 0 &&
        f.Operator is Operators.Contains or Operators.ContainsAny or Operators.In or Operators.ContainsAll or Operators.EqualTo
            ? f.Operands
            : null;

    /// <summary>True when the condition is false for every onward hop (hop 2 or more, implied).</summary>
    private static bool ExcludesOnwardHops(FieldCondition f)
    {
        if (f.Operands.Length != 1) return false;
        var operand = f.Operands[0];
        switch (f.Field)
        {
            case "hop" when double.TryParse(operand.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var n):
                return f.Operator switch
                {
                    Operators.EqualTo => n < 2,
                    Operators.LessThan => n <= 2,
                    Operators.LessOrEqual => n < 2,
                    _ => false,
                };
            case "implied" when bool.TryParse(operand, out var b):
                return (f.Operator == Operators.EqualTo && !b) || (f.Operator == Operators.NotEqualTo && b);
            default:
                return false;
        }
    }
}
