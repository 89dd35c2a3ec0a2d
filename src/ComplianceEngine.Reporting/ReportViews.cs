using System.Collections.Immutable;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Reporting;

/// <summary>Views of a finished report for readers, applied before any writer (so every format says the same).</summary>
public static class ReportViews
{
    /// <summary>
    /// The report with only the jurisdictions that have a finding of any status (passes included) in its summary:
    /// a run with seventeen packs loaded does not list fifteen rows of zeros. The coverage keeps every jurisdiction
    /// whose rules judged something.
    /// </summary>
    public static Report OnlyJurisdictionsWithFindings(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var kept = report.ByJurisdiction.Where(kv => kv.Value != StatusCounts.Zero || report.Findings.Any(f => f.Jurisdiction == kv.Key));
        return report with { ByJurisdiction = kept.ToImmutableSortedDictionary(StringComparer.Ordinal) };
    }
}
