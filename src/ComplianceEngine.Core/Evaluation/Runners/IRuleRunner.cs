using ComplianceEngine.Core.Facts;

namespace ComplianceEngine.Core.Evaluation.Runners;

/// <summary>
/// Judges a chunk of independent facts against the compiled rules. Two runners share one compiled program (one
/// <c>Func&lt;Fact, Judgement&gt;</c> per rule): <see cref="BatchRunner"/> calls the delegates directly, and
/// <see cref="NRulesRunner"/> inserts the facts into an NRules session whose conditions call them. Both give the same
/// verdicts, so the same report (tested on every scenario folder and on generated estates).
/// </summary>
internal interface IRuleRunner
{
    /// <summary>
    /// Judges <paramref name="chunk"/>: every fact some rule applies to is returned, in chunk order, with the verdicts
    /// of those rules in <see cref="Fact.Verdicts"/> (in any order; the evaluator sorts them by rule). A condition that
    /// throws is an indeterminate verdict, never a pass.
    /// </summary>
    /// <param name="exhaustive">Work out every rule of the fact's kind, without the regime index.</param>
    List<Fact> Judge(List<Fact> chunk, bool exhaustive);
}
