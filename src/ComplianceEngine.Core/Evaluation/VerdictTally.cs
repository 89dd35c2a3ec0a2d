using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>What one rule said about the fact being tallied: a verdict as a value, without an object per verdict.</summary>
internal readonly record struct RuleVerdict(CompiledRule Rule, Judgement Judgement, string? Error);

/// <summary>
/// What judged facts produced, in fact order: their findings (in fact and rule order), the passes only counted, and their
/// coverage. The batch path fills one per chunk (on the chunk's thread); the incremental evaluation one over its
/// session's facts, from findings it kept per fact. <see cref="Evaluator.BuildReport"/> turns tallies into the report.
/// </summary>
internal sealed class VerdictTally(bool includePasses, bool keepFacts)
{
    /// <summary>Makes this tally's findings; its caches are let go by <see cref="ReleaseBuilder"/> (a new one is made if more verdicts come).</summary>
    private FindingBuilder? _builder;

    /// <summary>The worker thread's coverage tally this tally records into (<see cref="CoverageInto"/>), emptied when merged.</summary>
    private CoverageTally? _recorder;

    /// <summary>
    /// The finding builder to start with (null: one of its own, made on the first finding): the batch path hands each
    /// worker thread's chunks the same one, so its caches (per rule, site and value) are filled once per thread instead of
    /// once per chunk. It must be used by this tally's thread only.
    /// </summary>
    public FindingBuilder? Builder { init => _builder = value; }
    private readonly List<string> _jurisdictions = new(4);

    /// <summary>Passes only counted, per rule index (the rule kept beside its count); folded into <see cref="UncountedPasses"/> when read.</summary>
    private int[] _passes = [];
    private CompiledRule?[] _passRules = [];
    private readonly Dictionary<string, int> _uncounted = new(StringComparer.Ordinal);

    /// <summary>
    /// Findings in fact and rule order, as rows (made into findings when the report takes them), with the rule and (when kept
    /// for explanations) the fact behind each.
    /// </summary>
    public TallyFindings Findings { get; private set; } = new();

    /// <summary>Lets go of <see cref="Findings"/> (the report has taken them): the list is empty from now on.</summary>
    public void ReleaseFindings() => Findings = new();

    /// <summary>Pass verdicts per jurisdiction that were only counted (passes are findings only when asked for).</summary>
    public Dictionary<string, int> UncountedPasses
    {
        get
        {
            for (var i = 0; i < _passes.Length; i++)
            {
                if (_passes[i] == 0) continue;
                var j = _passRules[i]!.Definition.Jurisdiction;
                _uncounted[j] = _uncounted.GetValueOrDefault(j) + _passes[i];
                _passes[i] = 0;
            }
            return _uncounted;
        }
    }

    /// <summary>Verdicts seen.</summary>
    public long Verdicts { get; private set; }

    /// <summary>Facts handed to the runner.</summary>
    public int Facts { get; init; }

    /// <summary>Facts some rule applies to.</summary>
    public int JudgedFacts { get; set; }

    /// <summary>What the judged facts covered (since the last <see cref="MergeCoverageInto"/>).</summary>
    public CoverageTally Coverage { get; private set; } = new();

    /// <summary>
    /// Records coverage into this empty tally instead of one of this tally's own: the batch path's worker thread's, reused by
    /// the chunks it judges one after another (<see cref="MergeCoverageInto"/> empties it for the next, keeping its lists'
    /// room, instead of a chunk growing new lists).
    /// </summary>
    public CoverageTally CoverageInto { init => Coverage = _recorder = value; }

    /// <summary>
    /// Adds what the judged facts covered into <paramref name="total"/> (under its lock: chunks finish on several threads)
    /// and forgets it here, so a chunk's sets of subjects and sites are garbage as soon as the chunk is judged.
    /// </summary>
    public void MergeCoverageInto(CoverageTally total)
    {
        lock (total) total.Merge(Coverage);
        if (_recorder is { } recorder)
        {
            // The thread's tally records the next chunk: emptied, its lists keep their room.
            recorder.ClearMerged();
            _recorder = null;
        }
        Coverage = new CoverageTally();
    }

