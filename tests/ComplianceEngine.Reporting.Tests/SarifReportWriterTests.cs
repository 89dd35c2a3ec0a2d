using System.Text.Json;
using System.Text.Json.Nodes;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;
using Json.Schema;

namespace ComplianceEngine.Reporting.Tests;

public sealed class SarifReportWriterTests
{
    private static JsonElement Run(Report? report = null)
    {
        using var doc = JsonDocument.Parse(ReportFixture.Render(new SarifReportWriter(), report));
        return doc.RootElement.GetProperty("runs")[0].Clone();
    }

    private static List<JsonElement> Results(Report? report = null) => [.. Run(report).GetProperty("results").EnumerateArray()];

    private static JsonElement ResultFor(string findingId) =>
        Results().Single(r => r.GetProperty("partialFingerprints").GetProperty(SarifReportWriter.FingerprintKey).GetString() == findingId);

    /// <summary>
    /// The SARIF 2.1.0 schema (a copy of shared/reference, draft-04). JsonSchema.Net evaluates draft 6 and later; the
    /// keywords this schema uses mean the same in draft 7, so it is evaluated as draft 7.
    /// </summary>
    private static JsonSchema SarifSchema()
    {
        var text = File.ReadAllText(TestFiles.Output(Path.Combine("Schemas", "sarif-schema-2.1.0.json")))
            .Replace("http://json-schema.org/draft-04/schema#", "http://json-schema.org/draft-07/schema#", StringComparison.Ordinal);
        return JsonSchema.FromText(text);
    }

    private static EvaluationResults Validate(string sarif) =>
        SarifSchema().Evaluate(JsonNode.Parse(sarif), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

    private static string Errors(EvaluationResults results) =>
        string.Join("\n", results.Details.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));

    [Fact]
    public void Write_FixtureReport_ValidatesAgainstSarifSchema()
    {
        var results = Validate(ReportFixture.Render(new SarifReportWriter()));

        Assert.True(results.IsValid, Errors(results));
    }

    [Fact]
    public void Write_SchemaCheck_RejectsAnInvalidLevel()
    {
        // Guards the schema check itself: a document the schema forbids must fail it.
        var sarif = ReportFixture.Render(new SarifReportWriter()).Replace("\"level\": \"error\"", "\"level\": \"fatal\"", StringComparison.Ordinal);

        Assert.False(Validate(sarif).IsValid);
    }

    [Fact]
    public void Write_Header_DeclaresSarif210AndTheTool()
    {
        using var doc = JsonDocument.Parse(ReportFixture.Render(new SarifReportWriter()));
        var root = doc.RootElement;
        var driver = root.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver");

        Assert.Equal("https://json.schemastore.org/sarif-2.1.0.json", root.GetProperty("$schema").GetString());
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Equal("ComplianceEngine", driver.GetProperty("name").GetString());
        Assert.Equal(ToolInfo.Version, driver.GetProperty("version").GetString());
        Assert.Equal(ToolInfo.InformationUri, driver.GetProperty("informationUri").GetString());
    }

    [Fact]
    public void Write_FindingsWithFile_StartLineAndColumnAreTheSubjects()
    {
        var withFile = ReportFixture.Findings.Where(f => f.Status != FindingStatus.Pass && f.Subject.Location.IsKnown).ToList();

        Assert.NotEmpty(withFile);
        foreach (var f in withFile)
        {
            var location = ResultFor(f.Id).GetProperty("locations")[0].GetProperty("physicalLocation");
            Assert.Equal(f.Subject.Location.File, location.GetProperty("artifactLocation").GetProperty("uri").GetString());
            Assert.Equal("%SRCROOT%", location.GetProperty("artifactLocation").GetProperty("uriBaseId").GetString());
            Assert.Equal(f.Subject.Location.Line, location.GetProperty("region").GetProperty("startLine").GetInt32());
            Assert.Equal(f.Subject.Location.Column, location.GetProperty("region").GetProperty("startColumn").GetInt32());
        }
    }

    [Fact]
    public void Write_FindingWithoutFile_HasLogicalLocationOnly()
    {
        var noFile = ReportFixture.Findings.Single(f => !f.Subject.Location.IsKnown);

        var location = ResultFor(noFile.Id).GetProperty("locations")[0];

        Assert.False(location.TryGetProperty("physicalLocation", out _));
        Assert.Equal(noFile.Subject.Reference, location.GetProperty("logicalLocations")[0].GetProperty("fullyQualifiedName").GetString());
    }

