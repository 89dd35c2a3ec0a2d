using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Model.Findings;

/// <summary>One expected finding of a scenario: rule, subject (<c>Kind/name</c>), status, and optionally jurisdiction and path.</summary>
public sealed record ExpectedFinding(string RuleId, string Subject, FindingStatus Status, string? Jurisdiction, ImmutableArray<string> Path,
    string? MessageContains, SourceLocation Location)
{
    /// <summary>Matches a finding.</summary>
    public bool Matches(Finding f) =>
        f.RuleId == RuleId && f.Subject.Reference == Subject && f.Status == Status &&
        (Jurisdiction is null || f.Jurisdiction == Jurisdiction) &&
        (Path.IsDefaultOrEmpty || f.Path.SequenceEqual(Path)) &&
        (MessageContains is null || f.Message.Contains(MessageContains, StringComparison.Ordinal));

    /// <inheritdoc />
    public override string ToString() =>
        $"{Status.ToName()} {RuleId} {Subject}{(Jurisdiction is null ? "" : $" [{Jurisdiction}]")}{(Path.IsDefaultOrEmpty ? "" : $" path {string.Join(" -> ", Path)}")}";
}

/// <summary>
/// A scenario: a folder of inventory files plus a <c>TestCase</c> document with the date and the expected findings.
/// Within <see cref="Jurisdictions"/>, every violation, warning, indeterminate and waived finding must be expected,
/// and every expected finding must occur.
/// </summary>
public sealed record TestCase(string Name, string Description, DateOnly AsOf, ImmutableArray<string> Jurisdictions,
    ImmutableArray<ExpectedFinding> Expect, string Folder, SourceLocation Location);
