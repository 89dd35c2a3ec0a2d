using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Model.Rules;
using NRules.Diagnostics;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// Evaluates an estate against compiled rules as of a date: builds facts, runs one NRules session, turns verdicts
/// into findings and aggregates them per jurisdiction. Pure: no I/O, no clock.
/// </summary>
public sealed class Evaluator
{
    private readonly CompiledRuleSet _rules;
    private readonly FactBuilder _facts;
    private readonly FlowAnalyzer _flows;

    /// <summary>Creates an evaluator.</summary>
    public Evaluator(CompiledRuleSet rules, LocationResolver resolver)
    {
        _rules = rules;
        _facts = new FactBuilder(resolver);
        _flows = new FlowAnalyzer(resolver);
        // Onward hops of a regime no rule can judge them under would only ever be "not applicable": skip building them.
        _onwardRegimes = OnwardScope.Of(rules.Rules);
    }

    private readonly IReadOnlySet<string>? _onwardRegimes;

    /// <summary>Evaluates <paramref name="estate"/>.</summary>
    /// <param name="sources">When given, receives the rule and fact behind each finding id (for explanations).</param>
    public Report Evaluate(Estate estate, EvaluationOptions options, IEnumerable<Diagnostic>? diagnostics = null,
        IDictionary<string, (CompiledRule Rule, Fact Fact)>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(estate);
        ArgumentNullException.ThrowIfNull(options);
        var observer = options.Observer;
        var context = new EvaluationContext(options.AsOf, estate.Organization);
        var resolved = _facts.Resolve(estate);
        observer?.PhaseCompleted(EvaluationPhase.Resolve, resolved.Sites.Count);
        var facts = new List<Fact>(FactBuilder.Build(resolved, context));
        observer?.PhaseCompleted(EvaluationPhase.Facts, facts.Count);
        facts.AddRange(_flows.Analyze(resolved, context, [.. facts.OfType<TransferFact>()], _onwardRegimes));
        FactBuilder.SetExportVolumes([.. facts.OfType<TransferFact>()]);
        observer?.PhaseCompleted(EvaluationPhase.Flows, facts.Count);

        var session = _rules.Factory.CreateSession();
        var failed = new HashSet<(CompiledRule, Fact)>();
        session.Events.LhsExpressionFailedEvent += (_, e) => OnConditionFailed(e, context, failed);
        // Facts of a kind no rule is about could never match: the session need not hold them.
        var placements = _rules.Rules.Any(r => r.Definition.AppliesTo == FactKinds.Placement);
        var transfers = _rules.Rules.Any(r => r.Definition.AppliesTo != FactKinds.Placement);
        session.InsertAll(placements && transfers ? facts : facts.Where(f => f is PlacementFact ? placements : transfers));
        observer?.PhaseCompleted(EvaluationPhase.Insert, facts.Count);
        session.Fire();
        observer?.PhaseCompleted(EvaluationPhase.Fire, context.Verdicts.Count);

        var findings = new Dictionary<string, Finding>(StringComparer.Ordinal);
        var tally = new Dictionary<string, int[]>(StringComparer.Ordinal);
        int[] Tally(string jurisdiction)
        {
            if (!tally.TryGetValue(jurisdiction, out var t)) tally[jurisdiction] = t = new int[StatusCount];
            return t;
        }
        foreach (var verdict in context.Verdicts)
        {
            if (verdict.Judgement == Judgement.Pass && !options.IncludePasses)
            {
                Tally(verdict.Rule.Definition.Jurisdiction)[(int)FindingStatus.Pass]++;
                continue;
            }
            var finding = FindingFactory.Create(verdict);
            if (!findings.TryAdd(finding.Id, finding)) continue;
            sources?.TryAdd(finding.Id, (verdict.Rule, verdict.Fact));
            Tally(finding.Jurisdiction)[(int)finding.Status]++;
        }
        foreach (var rule in _rules.Rules) Tally(rule.Definition.Jurisdiction);
        var counts = tally.ToImmutableSortedDictionary(kv => kv.Key, kv => new StatusCounts(
            kv.Value[(int)FindingStatus.Violation], kv.Value[(int)FindingStatus.Warning], kv.Value[(int)FindingStatus.Indeterminate],
            kv.Value[(int)FindingStatus.Waived], kv.Value[(int)FindingStatus.Pass]), StringComparer.Ordinal);

        var ordered = FindingFactory.Sort(findings.Values);
        observer?.PhaseCompleted(EvaluationPhase.Report, ordered.Length);
        return new Report(
            Report.CurrentSchemaVersion,
            options.AsOf,
            options.GeneratedAt,
            counts,
            ordered,
            [.. _rules.Rules.Select(Summarize)],
            [.. (diagnostics ?? []).Order()]);
    }

    private static RuleSummary Summarize(CompiledRule rule)
    {
        var d = rule.Definition;
        return new RuleSummary(d.Id, d.Title, d.Jurisdiction, d.Severity.ToName(), d.CitationText,
            d.Citations.Select(c => c.Url).FirstOrDefault(u => u is not null), d.Remediation, d.Confidence);
    }

    private static readonly int StatusCount = Enum.GetValues<FindingStatus>().Length;

    private void OnConditionFailed(LhsExpressionErrorEventArgs e, EvaluationContext context, HashSet<(CompiledRule, Fact)> failed)
    {
        // A condition that throws is "could not evaluate" for that rule and fact: indeterminate, never compliant.
        e.IsHandled = true;
        foreach (var ruleDef in e.Rules)
        {
            var id = ruleDef.Name.Split('#')[0];
            var rule = _rules.Rules.FirstOrDefault(r => r.Definition.Id == id);
            if (rule is null) continue;
            foreach (var fact in e.Facts.Select(f => f.Value).OfType<Fact>())
            {
                if (!failed.Add((rule, fact))) continue;
                context.Verdicts.Add(new Verdict(rule, fact, Judgement.Indeterminate, $"the condition failed: {e.Exception?.Message}"));
            }
        }
    }
}
