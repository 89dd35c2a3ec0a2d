using System.Collections.Immutable;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Reporting.Tests;

public sealed class NaturalComparerTests
{
    [Fact]
    public void Compare_NumbersInNames_ByValue()
    {
        string[] names = ["f100", "f2", "f10", "f1", "flows-10.yaml", "flows-9.yaml", "a", "f02"];

        var sorted = names.Order(NaturalComparer.Instance).ToList();

        Assert.Equal(["a", "f1", "f02", "f2", "f10", "f100", "flows-9.yaml", "flows-10.yaml"], sorted);
    }

    [Fact]
    public void Compare_IsTotalAndSymmetric()
    {
        Assert.Equal(0, NaturalComparer.Instance.Compare("x1", "x1"));
        Assert.True(NaturalComparer.Instance.Compare("f02", "f2") < 0);
        Assert.True(NaturalComparer.Instance.Compare("f2", "f02") > 0);
        Assert.True(NaturalComparer.Instance.Compare(null, "a") < 0);
    }
}

public sealed class ConsoleSummaryNaturalOrderTests
{
    private static readonly string[] Expected = ["flows-9.yaml:5000", "flows-10.yaml:20", "flows-10.yaml:100", "flows-10.yaml:1000"];

    [Fact]
    public void Write_FindingsOnGeneratedNames_ListedNaturally()
    {
        var template = ReportFixture.First(Model.Findings.FindingStatus.Violation);
        var findings = new[] { ("f100", 1000), ("f2", 20), ("f10", 100) }
            .Select(x => template with
            {
                Id = "id-" + x.Item1,
                Subject = template.Subject with { Name = x.Item1, Location = new Model.Diagnostics.SourceLocation("gen/flows-10.yaml", x.Item2, 1) },
            })
            .Append(template with
            {
                Id = "id-early-file",
                Subject = template.Subject with { Name = "f1", Location = new Model.Diagnostics.SourceLocation("gen/flows-9.yaml", 5000, 1) },
            })
            .OrderBy(f => f.Subject.Name, StringComparer.Ordinal) // the report's own order is by text
            .ToImmutableArray();
        using var output = new StringWriter();

        ConsoleSummaryWriter.Write(ReportFixture.With(findings), output, maxFindings: 50);

        var text = output.ToString();
        var positions = Expected.Select(s => text.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p >= 0));
        Assert.Equal(positions.Order().ToList(), positions);
    }
}

public sealed class SarifRulesListedTests
{
    private static List<string> Rules(SarifReportWriter writer)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(ReportFixture.Render(writer));
        return [.. doc.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()
            .Select(r => r.GetProperty("id").GetString()!)];
    }

    [Fact]
    public void Write_ByDefault_ListsOnlyTheRulesWithResults()
    {
        var fired = ReportFixture.Findings.Where(f => f.Status != Model.Findings.FindingStatus.Pass).Select(f => f.RuleId).ToHashSet();
        Assert.True(ReportFixture.Rules.Any(r => !fired.Contains(r.Id)), "the fixture must have a rule without results");

        Assert.Equal(fired.Order(StringComparer.Ordinal), Rules(new SarifReportWriter()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Write_AllRules_ListsEveryRule()
    {
        var all = Rules(new SarifReportWriter { AllRules = true });

        Assert.All(ReportFixture.Rules, r => Assert.Contains(r.Id, all));
    }
}

public sealed class SarifResultLimitTests
{
    [Fact]
    public void Write_MoreResultsThanTheLimit_KeepsTheMostSevereAndSaysHowManyWereLeftOut()
    {
        var report = ReportFixture.Build();
        var problems = report.Findings.Where(f => f.Status != Model.Findings.FindingStatus.Pass).ToList();
        Assert.True(problems.Count > 3);
        var writer = new SarifReportWriter { MaxResults = 3 };

        using var doc = System.Text.Json.JsonDocument.Parse(ReportFixture.Render(writer));

        var run = doc.RootElement.GetProperty("runs")[0];
        var kept = writer.ResultsOf(report);
        Assert.Equal(3, run.GetProperty("results").GetArrayLength());
        Assert.Equal(problems.Count - 3, run.GetProperty("properties").GetProperty("resultsOmitted").GetInt32());
        var worstLeftOut = problems.Except(kept).Where(f => f.Status == Model.Findings.FindingStatus.Violation).Select(f => f.Severity).DefaultIfEmpty().Max();
        Assert.All(kept.Where(f => f.Status == Model.Findings.FindingStatus.Violation), f => Assert.True(f.Severity >= worstLeftOut));
        Assert.Equal(Math.Min(3, problems.Count(f => f.Status == Model.Findings.FindingStatus.Violation)),
            kept.Count(f => f.Status == Model.Findings.FindingStatus.Violation));
    }

    [Fact]
    public void Write_WithinTheLimit_OmitsNothing()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(ReportFixture.Render(new SarifReportWriter()));

        Assert.False(doc.RootElement.GetProperty("runs")[0].GetProperty("properties").TryGetProperty("resultsOmitted", out _));
    }
}
