using System.Globalization;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Reporting;

/// <summary>A readable report for compliance officers: a summary table, then each jurisdiction's findings.</summary>
public sealed class MarkdownReportWriter : IReportWriter
{
    /// <summary>
    /// Findings shown per rule of a jurisdiction, the worst first (a pull-request comment or a page people read); the
    /// rest are counted, and listed in the JSON report.
    /// </summary>
    public const int FindingsPerRule = 50;

    /// <inheritdoc />
    public string Format => "markdown";

    /// <inheritdoc />
    public string Extension => ".md";

    /// <inheritdoc />
    public void Write(Report report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        output.NewLine = "\n";
        output.WriteLine("# Data-sovereignty compliance report");
        output.WriteLine();
        output.WriteLine($"- Law applied as of: **{report.AsOf:yyyy-MM-dd}**");
        output.WriteLine($"- Generated: {report.GeneratedAt.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ} by ComplianceEngine {ToolInfo.Version}");
        output.WriteLine();
        output.WriteLine("## Summary");
        output.WriteLine();
        output.WriteLine("| Jurisdiction | Violation | Warning | Indeterminate | Waived | Pass |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (j, c) in report.ByJurisdiction)
        {
            output.WriteLine($"| {j} | {c.Violation} | {c.Warning} | {c.Indeterminate} | {c.Waived} | {c.Pass} |");
        }
        output.WriteLine();
        output.WriteLine(Escape(CoverageText.Gate(report.Gate, report.Coverage.NothingJudged)));
        output.WriteLine();
        WriteCoverage(report.Coverage, output);
        if (report.BaselineSuppressed > 0)
        {
            output.WriteLine($"{report.BaselineSuppressed} finding(s) are in the baseline and do not fail this run.");
            output.WriteLine();
        }
        if (!report.Waivers.IsEmpty)
        {
            output.WriteLine("## Waivers");
            output.WriteLine();
            output.WriteLine("| Waiver | Rule | Subject | Jurisdiction | Expires | State | Approved by | Ticket |");
            output.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var w in report.Waivers)
            {
                var state = w.NotYetApproved ? $"**not yet approved** at {report.AsOf:yyyy-MM-dd} (approved {w.Approved:yyyy-MM-dd})" : w.Expired ? "**expired**" : w.Matched == 0 ? "unused" : w.ExpiresWithin(report.AsOf, 30) ? $"active ({w.Matched}), **expires soon**" : $"active ({w.Matched})";
                output.WriteLine($"| {Escape(w.Name)} | `{w.RuleId}` | {Escape(w.Subject)} | {w.Jurisdiction} | {w.Expires:yyyy-MM-dd} | {state} | {Escape(w.ApprovedBy)} | {Escape(w.Ticket)} |");
            }
            output.WriteLine();
        }

        // The findings shown, by index, per jurisdiction in the order they first appear: each is read when it is written.
        var shown = ShownFindings.NotPasses(report.Findings);
        var byJurisdiction = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var jurisdictions = new List<string>();
        for (var k = 0; k < shown.Count; k++)
        {
            var j = shown.FieldsOf(k).Jurisdiction;
            if (!byJurisdiction.TryGetValue(j, out var indexes))
            {
                byJurisdiction[j] = indexes = [];
                jurisdictions.Add(j);
            }
            indexes.Add(shown.IndexOf(k));
        }
        if (shown.Count == 0)
        {
            output.WriteLine(report.Coverage.NothingJudged
                ? "No findings, because nothing was judged: the estate is not known to comply."
                : "No violations, warnings or undecided checks.");
            return;
        }
        foreach (var jurisdiction in jurisdictions)
        {
            var group = ShownFindings.At(report.Findings, [.. byJurisdiction[jurisdiction]]);
            output.WriteLine($"## {jurisdiction}");
            output.WriteLine();
            // The report's order (worst first) within each rule; a rule's findings past the cap are counted, not written.
            var perRule = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var f in group)
            {
                var n = perRule[f.RuleId] = perRule.GetValueOrDefault(f.RuleId) + 1;
                if (n > FindingsPerRule) continue;
                output.WriteLine($"### {f.Status.ToName().ToUpperInvariant()} ({f.Severity.ToName()}): {Escape(f.RuleTitle)}");
                output.WriteLine();
                output.WriteLine($"- Rule: `{f.RuleId}`; citation: {Escape(f.Citation)}{(f.Confidence == Confidence.Unverified ? " (**unverified**)" : "")}");
                output.WriteLine($"- Subject: {f.Subject.Kind} `{f.Subject.Name}` at `{f.Subject.Location}`");
                output.WriteLine($"- Path: {string.Join(" → ", f.Path.Select(p => $"`{p}`"))}");
                output.WriteLine($"- Finding id: `{f.Id}`");
                if (f.WaiverName is not null) output.WriteLine($"- Waived by `{f.WaiverName}`: {Escape(f.WaiverJustification ?? "")}");
                output.WriteLine();
                output.WriteLine(Escape(f.Message));
                output.WriteLine();
                output.WriteLine($"**Fix:** {Escape(f.Remediation)}");
                output.WriteLine();
                if (f.Evidence.Length > 0)
                {
                    output.WriteLine("<details><summary>Evidence</summary>");
                    output.WriteLine();
                    foreach (var e in f.Evidence)
                        output.WriteLine($"- `{e.Fact}` = {Escape(e.Value)}{(e.Location.IsKnown ? $" (`{e.Location.File}:{e.Location.Line}`)" : "")}");
                    output.WriteLine();
                    output.WriteLine("</details>");
                    output.WriteLine();
                }
            }
            foreach (var (rule, n) in perRule.Where(kv => kv.Value > FindingsPerRule).OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                output.WriteLine($"… and {n - FindingsPerRule} more findings of `{rule}` in {jurisdiction} (the first {FindingsPerRule} are shown; the JSON report lists every finding).");
                output.WriteLine();
            }
        }
    }

    private static void WriteCoverage(Coverage coverage, TextWriter output)
    {
        output.WriteLine("## Coverage");
        output.WriteLine();
        output.WriteLine(Escape(CoverageText.Summary(coverage)));
        output.WriteLine();
        var judged = coverage.ByJurisdiction.Where(kv => !kv.Value.IsEmpty).ToList();
        if (judged.Count > 0)
        {
            output.WriteLine("| Jurisdiction | Stores | Flows | Placements | Declared transfers | Implied transfers | Onward transfers |");
            output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var (j, c) in judged)
                output.WriteLine($"| {j} | {c.Stores} | {c.Flows} | {c.Placements} | {c.DeclaredTransfers} | {c.ImpliedTransfers} | {c.OnwardTransfers} |");
            output.WriteLine();
        }
        if (!coverage.NotJudged.IsEmpty)
        {
            output.WriteLine("### Not judged");
            output.WriteLine();
            output.WriteLine("| Document | Where | Why |");
            output.WriteLine("|---|---|---|");
            foreach (var n in coverage.NotJudged)
                output.WriteLine($"| {n.Kind} `{Escape(n.Name)}` | `{n.Location}` | {Escape(n.Reason)} |");
            output.WriteLine();
        }
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
}
