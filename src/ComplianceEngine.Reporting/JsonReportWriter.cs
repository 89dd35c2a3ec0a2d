using System.Buffers;
using System.Globalization;
using System.Text.Json;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Reporting;

/// <summary>
/// The JSON report of design section 6 (a contract), schema version <see cref="Report.CurrentSchemaVersion"/>. Fields are
/// written in a fixed order and findings are already sorted, so identical inputs give identical bytes except
/// <c>generatedAt</c>. Pass outcomes are counted, not listed. The writer streams: each finding is written (on one line)
/// and flushed before the next is read.
/// <para>
/// Schema 2: each finding carries <c>rootCause</c> (findings with the same value share a root cause) and writes its path
/// once, in <c>path</c>: in its <c>message</c>, <c>remediation</c> and evidence values, <c>{path}</c> stands for the path's
/// names joined with <c>" -> "</c>. Rule titles, URLs and confidence are in <c>rules</c> (the rules with findings);
/// <c>estate</c> lists the sites and transfers the findings name.
/// </para>
/// </summary>
public sealed class JsonReportWriter : IReportWriter
{
    /// <inheritdoc />
    public string Format => "json";

    /// <inheritdoc />
    public string Extension => ".json";

    /// <inheritdoc />
    public void Write(Report report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        JsonText.Write(output, w =>
        {
            w.WriteStartObject();
            w.WriteString("schemaVersion", Report.CurrentSchemaVersion);
            w.WriteString("asOf", report.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("generatedAt", report.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteStartObject("tool");
            w.WriteString("name", "ComplianceEngine");
            w.WriteString("version", ToolInfo.Version);
            w.WriteEndObject();

            w.WriteStartObject("summary");
            w.WriteStartObject("byJurisdiction");
            foreach (var (jurisdiction, counts) in report.ByJurisdiction)
            {
                w.WriteStartObject(jurisdiction);
                WriteCounts(w, counts);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartObject("total");
            WriteCounts(w, report.ByJurisdiction.Values.Aggregate(StatusCounts.Zero, (a, b) =>
                new StatusCounts(a.Violation + b.Violation, a.Warning + b.Warning, a.Indeterminate + b.Indeterminate, a.Waived + b.Waived, a.Pass + b.Pass)));
            w.WriteEndObject();
            w.WriteNumber("baselineSuppressed", report.BaselineSuppressed);
            w.WriteEndObject();

            WriteGate(w, report.Gate);
            WriteCoverage(w, report.Coverage);

            WriteRules(w, report);
            WriteEstate(w, report);

            // Each finding on one line: a finding's nested lists indented line by line made up a third of the bytes.
            var line = new ArrayBufferWriter<byte>(4096);
            using var compact = new Utf8JsonWriter(line, CompactOptions);
            w.WriteStartArray("findings");
            foreach (var f in report.Findings.Where(f => f.Status != FindingStatus.Pass))
            {
                line.ResetWrittenCount();
                compact.Reset(line);
                WriteFinding(compact, f);
                compact.Flush();
                w.WriteRawValue(line.WrittenSpan, skipInputValidation: true);
                if (w.BytesPending > 64 * 1024) w.Flush();
            }
            w.WriteEndArray();

            w.WriteStartArray("waivers");
            foreach (var wv in report.Waivers)
            {
                w.WriteStartObject();
                w.WriteString("name", wv.Name);
                w.WriteString("ruleId", wv.RuleId);
                w.WriteString("subject", wv.Subject);
                w.WriteString("jurisdiction", wv.Jurisdiction);
                w.WriteString("expires", wv.Expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteString("approvedBy", wv.ApprovedBy);
                w.WriteString("ticket", wv.Ticket);
                w.WriteString("justification", wv.Justification);
                w.WriteString("state", wv.Expired ? "expired" : wv.Matched == 0 ? "unused" : "active");
                w.WriteNumber("matched", wv.Matched);
                w.WriteString("file", wv.Location.File);
                w.WriteNumber("line", wv.Location.Line);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("diagnostics");
            foreach (var d in report.Diagnostics) WriteDiagnostic(w, d);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void WriteGate(Utf8JsonWriter w, Gate gate)
    {
        w.WriteStartObject("gate");
        w.WriteString("failOn", gate.FailOn);
        w.WriteBoolean("failOnIndeterminate", gate.FailOnIndeterminate);
        if (gate.RelaxedBy is { } relaxed) w.WriteString("relaxedBy", relaxed);
        else w.WriteNull("relaxedBy");
        w.WriteNumber("failing", gate.FailingFindings);
        w.WriteString("result", gate.Failed ? "fail" : "pass");
        w.WriteEndObject();
    }

    private static void WriteCoverage(Utf8JsonWriter w, Coverage coverage)
    {
        w.WriteStartObject("coverage");
        w.WriteStartObject("documents");
        w.WriteNumber("clusters", coverage.Documents.Clusters);
        w.WriteNumber("stores", coverage.Documents.Stores);
        w.WriteNumber("flows", coverage.Documents.Flows);
        w.WriteNumber("recipients", coverage.Documents.Recipients);
        w.WriteEndObject();
        w.WriteBoolean("nothingJudged", coverage.NothingJudged);
        w.WriteStartObject("byJurisdiction");
        foreach (var (jurisdiction, c) in coverage.ByJurisdiction)
        {
            w.WriteStartObject(jurisdiction);
            w.WriteNumber("stores", c.Stores);
            w.WriteNumber("flows", c.Flows);
            w.WriteNumber("placements", c.Placements);
            w.WriteStartObject("transfers");
            w.WriteNumber("declared", c.DeclaredTransfers);
            w.WriteNumber("implied", c.ImpliedTransfers);
            w.WriteNumber("onward", c.OnwardTransfers);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("notJudged");
        foreach (var n in coverage.NotJudged)
        {
            w.WriteStartObject();
            w.WriteString("kind", n.Kind);
            w.WriteString("name", n.Name);
            w.WriteString("file", n.Location.File);
            w.WriteNumber("line", n.Location.Line);
            w.WriteString("reason", n.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteCounts(Utf8JsonWriter w, StatusCounts c)
    {
        w.WriteNumber("violation", c.Violation);
        w.WriteNumber("warning", c.Warning);
        w.WriteNumber("indeterminate", c.Indeterminate);
        w.WriteNumber("waived", c.Waived);
        w.WriteNumber("pass", c.Pass);
    }

    private static readonly JsonWriterOptions CompactOptions = new()
    {
        Indented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>What stands for a finding's path in its message, remediation and evidence values.</summary>
    public const string PathToken = "{path}";

    /// <summary>The rules with findings (and any rule the report lists that a finding names): title, URL, confidence.</summary>
    private static void WriteRules(Utf8JsonWriter w, Report report)
    {
        var fired = report.Findings.Where(f => f.Status != FindingStatus.Pass).GroupBy(f => f.RuleId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var listed = report.Rules.Where(r => fired.ContainsKey(r.Id)).GroupBy(r => r.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First());
        w.WriteStartArray("rules");
        foreach (var id in fired.Keys.Order(StringComparer.Ordinal))
        {
            var f = fired[id];
            var r = listed.GetValueOrDefault(id);
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("title", r?.Title ?? f.RuleTitle);
            w.WriteString("jurisdiction", r?.Jurisdiction ?? f.Jurisdiction);
            w.WriteString("severity", r?.Severity ?? f.Severity.ToName());
            w.WriteString("citation", r?.Citation ?? f.Citation);
            if (r?.Url is { } url) w.WriteString("url", url);
            else w.WriteNull("url");
            w.WriteString("confidence", r?.Confidence ?? f.Confidence);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>The sites the findings name (with country and the stores they hold) and the transfers between them, with the worst outcome.</summary>
    private static void WriteEstate(Utf8JsonWriter w, Report report)
    {
        var (sites, transfers) = EstateDiagram.Build(report);
        w.WriteStartObject("estate");
        w.WriteStartArray("sites");
        foreach (var s in sites)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            if (s.Country is { } country) w.WriteString("country", country);
            else w.WriteNull("country");
            if (s.Placement is { } placement) w.WriteString("placement", placement.ToName());
            if (s.Holds.Count > 0)
            {
                w.WriteStartArray("holds");
                foreach (var store in s.Holds) w.WriteStringValue(store);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("transfers");
        foreach (var t in transfers)
        {
            w.WriteStartObject();
            w.WriteString("from", t.From);
            w.WriteString("to", t.To);
            w.WriteString("worst", t.Worst.ToName());
            w.WriteNumber("findings", t.Count);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteFinding(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        w.WriteString("id", f.Id);
        w.WriteString("ruleId", f.RuleId);
        w.WriteString("jurisdiction", f.Jurisdiction);
        w.WriteString("severity", Model.Rules.SeverityNames.ToName(f.Severity));
        w.WriteString("status", f.Status.ToName());
        w.WriteString("rootCause", f.RootCause ?? f.Id);
        w.WriteStartObject("subject");
        w.WriteString("kind", f.Subject.Kind);
        w.WriteString("name", f.Subject.Name);
        w.WriteString("file", f.Subject.Location.File);
        w.WriteNumber("line", f.Subject.Location.Line);
        w.WriteNumber("column", f.Subject.Location.Column);
        if (f.Subject.Location.Pointer is { } pointer) w.WriteString("pointer", pointer);
        w.WriteEndObject();
        w.WriteStartArray("path");
        foreach (var p in f.Path) w.WriteStringValue(p);
        w.WriteEndArray();
        w.WriteString("citation", f.Citation);
        w.WriteString("confidence", f.Confidence);
        w.WriteString("message", f.MessageWithPathToken(PathToken));
        w.WriteString("remediation", f.RemediationWithPathToken(PathToken));
        var pathText = f.Path.IsDefaultOrEmpty || f.Path.Length < 2 ? null : string.Join(" -> ", f.Path);
        JsonText.WriteEvidence(w, f.Evidence, pathText is null ? null : v => v.Replace(pathText, PathToken, StringComparison.Ordinal));
        if (f.BaselineState != BaselineState.None) w.WriteString("baselineState", f.BaselineState == BaselineState.New ? "new" : "unchanged");
        if (f.WaiverName is not null)
        {
            w.WriteStartObject("waiver");
            w.WriteString("name", f.WaiverName);
            w.WriteString("justification", f.WaiverJustification);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void WriteDiagnostic(Utf8JsonWriter w, Diagnostic d)
    {
        w.WriteStartObject();
        w.WriteString("code", d.Code);
        w.WriteString("severity", d.SeverityText);
        w.WriteString("message", d.Message);
        w.WriteString("file", d.Location.File);
        w.WriteNumber("line", d.Location.Line);
        w.WriteNumber("column", d.Location.Column);
        w.WriteEndObject();
    }
}
