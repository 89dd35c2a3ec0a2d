using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Reporting;

/// <summary>
/// SARIF 2.1.0 for code-scanning tools: one run, one rule per rule of the report, one result per finding that is not a
/// pass. Each result points at the subject's document line (<c>%SRCROOT%</c>-relative), carries the finding id as a
/// partial fingerprint, a suppression when a waiver accepted it, and its <c>baselineState</c> when a baseline was given.
/// Fields are written in a fixed order, so identical reports give identical bytes.
/// </summary>
public sealed class SarifReportWriter : IReportWriter
{
    /// <summary>The schema URI written to <c>$schema</c>.</summary>
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    /// <summary>The key of the finding id in <c>partialFingerprints</c>.</summary>
    public const string FingerprintKey = "complianceFinding/v1";

    /// <summary>The base id relative subject files are resolved against.</summary>
    public const string SourceRoot = "%SRCROOT%";

    /// <inheritdoc />
    public string Format => "sarif";

    /// <inheritdoc />
    public string Extension => ".sarif";

    /// <summary>
    /// List every rule the report knows in <c>tool.driver.rules</c> (<c>--sarif-all-rules</c>); by default only the rules
    /// with a result, which keeps the file small (code scanning needs no more).
    /// </summary>
    public bool AllRules { get; init; }

    /// <summary>GitHub code scanning's limit of results per run.</summary>
    public const int GitHubMaxResults = 25_000;

    /// <summary>GitHub code scanning's limit of an upload, gzipped (10 MB).</summary>
    public const long GitHubMaxGzippedBytes = 10_000_000;

    /// <summary>
    /// The most results a run carries (default <see cref="GitHubMaxResults"/>). Beyond it the most severe are kept
    /// (violations before indeterminate findings before the rest, root causes before the findings they cause, then by
    /// severity), the run's properties say how many were left out, and the full set stays in the JSON report.
    /// </summary>
    public int MaxResults { get; init; } = GitHubMaxResults;

    /// <summary>
    /// The most the results may weigh gzipped (default <see cref="GitHubMaxGzippedBytes"/> less room for the rules and
    /// the rest of the run): past it the least severe results are left out as for <see cref="MaxResults"/>.
    /// </summary>
    public long MaxGzippedResultBytes { get; init; } = GitHubMaxGzippedBytes - 1_000_000;

    /// <summary>Told, in one sentence, what a run leaves out (the CLI prints it on stderr); not called when nothing is.</summary>
    public Action<string>? Omitted { get; init; }

    /// <summary>The findings a SARIF run of <paramref name="report"/> carries as results, in report order (see <see cref="Plan"/>).</summary>
    public IReadOnlyList<Finding> ResultsOf(Report report) => Plan(report).Results;

    /// <summary>What a run carries, and what it leaves out and why.</summary>
    /// <param name="Results">The findings written as results, in report order.</param>
    /// <param name="Total">Findings that are not passes.</param>
    /// <param name="OverCount">Left out for <see cref="MaxResults"/>.</param>
    /// <param name="OverSize">Left out for <see cref="MaxGzippedResultBytes"/>.</param>
    public sealed record SarifPlan(IReadOnlyList<Finding> Results, int Total, int OverCount, int OverSize)
    {
        /// <summary>Findings left out.</summary>
        public int Omitted => OverCount + OverSize;
    }

    /// <summary>
    /// The results of a run: every finding that is not a pass, or, past <see cref="MaxResults"/> results or
    /// <see cref="MaxGzippedResultBytes"/> gzipped, the most severe of them: violations, then indeterminate findings, then
    /// the rest; root causes before the findings they cause; then by severity, then report order.
    /// </summary>
    public SarifPlan Plan(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        // The findings by index, ranked by keys worked out in one read of each: none is held for the ranking.
        var all = ShownFindings.NotPasses(report.Findings);
        var keys = new long[all.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            var f = all.FieldsOf(i);
            long status = f.Status switch { FindingStatus.Violation => 0, FindingStatus.Indeterminate => 1, FindingStatus.Warning => 2, _ => 3 };
            long caused = f.CausedByAnother ? 1 : 0;
            var severity = 255L - Math.Clamp((int)f.Severity, 0, 255);
            keys[i] = status << 42 | caused << 41 | severity << 32 | (uint)i;
        }
        Array.Sort(keys);
        var rankedCount = Math.Min(MaxResults, keys.Length);
        var ranked = new int[rankedCount];
        for (var r = 0; r < rankedCount; r++) ranked[r] = (int)(keys[r] & 0xFFFFFFFF);
        var overCount = all.Count - ranked.Length;
        var fit = FitsGzipped(ranked.Select(i => all.IndexOf(i)), report);
        var overSize = ranked.Length - fit;
        if (overCount == 0 && overSize == 0) return new SarifPlan(all, all.Count, 0, 0);
        var kept = ranked.Take(fit).Order().Select(all.IndexOf).ToArray();
        return new SarifPlan(ShownFindings.At(report.Findings, kept), all.Count, overCount, overSize);
    }

