using System.Globalization;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Reporting;

/// <summary>The terminal view: a table per jurisdiction and one line per finding, with file:line first so editors link it.</summary>
public sealed class ConsoleSummaryWriter : IReportWriter
{
    /// <inheritdoc />
    public string Format => "text";

    /// <inheritdoc />
    public string Extension => ".txt";

    /// <inheritdoc />
    public void Write(Report report, TextWriter output) => Write(report, output, maxFindings: null);

    /// <summary>
    /// The summary with at most <paramref name="maxFindings"/> findings listed (null: all), then how many more there are:
    /// next to a report file, a terminal or CI log needs the table and the first findings, not millions of lines.
    /// </summary>
    public static void Write(Report report, TextWriter output, int? maxFindings)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        output.NewLine = "\n";
        output.WriteLine($"Compliance as of {report.AsOf:yyyy-MM-dd}");
        output.WriteLine();
        var header = new[] { "Jurisdiction", "Violation", "Warning", "Indeterminate", "Waived", "Pass" };
        // Jurisdictions with nothing to say are left out of the terminal view (the reports keep them).
        var rows = report.ByJurisdiction.Where(kv => kv.Value != StatusCounts.Zero).Select(kv => new[]
        {
            kv.Key, Num(kv.Value.Violation), Num(kv.Value.Warning), Num(kv.Value.Indeterminate), Num(kv.Value.Waived), Num(kv.Value.Pass),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine(Row(header, widths));
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var r in rows) output.WriteLine(Row(r, widths));
        output.WriteLine();
        if (report.BaselineSuppressed > 0)
            output.WriteLine($"{report.BaselineSuppressed} finding(s) are in the baseline and do not fail this run.");
        foreach (var w in report.Waivers)
        {
            var state = w.NotYetApproved ? $"NOT YET APPROVED at {report.AsOf:yyyy-MM-dd} (approved {w.Approved:yyyy-MM-dd}), hides nothing" : w.Expired ? "EXPIRED, hides nothing" : w.Matched == 0 ? "unused" : $"waives {w.Matched}";
            var soon = w.ExpiresWithin(report.AsOf, 30) ? " (expires within 30 days)" : "";
            output.WriteLine($"Waiver {w.Name}: {state}; {w.RuleId} on {w.Subject} [{w.Jurisdiction}], expires {w.Expires:yyyy-MM-dd}{soon}, approved by {w.ApprovedBy} ({w.Ticket})");
        }
        if (report.BaselineSuppressed > 0 || !report.Waivers.IsEmpty) output.WriteLine();

        WriteCoverage(report, output, maxFindings);

        var shownFindings = ShownFindings.NotPasses(report.Findings);
        var shownCount = shownFindings.Count;
        if (shownCount == 0)
        {
            output.WriteLine(report.Coverage.NothingJudged
                ? "No findings, because nothing was judged: the estate is not known to comply."
                : "No violations, warnings or undecided checks.");
            return;
        }
        // Only the first few are listed next to a report file: pick them, do not sort them all. Every finding is listed:
        // sorted by keys (with each one's index). Either way each finding's fields are read (FindingList.FieldsOf: no
        // finding made where the report keeps rows), and the listed ones read again as they are written.
        var listed = maxFindings is { } max && max < shownCount ? FirstInListingOrder(shownFindings, max) : ListingOrder(shownFindings);
        foreach (var index in listed)
        {
            var f = report.Findings.FieldsOf(index);
            var baseline = f.BaselineState == BaselineState.Unchanged ? " (in baseline)" : "";
            output.WriteLine(
                $"{f.Subject.Location}: {f.Status.ToName()} {f.Severity.ToName()} [{f.Jurisdiction}] {f.RuleId} {f.Subject.Kind}/{f.Subject.Name} ({f.Citation}){baseline}");
            output.WriteLine($"    {f.Message}");
        }
        if (listed.Length < shownCount)
            output.WriteLine($"... and {shownCount - listed.Length} more violations, warnings and undecided checks (first {listed.Length} of {shownCount} listed).");
    }

    /// <summary>
    /// The first <paramref name="count"/> of <paramref name="findings"/> in <see cref="InListingOrder"/>, in that order,
    /// without sorting them all: each finding is compared with the last of the ones kept so far (ties keep the earlier,
    /// as the stable sort does).
    /// </summary>
    public static IReadOnlyList<Finding> FirstInListingOrder(IEnumerable<Finding> findings, int count)
    {
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var kept = new List<Finding>(count + 1);
        if (count == 0) return kept;
        foreach (var f in findings)
        {
            if (kept.Count == count && ListingComparer.Instance.Compare(f, kept[^1]) >= 0) continue;
            // After the last kept one that is not greater (equal ones stay first, as in a stable sort).
            var at = kept.Count;
            while (at > 0 && ListingComparer.Instance.Compare(f, kept[at - 1]) < 0) at--;
            kept.Insert(at, f);
            if (kept.Count > count) kept.RemoveAt(kept.Count - 1);
        }
        return kept;
    }