    [Fact]
    public void Write_FileWithoutLine_OmitsRegion()
    {
        var f = ReportFixture.First(FindingStatus.Violation) with
        {
            Subject = new FindingSubject("DataFlow", "x", new SourceLocation("inventory/flows.yaml", 0, 0)),
        };

        var location = Results(ReportFixture.With([f]))[0].GetProperty("locations")[0].GetProperty("physicalLocation");

        Assert.Equal("inventory/flows.yaml", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.False(location.TryGetProperty("region", out _));
    }

    [Fact]
    public void Write_WaivedFinding_HasAcceptedExternalSuppression()
    {
        var waived = ReportFixture.First(FindingStatus.Waived);

        var suppressions = ResultFor(waived.Id).GetProperty("suppressions");

        var s = Assert.Single(suppressions.EnumerateArray());
        Assert.Equal("external", s.GetProperty("kind").GetString());
        Assert.Equal("accepted", s.GetProperty("status").GetString());
        Assert.Equal(waived.WaiverJustification, s.GetProperty("justification").GetString());
        Assert.Equal(waived.WaiverName, s.GetProperty("properties").GetProperty("waiver").GetString());
    }

    [Fact]
    public void Write_NotWaivedFinding_HasNoSuppressions()
    {
        var violation = ReportFixture.First(FindingStatus.Violation);

        Assert.False(ResultFor(violation.Id).TryGetProperty("suppressions", out _));
    }

    [Theory]
    [InlineData(BaselineState.New, "new")]
    [InlineData(BaselineState.Unchanged, "unchanged")]
    public void Write_BaselineStateGiven_IsWritten(BaselineState state, string expected)
    {
        var f = ReportFixture.First(FindingStatus.Violation) with { BaselineState = state };

        var result = Results(ReportFixture.With([f]))[0];

        Assert.Equal(expected, result.GetProperty("baselineState").GetString());
    }

    [Fact]
    public void Write_NoBaseline_OmitsBaselineState()
    {
        var f = ReportFixture.First(FindingStatus.Violation) with { BaselineState = BaselineState.None };

        var result = Results(ReportFixture.With([f]))[0];

        Assert.False(result.TryGetProperty("baselineState", out _));
    }

    [Fact]
    public void Write_PassFindings_AreNotResults()
    {
        var results = Results();
        var ids = results.Select(r => r.GetProperty("partialFingerprints").GetProperty(SarifReportWriter.FingerprintKey).GetString()).ToList();

        Assert.Equal(ReportFixture.Findings.Count(f => f.Status != FindingStatus.Pass), results.Count);
        Assert.DoesNotContain(ReportFixture.First(FindingStatus.Pass).Id, ids);
    }

    [Fact]
    public void Write_Results_RuleIndexPointsAtTheirRule()
    {
        var run = Run();
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");

        foreach (var r in run.GetProperty("results").EnumerateArray())
        {
            Assert.Equal(r.GetProperty("ruleId").GetString(), rules[r.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString());
        }
        // Only the rules with results are listed (SarifRulesListedTests covers --sarif-all-rules).
        Assert.Equal(run.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ruleId").GetString()).Distinct().Count(), rules.GetArrayLength());
    }

    [Fact]
    public void Write_FindingOfUnlistedRule_AddsTheRule()
    {
        var f = ReportFixture.First(FindingStatus.Violation) with { RuleId = "ZZ-EXTRA" };

        var run = Run(ReportFixture.With([f]));
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules");
        var index = run.GetProperty("results")[0].GetProperty("ruleIndex").GetInt32();

        Assert.Equal("ZZ-EXTRA", rules[index].GetProperty("id").GetString());
    }

    [Fact]
    public void Write_RuleWithUrl_HasHelpUriAndCitation()
    {
        var rule = ReportFixture.Rules.First(r => r.Url is not null);

        var written = Run().GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()
            .Single(r => r.GetProperty("id").GetString() == rule.Id);

        Assert.Equal(rule.Url, written.GetProperty("helpUri").GetString());
        Assert.Equal(rule.Title, written.GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.Contains(rule.Remediation, written.GetProperty("help").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(rule.Jurisdiction, written.GetProperty("properties").GetProperty("jurisdiction").GetString());
    }

    [Theory]
    [InlineData(FindingStatus.Violation, Severity.Critical, "error")]
    [InlineData(FindingStatus.Violation, Severity.High, "error")]
    [InlineData(FindingStatus.Violation, Severity.Medium, "warning")]
    [InlineData(FindingStatus.Violation, Severity.Low, "warning")]
    [InlineData(FindingStatus.Violation, Severity.Info, "note")]
    [InlineData(FindingStatus.Indeterminate, Severity.Critical, "error")]
    [InlineData(FindingStatus.Indeterminate, Severity.Medium, "warning")]
    [InlineData(FindingStatus.Warning, Severity.Critical, "warning")]
    [InlineData(FindingStatus.Waived, Severity.High, "error")]
    public void LevelOf_StatusAndSeverity_MapsToSarifLevel(FindingStatus status, Severity severity, string expected)
    {
        var f = ReportFixture.First(FindingStatus.Violation) with { Status = status, Severity = severity };

        Assert.Equal(expected, SarifReportWriter.LevelOf(f));
    }

    [Theory]
    [InlineData("high", true, BaselineState.None, "error")]
    [InlineData("critical", true, BaselineState.None, "warning")]
    [InlineData("none", true, BaselineState.None, "warning")]
    [InlineData("low", false, BaselineState.None, "warning")]
    [InlineData("low", true, BaselineState.Unchanged, "warning")]
    public void LevelOf_Indeterminate_IsAnErrorOnlyWhenItFailsTheGate(string failOn, bool failOnIndeterminate, BaselineState baseline, string expected)
    {
        // Indeterminate fails the gate by default: code scanning that fails a check on `error` must fail it too.
        var f = ReportFixture.First(FindingStatus.Violation) with { Status = FindingStatus.Indeterminate, Severity = Severity.High, BaselineState = baseline };

        Assert.Equal(expected, SarifReportWriter.LevelOf(f, new Gate(failOn, failOnIndeterminate, null, 1)));
    }

    [Fact]
    public void Write_RelaxedGate_IsSaidInTheRunProperties()
    {
        // Design section 7: when indeterminate findings no longer fail the run, the report says so (SARIF too).
        var report = ReportFixture.Build() with { Gate = new Gate("high", false, "--fail-on-indeterminate false", 2) };
        var sw = new StringWriter();
        new SarifReportWriter().Write(report, sw);
        using var doc = JsonDocument.Parse(sw.ToString());
        var gate = doc.RootElement.GetProperty("runs")[0].GetProperty("properties").GetProperty("gate");
        Assert.Equal("high", gate.GetProperty("failOn").GetString());
        Assert.False(gate.GetProperty("failOnIndeterminate").GetBoolean());
        Assert.Equal("--fail-on-indeterminate false", gate.GetProperty("relaxedBy").GetString());
        Assert.Equal("fail", gate.GetProperty("result").GetString());
        Assert.Equal(2, gate.GetProperty("failingFindings").GetInt32());
    }

    [Fact]
    public void Write_NothingJudged_IsSaidInTheRunProperties()
    {
        // An empty results list must not read as "nothing wrong" when nothing was judged.
        var report = ReportFixture.With([]) with { Coverage = Coverage.Empty };
        var sw = new StringWriter();
        new SarifReportWriter().Write(report, sw);
        using var doc = JsonDocument.Parse(sw.ToString());
        var coverage = doc.RootElement.GetProperty("runs")[0].GetProperty("properties").GetProperty("coverage");
        Assert.True(coverage.GetProperty("nothingJudged").GetBoolean());
        Assert.Contains("not a pass", coverage.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_IndeterminateFindingThatFailsTheGate_IsAnErrorResult()
    {
        var report = ReportFixture.With([ReportFixture.First(FindingStatus.Indeterminate) with { Severity = Severity.Critical }]) with { Gate = Gate.Default };
        var sw = new StringWriter();
        new SarifReportWriter().Write(report, sw);
        using var doc = JsonDocument.Parse(sw.ToString());
        var result = doc.RootElement.GetProperty("runs")[0].GetProperty("results")[0];
        Assert.Equal("error", result.GetProperty("level").GetString());
    }

    [Theory]
    [InlineData("inventory/flows.yaml", "inventory/flows.yaml", true)]
    [InlineData(@"inventory\flows.yaml", "inventory/flows.yaml", true)]
    [InlineData("my estate/flüsse.yaml", "my%20estate/fl%C3%BCsse.yaml", true)]
    [InlineData("/srv/estate/flows.yaml", "file:///srv/estate/flows.yaml", false)]
    [InlineData("C:/estate/flows.yaml", "file:///C:/estate/flows.yaml", false)]
    public void ToUri_Path_IsUriReference(string file, string expected, bool relative)
    {
        var (uri, isRelative) = SarifReportWriter.ToUri(file);

        Assert.Equal(expected, uri);
        Assert.Equal(relative, isRelative);
    }

    [Fact]
    public void Write_Diagnostics_AreToolConfigurationNotifications()
    {
        var notification = Run().GetProperty("invocations")[0].GetProperty("toolConfigurationNotifications")[0];

        Assert.Equal("CE3003", notification.GetProperty("descriptor").GetProperty("id").GetString());
        Assert.Equal(70, notification.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32());
    }
}
