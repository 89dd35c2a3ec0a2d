using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Reporting.Tests;

/// <summary>Large reports: grouped by root cause, streamed, each path once in the JSON, SARIF within GitHub's limits.</summary>
public sealed class LargeReportTests
{
    internal const string Root = "rootcause0000001";

    /// <summary>
    /// <paramref name="count"/> onward violations of one rule caused by one unlawful hop (the first is the root cause),
    /// plus one indeterminate finding of another rule.
    /// </summary>
    internal static Report Onward(int count, int names = 12)
    {
        var findings = ImmutableArray.CreateBuilder<Finding>();
        for (var i = 0; i < count; i++)
        {
            ImmutableArray<string> path = [.. Enumerable.Range(0, names + (i % 7)).Select(k => k == names - 1 ? $"hop-{i % 20}" : $"site-{k:D3}")];
            var id = i == 0 ? Root : $"f{i:D15}";
            findings.Add(new Finding(id, "GDPR-CH5-TRANSFER", "Transfers outside the EEA need adequacy or appropriate safeguards", "EU",
                i % 3 == 0 ? Severity.Critical : Severity.High, FindingStatus.Violation,
                new FindingSubject("DataFlow", $"flow-{i}", new SourceLocation("flows.yaml", i + 1, 1)), path, "GDPR Art. 44", "verified",
                new FindingText(TextTemplate.Parse("{categories} data moves ({path}) with no basis."), TextTemplate.Parse("Sign SCCs."),
                    ["user.contact", null],
                    [new Evidence("implied by", "onward transfer of data from site-000 (DE, EU) via " + string.Join(" -> ", path), SourceLocation.None),
                     new Evidence("source.name", path[^2], SourceLocation.None)]))
            {
                RootCause = Root,
                Place = new FindingPlace(new FindingSite(path[^2], "US"), new FindingSite(path[^1], "IN"), new FindingSite("site-000", "DE"), null),
            });
        }
        findings.Add(new Finding("indeterminate001", "GB-UK-GDPR-TRANSFER", "Restricted transfers", "GB", Severity.High, FindingStatus.Indeterminate,
            new FindingSubject("DataFlow", "uk", SourceLocation.None), ["uk-db", "uk-1", "mystery"], "UK GDPR Art. 44", "verified",
            "Cannot decide: destination.country is unknown.", "Declare the country.", []));
        return ReportFixture.With(findings.ToImmutable());
    }

    /// <summary>Records how much each write call carried, to tell a streamed page from one built whole.</summary>
    private sealed class ChunkWriter : TextWriter
    {
        public long Total { get; private set; }
        public long Largest { get; private set; }
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) => Count(1);
        public override void Write(char[] buffer, int index, int count) => Count(count);
        public override void Write(ReadOnlySpan<char> buffer) => Count(buffer.Length);
        public override void Write(string? value) => Count(value?.Length ?? 0);
        public override void Write(StringBuilder? value) => Count(value?.Length ?? 0);

