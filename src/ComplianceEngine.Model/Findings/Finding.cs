using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Model.Findings;

/// <summary>Outcome of one rule on one subject.</summary>
public enum FindingStatus
{
    Pass,
    Violation,
    Warning,
    Indeterminate,
    Waived,
}

/// <summary>Contract names of <see cref="FindingStatus"/>.</summary>
public static class FindingStatusNames
{
    /// <summary>Lower-case contract name.</summary>
    public static string ToName(this FindingStatus status) => status switch
    {
        FindingStatus.Pass => "pass",
        FindingStatus.Violation => "violation",
        FindingStatus.Warning => "warning",
        FindingStatus.Indeterminate => "indeterminate",
        FindingStatus.Waived => "waived",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Parses a contract name.</summary>
    public static bool TryParse(string? text, out FindingStatus status)
    {
        foreach (var s in Enum.GetValues<FindingStatus>())
        {
            if (s.ToName() == text)
            {
                status = s;
                return true;
            }
        }
        status = FindingStatus.Pass;
        return false;
    }
}

/// <summary>The document a finding is about, with where it was declared.</summary>
public sealed record FindingSubject(string Kind, string Name, SourceLocation Location)
{
    /// <summary><c>Kind/name</c>.</summary>
    public string Reference => $"{Kind}/{Name}";
}

/// <summary>One fact that decided a finding: a value and the document line that declared it.</summary>
public sealed record Evidence(string Fact, string Value, SourceLocation Location);

/// <summary>The result of one rule on one subject (and path).</summary>
public sealed record Finding(
    string Id,
    string RuleId,
    string RuleTitle,
    string Jurisdiction,
    Severity Severity,
    FindingStatus Status,
    FindingSubject Subject,
    ImmutableArray<string> Path,
    string Citation,
    string Confidence,
    string Message,
    string Remediation,
    ImmutableArray<Evidence> Evidence,
    string? WaiverJustification = null,
    string? WaiverName = null,
    BaselineState BaselineState = BaselineState.None);

/// <summary>How a finding relates to a baseline report (SARIF <c>baselineState</c>).</summary>
public enum BaselineState
{
    /// <summary>No baseline was given.</summary>
    None,
    /// <summary>Not in the baseline: fails the run.</summary>
    New,
    /// <summary>Already in the baseline: reported, but does not fail the run.</summary>
    Unchanged,
}
