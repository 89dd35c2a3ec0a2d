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
        var scratch = new RuleVerdict[8];
        var memo = default(RegimeIndex.Memo);
        foreach (var fact in chunk)
        {
            var n = JudgeOne(fact, exhaustive, ref scratch, ref memo);
            if (n == 0) continue;
            var verdicts = new List<Verdict>(n);
            for (var i = 0; i < n; i++) verdicts.Add(new Verdict(scratch[i].Rule, fact, scratch[i].Judgement, scratch[i].Error));
            fact.Verdicts = verdicts;
            judged.Add(fact);
        }
        return judged;
    }

    /// <summary>
    /// Judges <paramref name="chunk"/> straight into <paramref name="tally"/>: the same verdicts as <see cref="Judge"/>, in
    /// rule order, as values in one reused buffer instead of a verdict object per rule and a list per fact.
    /// </summary>
    public void JudgeInto(List<Fact> chunk, bool exhaustive, VerdictTally tally)
    {
        var scratch = new RuleVerdict[8];
        var memo = default(RegimeIndex.Memo);
        var judged = 0;
        foreach (var fact in chunk)
        {
            var n = JudgeOne(fact, exhaustive, ref scratch, ref memo);
            if (n == 0)
            {
                // Coverage: a rule may have looked at the fact and found it out of its scope.
                tally.Add(fact, ReadOnlySpan<RuleVerdict>.Empty);
                continue;
            }
            judged++;
            var verdicts = scratch.AsSpan(0, n);
            VerdictTally.InRuleOrder(verdicts);
            tally.Add(fact, verdicts);
        }
        tally.JudgedFacts = judged;
    }

    /// <summary>The verdicts of the rules that apply to <paramref name="fact"/> (not "not applicable"), into <paramref name="verdicts"/>; how many.</summary>
    /// <param name="memo">The last regime list this chunk's loop looked up, and its rules.</param>
    private int JudgeOne(Fact fact, bool exhaustive, ref RuleVerdict[] verdicts, ref RegimeIndex.Memo memo)
    {
        // As rules.For, written out here: this runs once per fact, and a call that returns a pair stayed at tier 0 for much of a run.
        var candidates = fact is TransferFact t ? (exhaustive ? rules.Transfer : rules.Regimes.For(t, ref memo)) : rules.Placement;
        var n = 0;
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
            if (n == verdicts.Length) Array.Resize(ref verdicts, n * 2);
            verdicts[n++] = new RuleVerdict(rule, judgement, error);
        }
        return n;
    }
}
