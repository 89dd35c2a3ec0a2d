using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Model.Findings;

/// <summary>
/// The gate a run was held to (design section 7): findings at or above <see cref="FailOn"/> fail the run when they are
/// violations, and also when they are indeterminate unless <see cref="FailOnIndeterminate"/> was relaxed.
/// Waived findings and findings already in the baseline never fail it.
/// </summary>
public sealed record Gate(string FailOn, bool FailOnIndeterminate, string? RelaxedBy, int FailingFindings)
{
    /// <summary>The contract's default: fail on low and above, indeterminate included.</summary>
    public const string DefaultFailOn = "low";

    /// <summary>The value of <see cref="FailOn"/> that fails on nothing.</summary>
    public const string None = "none";

    /// <summary>Accepted values of <see cref="FailOn"/>.</summary>
    public static IReadOnlyList<string> FailOnValues { get; } = [.. SeverityNames.All, None];

    /// <summary>True when at least one finding fails the run.</summary>
    public bool Failed => FailingFindings > 0;

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
