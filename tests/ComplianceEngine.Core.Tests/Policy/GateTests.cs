using System.Collections.Immutable;
using ComplianceEngine.Core.Policy;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Tests.Policy;

/// <summary>Design section 7: indeterminate is a failing outcome unless relaxed, and the report says what it was held to.</summary>
public sealed class GateTests
{
    private static Finding Finding(FindingStatus status, Severity severity = Severity.High, BaselineState baseline = BaselineState.None) =>
        new($"id-{status}-{severity}-{baseline}", "R-1", "rule", "EU", severity, status, new FindingSubject("DataFlow", "f", SourceLocation.None), ["a", "b"],
            "Art. 1", "verified", "message", "fix", [], BaselineState: baseline);

    private static Report Report(params Finding[] findings) =>
        new("1", new DateOnly(2026, 11, 25), DateTimeOffset.UnixEpoch, ImmutableSortedDictionary<string, StatusCounts>.Empty, [.. findings], [], []);

    [Fact]
    public void Hold_IndeterminateAtThreshold_FailsByDefault()
    {
        var held = PolicyApplier.Hold(Report(Finding(FindingStatus.Indeterminate)), "low", failOnIndeterminate: true, relaxedBy: null);

        Assert.True(held.Gate.Failed);
        Assert.Equal(1, held.Gate.FailingFindings);
        Assert.Null(held.Gate.RelaxedBy);
    }

    [Fact]
    public void Hold_IndeterminateRelaxed_PassesAndNamesWhatRelaxedIt()
    {
        var held = PolicyApplier.Hold(Report(Finding(FindingStatus.Indeterminate)), "low", failOnIndeterminate: false, "--fail-on-indeterminate false");

        Assert.False(held.Gate.Failed);
        Assert.Equal("--fail-on-indeterminate false", held.Gate.RelaxedBy);
    }

    [Fact]
    public void Hold_IndeterminateBelowThreshold_DoesNotFail()
    {
        var held = PolicyApplier.Hold(Report(Finding(FindingStatus.Indeterminate, Severity.Low)), "high", failOnIndeterminate: true, null);

        Assert.False(held.Gate.Failed);
    }

    [Fact]
    public void Hold_IndeterminateInBaseline_DoesNotFail()
    {
        var held = PolicyApplier.Hold(Report(Finding(FindingStatus.Indeterminate, baseline: BaselineState.Unchanged)), "low", true, null);

        Assert.False(held.Gate.Failed);
    }

    [Theory]
    [InlineData(FindingStatus.Warning)]
    [InlineData(FindingStatus.Waived)]
    [InlineData(FindingStatus.Pass)]
    public void Hold_NonFailingStatuses_NeverFail(FindingStatus status)
    {
        Assert.False(PolicyApplier.Hold(Report(Finding(status, Severity.Critical)), "info", true, null).Gate.Failed);
    }

    [Fact]
    public void Hold_FailOnNone_NothingFails()
    {
        var held = PolicyApplier.Hold(Report(Finding(FindingStatus.Violation, Severity.Critical), Finding(FindingStatus.Indeterminate)), "none", true, null);

        Assert.False(held.Gate.Failed);
    }

    [Theory]
    [InlineData("hgih")]
    [InlineData("HIGH")]
    [InlineData("")]
    public void Hold_UnknownThreshold_IsAProgrammingError(string failOn)
    {
        Assert.Throws<ArgumentException>(() => PolicyApplier.Hold(Report(), failOn, true, null));
    }
}
