using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// What judged facts produced, in fact order: their findings (in fact and rule order), the passes only counted, and their
/// coverage. The batch path fills one per chunk (on the chunk's thread); the incremental evaluation one over its
/// session's facts, from findings it kept per fact. <see cref="Evaluator.BuildReport"/> turns tallies into the report.
/// </summary>
internal sealed class VerdictTally(bool includePasses, bool keepFacts)
{
    /// <summary>Findings in fact and rule order, with the rule and (when kept for explanations) the fact behind each.</summary>
    public List<(Finding Finding, CompiledRule Rule, Fact? Fact)> Findings { get; } = [];

    /// <summary>Pass verdicts per jurisdiction that were only counted (passes are findings only when asked for).</summary>
    public Dictionary<string, int> UncountedPasses { get; } = new(StringComparer.Ordinal);

    /// <summary>Verdicts seen.</summary>
    public long Verdicts { get; private set; }

    /// <summary>Facts handed to the runner.</summary>
    public int Facts { get; init; }

    /// <summary>Facts some rule applies to.</summary>
    public int JudgedFacts { get; init; }

    /// <summary>What the judged facts covered.</summary>
    public CoverageTally Coverage { get; } = new();

    /// <summary>Sorts <paramref name="recorded"/> by rule (rules fire in any order) and returns it.</summary>
    public static List<Verdict> InRuleOrder(List<Verdict> recorded)
    {
        if (recorded.Count > 1) recorded.Sort(static (a, b) => a.Rule.Index.CompareTo(b.Rule.Index));
        return recorded;
    }

    /// <summary>The findings of one fact's verdicts (in rule order): every verdict but the passes, unless passes are asked for.</summary>
    public static Finding[] FindingsOf(List<Verdict> inRuleOrder, bool includePasses)
    {
        var count = 0;
        foreach (var v in inRuleOrder)
        {
            if (includePasses || v.Judgement != Judgement.Pass) count++;
        }
        if (count == 0) return [];
        var findings = new Finding[count];
        var i = 0;
        foreach (var v in inRuleOrder)
        {
            if (includePasses || v.Judgement != Judgement.Pass) findings[i++] = FindingFactory.Create(v);
        }
        return findings;
    }

    /// <summary>Adds one fact's verdicts (in rule order), creating the findings of those that are not only counted.</summary>
    public void Add(Fact fact, List<Verdict> inRuleOrder) => Add(fact, inRuleOrder, findings: null);

    /// <summary>
    /// Adds one fact's verdicts (in rule order) with their findings already made (<see cref="FindingsOf"/> of the same
    /// verdicts), or null to make them now.
    /// </summary>
    public void Add(Fact fact, List<Verdict> inRuleOrder, Finding[]? findings)
    {
        Coverage.Record(fact, inRuleOrder);
        var next = 0;
        foreach (var verdict in inRuleOrder)
        {
            Verdicts++;
            if (verdict.Judgement == Judgement.Pass && !includePasses)
            {
                var j = verdict.Rule.Definition.Jurisdiction;
                UncountedPasses[j] = UncountedPasses.GetValueOrDefault(j) + 1;
                continue;
            }
            Findings.Add((findings is null ? FindingFactory.Create(verdict) : findings[next++], verdict.Rule, keepFacts ? fact : null));
        }
    }
}
