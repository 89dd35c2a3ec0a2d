using System.Globalization;
using System.Text;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Reporting;

/// <summary>
/// One row per finding, for spreadsheets: RFC 4180 quoting (a field with a comma, quote, CR or LF is quoted and its
/// quotes doubled), a header row, UTF-8 without a byte order mark. Records end with <c>"\n"</c>, like every other
/// output of the tool (RFC 4180 says CRLF; spreadsheets and CSV libraries read both); a quoted field may hold line
/// breaks, normalised to <c>"\n"</c>. A text cell that starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c> or a tab is
/// prefixed with a single quote so that a spreadsheet shows it instead of running it as a formula (CSV injection).
/// The path is joined with <c>" &gt; "</c>; the <c>waiver</c> column names the waiver of a waived finding.
/// </summary>
public sealed class CsvReportWriter : IReportWriter
{
    /// <summary>The header row, in column order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "id", "jurisdiction", "ruleId", "severity", "status", "subjectKind", "subjectName", "file", "line", "path", "citation", "message",
        "remediation", "waiver",
    ];

    /// <inheritdoc />
    public string Format => "csv";

    /// <inheritdoc />
    public string Extension => ".csv";

    /// <inheritdoc />
    public void Write(Report report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        output.Write(string.Join(',', Columns));
        output.Write('\n');
        foreach (var f in report.Findings)
        {
            var cells = new[]
            {
                Text(f.Id), Text(f.Jurisdiction), Text(f.RuleId), Text(f.Severity.ToName()), Text(f.Status.ToName()),
                Text(f.Subject.Kind), Text(f.Subject.Name), Text(f.Subject.Location.File),
                f.Subject.Location.Line > 0 ? f.Subject.Location.Line.ToString(CultureInfo.InvariantCulture) : "",
                Text(string.Join(" > ", f.Path)), Text(f.Citation), Text(f.Message), Text(f.Remediation), Text(f.WaiverName ?? ""),
            };
            output.Write(string.Join(',', cells));
            output.Write('\n');
        }
    }

    /// <summary>A text cell: guarded against formula injection, then quoted if needed.</summary>
    public static string Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.ReplaceLineEndings("\n");
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t') text = "'" + text;
        return Quote(text);
    }

    /// <summary>RFC 4180: quoted when the field holds a comma, a quote or a line break; quotes doubled.</summary>
    public static string Quote(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0) return field;
        var sb = new StringBuilder(field.Length + 8).Append('"');
        foreach (var c in field)
        {
            if (c == '"') sb.Append('"');
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
