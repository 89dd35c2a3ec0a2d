using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Model.Policy;

/// <summary>A severity override for one rule.</summary>
public sealed record SeverityOverride(string Rule, Severity Severity, SourceLocation Location);

/// <summary>
/// An organisation's policy: which packs apply, severity overrides, the default fail-on, whether indeterminate
/// findings fail, and the longest term a waiver may have.
/// </summary>
public sealed record PolicyDocument(
    string Name,
    ImmutableArray<string> Packs,
    ImmutableArray<string> Include,
    ImmutableArray<SeverityOverride> SeverityOverrides,
    string? FailOn,
    bool? FailOnIndeterminate,
    int? MaxWaiverDays,
    SourceLocation Location)
{
    /// <summary>Whether a run that judged nothing fails (null: the default, true).</summary>
    public bool? FailOnNothingJudged { get; init; }
}

/// <summary>A waiver: an accepted, approved, time-limited exception for one rule on one subject.</summary>
public sealed record Waiver(
    string Name,
    string Rule,
    string Subject,
    string Jurisdiction,
    string Justification,
    string ApprovedBy,
    string Ticket,
    DateOnly? Approved,
    DateOnly Expires,
    SourceLocation Location)
{
    /// <summary>Where <see cref="Rule"/> is written (None when not read from a file; then <see cref="Location"/> stands for it).</summary>
    public SourceLocation RuleLocation { get; init; } = SourceLocation.None;

    /// <summary>Where <see cref="Subject"/> is written (None when not read from a file).</summary>
    public SourceLocation SubjectLocation { get; init; } = SourceLocation.None;

    /// <summary>Where <see cref="Jurisdiction"/> is written (None when not read from a file).</summary>
    public SourceLocation JurisdictionLocation { get; init; } = SourceLocation.None;

    /// <summary>True when the waiver no longer applies on <paramref name="asOf"/> (it is valid through its expiry date).</summary>
    public bool IsExpired(DateOnly asOf) => asOf > Expires;
}
