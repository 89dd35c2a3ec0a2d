using System.Globalization;
using System.Text.Json;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Reporting;

/// <summary>
/// The JSON report of design section 6 (a contract). Fields are written in a fixed order and findings are already
/// sorted, so identical inputs give identical bytes except <c>generatedAt</c>. Pass outcomes are counted, not listed.
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
            w.WriteString("schemaVersion", report.SchemaVersion);
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

            w.WriteStartArray("findings");
            foreach (var f in report.Findings.Where(f => f.Status != FindingStatus.Pass))
            {
                WriteFinding(w, f);
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

    private static void WriteFinding(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        w.WriteString("id", f.Id);
        w.WriteString("ruleId", f.RuleId);
        w.WriteString("title", f.RuleTitle);
        w.WriteString("jurisdiction", f.Jurisdiction);
        w.WriteString("severity", Model.Rules.SeverityNames.ToName(f.Severity));
        w.WriteString("status", f.Status.ToName());
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
        w.WriteString("message", f.Message);
        w.WriteString("remediation", f.Remediation);
        JsonText.WriteEvidence(w, f.Evidence);
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
