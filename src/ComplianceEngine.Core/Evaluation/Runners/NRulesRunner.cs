using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using NRules.Diagnostics;

namespace ComplianceEngine.Core.Evaluation.Runners;

/// <summary>
/// The NRules runner: a chunk's facts are inserted into a fresh rules session and the rules fire, recording verdicts on
/// the facts. Every rule's judgement is worked out first, so facts no rule applies to never enter the session, and the
/// session's conditions read the judgements instead of working them out again. The long-lived, incremental use of a
/// session (insert, update, retract) is the hosted engine's; this runner is the batch path's reference.
/// </summary>
internal sealed class NRulesRunner(RuleSelection rules) : IRuleRunner
{
    public List<Fact> Judge(List<Fact> chunk, bool exhaustive)
    {
        var candidates = new List<Fact>(chunk.Count / 2);
        var scratch = new byte[rules.Set.Rules.Length];
        foreach (var fact in chunk)
        {
            var (all, some) = rules.For(fact, exhaustive);
            if (Prejudge(fact, all, some, scratch)) candidates.Add(fact);
        }

        var session = rules.Set.Factory.CreateSession();
        var failed = new HashSet<(CompiledRule, Fact)>();
        session.Events.LhsExpressionFailedEvent += (_, e) => OnConditionFailed(e, failed);
        session.InsertAll(candidates);
        session.Fire();

        var judged = new List<Fact>(candidates.Count);
        foreach (var fact in candidates)
        {
            fact.Judgements = null;
            if (fact.Verdicts is not null) judged.Add(fact);
        }
        return judged;
    }

    /// <summary>
    /// Works out the rules of the fact's kind on <paramref name="fact"/>: <paramref name="some"/> are evaluated, the rest of
    /// <paramref name="all"/> are known not to apply (see <see cref="RegimeIndex"/>). True, and the judgements kept on the
    /// fact where the session's conditions read them, when any rule applies. A condition that throws is left to the
    /// session, which reports it as indeterminate.
    /// </summary>
    internal static bool Prejudge(Fact fact, CompiledRule[] all, CompiledRule[] some, byte[] scratch)
    {
        var applies = false;
        Array.Clear(scratch);
        foreach (var rule in all) scratch[rule.Index] = (byte)(Judgement.NotApplicable + 1);
        foreach (var rule in some)
        {
            Judgement judgement;
            try
            {
                judgement = rule.JudgeNow(fact);
            }
#pragma warning disable CA1031 // Not swallowed: the session judges the rule again and records the failure as indeterminate.
            catch (Exception)
#pragma warning restore CA1031
            {
                scratch[rule.Index] = 0;
                applies = true;
                continue;
            }
            scratch[rule.Index] = (byte)(judgement + 1);
            applies |= judgement != Judgement.NotApplicable;
        }
        if (applies) fact.Judgements = [.. scratch];
        return applies;
    }

    internal void OnConditionFailed(LhsExpressionErrorEventArgs e, HashSet<(CompiledRule, Fact)> failed)
    {
        // A condition that throws is "could not evaluate" for that rule and fact: indeterminate, never compliant.
        e.IsHandled = true;
        foreach (var ruleDef in e.Rules)
        {
            var id = ruleDef.Name.Split('#')[0];
            var rule = rules.Set.Rules.FirstOrDefault(r => r.Definition.Id == id);
            if (rule is null) continue;
            foreach (var fact in e.Facts.Select(f => f.Value).OfType<Fact>())
            {
                if (!failed.Add((rule, fact))) continue;
                (fact.Verdicts ??= []).Add(new Verdict(rule, fact, Judgement.Indeterminate, RuleSelection.ConditionFailed(e.Exception)));
            }
        }
    }
}
