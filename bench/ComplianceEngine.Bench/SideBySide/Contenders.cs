using ComplianceEngine.Core.Evaluation.Runners;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;

namespace ComplianceEngine.Bench.SideBySide;

/// <summary>One way of reaching the GDPR Chapter V decision for every fact: it writes one judgement per fact.</summary>
internal abstract class Contender(string name, string description)
{
    /// <summary>Short name, used in tables and <c>--only</c>.</summary>
    public string Name { get; } = name;

    /// <summary>What it is, for the report.</summary>
    public string Description { get; } = description;

    /// <summary>Judges every fact into <paramref name="into"/> (same order). Timed.</summary>
    public abstract void Run(TransferFact[] facts, Judgement[] into);

    /// <summary>Clears whatever a previous run left on the facts (not timed).</summary>
    public virtual void Reset(TransferFact[] facts)
    {
    }
}

/// <summary>The hand-written loop.</summary>
internal sealed class HandContender(GdprTransferByHand rule) : Contender("hand", "a hand-written C# loop with the same three-valued handling of unknowns")
{
    public override void Run(TransferFact[] facts, Judgement[] into) => rule.JudgeAll(facts, into);
}

/// <summary>The rule's compiled judgement delegate, called once per fact (what every runner of the engine calls).</summary>
internal sealed class CompiledContender(CompiledRule rule) : Contender("compiled", "the rule's compiled judgement delegate (CompiledRule.JudgeNow), one call per fact")
{
    public override void Run(TransferFact[] facts, Judgement[] into)
    {
        for (var i = 0; i < facts.Length; i++) into[i] = rule.JudgeNow(facts[i]);
    }
}

/// <summary>Microsoft RulesEngine 6.0.1.</summary>
internal sealed class RulesEngineContender(GdprTransferRulesEngine workflow)
    : Contender("rulesengine", "Microsoft RulesEngine 6.0.1: the rule as a workflow of lambda-expression strings, ExecuteAllRulesAsync per fact")
{
    public override void Run(TransferFact[] facts, Judgement[] into) => workflow.JudgeAll(facts, into);
}

/// <summary>Facts, as the engine's runners leave them: no memo, no verdicts.</summary>
internal static class FactState
{
    public static void Clear(TransferFact[] facts)
    {
        foreach (var f in facts)
        {
            f.JudgedBy = null;
            f.Judgements = null;
            f.Verdicts = null;
        }
    }
}

/// <summary>
/// One of the engine's runners (<see cref="BatchRunner"/> or <see cref="NRulesRunner"/>) as the evaluator drives it: chunks
/// of facts in order, on one thread (the evaluator runs chunks on every core; here every contender has one), the regime
/// index choosing the rules each fact meets, and the verdicts read back from the facts.
/// </summary>
internal sealed class RunnerContender(string name, string description, IRuleRunner runner, CompiledRule rule, int chunkSize)
    : Contender(name, description)
{
    public override void Reset(TransferFact[] facts) => FactState.Clear(facts);

    public override void Run(TransferFact[] facts, Judgement[] into)
    {
        var chunk = new List<Fact>(chunkSize);
        for (var start = 0; start < facts.Length; start += chunkSize)
        {
            chunk.Clear();
            for (var i = start; i < Math.Min(start + chunkSize, facts.Length); i++) chunk.Add(facts[i]);
            runner.Judge(chunk, exhaustive: false);
        }
        for (var i = 0; i < facts.Length; i++)
        {
            var judgement = Judgement.NotApplicable;
            if (facts[i].Verdicts is { } verdicts)
            {
                foreach (var v in verdicts)
                {
                    if (!ReferenceEquals(v.Rule, rule)) continue;
                    if (judgement != Judgement.NotApplicable) throw new InvalidOperationException($"{Name} recorded two verdicts on {facts[i].Subject.Name}");
                    if (v.Error is not null) throw new InvalidOperationException($"{Name}: {v.Error} on {facts[i].Subject.Name}");
                    judgement = v.Judgement;
                }
            }
            into[i] = judgement;
        }
    }
}
