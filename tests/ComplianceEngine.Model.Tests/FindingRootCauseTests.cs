using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Model.Tests;

/// <summary>A finding's root cause is set once (when made, or when linked) and never changes afterwards: another one is a copy.</summary>
public sealed class FindingRootCauseTests
{
    private static Finding Eager() =>
        new("id", "R-1", "title", "EU", Severity.High, FindingStatus.Violation, new FindingSubject("DataFlow", "f", SourceLocation.None), ["a", "b"],
            "GDPR Art. 44", "verified", "message", "remediation", []);

    [Fact]
    public void WithRootCause_SetsItOnce_ThenOnlyCopiesCarryAnother()
    {
        var finding = Eager();
        Assert.Null(finding.RootCause);

        Assert.Same(finding, finding.WithRootCause("root-1"));
        Assert.Same(finding, finding.WithRootCause("root-1"));
        var other = finding.WithRootCause("root-2");

        Assert.NotSame(finding, other);
        Assert.Equal("root-2", other.RootCause);
        Assert.Equal("root-1", finding.RootCause);
        Assert.Equal(finding with { RootCause = "root-2" }, other);
    }

    [Fact]
    public void WithRootCause_RacingThreads_OneWinsAndNoneChangesItAfterwards()
    {
        var finding = Eager();
        var results = new Finding[64];

        Parallel.For(0, results.Length, i => results[i] = finding.WithRootCause($"root-{i % 4}"));

        var winner = finding.RootCause;
        Assert.NotNull(winner);
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal($"root-{i % 4}", results[i].RootCause);
            Assert.Equal(results[i].RootCause == winner, ReferenceEquals(results[i], finding));
        }
        Assert.Equal(winner, finding.RootCause);
    }
}
