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
        // Only a jurisdiction with no counted finding needs the findings read (once, for all such jurisdictions).
        var zero = report.ByJurisdiction.Where(kv => kv.Value == StatusCounts.Zero).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        var named = new HashSet<string>(StringComparer.Ordinal);
        if (zero.Count > 0)
        {
            for (var i = 0; i < report.Findings.Count; i++)
            {
                var jurisdiction = report.Findings.FieldsOf(i).Jurisdiction;
                if (zero.Contains(jurisdiction)) named.Add(jurisdiction);
            }
        }
        var kept = report.ByJurisdiction.Where(kv => kv.Value != StatusCounts.Zero || named.Contains(kv.Key));
        return report with { ByJurisdiction = kept.ToImmutableSortedDictionary(StringComparer.Ordinal) };
    }
}
