using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Model.Rules;

/// <summary>A legal source: instrument, article, link.</summary>
public sealed record Citation(string Instrument, string Article, string? Url)
{
    /// <summary>
    /// When the article is in force (default: always). A finding cites the articles in force on its as-of date, so a
    /// rule can cite a former article until the day its successor applies.
    /// </summary>
    public EffectivePeriod Effective { get; init; } = EffectivePeriod.Always;

    /// <summary>Where the citation is written (for diagnostics).</summary>
    public SourceLocation Location { get; init; } = SourceLocation.None;

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

    /// <summary>True when some citation has its own effective period (then <see cref="CitationTextAsOf"/> depends on the date).</summary>
    public bool HasDatedCitations
    {
        get
        {
            foreach (var c in Citations)
            {
                if (c.Effective.From is not null || c.Effective.Until is not null) return true;
            }
            return false;
        }
    }

    /// <summary>
    /// The citations in force on <paramref name="date"/>, as one line. When none is (a date outside the rule's period, which
    /// the loader checks the citations cover), every citation, so a finding never cites nothing.
    /// </summary>
    public string CitationTextAsOf(DateOnly date)
    {
        if (!HasDatedCitations) return CitationText;
        var inForce = Citations.Where(c => c.Effective.Contains(date)).ToList();
        return inForce.Count == 0 ? CitationText : string.Join("; ", inForce.Select(c => c.ToString()));
    }
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
