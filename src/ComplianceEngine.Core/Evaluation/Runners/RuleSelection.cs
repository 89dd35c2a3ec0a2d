using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Evaluation.Runners;

/// <summary>Which rules a fact meets: the rules of its kind, narrowed by the regime index unless asked for all of them.</summary>
internal sealed class RuleSelection
{
    private readonly RegimeIndex _regimeIndex;

    /// <summary>The transfer rules indexed by the regimes they require.</summary>
    public RegimeIndex Regimes => _regimeIndex;

    public RuleSelection(CompiledRuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Set = rules;
        Placement = [.. rules.Rules.Where(r => r.Definition.AppliesTo == FactKinds.Placement)];
        Transfer = [.. rules.Rules.Where(r => r.Definition.AppliesTo != FactKinds.Placement)];
        _regimeIndex = new RegimeIndex(Transfer);
    }

    /// <summary>The whole rule set.</summary>
    public CompiledRuleSet Set { get; }

    /// <summary>Rules about placements.</summary>
    public CompiledRule[] Placement { get; }

    /// <summary>Rules about transfers (declared, implied and onward).</summary>
    public CompiledRule[] Transfer { get; }

    /// <summary>The rules of the fact's kind (<c>All</c>) and those that may apply to it (<c>Candidates</c>); the rest of <c>All</c> do not apply.</summary>
    public (CompiledRule[] All, CompiledRule[] Candidates) For(Fact fact, bool exhaustive) =>
        fact is TransferFact t ? (Transfer, exhaustive ? Transfer : _regimeIndex.For(t)) : (Placement, Placement);

    /// <summary>The message of an indeterminate verdict whose condition threw.</summary>
    public static string ConditionFailed(Exception? error) => $"the condition failed: {error?.Message}";
}
