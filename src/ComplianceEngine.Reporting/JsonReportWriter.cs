using System.Buffers;
using System.Globalization;
using System.Text.Json;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Reporting;

/// <summary>
/// The JSON report of design section 6 (a contract), schema version <see cref="Report.CurrentSchemaVersion"/>
/// (docs/report.schema.json). Fields are written in a fixed order and findings are already sorted, so identical inputs
/// give identical bytes except <c>generatedAt</c>. Pass outcomes are counted, not listed. The writer streams: each
/// finding is written on its own line and flushed before the next is read.
/// <para>
/// Schema 2: each finding carries <c>rootCause</c> (findings with the same value share a root cause) and writes its path
/// once, in <c>path</c>: in its <c>message</c>, <c>remediation</c> and evidence values, <c>{path}</c> stands for the path's
/// names joined with <c>" -> "</c>. Rule titles, URLs and confidence are in <c>rules</c> (the rules with findings);
/// <c>estate</c> lists the sites and transfers the findings name.
/// </para>
/// <para>
/// Schema 3 keeps every contract field of every finding and writes nothing twice: a finding's <c>evidence</c> is a list
/// of indexes into the top-level <c>facts</c> table (each distinct fact, value and location once; a fact declared on the
/// citing finding's subject line says <c>atSubject</c> instead of repeating the file and line); its
/// <c>remediation</c> is always its own text (with <c>{path}</c> for the path), so a reader of the contract field gets the
/// fix without looking anything up; <c>confidence</c> is written only where it differs from its rule's and <c>rootCause</c> only where it differs from
/// the finding's <c>id</c>. Findings, facts, sites, transfers and documents not judged are written one per line.
/// The table of facts is worked out before the findings are written: memory grows with the distinct facts (tens of
/// thousands at 100,000 flows), not with the report's text.
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

            var findings = report.Findings.Where(f => f.Status != FindingStatus.Pass).ToList();
            var rules = WriteRules(w, report, findings);
            WriteEstate(w, report);

            var line = new ArrayBufferWriter<byte>(4096);
            using var compact = new Utf8JsonWriter(line, CompactOptions);
            var facts = FactTable.Build(findings);
            WriteLines(w, "facts", facts.Entries, line, compact, WriteFact);

            // Each finding on its own line: a finding's nested lists indented line by line made up a third of the bytes.
            var at = 0;
            WriteLines(w, "findings", findings, line, compact, (c, f) => WriteFinding(c, f, rules[f.RuleId], facts.Of(at++)));

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

        var line = new ArrayBufferWriter<byte>(1024);
        using var compact = new Utf8JsonWriter(line, CompactOptions);
        WriteLines(w, "notJudged", coverage.NotJudged, line, compact, static (c, n) =>
        {
            c.WriteStartObject();
            c.WriteString("kind", n.Kind);
            c.WriteString("name", n.Name);
            c.WriteString("file", n.Location.File);
            c.WriteNumber("line", n.Location.Line);
            c.WriteString("reason", n.Reason);
            c.WriteEndObject();
        });
    }

    /// <summary>
    /// Writes <paramref name="items"/> as the array <paramref name="name"/>, each item compact on a line of its own, and
    /// flushes now and then so a long list never sits in memory as text.
    /// </summary>
    private static void WriteLines<T>(Utf8JsonWriter w, string name, IEnumerable<T> items, ArrayBufferWriter<byte> line, Utf8JsonWriter compact,
        Action<Utf8JsonWriter, T> write)
    {
        w.WriteStartArray(name);
        var itemBreak = ItemBreaks[Math.Min(w.CurrentDepth, ItemBreaks.Length - 1)];
        foreach (var item in items)
        {
            line.ResetWrittenCount();
            line.Write(itemBreak);
            compact.Reset(line);
            write(compact, item);
            compact.Flush();
            w.WriteRawValue(line.WrittenSpan, skipInputValidation: true);
            if (w.BytesPending > 64 * 1024) w.Flush();
        }
        w.WriteEndArray();
    }

    // What goes before each item of a list written one item per line, by the list's depth: a line break and the indentation.
    private static readonly byte[][] ItemBreaks = [.. Enumerable.Range(0, 8).Select(depth => System.Text.Encoding.ASCII.GetBytes("\n" + new string(' ', depth * 2)))];

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

    /// <summary>What a finding writes only where it differs from its rule: its confidence (the remediation is for readers of <c>rules</c>).</summary>
    private sealed record RuleRow(string Confidence, string Remediation);

    /// <summary>
    /// The rules with findings (and any rule the report lists that a finding names): title, URL, confidence and
    /// remediation (the rule's, as written; every finding also writes its own).
    /// </summary>
    private static Dictionary<string, RuleRow> WriteRules(Utf8JsonWriter w, Report report, List<Finding> findings)
    {
        var fired = new Dictionary<string, Finding>(StringComparer.Ordinal);
        foreach (var f in findings) fired.TryAdd(f.RuleId, f);
        var listed = report.Rules.Where(r => fired.ContainsKey(r.Id)).GroupBy(r => r.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First());
        var rows = new Dictionary<string, RuleRow>(StringComparer.Ordinal);
        w.WriteStartArray("rules");
        foreach (var id in fired.Keys.Order(StringComparer.Ordinal))
        {
            var f = fired[id];
            var r = listed.GetValueOrDefault(id);
            var row = new RuleRow(r?.Confidence ?? f.Confidence, r?.Remediation ?? f.RemediationWithPathToken(PathToken));
            rows.Add(id, row);
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("title", r?.Title ?? f.RuleTitle);
            w.WriteString("jurisdiction", r?.Jurisdiction ?? f.Jurisdiction);
            w.WriteString("severity", r?.Severity ?? f.Severity.ToName());
            w.WriteString("citation", r?.Citation ?? f.Citation);
            if (r?.Url is { } url) w.WriteString("url", url);
            else w.WriteNull("url");
            w.WriteString("confidence", row.Confidence);
            w.WriteString("remediation", row.Remediation);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        return rows;
    }

    /// <summary>The sites the findings name (with country and the stores they hold) and the transfers between them, with the worst outcome.</summary>
    private static void WriteEstate(Utf8JsonWriter w, Report report)
    {
        var (sites, transfers) = EstateDiagram.Build(report);
        var line = new ArrayBufferWriter<byte>(1024);
        using var compact = new Utf8JsonWriter(line, CompactOptions);
        w.WriteStartObject("estate");
        WriteLines(w, "sites", sites, line, compact, static (c, s) =>
        {
            c.WriteStartObject();
            c.WriteString("name", s.Name);
            if (s.Country is { } country) c.WriteString("country", country);
            else c.WriteNull("country");
            if (s.Placement is { } placement) c.WriteString("placement", placement.ToName());
            if (s.Holds.Count > 0)
            {
                c.WriteStartArray("holds");
                foreach (var store in s.Holds) c.WriteStringValue(store);
                c.WriteEndArray();
            }
            c.WriteEndObject();
        });
        WriteLines(w, "transfers", transfers, line, compact, static (c, t) =>
        {
            c.WriteStartObject();
            c.WriteString("from", t.From);
            c.WriteString("to", t.To);
            c.WriteString("worst", t.Worst.ToName());
            c.WriteNumber("findings", t.Count);
            c.WriteEndObject();
        });
        w.WriteEndObject();
    }

    /// <summary>
    /// One entry of <c>facts</c>: what the fact is, its value (<c>{path}</c> for the citing finding's path) and where it was
    /// declared: <c>atSubject</c> (the citing finding's subject file and line), or <c>file</c> and <c>line</c>, or neither
    /// where it is not known.
    /// </summary>
    private static void WriteFact(Utf8JsonWriter w, FactTable.Fact fact)
    {
        w.WriteStartObject();
        w.WriteString("fact", fact.Name);
        w.WriteString("value", fact.Value);
        if (fact.AtSubject) w.WriteBoolean("atSubject", true);
        else if (fact.File is { } file)
        {
            w.WriteString("file", file);
            w.WriteNumber("line", fact.Line);
        }
        w.WriteEndObject();
    }

    private static void WriteFinding(Utf8JsonWriter w, Finding f, RuleRow rule, int[] evidence)
    {
        w.WriteStartObject();
        w.WriteString("id", f.Id);
        w.WriteString("ruleId", f.RuleId);
        w.WriteString("jurisdiction", f.Jurisdiction);
        w.WriteString("severity", Model.Rules.SeverityNames.ToName(f.Severity));
        w.WriteString("status", f.Status.ToName());
        if (f.RootCause is { } root && root != f.Id) w.WriteString("rootCause", root);
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
        if (f.Confidence != rule.Confidence) w.WriteString("confidence", f.Confidence);
        w.WriteString("message", f.MessageWithPathToken(PathToken));
        w.WriteString("remediation", f.RemediationWithPathToken(PathToken));
        w.WriteStartArray("evidence");
        foreach (var i in evidence) w.WriteNumberValue(i);
        w.WriteEndArray();
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