        private void Count(int n)
        {
            Total += n;
            Largest = Math.Max(Largest, n);
        }
    }

    [Fact]
    public void Html_FindingsOfOneRootCause_ShowsTheFirstAndCountsTheRest()
    {
        var html = ReportFixture.Render(new HtmlReportWriter { FindingsPerRootCause = 5 }, Onward(8));

        Assert.Contains($"Root cause <code>{Root}</code>: 8 findings, the first 5 shown.", html, StringComparison.Ordinal);
        Assert.Contains($"… and 3 more findings with root cause <code>{Root}</code> (in the JSON report).", html, StringComparison.Ordinal);
        Assert.Equal(5, html.Split("<article class=\"finding finding-violation\"").Length - 1);
        Assert.Contains("<code>GDPR-CH5-TRANSFER</code> Transfers outside the EEA need adequacy or appropriate safeguards <span class=\"group-count\">8 findings: 8 violations from 1 root cause</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_ManyRootCauses_ShowsTheFirstOfEachRule()
    {
        var report = Onward(30);
        report = report with { Findings = [.. report.Findings.Select(f => f with { RootCause = f.Id })] };

        var html = ReportFixture.Render(new HtmlReportWriter { RootCausesPerRule = 4 }, report);

        Assert.Contains("… and 26 more root causes of <code>GDPR-CH5-TRANSFER</code> with 26 findings (in the JSON report).", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_LargeReport_IsWrittenInPieces()
    {
        var output = new ChunkWriter();
        new HtmlReportWriter { FindingsPerRootCause = int.MaxValue }.Write(Onward(3000), output);

        Assert.True(output.Total > 1_000_000, $"{output.Total} characters");
        Assert.True(output.Largest < 200_000, $"one write of {output.Largest} characters: the page was built whole");
    }

    [Fact]
    public void JUnit_LargeReport_IsWrittenInPieces()
    {
        var output = new ChunkWriter();
        new JUnitReportWriter().Write(Onward(3000), output);

        Assert.True(output.Total > 1_000_000, $"{output.Total} characters");
        Assert.True(output.Largest < 200_000, $"one write of {output.Largest} characters: the document was built whole");
    }

    [Fact]
    public void Json_EachFindingOnOneLine_WithItsRootCause_AndItsPathOnce()
    {
        var json = ReportFixture.Render(new JsonReportWriter(), Onward(3));
        using var doc = JsonDocument.Parse(json);
        var findings = doc.RootElement.GetProperty("findings");
        var facts = doc.RootElement.GetProperty("facts");

        Assert.Equal("3", doc.RootElement.GetProperty("schemaVersion").GetString());
        var second = findings[1];
        Assert.Equal(Root, second.GetProperty("rootCause").GetString());
        Assert.False(findings[0].TryGetProperty("rootCause", out _), "the root finding is its own root cause: not written");
        Assert.False(findings[3].TryGetProperty("rootCause", out _), "a finding without a root cause is its own");
        var path = string.Join(" -> ", second.GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("user.contact data moves ({path}) with no basis.", second.GetProperty("message").GetString());
        Assert.Equal("onward transfer of data from site-000 (DE, EU) via {path}", facts[second.GetProperty("evidence")[0].GetInt32()].GetProperty("value").GetString());
        Assert.DoesNotContain(path, json, StringComparison.Ordinal);
        Assert.Single(json.Split('\n'), l => l.Contains("\"id\":\"f000000000000001\"", StringComparison.Ordinal));
        Assert.Equal("Transfers outside the EEA need adequacy or appropriate safeguards",
            doc.RootElement.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "GDPR-CH5-TRANSFER").GetProperty("title").GetString());
        Assert.False(second.TryGetProperty("title", out _));
    }

    [Fact]
    public void Json_SharedEvidence_IsWrittenOnceInFacts()
    {
        var json = ReportFixture.Render(new JsonReportWriter(), Onward(40));
        using var doc = JsonDocument.Parse(json);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("ruleId").GetString() == "GDPR-CH5-TRANSFER").ToList();

        // Every onward finding cites the same "implied by" fact (its path as {path}): one entry, cited 40 times, so it is first.
        Assert.All(findings, f => Assert.Equal(0, f.GetProperty("evidence")[0].GetInt32()));
        Assert.Equal(1, json.Split("onward transfer of data from site-000").Length - 1);
        // No entry twice.
        var facts = doc.RootElement.GetProperty("facts");
        Assert.Equal(facts.GetArrayLength(), facts.EnumerateArray().Select(f => f.GetRawText()).Distinct().Count());
    }

    [Fact]
    public void Json_Remediation_IsWrittenInFullOnEveryFinding_AndOnceInItsRule()
    {
        using var doc = JsonDocument.Parse(ReportFixture.Render(new JsonReportWriter()));
        var rules = doc.RootElement.GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("remediation").GetString());
        var written = doc.RootElement.GetProperty("findings").EnumerateArray().ToDictionary(f => f.GetProperty("id").GetString()!, f => f.GetProperty("remediation").GetString());
        var findings = ReportFixture.Findings.Where(f => f.Status != FindingStatus.Pass).ToList();

        Assert.All(findings, f => Assert.Equal(ReportFixture.Rules.Single(r => r.Id == f.RuleId).Remediation, rules[f.RuleId]));
        Assert.Contains(findings, f => f.Remediation == rules[f.RuleId]);
        Assert.Contains(findings, f => f.Remediation != rules[f.RuleId]);
        Assert.All(findings, f => Assert.Equal(f.Remediation, written[f.Id]));
    }

    [Fact]
    public void Json_ConfidenceOfItsRule_IsNotRepeated_AnotherIs()
    {
        var report = Onward(2);
        report = report with { Findings = [.. report.Findings.Select((f, i) => i == 1 ? f with { Confidence = "unverified" } : f)] };
        using var doc = JsonDocument.Parse(ReportFixture.Render(new JsonReportWriter(), report));
        var findings = doc.RootElement.GetProperty("findings");

        Assert.False(findings[0].TryGetProperty("confidence", out _));
        Assert.Equal("unverified", findings[1].GetProperty("confidence").GetString());
    }

    [Fact]
    public void Json_Estate_ListsTheSitesAndTransfersOfTheFindings()
    {
        using var doc = JsonDocument.Parse(ReportFixture.Render(new JsonReportWriter(), Onward(2)));
        var estate = doc.RootElement.GetProperty("estate");

        Assert.Contains(estate.GetProperty("sites").EnumerateArray(), s => s.GetProperty("name").GetString() == "hop-0" && s.GetProperty("country").GetString() == "IN");
        Assert.Contains(estate.GetProperty("transfers").EnumerateArray(), t =>
            t.GetProperty("from").GetString() == "site-010" && t.GetProperty("to").GetString() == "hop-0" && t.GetProperty("worst").GetString() == "violation");
    }

    [Fact]
    public void Sarif_OverTheLimit_KeepsRootCausesFirst()
    {
        var report = Onward(10);
        var writer = new SarifReportWriter { MaxResults = 1 };

        var kept = Assert.Single(writer.ResultsOf(report));

        Assert.Equal(Root, kept.Id);
    }

    [Fact]
    public void Sarif_OverTheGzippedSize_LeavesTheLeastSevereOutAndSaysSo()
    {
        var told = new List<string>();
        var writer = new SarifReportWriter { MaxGzippedResultBytes = 20_000, Omitted = told.Add };
        var report = Onward(3000);

        using var doc = JsonDocument.Parse(ReportFixture.Render(writer, report));

        var run = doc.RootElement.GetProperty("runs")[0];
        var properties = run.GetProperty("properties");
        var results = run.GetProperty("results").GetArrayLength();
        Assert.InRange(results, 1, 2999);
        Assert.Equal(3001 - results, properties.GetProperty("resultsOmittedOverSize").GetInt32());
        Assert.Contains("bytes of results gzipped", properties.GetProperty("resultsOmittedReason").GetString(), StringComparison.Ordinal);
        Assert.Contains("left out", Assert.Single(told), StringComparison.Ordinal);
        // Violations are kept before the indeterminate finding, and the root cause among them.
        Assert.Contains(run.GetProperty("results").EnumerateArray(), r => r.GetProperty("partialFingerprints").GetProperty(SarifReportWriter.FingerprintKey).GetString() == Root);
    }

    [Fact]
    public void Markdown_ManyFindingsOfOneRule_FirstOnesShownRestCounted()
    {
        var count = MarkdownReportWriter.FindingsPerRule + 25;
        using var text = new StringWriter();
        new MarkdownReportWriter().Write(Onward(count), text);
        var markdown = text.ToString();

        Assert.Equal(MarkdownReportWriter.FindingsPerRule, CountOf(markdown, "- Rule: `GDPR-CH5-TRANSFER`"));
        Assert.Contains($"… and 25 more findings of `GDPR-CH5-TRANSFER` in EU", markdown, StringComparison.Ordinal);
        // Another rule's findings are not cut by this rule's cap.
        Assert.Equal(1, CountOf(markdown, "- Rule: `GB-UK-GDPR-TRANSFER`"));
        Assert.DoesNotContain("more findings of `GB-UK-GDPR-TRANSFER`", markdown, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