    /// <summary>What the listing's order is decided by (<see cref="ListingComparer"/>), with the finding's report index.</summary>
    private readonly record struct ListingKey(int Index, FindingSubject Subject, string Jurisdiction, string RuleId, IdKey Id)
    {
        public static ListingKey Of(ShownFindings shown, int k)
        {
            var f = shown.FieldsOf(k);
            return new ListingKey(shown.IndexOf(k), f.Subject, f.Jurisdiction, f.RuleId, IdKey.IdOf(f));
        }

        /// <summary>The listing's order, then the report's (so the order is that of a stable sort of the findings).</summary>
        public static int Compare(in ListingKey a, in ListingKey b)
        {
            var c = ListingComparer.Compare(a.Subject, a.Jurisdiction, a.RuleId, b.Subject, b.Jurisdiction, b.RuleId);
            if (c != 0) return c;
            c = a.Id.CompareTo(b.Id);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        }
    }

    /// <summary>The report indexes of <paramref name="shown"/> in <see cref="InListingOrder"/>, sorted by keys (no finding held or made).</summary>
    private static int[] ListingOrder(ShownFindings shown)
    {
        var keys = new ListingKey[shown.Count];
        for (var k = 0; k < keys.Length; k++) keys[k] = ListingKey.Of(shown, k);
        // Stable on ties, as the sort of findings was: the report order breaks them.
        Array.Sort(keys, (a, b) => ListingKey.Compare(a, b));
        return [.. keys.Select(k => k.Index)];
    }

    /// <summary>
    /// The report indexes of the first <paramref name="count"/> of <paramref name="shown"/> in <see cref="InListingOrder"/>, in
    /// that order, without sorting them all (as <see cref="FirstInListingOrder(IEnumerable{Finding}, int)"/>), from each
    /// finding's keys (no finding made where the report keeps rows).
    /// </summary>
    private static int[] FirstInListingOrder(ShownFindings shown, int count)
    {
        var kept = new List<ListingKey>(count + 1);
        if (count == 0) return [];
        for (var k = 0; k < shown.Count; k++)
        {
            var key = ListingKey.Of(shown, k);
            // Keys come in report order, so a tie with the last kept one keeps the kept one (a stable sort's order).
            if (kept.Count == count && ListingKey.Compare(key, kept[^1]) >= 0) continue;
            var at = kept.Count;
            while (at > 0 && ListingKey.Compare(key, kept[at - 1]) < 0) at--;
            kept.Insert(at, key);
            if (kept.Count > count) kept.RemoveAt(kept.Count - 1);
        }
        return [.. kept.Select(k => k.Index)];
    }

    /// <summary>The order of <see cref="InListingOrder"/> as one comparer.</summary>
    private sealed class ListingComparer : IComparer<Finding>
    {
        public static readonly ListingComparer Instance = new();

        public int Compare(Finding? a, Finding? b)
        {
            if (ReferenceEquals(a, b)) return 0;
            if (a is null) return -1;
            if (b is null) return 1;
            var c = Compare(a.Subject, a.Jurisdiction, a.RuleId, b.Subject, b.Jurisdiction, b.RuleId);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        }

        /// <summary>The listing's order of two findings given by what decides it before the id: subject's file and line, subject, jurisdiction, rule.</summary>
        public static int Compare(FindingSubject aSubject, string aJurisdiction, string aRule, FindingSubject bSubject, string bJurisdiction, string bRule)
        {
            var c = NaturalComparer.Instance.Compare(aSubject.Location.File, bSubject.Location.File);
            if (c != 0) return c;
            c = aSubject.Location.Line.CompareTo(bSubject.Location.Line);
            if (c != 0) return c;
            c = NaturalComparer.Instance.Compare(aSubject.Name, bSubject.Name);
            if (c != 0) return c;
            c = string.CompareOrdinal(aJurisdiction, bJurisdiction);
            if (c != 0) return c;
            return string.CompareOrdinal(aRule, bRule);
        }
    }

    /// <summary>
    /// The order of the terminal's listing, the order people read a listing in: by file and line, file names and names
    /// with numbers naturally (<c>f2</c> before <c>f100</c>), then jurisdiction, rule and id.
    /// </summary>
    public static IEnumerable<Finding> InListingOrder(IEnumerable<Finding> findings) =>
        findings.OrderBy(f => f.Subject.Location.File, NaturalComparer.Instance).ThenBy(f => f.Subject.Location.Line)
            .ThenBy(f => f.Subject.Name, NaturalComparer.Instance).ThenBy(f => f.Jurisdiction, StringComparer.Ordinal)
            .ThenBy(f => f.RuleId, StringComparer.Ordinal).ThenBy(f => f.Id, StringComparer.Ordinal);

    /// <summary>The gate, what each jurisdiction judged, and what nothing judged (at most <paramref name="max"/> of those).</summary>
    private static void WriteCoverage(Report report, TextWriter output, int? max)
    {
        output.WriteLine(CoverageText.Gate(report.Gate, report.Coverage.NothingJudged));
        output.WriteLine(CoverageText.Summary(report.Coverage));
        foreach (var line in CoverageText.Judged(report.Coverage)) output.WriteLine($"  {line}");
        var notJudged = report.Coverage.NotJudged;
        var listed = max is { } m && m < notJudged.Length ? notJudged.Take(m).ToList() : [.. notJudged];
        foreach (var item in listed) output.WriteLine(CoverageText.NotJudged(item));
        if (listed.Count < notJudged.Length) output.WriteLine($"... and {notJudged.Length - listed.Count} more documents not judged.");
        output.WriteLine();
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Row(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
}