    /// <summary>
    /// Lets go of the finding builder and its caches (per rule, site and fact, and the last fact it read): a chunk's
    /// findings are made, and the tally waits for the report with only what the report needs.
    /// </summary>
    public void ReleaseBuilder() => _builder = null;

    /// <summary>Sorts <paramref name="recorded"/> by rule (rules fire in any order) and returns it.</summary>
    public static List<Verdict> InRuleOrder(List<Verdict> recorded)
    {
        if (recorded.Count > 1) recorded.Sort(static (a, b) => a.Rule.Index.CompareTo(b.Rule.Index));
        return recorded;
    }

    /// <summary>Sorts <paramref name="verdicts"/> by rule (a runner may list them in any order; usually they already are).</summary>
    public static void InRuleOrder(Span<RuleVerdict> verdicts)
    {
        for (var i = 1; i < verdicts.Length; i++)
        {
            var v = verdicts[i];
            var k = i - 1;
            while (k >= 0 && verdicts[k].Rule.Index > v.Rule.Index)
            {
                verdicts[k + 1] = verdicts[k];
                k--;
            }
            verdicts[k + 1] = v;
        }
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
        var builder = new FindingBuilder();
        var findings = new Finding[count];
        var i = 0;
        foreach (var v in inRuleOrder)
        {
            if (includePasses || v.Judgement != Judgement.Pass) findings[i++] = builder.Create(v.Rule, v.Fact, v.Judgement, v.Error);
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
        _jurisdictions.Clear();
        var next = 0;
        foreach (var verdict in inRuleOrder)
        {
            Verdicts++;
            // Coverage counts what rules judged: a "not applicable" verdict (the runners do not record one) judged nothing.
            if (verdict.Judgement != Judgement.NotApplicable) Note(verdict.Rule);
            if (Counted(verdict.Rule, verdict.Judgement)) continue;
            if (findings is null) Findings.Add((_builder ??= new FindingBuilder()).Row(verdict.Rule, fact, verdict.Judgement, verdict.Error, keepFacts));
            else Findings.Add(findings[next++], verdict.Rule, keepFacts ? fact : null);
        }
        Coverage.Record(fact, _jurisdictions);
    }

    /// <summary>Adds one fact's verdicts (in rule order, none of them "not applicable"), creating the findings of those that are not only counted.</summary>
    public void Add(Fact fact, ReadOnlySpan<RuleVerdict> inRuleOrder)
    {
        _jurisdictions.Clear();
        foreach (var verdict in inRuleOrder)
        {
            Verdicts++;
            Note(verdict.Rule);
            if (Counted(verdict.Rule, verdict.Judgement)) continue;
            Findings.Add((_builder ??= new FindingBuilder()).Row(verdict.Rule, fact, verdict.Judgement, verdict.Error, keepFacts));
        }
        Coverage.Record(fact, _jurisdictions);
    }

    /// <summary>Notes a judging rule's jurisdiction (once per fact) for coverage.</summary>
    private void Note(CompiledRule rule)
    {
        var j = rule.Definition.Jurisdiction;
        foreach (var seen in _jurisdictions)
        {
            if (ReferenceEquals(seen, j) || seen == j) return;
        }
        _jurisdictions.Add(j);
    }

    /// <summary>True when the verdict is a pass that is only counted (not a finding).</summary>
    private bool Counted(CompiledRule rule, Judgement judgement)
    {
        if (judgement != Judgement.Pass || includePasses) return false;
        var i = rule.Index;
        if ((uint)i >= (uint)_passes.Length && i >= 0)
        {
            Array.Resize(ref _passes, Math.Max(i + 1, _passes.Length * 2));
            Array.Resize(ref _passRules, _passes.Length);
        }
        if (i >= 0 && (_passRules[i] is null || ReferenceEquals(_passRules[i], rule)))
        {
            _passRules[i] = rule;
            _passes[i]++;
        }
        else
        {
            var j = rule.Definition.Jurisdiction;
            _uncounted[j] = _uncounted.GetValueOrDefault(j) + 1;
        }
        return true;
    }
}
