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
    }

    /// <summary>Evaluates <paramref name="estate"/>.</summary>
    /// <param name="sources">When given, receives the rule and fact behind each finding id (for explanations).</param>
    public Report Evaluate(Estate estate, EvaluationOptions options, IEnumerable<Diagnostic>? diagnostics = null,
        IDictionary<string, (CompiledRule Rule, Fact Fact)>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(estate);
        ArgumentNullException.ThrowIfNull(options);
        var context = new EvaluationContext(options.AsOf, estate.Organization);
        var resolved = _facts.Resolve(estate);
        var facts = new List<Fact>(FactBuilder.Build(resolved, context));
        facts.AddRange(_flows.Analyze(resolved, context, [.. facts.OfType<TransferFact>()]));
        FactBuilder.SetExportVolumes([.. facts.OfType<TransferFact>()]);

        var session = _rules.Factory.CreateSession();
        session.Events.LhsExpressionFailedEvent += (_, e) => OnConditionFailed(e, context);
        session.InsertAll(facts);
        session.Fire();

        var findings = new Dictionary<string, Finding>(StringComparer.Ordinal);
        var counts = new SortedDictionary<string, StatusCounts>(StringComparer.Ordinal);
        foreach (var verdict in context.Verdicts)
        {
            if (verdict.Judgement == Judgement.Pass && !options.IncludePasses)
            {
                var j = verdict.Rule.Definition.Jurisdiction;
                counts[j] = counts.GetValueOrDefault(j, StatusCounts.Zero).Add(FindingStatus.Pass);
                continue;
            }
            var finding = FindingFactory.Create(verdict);
            if (!findings.TryAdd(finding.Id, finding)) continue;
            sources?.TryAdd(finding.Id, (verdict.Rule, verdict.Fact));
            counts[finding.Jurisdiction] = counts.GetValueOrDefault(finding.Jurisdiction, StatusCounts.Zero).Add(finding.Status);
        }
        foreach (var rule in _rules.Rules) counts.TryAdd(rule.Definition.Jurisdiction, StatusCounts.Zero);

        var ordered = findings.Values.Order(FindingFactory.Order).ToImmutableArray();
        return new Report(
            Report.CurrentSchemaVersion,
            options.AsOf,
            options.GeneratedAt,
            counts.ToImmutableSortedDictionary(StringComparer.Ordinal),
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

    private void OnConditionFailed(LhsExpressionErrorEventArgs e, EvaluationContext context)
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
                if (context.Verdicts.Any(v => v.Rule == rule && v.Fact == fact && v.Judgement == Judgement.Indeterminate)) continue;
                context.Verdicts.Add(new Verdict(rule, fact, Judgement.Indeterminate, $"the condition failed: {e.Exception?.Message}"));
            }
        }
    }
}
