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

    /// <summary>
    /// The conditions whose unknowns <see cref="DecisiveUnknowns"/> names, in its order (repeats kept), found without a
    /// trace: each node is evaluated as <see cref="Trace"/> evaluates it, and the leaves of unknown nodes are kept (an
    /// <c>adequate</c> leaf only on a transfer, as <see cref="DecisiveUnknowns"/> names it). Adequacy is decided by
    /// <paramref name="text"/> (each table once per fact); findings name the unknowns of every indeterminate verdict.
    /// </summary>
    internal static void DecisiveConditions(CompiledRule rule, Fact fact, FactText text, List<Condition> found)
    {
        foreach (var root in (ReadOnlySpan<Condition?>)[rule.Definition.When, rule.Definition.Require])
        {
            if (root is null) continue;
            var mark = found.Count;
            if (Collect(rule, root, fact, text, found) != Tri.Unknown) Forget(found, mark);
        }
    }

    /// <summary>The result of <paramref name="condition"/> (as its trace's), its decisive unknown leaves added to <paramref name="found"/> when it is unknown.</summary>
    private static Tri Collect(CompiledRule rule, Condition condition, Fact fact, FactText text, List<Condition> found)
    {
        switch (condition)
        {
            case AllCondition all:
            {
                var result = Tri.True;
                foreach (var item in all.Items) result = Ops.And(result, Child(rule, item, fact, text, found));
                return result;
            }
            case AnyCondition any:
            {
                var result = Tri.False;
                foreach (var item in any.Items) result = Ops.Or(result, Child(rule, item, fact, text, found));
                return result;
            }
            case NotCondition not:
                return Ops.Not(Child(rule, not.Inner, fact, text, found));
            case AdequateCondition adequate:
            {
                if (fact is not TransferFact t) return Tri.Unknown;
                var table = TableIndex(rule, adequate);
                var result = table < 0 ? Tri.Unknown : text.Adequacy(table, t).Adequate;
                if (result == Tri.Unknown) found.Add(condition);
                return result;
            }
            case FieldCondition:
            {
                var result = rule.Evaluate(condition, fact);
                if (result == Tri.Unknown) found.Add(condition);
                return result;
            }
            default:
                return Tri.Unknown;
        }
    }

    /// <summary>A child's result; its leaves are kept only when it is unknown (the parent's walk follows only unknown nodes).</summary>
    private static Tri Child(CompiledRule rule, Condition child, Fact fact, FactText text, List<Condition> found)
    {
        var mark = found.Count;
        var result = Collect(rule, child, fact, text, found);
        if (result != Tri.Unknown) Forget(found, mark);
        return result;
    }

    private static void Forget(List<Condition> found, int mark)
    {
        if (found.Count > mark) found.RemoveRange(mark, found.Count - mark);
    }

    /// <summary>The position in the rule's tables of the table an <c>adequate</c> condition reads (see <see cref="TableOf"/>), or -1.</summary>
    internal static int TableIndex(CompiledRule rule, AdequateCondition adequate)
    {
        for (var i = 0; i < rule.Adequacy.Length; i++)
        {
            if (rule.Adequacy[i].Code == adequate.Regime) return i;
        }
        return -1;
    }

    /// <summary>What <see cref="DecisiveUnknowns"/> says of a field leaf whose field is <paramref name="spec"/>, unknown because of <paramref name="why"/>.</summary>
    internal static string UnknownField(FieldSpec spec, string? why) => why is null ? $"{spec.Name} is unknown" : $"{spec.Name} is unknown ({why})";

    /// <summary>What <see cref="DecisiveUnknowns"/> says of an undecided <c>adequate</c> leaf; <paramref name="reason"/> null: the rule has no table for it.</summary>
    internal static string UndecidedAdequacy(AdequateCondition adequate, string? reason) =>
        $"adequacy for {adequate.Regime} cannot be decided: {reason ?? NoTable(adequate)}";

    private static void Decisive(CompiledRule rule, ConditionTrace trace, Fact fact, List<string> found)
    {
        switch (trace.Condition)
        {
            case AllCondition or AnyCondition or NotCondition:
                foreach (var child in trace.Children.Where(c => c.Result == Tri.Unknown)) Decisive(rule, child, fact, found);
                break;
            case AdequateCondition adequate when fact is TransferFact t:
                found.Add(UndecidedAdequacy(adequate, TableOf(rule, adequate) is { } table ? table.Check(t).Reason : null));
                break;
            case FieldCondition field:
                var kind = fact is PlacementFact ? FactKinds.Placement : FactKinds.Transfer;
                if (FieldCatalog.Instance.Find(kind, field.Field) is { } spec)
                    found.Add(UnknownField(spec, CompiledRule.WhyUnknown(spec, fact)));
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
