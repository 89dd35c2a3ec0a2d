using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Model.Rules;

/// <summary>A legal source: instrument, article, link.</summary>
public sealed record Citation(string Instrument, string Article, string? Url)
{
    /// <inheritdoc />
    public override string ToString() => $"{Instrument} {Article}";
}

/// <summary>A closed-open date range; null ends are open. Used for rules, adequacy decisions and waivers.</summary>
public sealed record EffectivePeriod(DateOnly? From, DateOnly? Until)
{
    /// <summary>Always in effect.</summary>
    public static EffectivePeriod Always { get; } = new(null, null);

    /// <summary>True when <paramref name="date"/> is on or after From and before Until.</summary>
    public bool Contains(DateOnly date) => (From is null || date >= From) && (Until is null || date < Until);
}

/// <summary>The kinds of fact a rule can be about.</summary>
public static class FactKinds
{
    /// <summary>A movement of data between two places (declared or implied).</summary>
    public const string Transfer = "transfer";
    /// <summary>Where a store's data rests.</summary>
    public const string Placement = "placement";
    /// <summary>Every fact kind.</summary>
    public static IReadOnlyList<string> All { get; } = [Transfer, Placement];
}

/// <summary>Whether a rule's facts are confirmed in a source.</summary>
public static class Confidence
{
    public const string Verified = "verified";
    public const string Unverified = "unverified";
}

/// <summary>
/// One declarative rule. A subject the rule applies to (<see cref="When"/> true) is a violation when
/// <see cref="Require"/> is false, a pass when it is true, and indeterminate when either cannot be decided.
/// </summary>
public sealed record RuleDefinition(
    string Id,
    string Title,
    string Jurisdiction,
    string AppliesTo,
    Severity Severity,
    string Outcome,
    EffectivePeriod Effective,
    ImmutableArray<Citation> Citations,
    string Confidence,
    Condition? When,
    Condition? Require,
    string Message,
    string Remediation,
    string PackName,
    SourceLocation Location)
{
    /// <summary>The citation as one line: "GDPR Art. 44, Art. 46".</summary>
    public string CitationText => string.Join("; ", Citations.Select(c => c.ToString()));
}

/// <summary>A file's worth of rules for one regime.</summary>
public sealed record RulePack(
    string Name,
    string Title,
    string Jurisdiction,
    ImmutableArray<RuleDefinition> Rules,
    SourceLocation Location)
{
    /// <summary>The <c>attributes.*</c> the pack's rules read, declared in <c>spec.attributes</c>.</summary>
    public ImmutableArray<Vocabulary.AttributeDeclaration> Attributes { get; init; } = [];
}
