using System.Text.Json;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Reporting;
using ComplianceEngine.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Hosting.Tests;

/// <summary>
/// R3: the JSON report carries the rule-set version it was made under, and a baseline made under other rules is detected
/// (a warning: the run still compares finding ids, and says the comparison may be off).
/// </summary>
public sealed class BaselineRuleSetTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 25);

    private static ComplianceService Service()
    {
        var services = new ServiceCollection().AddLogging().AddComplianceEngine();
        services.Configure<ComplianceEngineOptions>(o => o.BuiltInRules = Repo.Path("rules"));
        return services.BuildServiceProvider().GetRequiredService<ComplianceService>();
    }

    private static CheckRequest Request(string? baseline = null) =>
        new([Repo.Path("examples", "estate")], [], AsOf, DateTimeOffset.UnixEpoch) { BaselinePath = baseline };

    private static string Json(Report report)
    {
        using var text = new StringWriter();
        new JsonReportWriter().Write(report, text);
        return text.ToString();
    }

    [Fact]
    public void Check_Report_CarriesTheRuleSetVersion_InItsJson()
    {
        var result = Service().Check(Request());

        Assert.NotNull(result.Report);
        Assert.StartsWith("sha256:", result.RuleSetVersion, StringComparison.Ordinal);
        Assert.Equal(result.RuleSetVersion, result.Report.RuleSetVersion);
        using var doc = JsonDocument.Parse(Json(result.Report));
        Assert.Equal(result.RuleSetVersion, doc.RootElement.GetProperty("ruleSetVersion").GetString());
    }

    [Fact]
    public void Check_BaselineOfTheSameRules_NoRuleSetDiagnostic()
    {
        var service = Service();
        using var dir = new TempDir();
        var baseline = dir.Write("baseline.json", Json(service.Check(Request()).Report!));

        var result = service.Check(Request(baseline));

        Assert.NotNull(result.Report);
        Assert.DoesNotContain(result.Diagnostics, d => d.Code is DiagnosticCodes.BaselineOtherRuleSet or DiagnosticCodes.BaselineWithoutRuleSet);
        Assert.False(result.GateFailed);
    }

    [Fact]
    public void Check_BaselineOfOtherRules_WarnsNamingBothVersions_AndStillCompares()
    {
        var service = Service();
        using var dir = new TempDir();
        var json = Json(service.Check(Request()).Report!);
        var run = service.Check(Request()).RuleSetVersion!;
        var baseline = dir.Write("baseline.json", json.Replace(run, "sha256:0000000000000000", StringComparison.Ordinal));

        var result = service.Check(Request(baseline));

        Assert.NotNull(result.Report);
        var d = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.BaselineOtherRuleSet);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("sha256:0000000000000000", d.Message, StringComparison.Ordinal);
        Assert.Contains(run, d.Message, StringComparison.Ordinal);
        Assert.EndsWith("baseline.json", d.Location.File, StringComparison.Ordinal);
        // The warning is in the report too, and the baseline still applies (every finding is in it).
        Assert.Contains(result.Report.Diagnostics, x => x.Code == DiagnosticCodes.BaselineOtherRuleSet);
        Assert.False(result.GateFailed);
        Assert.True(result.Report.BaselineSuppressed > 0);
    }

    [Fact]
    public void Check_BaselineWithoutRuleSetVersion_ReadableWithANote()
    {
        var service = Service();
        using var dir = new TempDir();
        var ids = service.Check(Request()).Report!.Findings.Where(f => f.Status != FindingStatus.Pass).Select(f => $"{{\"id\": \"{f.Id}\"}}");
        var baseline = dir.Write("baseline.json", "{\"schemaVersion\": \"3\", \"findings\": [" + string.Join(",", ids) + "]}");

        var result = service.Check(Request(baseline));

        Assert.NotNull(result.Report);
        var d = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.BaselineWithoutRuleSet);
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.False(result.GateFailed);
    }
}
