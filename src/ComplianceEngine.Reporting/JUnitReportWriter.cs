using System.Globalization;
using System.Text;
using System.Xml;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Reporting;

/// <summary>
/// JUnit XML (the Ant schema CI servers read): a test suite per jurisdiction and a test case per rule and subject.
/// A violation is a <c>failure</c>, an indeterminate check an <c>error</c> (it could not be evaluated), a waived one is
/// <c>skipped</c> with the justification; warnings and passes pass, warnings also listed in the suite's
/// <c>system-out</c> (the schema has no per-case output). Pass cases appear when the report lists passes.
/// </summary>
public sealed class JUnitReportWriter : IReportWriter
{
    /// <inheritdoc />
    public string Format => "junit";

    /// <inheritdoc />
    public string Extension => ".xml";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
        NewLineHandling = NewLineHandling.Entitize,
    };

    /// <inheritdoc />
    public void Write(Report report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        // One read of the findings: each jurisdiction's findings by index, with its counts (a suite's attributes come
        // before its cases); each finding is read again only when its case is written.
        var suites = new Dictionary<string, Suite>(StringComparer.Ordinal);
        Suite? last = null;
        for (var i = 0; i < report.Findings.Count; i++)
        {
            var f = report.Findings.FieldsOf(i);
            if (last is null || !string.Equals(last.Jurisdiction, f.Jurisdiction, StringComparison.Ordinal))
            {
                if (!suites.TryGetValue(f.Jurisdiction, out last)) suites[f.Jurisdiction] = last = new Suite(f.Jurisdiction);
            }
            last.Add(i, f.Status);
        }
        var jurisdictions = report.ByJurisdiction.Keys.Union(suites.Keys)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // The schema's timestamp has no zone: always UTC.
        var timestamp = report.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);

        // Streamed: the XML is encoded to UTF-8 in the writer's buffer and decoded onto the output as it fills.
        using var stream = new JsonText.TextWriterStream(output);
        using (var w = XmlWriter.Create(stream, Settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("testsuites");
            var id = 0;
            foreach (var jurisdiction in jurisdictions)
            {
                var suite = suites.GetValueOrDefault(jurisdiction) ?? new Suite(jurisdiction);
                w.WriteStartElement("testsuite");
                w.WriteAttributeString("name", Clean(jurisdiction));
                w.WriteAttributeString("package", Clean($"ComplianceEngine.{jurisdiction}"));
                w.WriteAttributeString("id", Num(id++));
                w.WriteAttributeString("timestamp", timestamp);
                w.WriteAttributeString("hostname", "localhost");
                w.WriteAttributeString("tests", Num(suite.Indexes.Count));
                w.WriteAttributeString("failures", Num(suite.Violations));
                w.WriteAttributeString("errors", Num(suite.Indeterminate));
                w.WriteAttributeString("skipped", Num(suite.Waived));
                w.WriteAttributeString("time", "0");

                w.WriteStartElement("properties");
                Property(w, "asOf", report.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                Property(w, "jurisdiction", jurisdiction);
                Property(w, "tool", $"ComplianceEngine {ToolInfo.Version}");
                var counts = report.ByJurisdiction.GetValueOrDefault(jurisdiction, StatusCounts.Zero);
                Property(w, "count.violation", Num(counts.Violation));
                Property(w, "count.warning", Num(counts.Warning));
                Property(w, "count.indeterminate", Num(counts.Indeterminate));
                Property(w, "count.waived", Num(counts.Waived));
                Property(w, "count.pass", Num(counts.Pass));
                var judged = report.Coverage.ByJurisdiction.GetValueOrDefault(jurisdiction, CoverageCounts.Zero);
                Property(w, "coverage.stores", Num(judged.Stores));
                Property(w, "coverage.flows", Num(judged.Flows));
                Property(w, "coverage.placements", Num(judged.Placements));
                Property(w, "coverage.transfers.declared", Num(judged.DeclaredTransfers));
                Property(w, "coverage.transfers.implied", Num(judged.ImpliedTransfers));
                Property(w, "coverage.transfers.onward", Num(judged.OnwardTransfers));
                w.WriteEndElement();

                foreach (var i in suite.Indexes) WriteCase(w, report.Findings[i]);

                if (suite.Warnings.Count == 0) w.WriteElementString("system-out", "");
                else
                {
                    w.WriteStartElement("system-out");
                    foreach (var f in suite.Warnings.Select(i => report.Findings[i]))
                        w.WriteString(Clean($"WARNING {CaseName(f)} at {f.Subject.Location}: {f.Message}\n  citation: {f.Citation}\n  remediation: {f.Remediation}\n"));
                    w.WriteEndElement();
                }
                w.WriteElementString("system-err", "");
                w.WriteEndElement();
            }
            WriteCoverageSuite(w, report, id, timestamp);
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        output.Write('\n');
    }

    /// <summary>One jurisdiction's findings by report index, with what its suite counts.</summary>
    private sealed class Suite(string jurisdiction)
    {
        public string Jurisdiction { get; } = jurisdiction;
        public List<int> Indexes { get; } = [];
        public List<int> Warnings { get; } = [];
        public int Violations { get; private set; }
        public int Indeterminate { get; private set; }
        public int Waived { get; private set; }

        public void Add(int index, FindingStatus status)
        {
            Indexes.Add(index);
            switch (status)
            {
                case FindingStatus.Violation: Violations++; break;
                case FindingStatus.Indeterminate: Indeterminate++; break;
                case FindingStatus.Waived: Waived++; break;
                case FindingStatus.Warning: Warnings.Add(index); break;
            }
        }
    }

    /// <summary>
    /// The suite <c>coverage</c>: a skipped case per document nothing judged, with the reason, and an error case when
    /// nothing at all was judged (a run that judged nothing is not a pass).
    /// </summary>
    private static void WriteCoverageSuite(XmlWriter w, Report report, int id, string timestamp)
    {
        var coverage = report.Coverage;
        var nothing = coverage.NothingJudged ? 1 : 0;
        w.WriteStartElement("testsuite");
        w.WriteAttributeString("name", "coverage");
        w.WriteAttributeString("package", "ComplianceEngine.coverage");
        w.WriteAttributeString("id", Num(id));
        w.WriteAttributeString("timestamp", timestamp);
        w.WriteAttributeString("hostname", "localhost");
        w.WriteAttributeString("tests", Num(coverage.NotJudged.Length + nothing));
        w.WriteAttributeString("failures", "0");
        w.WriteAttributeString("errors", Num(nothing));
        w.WriteAttributeString("skipped", Num(coverage.NotJudged.Length));
        w.WriteAttributeString("time", "0");
        w.WriteStartElement("properties");
        Property(w, "gate", CoverageText.Gate(report.Gate, report.Coverage.NothingJudged));
        Property(w, "coverage", CoverageText.Summary(coverage));
        w.WriteEndElement();
        if (coverage.NothingJudged)
        {
            w.WriteStartElement("testcase");
            w.WriteAttributeString("name", "something was judged");
            w.WriteAttributeString("classname", "coverage");
            w.WriteAttributeString("time", "0");
            w.WriteStartElement("error");
            w.WriteAttributeString("message", Clean(CoverageText.Summary(coverage)));
            w.WriteAttributeString("type", "nothing-judged");
            w.WriteEndElement();
            w.WriteEndElement();
        }
        foreach (var n in coverage.NotJudged)
        {
            w.WriteStartElement("testcase");
            w.WriteAttributeString("name", Clean($"not judged {n.Reference}"));
            w.WriteAttributeString("classname", "coverage");
            w.WriteAttributeString("time", "0");
            w.WriteStartElement("skipped");
            w.WriteAttributeString("message", Clean(n.Reason));
            w.WriteString(Clean(CoverageText.NotJudged(n)));
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteElementString("system-out", "");
        w.WriteElementString("system-err", "");
        w.WriteEndElement();
    }

    /// <summary><c>RULE-ID Kind/name [a &gt; b &gt; c]</c>: unique per rule, subject and path.</summary>
    public static string CaseName(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return $"{finding.RuleId} {finding.Subject.Reference}{(finding.Path.IsDefaultOrEmpty ? "" : $" [{string.Join(" > ", finding.Path)}]")}";
    }

    private static void WriteCase(XmlWriter w, Finding f)
    {
        w.WriteStartElement("testcase");
        w.WriteAttributeString("name", Clean(CaseName(f)));
        w.WriteAttributeString("classname", Clean($"{f.Jurisdiction}.{f.RuleId}"));
        w.WriteAttributeString("time", "0");
        switch (f.Status)
        {
            case FindingStatus.Violation:
                w.WriteStartElement("failure");
                w.WriteAttributeString("message", Clean(f.Message));
                w.WriteAttributeString("type", f.Severity.ToName());
                w.WriteString(Clean(Body(f)));
                w.WriteEndElement();
                break;
            case FindingStatus.Indeterminate:
                w.WriteStartElement("error");
                w.WriteAttributeString("message", Clean(f.Message));
                w.WriteAttributeString("type", "indeterminate");
                w.WriteString(Clean(Body(f)));
                w.WriteEndElement();
                break;
            case FindingStatus.Waived:
                w.WriteStartElement("skipped");
                w.WriteAttributeString("message", Clean(f.WaiverJustification ?? "waived"));
                w.WriteString(Clean($"Waived by {f.WaiverName ?? "a waiver"}.\n{Body(f)}"));
                w.WriteEndElement();
                break;
            default:
                break;
        }
        w.WriteEndElement();
    }

    private static string Body(Finding f)
    {
        var sb = new StringBuilder();
        sb.Append(f.Subject.Location).Append(": ").Append(f.Status.ToName()).Append(' ').Append(f.Severity.ToName()).Append(' ')
            .Append(f.RuleId).Append(' ').Append(f.Subject.Reference).Append('\n');
        sb.Append(f.Message).Append('\n');
        sb.Append("Citation: ").Append(f.Citation).Append(f.Confidence == Confidence.Unverified ? " (unverified)" : "").Append('\n');
        sb.Append("Remediation: ").Append(f.Remediation).Append('\n');
        if (!f.Path.IsDefaultOrEmpty) sb.Append("Path: ").Append(string.Join(" > ", f.Path)).Append('\n');
        foreach (var e in f.Evidence)
        {
            sb.Append("Evidence: ").Append(e.Fact).Append(" = ").Append(e.Value);
            if (e.Location.IsKnown) sb.Append(" (").Append(e.Location.File).Append(':').Append(Num(e.Location.Line)).Append(')');
            sb.Append('\n');
        }
        sb.Append("Finding id: ").Append(f.Id);
        return sb.ToString();
    }

    private static void Property(XmlWriter w, string name, string value)
    {
        w.WriteStartElement("property");
        w.WriteAttributeString("name", name);
        w.WriteAttributeString("value", Clean(value));
        w.WriteEndElement();
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>Replaces characters XML 1.0 cannot carry (control characters, lone surrogates) with U+FFFD.</summary>
    private static string Clean(string text)
    {
        var sb = (StringBuilder?)null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var ok = XmlConvert.IsXmlChar(c);
            var pair = !ok && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c);
            if (ok || pair)
            {
                if (sb is not null)
                {
                    sb.Append(c);
                    if (pair) sb.Append(text[i + 1]);
                }
                if (pair) i++;
                continue;
            }
            sb ??= new StringBuilder(text, 0, i, text.Length);
            sb.Append('\uFFFD');
        }
        return sb?.ToString() ?? text;
    }
}
