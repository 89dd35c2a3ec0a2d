using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;

namespace ComplianceEngine.Core.Evaluation.Runners;

/// <summary>
/// The batch runner: each rule's compiled judgement is called on each fact directly, without a rules session. Every
/// rule matches one fact, so a batch of independent facts needs no working memory, agenda or network: this is the
/// program the NRules runner's conditions call, without the session around it.
/// </summary>
internal sealed class BatchRunner(RuleSelection rules) : IRuleRunner
{
    public List<Fact> Judge(List<Fact> chunk, bool exhaustive)
    {
        var judged = new List<Fact>(chunk.Count / 2);
        foreach (var fact in chunk)
        {
            var (_, candidates) = rules.For(fact, exhaustive);
            List<Verdict>? verdicts = null;
            foreach (var rule in candidates)
            {
                Judgement judgement;
                string? error = null;
                try
                {
                    judgement = rule.JudgeNow(fact);
                }
#pragma warning disable CA1031 // Not swallowed: a condition that throws is an indeterminate verdict with its message.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    judgement = Judgement.Indeterminate;
                    error = RuleSelection.ConditionFailed(ex);
                }
                if (judgement == Judgement.NotApplicable) continue;
                (verdicts ??= new List<Verdict>(2)).Add(new Verdict(rule, fact, judgement, error));
            }
            if (verdicts is null) continue;
            fact.Verdicts = verdicts;
            judged.Add(fact);
        }
        return judged;
    }
}
