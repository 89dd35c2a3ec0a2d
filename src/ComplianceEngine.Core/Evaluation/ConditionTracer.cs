using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// The one walk over a rule's conditions on a fact: every node evaluated (each condition compiled once, see
/// <see cref="CompiledRule.Evaluate"/>) with Kleene logic, and the facts each leaf read. <c>explain</c> shows the trace;
/// an indeterminate finding names the unknowns the trace shows were decisive. (The regime index and the onward filter
/// read the conditions' shape, not their values: <see cref="OnwardScope"/>.)
/// </summary>
internal static class ConditionTracer
{
    /// <summary>Traces <paramref name="condition"/> of <paramref name="rule"/> on <paramref name="fact"/>.</summary>
    /// <param name="evidence">Format the facts each leaf read (explanations); without, only the results.</param>
    public static ConditionTrace Trace(CompiledRule rule, Condition condition, Fact fact, bool evidence = true)
    {
        switch (condition)
        {
            case AllCondition all:
            {
                var children = all.Items.Select(c => Trace(rule, c, fact, evidence)).ToImmutableArray();
                return new ConditionTrace("all of", children.Aggregate(Tri.True, (a, c) => Ops.And(a, c.Result)), [], children) { Condition = condition };
            }
            case AnyCondition any:
            {
                var children = any.Items.Select(c => Trace(rule, c, fact, evidence)).ToImmutableArray();
                return new ConditionTrace("any of", children.Aggregate(Tri.False, (a, c) => Ops.Or(a, c.Result)), [], children) { Condition = condition };
            }
            case NotCondition not:
            {
                var inner = Trace(rule, not.Inner, fact, evidence);
                return new ConditionTrace("not", Ops.Not(inner.Result), [], [inner]) { Condition = condition };
            }
            case AdequateCondition adequate:
            {
                var table = TableOf(rule, adequate);
                if (table is null)
                    return new ConditionTrace($"adequate for {adequate.Regime}: {NoTable(adequate)}", Tri.Unknown, [], []) { Condition = condition };
                if (fact is not TransferFact t)
                    return new ConditionTrace($"adequate for {adequate.Regime}", Tri.Unknown, [], []) { Condition = condition };
                var r = table.Check(t);
                return new ConditionTrace($"destination adequate for {adequate.Regime}", r.Adequate,
                    [new Evidence($"adequate for {adequate.Regime}", r.Reason, r.Entry?.Location ?? t.Destination.Location)], []) { Condition = condition };
            }
            case FieldCondition field:
            {
                var result = rule.Evaluate(condition, fact);
                var spec = evidence ? FieldCatalog.Instance.Find(rule.Definition.AppliesTo, field.Field) : null;
                var facts = spec is null ? [] : ImmutableArray.Create(new Evidence(spec.Name, spec.Format(fact), spec.Origin(fact)));
                return new ConditionTrace(Explainer.Describe(field), result, facts, []) { Condition = condition };
            }
            default:
                return new ConditionTrace(condition.GetType().Name, Tri.Unknown, [], []) { Condition = condition };
        }
    }

    /// <summary>
    /// The unknown facts that decided an indeterminate outcome of <paramref name="rule"/> on <paramref name="fact"/>, with
    /// reasons: only unknowns whose value would change the result (an unknown beside a decisive false in an <c>all</c>
    /// does not matter, so the walk follows only unknown nodes).
    /// </summary>
    public static IEnumerable<string> DecisiveUnknowns(CompiledRule rule, Fact fact)
    {
        var found = new List<string>();
        foreach (var root in new[] { rule.Definition.When, rule.Definition.Require })
        {
            if (root is null) continue;
            var trace = Trace(rule, root, fact, evidence: false);
            if (trace.Result == Tri.Unknown) Decisive(rule, trace, fact, found);
        }
        return found.Distinct(StringComparer.Ordinal);
    }

    private static void Decisive(CompiledRule rule, ConditionTrace trace, Fact fact, List<string> found)
    {
        switch (trace.Condition)
        {
            case AllCondition or AnyCondition or NotCondition:
                foreach (var child in trace.Children.Where(c => c.Result == Tri.Unknown)) Decisive(rule, child, fact, found);
                break;
            case AdequateCondition adequate when fact is TransferFact t:
                found.Add($"adequacy for {adequate.Regime} cannot be decided: {(TableOf(rule, adequate) is { } table ? table.Check(t).Reason : NoTable(adequate))}");
                break;
            case FieldCondition field:
                var kind = fact is PlacementFact ? FactKinds.Placement : FactKinds.Transfer;
                if (FieldCatalog.Instance.Find(kind, field.Field) is { } spec)
                    found.Add($"{spec.Name} is unknown{CompiledRule.Reason(spec, fact)}");
                break;
        }
    }

    /// <summary>
    /// The adequacy table an <c>adequate</c> condition reads. The compiler refuses the condition for a regime without one,
    /// so a miss is a rule built another way; it stays undecided, and says why (<see cref="NoTable"/>).
    /// </summary>
    private static AdequacyTable? TableOf(CompiledRule rule, AdequateCondition adequate) =>
        rule.Adequacy.FirstOrDefault(t => t.Code == adequate.Regime);

    private static string NoTable(AdequateCondition adequate) => $"the rule has no adequacy table for {adequate.Regime}";
}
