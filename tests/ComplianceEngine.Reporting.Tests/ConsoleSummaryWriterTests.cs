using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Reporting.Tests;

public sealed class ConsoleSummaryWriterTests
{
    [Fact]
    public void Write_WithALimit_ListsTheFirstFindingsAndSaysHowManyMore()
    {
        var report = ReportFixture.Build();
        var shown = report.Findings.Count(f => f.Status != FindingStatus.Pass);
        Assert.True(shown > 2);
        using var output = new StringWriter();

        ConsoleSummaryWriter.Write(report, output, maxFindings: 2);

        var text = output.ToString();
        var listed = ConsoleSummaryWriter.InListingOrder(report.Findings.Where(f => f.Status != FindingStatus.Pass)).ToList();
        Assert.Contains(listed[1].Message, text, StringComparison.Ordinal);
        Assert.DoesNotContain(listed[2].Message, text, StringComparison.Ordinal);
        Assert.Contains($"... and {shown - 2} more violations, warnings and undecided checks (first 2 of {shown} listed).", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WithoutALimit_ListsEveryFindingAndNoMoreLine()
    {
        using var output = new StringWriter();
        new ConsoleSummaryWriter().Write(ReportFixture.Build(), output);

        Assert.DoesNotContain("more violations", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WaiverApprovedAfterAsOf_SaysNotYetApprovedNotUnused()
    {
        using var output = new StringWriter();
        new ConsoleSummaryWriter().Write(ReportFixture.Build(), output);

        var text = output.ToString();
        Assert.Contains("Waiver crm-bridge: NOT YET APPROVED at 2026-11-25 (approved 2026-11-28), hides nothing;", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Waiver crm-bridge: unused", text, StringComparison.Ordinal);
        Assert.Contains("Waiver legacy-keys: unused;", text, StringComparison.Ordinal);
    }
}
