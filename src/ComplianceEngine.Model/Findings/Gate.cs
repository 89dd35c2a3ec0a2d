using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Model.Findings;

/// <summary>
/// The gate a run was held to (design section 7): findings at or above <see cref="FailOn"/> fail the run when they are
/// violations, and also when they are indeterminate unless <see cref="FailOnIndeterminate"/> was relaxed.
/// Waived findings and findings already in the baseline never fail it. A run that judged nothing
/// (<see cref="NothingJudged"/>) fails too: it never reports "nothing wrong" when it judged nothing, unless the threshold is
/// <see cref="None"/> or <see cref="FailOnNothingJudged"/> was relaxed, which <see cref="NothingJudgedRelaxedBy"/> then names.
/// </summary>
public sealed record Gate(string FailOn, bool FailOnIndeterminate, string? RelaxedBy, int FailingFindings)
{
    /// <summary>The contract's default: fail on low and above, indeterminate included.</summary>
    public const string DefaultFailOn = "low";

    /// <summary>The value of <see cref="FailOn"/> that fails on nothing.</summary>
    public const string None = "none";

    /// <summary>Accepted values of <see cref="FailOn"/>.</summary>
    public static IReadOnlyList<string> FailOnValues { get; } = [.. SeverityNames.All, None];

    /// <summary>True when no rule judged anything in the run (the report's coverage says so).</summary>
    public bool NothingJudged { get; init; }

    /// <summary>
    /// What let a run that judged nothing pass (the <see cref="None"/> threshold, given as an option or by a policy), said in
    /// the report; null when nothing relaxed it or something was judged.
    /// </summary>
    public string? NothingJudgedRelaxedBy { get; init; }

    /// <summary>
    /// Whether a run that judged nothing fails (default true: fail closed); false when the shell or a policy relaxed it for
    /// an estate no loaded rule is meant to judge, which <see cref="NothingJudgedRelaxedBy"/> then names.
    /// </summary>
    public bool FailOnNothingJudged { get; init; } = true;

    /// <summary>True when the run judged nothing and that fails it (any threshold but <see cref="None"/>, unless relaxed).</summary>
    public bool FailsBecauseNothingJudged => NothingJudged && FailOn != None && FailOnNothingJudged;

    /// <summary>True when at least one finding fails the run, or when it judged nothing and that was not relaxed.</summary>
    public bool Failed => FailingFindings > 0 || FailsBecauseNothingJudged;

    /// <summary>Why the run failed, or why a run that judged nothing did not; null for a plain pass.</summary>
    public string? Reason =>
        FailingFindings > 0 ? $"{FailingFindings} {(FailingFindings == 1 ? "finding" : "findings")} at or above {FailOn}"
        : FailsBecauseNothingJudged ? "nothing was judged: no loaded rule applied to any document of the estate"
        : NothingJudged ? $"nothing was judged, and that does not fail this run (relaxed by {NothingJudgedRelaxedBy ?? (FailOn == None ? "fail-on none" : "fail-on-nothing-judged false")})"
        : null;

    /// <summary>The gate of a report that no gate was applied to (the default settings, nothing counted).</summary>
    public static Gate Default { get; } = new(DefaultFailOn, true, null, 0);

    /// <summary>True when <paramref name="finding"/> fails a run held to <paramref name="failOn"/>.</summary>
    public static bool Fails(Finding finding, Severity? failOn, bool failOnIndeterminate)
    {
        ArgumentNullException.ThrowIfNull(finding);
        if (failOn is not { } threshold || finding.BaselineState == BaselineState.Unchanged || finding.Severity < threshold) return false;
        return finding.Status == FindingStatus.Violation || (failOnIndeterminate && finding.Status == FindingStatus.Indeterminate);
    }
}
