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

    /// <summary>
    /// How many threads render the long lists (findings, facts, documents not judged) at once; 1 renders them on the
    /// calling thread. The bytes are the same either way. Default: the processor count.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <inheritdoc />
    public void Write(Report report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var parallelism = MaxDegreeOfParallelism;
        JsonText.Write(output, (w, stream) =>
        {
            w.WriteStartObject();
            w.WriteString("schemaVersion", Report.CurrentSchemaVersion);
            w.WriteString("asOf", report.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("generatedAt", report.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteStartObject("tool");
            w.WriteString("name", "ComplianceEngine");
            w.WriteString("version", ToolInfo.Version);
            w.WriteEndObject();
            if (report.RuleSetVersion is { } ruleSet) w.WriteString("ruleSetVersion", ruleSet);
            else w.WriteNull("ruleSetVersion");

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

            // The facts table depends only on the findings: with more than one thread, it is worked out while the
            // gate, coverage, rules and estate are written (the same table, written at the same place).
            // The findings written, by index: each is read (made, when the report keeps rows) where it is used and dropped.
            var findings = ShownFindings.NotPasses(report.Findings);
            // The table's read of the findings also finds each rule's first finding (for rules); the estate's sites and
            // transfers are worked out from the findings at the same time. Both read each finding's fields
            // (FindingList.FieldsOf: from the row, when the report keeps rows), so a finding is made once, for its line.
            var table = parallelism > 1 ? Task.Run(() => FactTable.Build(findings, parallelism)) : null;
            var estate = parallelism > 1 ? Task.Run(() => EstateDiagram.Build(report, withFindingNames: false)) : null;

            WriteGate(w, report.Gate);
            WriteCoverage(w, stream, report.Coverage, parallelism);

            var facts = table is null ? FactTable.Build(findings, parallelism: 1) : table.GetAwaiter().GetResult();
            var rules = WriteRules(w, report, findings, facts.FirstOfRule);
            WriteEstate(w, stream, estate is null ? EstateDiagram.Build(report, withFindingNames: false) : estate.GetAwaiter().GetResult(), parallelism);

            JsonLines.Write(w, stream, "facts", facts.Entries.Count, (line, i) => WriteFact(line, facts.Entries[i]), parallelism);

            // Each finding on its own line: a finding's nested lists indented line by line made up a third of the bytes.
            // The lines are rendered in parallel chunks and written in order.
            // Each line is written from the finding's fields (FindingList.FieldsOf): where the report keeps rows, no finding
            // is made, the id and root cause are written from their numbers and the text from its templates and values.
            JsonLines.Write(w, stream, "findings", findings.Count, (line, i) =>
            {
                var f = findings.FieldsOf(i);
                WriteFinding(line, f, rules[f.RuleId], facts.Of(i));
            }, parallelism);

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
                w.WriteString("state", wv.State);
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
        w.WriteBoolean("nothingJudged", gate.NothingJudged);
        if (gate.NothingJudgedRelaxedBy is { } nothingRelaxed) w.WriteString("nothingJudgedRelaxedBy", nothingRelaxed);
        else w.WriteNull("nothingJudgedRelaxedBy");
        if (gate.Reason is { } reason) w.WriteString("reason", reason);
        else w.WriteNull("reason");
        w.WriteEndObject();
    }

    private static void WriteCoverage(Utf8JsonWriter w, Stream stream, Coverage coverage, int parallelism)
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

        var notJudged = coverage.NotJudged;
        JsonLines.Write(w, stream, "notJudged", notJudged.Length, (c, i) =>
        {
            var n = notJudged[i];
            c.Raw("{\"kind\":"u8);
            c.String(n.Kind);
            c.Raw(",\"name\":"u8);
            c.String(n.Name);
            c.Raw(",\"file\":"u8);
            c.String(n.Location.File);
            c.Raw(",\"line\":"u8);
            c.Number(n.Location.Line);
            c.Raw(",\"reason\":"u8);
            c.String(n.Reason);
            c.Raw((byte)'}');
        }, parallelism);
    }

    private static void WriteCounts(Utf8JsonWriter w, StatusCounts c)
    {
        w.WriteNumber("violation", c.Violation);
        w.WriteNumber("warning", c.Warning);
        w.WriteNumber("indeterminate", c.Indeterminate);
        w.WriteNumber("waived", c.Waived);
        w.WriteNumber("pass", c.Pass);
    }

    /// <summary>What stands for a finding's path in its message, remediation and evidence values.</summary>
    public const string PathToken = "{path}";

    /// <summary>What a finding writes only where it differs from its rule: its confidence (the remediation is for readers of <c>rules</c>).</summary>
    private sealed record RuleRow(string Confidence, string Remediation);

    /// <summary>
    /// The rules with findings (and any rule the report lists that a finding names): title, URL, confidence and
    /// remediation (the rule's, as written; every finding also writes its own).
    /// </summary>
    private static Dictionary<string, RuleRow> WriteRules(Utf8JsonWriter w, Report report, ShownFindings findings, IReadOnlyDictionary<string, int> firstOfRule)
    {
        // Each rule's first finding's fields, read again (only these).
        var fired = firstOfRule.ToDictionary(kv => kv.Key, kv => findings.FieldsOf(kv.Value), StringComparer.Ordinal);
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
    private static void WriteEstate(Utf8JsonWriter w, Stream stream, (IReadOnlyList<EstateDiagram.Site> Sites, IReadOnlyList<EstateDiagram.Transfer> Transfers) estate,
        int parallelism)
    {
        var (sites, transfers) = estate;
        w.WriteStartObject("estate");
        JsonLines.Write(w, stream, "sites", sites.Count, (c, i) =>
        {
            var s = sites[i];
            c.Raw("{\"name\":"u8);
            c.String(s.Name);
            c.Raw(",\"country\":"u8);
            c.String(s.Country);
            if (s.Placement is { } placement)
            {
                c.Raw(",\"placement\":"u8);
                c.String(placement.ToName());
            }
            if (s.Holds.Count > 0)
            {
                c.Raw(",\"holds\":["u8);
                var first = true;
                foreach (var store in s.Holds)
                {
                    if (!first) c.Raw((byte)',');
                    first = false;
                    c.String(store);
                }
                c.Raw((byte)']');
            }
            c.Raw((byte)'}');
        }, parallelism);
        JsonLines.Write(w, stream, "transfers", transfers.Count, (c, i) =>
        {
            var t = transfers[i];
            c.Raw("{\"from\":"u8);
            c.String(t.From);
            c.Raw(",\"to\":"u8);
            c.String(t.To);
            c.Raw(",\"worst\":"u8);
            c.String(t.Worst.ToName());
            c.Raw(",\"findings\":"u8);
            c.Number(t.Count);
            c.Raw((byte)'}');
        }, parallelism);
        w.WriteEndObject();
    }

    /// <summary>
    /// One entry of <c>facts</c>: what the fact is, its value (<c>{path}</c> for the citing finding's path) and where it was
    /// declared: <c>atSubject</c> (the citing finding's subject file and line), or <c>file</c> and <c>line</c>, or neither
    /// where it is not known.
    /// </summary>
    private static void WriteFact(JsonLine w, FactTable.Fact fact)
    {
        w.Raw("{\"fact\":"u8);
        w.String(fact.Name);
        w.Raw(",\"value\":"u8);
        w.String(fact.Value);
        if (fact.AtSubject) w.Raw(",\"atSubject\":true"u8);
        else if (fact.File is { } file)
        {
            w.Raw(",\"file\":"u8);
            w.String(file);
            w.Raw(",\"line\":"u8);
            w.Number(fact.Line);
        }
        w.Raw((byte)'}');
    }

    /// <summary>One finding, compact (the fields of design section 6 first, in a fixed order).</summary>
    private static void WriteFinding(JsonLine w, in FindingFields f, RuleRow rule, int[] evidence)
    {
        w.Raw("{\"id\":"u8);
        var numbered = f.TryGetIdNumbers(out var id, out var root);
        if (numbered) w.Hex16(id);
        else w.String(f.Id);
        w.Raw(",\"ruleId\":"u8);
        w.String(f.RuleId);
        w.Raw(",\"jurisdiction\":"u8);
        w.String(f.Jurisdiction);
        w.Raw(",\"severity\":"u8);
        w.String(Model.Rules.SeverityNames.ToName(f.Severity));
        w.Raw(",\"status\":"u8);
        w.String(f.Status.ToName());
        if (numbered)
        {
            if (root != id)
            {
                w.Raw(",\"rootCause\":"u8);
                w.Hex16(root);
            }
        }
        else if (f.RootCause is { } rootText && rootText != f.Id)
        {
            w.Raw(",\"rootCause\":"u8);
            w.String(rootText);
        }
        var subject = f.Subject;
        w.Raw(",\"subject\":{\"kind\":"u8);
        w.String(subject.Kind);
        w.Raw(",\"name\":"u8);
        w.String(subject.Name);
        w.Raw(",\"file\":"u8);
        w.String(subject.Location.File);
        w.Raw(",\"line\":"u8);
        w.Number(subject.Location.Line);
        w.Raw(",\"column\":"u8);
        w.Number(subject.Location.Column);
        if (subject.Location.Pointer is { } pointer)
        {
            w.Raw(",\"pointer\":"u8);
            w.String(pointer);
        }
        w.Raw("},\"path\":["u8);
        var path = f.Path;
        for (var i = 0; i < path.Length; i++)
        {
            if (i > 0) w.Raw((byte)',');
            w.String(path[i]);
        }
        w.Raw("],\"citation\":"u8);
        w.String(f.Citation);
        if (f.Confidence != rule.Confidence)
        {
            w.Raw(",\"confidence\":"u8);
            w.String(f.Confidence);
        }
        // The message and remediation straight from their templates where they are rendered from them (no text built).
        var (message, remediation) = (f.MessageTemplate, f.RemediationTemplate);
        w.Raw(",\"message\":"u8);
        if (message is null || !JsonTemplateText.TryWrite(w, message, f.Values, 0, PathToken)) w.String(f.MessageWithPathToken(PathToken));
        w.Raw(",\"remediation\":"u8);
        if (message is null || remediation is null || !JsonTemplateText.TryWrite(w, remediation, f.Values, message.Placeholders.Count, PathToken))
            w.String(f.RemediationWithPathToken(PathToken));
        w.Raw(",\"evidence\":["u8);
        for (var i = 0; i < evidence.Length; i++)
        {
            if (i > 0) w.Raw((byte)',');
            w.Number(evidence[i]);
        }
        w.Raw((byte)']');
        if (f.BaselineState != BaselineState.None)
        {
            w.Raw(",\"baselineState\":"u8);
            w.String(f.BaselineState == BaselineState.New ? "new" : "unchanged");
        }
        if (f.WaiverName is not null)
        {
            w.Raw(",\"waiver\":{\"name\":"u8);
            w.String(f.WaiverName);
            w.Raw(",\"justification\":"u8);
            w.String(f.WaiverJustification);
            w.Raw((byte)'}');
        }
        w.Raw((byte)'}');
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
