using System.Collections.Immutable;
using ComplianceEngine.Core.Policy;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Policy;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Tests.Policy;

public sealed class PolicyApplierTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 25);

    private static Finding Finding(string subject, FindingStatus status = FindingStatus.Violation, Severity severity = Severity.High) =>
        new($"id-{subject}", "R-1", "Rule", "EU", severity, status, new FindingSubject("DataFlow", subject, new SourceLocation("f.yaml", 1, 1)),
            ["a", "b"], "GDPR Art. 44", "verified", "m", "r", []);

    private static Report Report(params Finding[] findings) => new("1", AsOf, default,
        ImmutableSortedDictionary<string, StatusCounts>.Empty.Add("EU", findings.Aggregate(StatusCounts.Zero, (c, f) => c.Add(f.Status))),
        [.. findings], [new RuleSummary("R-1", "Rule", "EU", "high", "GDPR Art. 44", null, "r", "verified")], []);

    private static Waiver Waiver(string name, string subject, DateOnly expires, DateOnly? approved = null) =>
        new(name, "R-1", $"DataFlow/{subject}", "EU", "accepted for a good reason", "DPO", "T-1", approved, expires, new SourceLocation("w.yaml", 1, 1));

    [Fact]
    public void Apply_CurrentWaiver_HidesFindingAndCountsWaived()
    {
        var bag = new DiagnosticBag();
        var report = PolicyApplier.Apply(Report(Finding("x")), null, [Waiver("w", "x", AsOf.AddDays(10))], null, bag);
        var f = Assert.Single(report.Findings);
        Assert.Equal(FindingStatus.Waived, f.Status);
        Assert.Equal("w", f.WaiverName);
        Assert.Equal(new StatusCounts(0, 0, 0, 1, 0), report.ByJurisdiction["EU"]);
        Assert.False(PolicyApplier.Fails(report, "low", false));
        Assert.True(Assert.Single(report.Waivers).ExpiresWithin(AsOf, 30));
        Assert.Empty(bag.Sorted());
    }

    [Fact]
    public void Apply_ExpiredWaiver_HidesNothingAndIsReported()
    {
        var bag = new DiagnosticBag();
        var report = PolicyApplier.Apply(Report(Finding("x")), null, [Waiver("w", "x", AsOf.AddDays(-1))], null, bag);
        Assert.Equal(FindingStatus.Violation, Assert.Single(report.Findings).Status);
        Assert.True(Assert.Single(report.Waivers).Expired);
        Assert.Equal(DiagnosticCodes.WaiverExpired, Assert.Single(bag.Sorted()).Code);
        Assert.True(PolicyApplier.Fails(report, "low", false));
    }

    [Fact]
    public void Apply_WaiverOnItsExpiryDay_StillApplies()
    {
        var report = PolicyApplier.Apply(Report(Finding("x")), null, [Waiver("w", "x", AsOf)], null, new DiagnosticBag());
        Assert.Equal(FindingStatus.Waived, Assert.Single(report.Findings).Status);
    }

    [Fact]
    public void Apply_WaiverApprovedAfterAsOf_HidesNothingAndIsReported()
    {
        // An audit as of a past date must not see findings waived by a waiver nobody had approved yet.
        var bag = new DiagnosticBag();
        var report = PolicyApplier.Apply(Report(Finding("x")), null, [Waiver("w", "x", AsOf.AddDays(20), approved: AsOf.AddDays(1))], null, bag);
        Assert.Equal(FindingStatus.Violation, Assert.Single(report.Findings).Status);
        var d = Assert.Single(bag.Sorted());
        Assert.Equal(DiagnosticCodes.WaiverExpired, d.Code);
        Assert.Contains("approved on 2026-11-26", d.Message, StringComparison.Ordinal);
        Assert.True(PolicyApplier.Fails(report, "low", false));
    }

    [Fact]
    public void Apply_WaiverApprovedAfterAsOf_IsListedAsNotYetApprovedNotUnused()
    {
        // It matched nothing because it was not in force on the date, not because nothing needs it.
        var report = PolicyApplier.Apply(Report(Finding("x")), null, [Waiver("w", "x", AsOf.AddDays(20), approved: AsOf.AddDays(1))], null, new DiagnosticBag());

        var status = Assert.Single(report.Waivers);
        Assert.True(status.NotYetApproved);
        Assert.Equal(AsOf.AddDays(1), status.Approved);
        Assert.Equal(WaiverStatus.NotYetApprovedState, status.State);
        Assert.Equal("not-yet-approved", status.State);
    }

    [Fact]
    public void Apply_WaiverStates_ActiveUnusedExpired()
    {
        var report = PolicyApplier.Apply(Report(Finding("x")), null,
            [Waiver("a-used", "x", AsOf.AddDays(20), approved: AsOf), Waiver("b-unused", "y", AsOf.AddDays(20)), Waiver("c-expired", "x", AsOf.AddDays(-1))], null, new DiagnosticBag());

        Assert.Equal(["active", "unused", "expired"], report.Waivers.Select(w => w.State));
        Assert.All(report.Waivers, w => Assert.False(w.NotYetApproved));
    }

    [Fact]
    public void Apply_WaiverApprovedOnAsOf_Applies()
    {
        var report = PolicyApplier.Apply(Report(Finding("x")), null, [Waiver("w", "x", AsOf.AddDays(20), approved: AsOf)], null, new DiagnosticBag());
        Assert.Equal(FindingStatus.Waived, Assert.Single(report.Findings).Status);
    }

    [Fact]
    public void Apply_UnusedWaiver_Reported()
    {
        var bag = new DiagnosticBag();
        var report = PolicyApplier.Apply(Report(Finding("x")), null, [Waiver("w", "other", AsOf.AddDays(10))], null, bag);
        Assert.Equal(0, Assert.Single(report.Waivers).Matched);
        Assert.Equal(DiagnosticCodes.WaiverUnused, Assert.Single(bag.Sorted()).Code);
    }

    [Fact]
    public void Apply_WaiverLongerThanPolicyAllows_Error()
    {
        var policy = new PolicyDocument("p", [], [], [], null, false, 90, SourceLocation.None);
        var bag = new DiagnosticBag();
        var report = PolicyApplier.Apply(Report(Finding("x")), policy, [Waiver("w", "x", AsOf.AddDays(200), AsOf.AddDays(-10))], null, bag);
        Assert.Equal(DiagnosticCodes.WaiverTooLong, Assert.Single(bag.Sorted()).Code);
        Assert.Equal(FindingStatus.Violation, Assert.Single(report.Findings).Status);
    }

    [Fact]
    public void Apply_Baseline_MarksKnownFindingsUnchangedAndTheyDoNotFail()
    {
        var report = PolicyApplier.Apply(Report(Finding("old"), Finding("new")), null, [], new HashSet<string> { "id-old" }, new DiagnosticBag());
        Assert.Equal(BaselineState.Unchanged, report.Findings.Single(f => f.Subject.Name == "old").BaselineState);
        Assert.Equal(BaselineState.New, report.Findings.Single(f => f.Subject.Name == "new").BaselineState);
        Assert.Equal(1, report.BaselineSuppressed);
        Assert.True(PolicyApplier.Fails(report, "low", false));
        var onlyOld = PolicyApplier.Apply(Report(Finding("old")), null, [], new HashSet<string> { "id-old" }, new DiagnosticBag());
        Assert.False(PolicyApplier.Fails(onlyOld, "low", false));
    }

    [Fact]
    public void Apply_SeverityOverride_ChangesFindingAndRule()
    {
        var policy = new PolicyDocument("p", [], [], [new SeverityOverride("R-1", Severity.Low, SourceLocation.None)], null, false, null, SourceLocation.None);
        var report = PolicyApplier.Apply(Report(Finding("x")), policy, [], null, new DiagnosticBag());
        Assert.Equal(Severity.Low, Assert.Single(report.Findings).Severity);
        Assert.Equal("low", Assert.Single(report.Rules).Severity);
        Assert.False(PolicyApplier.Fails(report, "medium", false));
    }

    [Fact]
    public void Fails_Indeterminate_OnlyWhenPolicySaysSo()
    {
        var report = Report(Finding("x", FindingStatus.Indeterminate));
        Assert.False(PolicyApplier.Fails(report, "low", false));
        Assert.True(PolicyApplier.Fails(report, "low", true));
        Assert.False(PolicyApplier.Fails(Report(Finding("x")), "none", false));
    }
}