    /// <summary>How many of <paramref name="ranked"/>, from the first, fit in <see cref="MaxGzippedResultBytes"/> gzipped.</summary>
    private int FitsGzipped(IEnumerable<int> ranked, Report report)
    {
        var counter = new CountingStream();
        using var gzip = new GZipStream(counter, CompressionLevel.Optimal, leaveOpen: true);
        using var w = new Utf8JsonWriter(gzip, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        const int Batch = 256;
        w.WriteStartArray();
        var written = 0;
        foreach (var index in ranked)
        {
            WriteResult(w, report.Findings[index], 0, report.Gate);
            if (++written % Batch != 0) continue;
            w.Flush();
            gzip.Flush();
            if (counter.Length > MaxGzippedResultBytes) return written - Batch;
        }
        w.Flush();
        gzip.Flush();
        return counter.Length > MaxGzippedResultBytes ? written - written % Batch : written;
    }

    /// <inheritdoc />
    public void Write(Report report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        var plan = Plan(report);
        var results = plan.Results;
        var omitted = plan.Omitted;
        if (omitted > 0) Omitted?.Invoke(OmittedText(plan));
        var rules = RulesOf(report);
        if (!AllRules)
        {
            var fired = results.Select(f => f.RuleId).ToHashSet(StringComparer.Ordinal);
            rules = [.. rules.Where(r => fired.Contains(r.Id))];
        }
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rules.Count; i++) index.TryAdd(rules[i].Id, i);

        JsonText.Write(output, w =>
        {
            w.WriteStartObject();
            w.WriteString("$schema", SchemaUri);
            w.WriteString("version", "2.1.0");
            w.WriteStartArray("runs");
            w.WriteStartObject();

            w.WriteStartObject("tool");
            w.WriteStartObject("driver");
            w.WriteString("name", "ComplianceEngine");
            w.WriteString("version", ToolInfo.Version);
            w.WriteString("semanticVersion", ToolInfo.Version);
            w.WriteString("informationUri", ToolInfo.InformationUri);
            w.WriteStartArray("rules");
            foreach (var rule in rules) WriteRule(w, rule);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();

            if (report.Diagnostics.Length > 0) WriteInvocation(w, report);

            w.WriteString("columnKind", "utf16CodeUnits");
            w.WriteStartArray("results");
            foreach (var f in results)
            {
                WriteResult(w, f, index[f.RuleId], report.Gate);
                if (w.BytesPending > 64 * 1024) w.Flush();
            }
            w.WriteEndArray();

            w.WriteStartObject("properties");
            w.WriteString("asOf", report.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("generatedAt", report.GeneratedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteString("schemaVersion", report.SchemaVersion);
            w.WriteNumber("baselineSuppressed", report.BaselineSuppressed);
            w.WriteString("rulesListed", AllRules ? "all" : "with-results");
            WriteGateAndCoverage(w, report);
            if (omitted > 0)
            {
                w.WriteNumber("resultsOmitted", omitted);
                if (plan.OverCount > 0) w.WriteNumber("resultsOmittedOverCount", plan.OverCount);
                if (plan.OverSize > 0) w.WriteNumber("resultsOmittedOverSize", plan.OverSize);
                w.WriteString("resultsOmittedReason", OmittedText(plan));
            }
            w.WriteEndObject();

            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>The sentence that says what a run left out and why.</summary>
    private string OmittedText(SarifPlan plan)
    {
        var why = new List<string>();
        if (plan.OverCount > 0) why.Add($"at most {MaxResults} results per run");
        if (plan.OverSize > 0) why.Add($"at most {MaxGzippedResultBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes of results gzipped");
        return $"{plan.Omitted.ToString(CultureInfo.InvariantCulture)} of {plan.Total.ToString(CultureInfo.InvariantCulture)} results left out " +
            $"({string.Join(" and ", why)}, within GitHub code scanning's limits); the most severe are kept, root causes first, and the full set is in the JSON report";
    }

    /// <summary>The SARIF level of a finding under the default gate (see <see cref="LevelOf(Finding, Gate)"/>).</summary>
    public static string LevelOf(Finding finding) => LevelOf(finding, Gate.Default);

    /// <summary>
    /// The SARIF level of a finding: by severity for violations and waived ones, and for an indeterminate finding that
    /// fails <paramref name="gate"/> (indeterminate is a failing outcome by default: a code-scanning check that gates on
    /// <c>error</c> must not pass what the run fails); <c>warning</c> otherwise.
    /// </summary>
    public static string LevelOf(Finding finding, Gate gate)
    {
        ArgumentNullException.ThrowIfNull(finding);
        ArgumentNullException.ThrowIfNull(gate);
        if (finding.Status is FindingStatus.Violation or FindingStatus.Waived) return LevelOf(finding.Severity);
        var failOn = SeverityNames.TryParse(gate.FailOn, out var threshold) ? threshold : (Severity?)null;
        return finding.Status == FindingStatus.Indeterminate && Gate.Fails(finding, failOn, gate.FailOnIndeterminate) ? LevelOf(finding.Severity) : "warning";
    }

    /// <summary>critical and high are <c>error</c>, medium and low <c>warning</c>, info <c>note</c>.</summary>
    public static string LevelOf(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium or Severity.Low => "warning",
        _ => "note",
    };

    /// <summary>
    /// A relative path as a URI reference (forward slashes, each segment percent-encoded); a rooted path as a
    /// <c>file:</c> URI. Returns whether the result is relative (and so resolved against <see cref="SourceRoot"/>).
    /// </summary>
    public static (string Uri, bool Relative) ToUri(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var path = file.Replace('\\', '/');
        var rooted = path.StartsWith('/') || (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':');
        var encoded = string.Join('/', path.Split('/').Select((segment, i) =>
            rooted && i == 0 && segment.EndsWith(':') ? segment : Uri.EscapeDataString(segment)));
        if (!rooted) return (encoded, true);
        return (path.StartsWith('/') ? "file://" + encoded : "file:///" + encoded, false);
    }

    private static List<RuleSummary> RulesOf(Report report)
    {
        // Every result needs its rule: rules the report lists, then any rule only a finding names (sorted).
        var rules = new List<RuleSummary>(report.Rules);
        var known = new HashSet<string>(rules.Select(r => r.Id), StringComparer.Ordinal);
        // The first finding of each such rule in report order, read one at a time (the findings are not sorted, nor held).
        var others = new SortedDictionary<string, RuleSummary>(StringComparer.Ordinal);
        for (var i = 0; i < report.Findings.Count; i++)
        {
            var ruleId = report.Findings.FieldsOf(i).RuleId;
            if (known.Contains(ruleId) || others.ContainsKey(ruleId)) continue;
            var f = report.Findings[i];
            others.Add(f.RuleId, new RuleSummary(f.RuleId, f.RuleTitle, f.Jurisdiction, f.Severity.ToName(), f.Citation, null, f.Remediation, f.Confidence));
        }
        rules.AddRange(others.Values);
        return rules;
    }

    private static void WriteRule(Utf8JsonWriter w, RuleSummary rule)
    {
        w.WriteStartObject();
        w.WriteString("id", rule.Id);
        w.WriteString("name", PascalName(rule.Id));
        w.WriteStartObject("shortDescription");
        w.WriteString("text", rule.Title);
        w.WriteEndObject();
        w.WriteStartObject("fullDescription");
        w.WriteString("text", $"{rule.Title} ({rule.Jurisdiction}; {rule.Citation}).");
        w.WriteEndObject();
        if (AbsoluteUri(rule.Url) is { } url) w.WriteString("helpUri", url);
        w.WriteStartObject("help");
        w.WriteString("text", $"Citation: {rule.Citation}{(rule.Confidence == Confidence.Unverified ? " (unverified)" : "")}\nRemediation: {rule.Remediation}");
        w.WriteEndObject();
        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", SeverityNames.TryParse(rule.Severity, out var severity) ? LevelOf(severity) : "warning");
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("jurisdiction", rule.Jurisdiction);
        w.WriteString("citation", rule.Citation);
        w.WriteString("confidence", rule.Confidence);
        w.WriteString("severity", rule.Severity);
        if (SecuritySeverity(rule.Severity) is { } score) w.WriteString("security-severity", score);
        w.WriteStartArray("tags");
        w.WriteStringValue("compliance");
        w.WriteStringValue("data-sovereignty");
        w.WriteStringValue(rule.Jurisdiction);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>
    /// The gate the run was held to (and what relaxed it) and what it judged (design section 7): an empty results list
    /// from a run that judged nothing, or whose indeterminate findings were let through, must say so.
    /// </summary>
    private static void WriteGateAndCoverage(Utf8JsonWriter w, Report report)
    {
        var gate = report.Gate;
        w.WriteStartObject("gate");
        w.WriteString("failOn", gate.FailOn);
        w.WriteBoolean("failOnIndeterminate", gate.FailOnIndeterminate);
        if (gate.RelaxedBy is not null) w.WriteString("relaxedBy", gate.RelaxedBy);
        w.WriteString("result", gate.Failed ? "fail" : "pass");
        w.WriteNumber("failingFindings", gate.FailingFindings);
        w.WriteBoolean("nothingJudged", gate.NothingJudged);
        if (gate.NothingJudgedRelaxedBy is not null) w.WriteString("nothingJudgedRelaxedBy", gate.NothingJudgedRelaxedBy);
        if (gate.Reason is not null) w.WriteString("reason", gate.Reason);
        w.WriteString("summary", CoverageText.Gate(gate, report.Coverage.NothingJudged));
        w.WriteEndObject();
        w.WriteStartObject("coverage");
        w.WriteBoolean("nothingJudged", report.Coverage.NothingJudged);
        w.WriteNumber("notJudged", report.Coverage.NotJudged.Length);
        w.WriteString("summary", CoverageText.Summary(report.Coverage));
        w.WriteEndObject();
    }

    private static void WriteInvocation(Utf8JsonWriter w, Report report)
    {
        w.WriteStartArray("invocations");
        w.WriteStartObject();
        w.WriteBoolean("executionSuccessful", !report.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error));
        w.WriteStartArray("toolConfigurationNotifications");
        foreach (var d in report.Diagnostics)
        {
            w.WriteStartObject();
            w.WriteStartObject("descriptor");
            w.WriteString("id", d.Code);
            w.WriteEndObject();
            w.WriteString("level", d.SeverityText);
            w.WriteStartObject("message");
            w.WriteString("text", d.Message);
            w.WriteEndObject();
            if (d.Location.IsKnown)
            {
                w.WriteStartArray("locations");
                w.WriteStartObject();
                WritePhysicalLocation(w, d.Location);
                w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteResult(Utf8JsonWriter w, Finding f, int ruleIndex, Gate gate)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", f.RuleId);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", LevelOf(f, gate));
        w.WriteStartObject("message");
        w.WriteString("text", f.Message);
        w.WriteEndObject();

        w.WriteStartArray("locations");
        w.WriteStartObject();
        if (f.Subject.Location.IsKnown) WritePhysicalLocation(w, f.Subject.Location);
        w.WriteStartArray("logicalLocations");
        w.WriteStartObject();
        w.WriteString("name", f.Subject.Name);
        w.WriteString("fullyQualifiedName", f.Subject.Reference);
        w.WriteString("kind", "resource");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();

        w.WriteStartObject("partialFingerprints");
        w.WriteString(FingerprintKey, f.Id);
        w.WriteEndObject();

        if (f.Status == FindingStatus.Waived)
        {
            w.WriteStartArray("suppressions");
            w.WriteStartObject();
            w.WriteString("kind", "external");
            w.WriteString("status", "accepted");
            w.WriteString("justification", f.WaiverJustification ?? "");
            if (f.WaiverName is not null)
            {
                w.WriteStartObject("properties");
                w.WriteString("waiver", f.WaiverName);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndArray();
        }

        if (f.BaselineState != BaselineState.None)
        {
            w.WriteString("baselineState", f.BaselineState == BaselineState.New ? "new" : "unchanged");
        }

        w.WriteStartObject("properties");
        w.WriteString("jurisdiction", f.Jurisdiction);
        w.WriteString("status", f.Status.ToName());
        w.WriteString("severity", f.Severity.ToName());
        w.WriteString("citation", f.Citation);
        w.WriteString("remediation", f.Remediation);
        w.WriteStartArray("path");
        foreach (var p in f.Path) w.WriteStringValue(p);
        w.WriteEndArray();
        JsonText.WriteEvidence(w, f.Evidence);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WritePhysicalLocation(Utf8JsonWriter w, SourceLocation location)
    {
        var (uri, relative) = ToUri(location.File);
        w.WriteStartObject("physicalLocation");
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", uri);
        if (relative) w.WriteString("uriBaseId", SourceRoot);
        w.WriteEndObject();
        if (location.Line > 0)
        {
            w.WriteStartObject("region");
            w.WriteNumber("startLine", location.Line);
            if (location.Column > 0) w.WriteNumber("startColumn", location.Column);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static string? AbsoluteUri(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.AbsoluteUri
            : null;

    /// <summary>GitHub code scanning's score: 9.0+ critical, 7.0+ high, 4.0+ medium, below low.</summary>
    private static string? SecuritySeverity(string severity) => severity switch
    {
        "critical" => "9.5",
        "high" => "8.0",
        "medium" => "5.5",
        "low" => "3.0",
        _ => null,
    };

    /// <summary><c>GDPR-CH5-TRANSFER</c> becomes <c>GdprCh5Transfer</c> (SARIF's readable rule name).</summary>
    private static string PascalName(string id)
    {
        var parts = id.Split(['-', '_', '.', ' '], StringSplitOptions.RemoveEmptyEntries);
        return string.Concat(parts.Select(p => char.ToUpperInvariant(p[0]) + p[1..].ToLowerInvariant()));
    }
}
