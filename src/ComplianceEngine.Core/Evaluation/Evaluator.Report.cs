using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>The report phase's parts for a report kept as rows (<see cref="RowFindings"/>): which rows can stand for findings, counts, coverage.</summary>
public sealed partial class Evaluator
{
    /// <summary>
    /// Each kept row's rule rank when the rows can stand for the report's findings: every row built (none made from a
    /// finding) and of a rule of this evaluator's set; null otherwise (the findings are made and held).
    /// </summary>
    private int[]? RowRanks(IReadOnlyList<VerdictTally> chunks, (int Tally, int Row)[] kept)
    {
        foreach (var chunk in chunks)
        {
            if (chunk.Findings.HasMade) return null;
        }
        var rules = _rules.Rules;
        var ranks = new int[kept.Length];
        for (var i = 0; i < kept.Length; i++)
        {
            var rule = chunks[kept[i].Tally].Findings.At(kept[i].Row).Rule;
            if ((uint)rule.Index >= (uint)rules.Length || !ReferenceEquals(rules[rule.Index], rule)) return null;
            ranks[i] = _ruleRanks[rule.Index];
        }
        return ranks;
    }

    /// <summary>The report's counts: <paramref name="tally"/> (strangers' findings), the chunks' counted passes and the findings per rule and status.</summary>
    private ImmutableSortedDictionary<string, StatusCounts> CountsOf(Dictionary<string, int[]> tally, IReadOnlyList<VerdictTally> chunks, int[] byRule)
    {
        var rules = _rules.Rules;
        foreach (var chunk in chunks)
        {
            foreach (var (jurisdiction, passes) in chunk.UncountedPasses) Count(tally, jurisdiction, FindingStatus.Pass, passes);
        }
        for (var r = 0; r < rules.Length; r++)
        {
            for (var status = 0; status < StatusCount; status++)
                Count(tally, rules[r].Definition.Jurisdiction, (FindingStatus)status, byRule[r * StatusCount + status]);
        }
        return Counts(tally);
    }

    /// <summary>The finished coverage: <paramref name="merged"/> (or a new tally) with every chunk's coverage merged in.</summary>
    private Coverage FinishCoverageOf(IReadOnlyList<VerdictTally> chunks, ResolvedEstate resolved, CoverageTally? merged, ImmutableSortedDictionary<string, StatusCounts> counts)
    {
        var coverage = merged ?? new CoverageTally();
        foreach (var chunk in chunks) coverage.Merge(chunk.Coverage);
        return CoverageOf(coverage, resolved, counts);
    }
}
