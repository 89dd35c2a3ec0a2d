using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using NRules.RuleModel;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>What a rule said about one fact, recorded by the generic action.</summary>
internal sealed record Verdict(CompiledRule Rule, Fact Fact, Judgement Judgement, string? Error = null);

/// <summary>The one action every compiled rule runs. Public because compiled expression trees call it.</summary>
public static class RuleActions
{
    /// <summary>Records the verdict of <paramref name="rule"/> on <paramref name="fact"/>.</summary>
    public static void Record(IContext context, Fact fact, CompiledRule rule, Judgement judgement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(fact);
        (fact.Verdicts ??= new List<Verdict>(2)).Add(new Verdict(rule, fact, judgement));
    }
}
