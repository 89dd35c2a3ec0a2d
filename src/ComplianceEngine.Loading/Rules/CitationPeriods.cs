using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Loading.Rules;

/// <summary>
/// Checks per-citation effective dates: each period is well formed, and on every day of the rule's own effective period
/// at least one citation is in force, so a finding always cites the article in force on its as-of date (CE4024).
/// </summary>
public static class CitationPeriods
{
    /// <summary>Reports the rule's citation-period mistakes.</summary>
    public static void Check(RuleDefinition rule, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (!rule.HasDatedCitations) return;
        var wellFormed = true;
        foreach (var c in rule.Citations)
        {
            if (c.Effective.From is { } from && c.Effective.Until is { } until && from >= until)
            {
                diagnostics.Error(DiagnosticCodes.CitationPeriodInvalid,
                    $"rule '{rule.Id}': citation '{c}' is in force from {from:yyyy-MM-dd} until {until:yyyy-MM-dd}, which is no day at all", c.Location);
                wellFormed = false;
            }
        }
        if (wellFormed && FirstUncovered(rule) is { } gap)
        {
            diagnostics.Error(DiagnosticCodes.CitationPeriodInvalid,
                $"rule '{rule.Id}': no citation is in force on {(gap == DateOnly.MinValue ? "the days before the first citation's 'from'" : gap.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))}, " +
                "a day the rule is in effect; give the rule an 'effective' period its citations cover, or a citation for those days", rule.Location);
        }
    }

    /// <summary>The first day of the rule's period on which no citation is in force (MinValue: before any), or null when every day is covered.</summary>
    internal static DateOnly? FirstUncovered(RuleDefinition rule)
    {
        var day = rule.Effective.From ?? DateOnly.MinValue;
        while (rule.Effective.Until is not { } end || day < end)
        {
            DateOnly? next = null;
            var open = false;
            foreach (var c in rule.Citations)
            {
                if (!c.Effective.Contains(day)) continue;
                if (c.Effective.Until is not { } u)
                {
                    open = true;
                    break;
                }
                if (next is null || u > next) next = u;
            }
            if (open) return null;
            if (next is null) return day;
            day = next.Value;
        }
        return null;
    }
}
