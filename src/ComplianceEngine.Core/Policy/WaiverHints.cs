using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Policy;

namespace ComplianceEngine.Core.Policy;

/// <summary>
/// "Did you mean" for a waiver that matches nothing: what its rule id, subject and jurisdiction are nearest to among the
/// loaded rules and the run's findings (a case slip, a typo, the finding under another jurisdiction or rule, a finding
/// another waiver already hides). Appended to the unknown-rule and unused-waiver diagnostics; it changes no status.
/// </summary>
public static class WaiverHints
{
    private const int Listed = 5;

    /// <summary>", did you mean 'R'?" for a rule id that is not loaded, from <paramref name="ruleIds"/>; else empty.</summary>
    public static string UnknownRule(string rule, IEnumerable<string> ruleIds)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var ids = ruleIds.ToList();
        var caseFix = ids.FirstOrDefault(r => string.Equals(r, rule, StringComparison.OrdinalIgnoreCase));
        return caseFix is not null ? $", did you mean '{caseFix}'?" : Suggestions.DidYouMean(rule, ids);
    }

    /// <summary>
    /// The end of the unused-waiver message for <paramref name="waiver"/>, which matched none of <paramref name="findings"/>
    /// (the run's findings after waivers): "; remove it", or what it is nearest to ("; did you mean subject 'X'? ...").
    /// </summary>
    public static string Unmatched(Waiver waiver, IReadOnlyList<Finding> findings, IReadOnlySet<string> ruleIds) => UnmatchedAt(waiver, findings, ruleIds).Hint;

    /// <summary>
    /// <see cref="Unmatched"/>, with the field of the waiver that is most likely wrong (its rule, subject or jurisdiction),
    /// so the warning can point at it; <see cref="WaiverField.None"/> when the waiver as a whole is the point.
    /// </summary>
    public static (string Hint, WaiverField Field) UnmatchedAt(Waiver waiver, IReadOnlyList<Finding> findings, IReadOnlySet<string> ruleIds)
    {
        var (hint, field) = Hint(waiver, findings, ruleIds);
        return (hint.Length == 0 ? "; remove it" : hint.EndsWith('?') ? $"; {hint} Correct the waiver or remove it" : $"; {hint}: correct the waiver or remove it", field);
    }

    private static (string, WaiverField) Hint(Waiver waiver, IReadOnlyList<Finding> findings, IReadOnlySet<string> ruleIds)
    {
        ArgumentNullException.ThrowIfNull(waiver);
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(ruleIds);
        if (!ruleIds.Contains(waiver.Rule)) return (string.Empty, WaiverField.Rule); // said by the unknown-rule warning, with its own suggestion

        // The very finding, already hidden by another waiver (the first waiver that matches a finding wins).
        var same = findings.Where(f => f.RuleId == waiver.Rule && f.Subject.Reference == waiver.Subject && f.Jurisdiction == waiver.Jurisdiction).ToList();
        if (same.FirstOrDefault(f => f.Status == FindingStatus.Waived && f.WaiverName != waiver.Name) is { } hidden)
            return ($"that finding is already waived by '{hidden.WaiverName}' (the first waiver that matches wins)", WaiverField.None);
        if (same.Count > 0 && same.All(f => f.Status == FindingStatus.Pass))
            return ("that rule passes on that subject: there is nothing to waive", WaiverField.None);

        var ofRule = findings.Where(f => f.RuleId == waiver.Rule && f.Status != FindingStatus.Pass).ToList();
        var onSubject = ofRule.Where(f => f.Subject.Reference == waiver.Subject).ToList();
        if (onSubject.Count > 0)
        {
            var jurisdictions = onSubject.Select(f => f.Jurisdiction).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var j = Near(waiver.Jurisdiction, jurisdictions) ?? (jurisdictions.Count == 1 ? jurisdictions[0] : null);
            return ($"{waiver.Rule} finds {waiver.Subject} under {Join(jurisdictions)}{(j is null ? "" : $", did you mean jurisdiction '{j}'?")}", WaiverField.Jurisdiction);
        }

        var inJurisdiction = ofRule.Where(f => f.Jurisdiction == waiver.Jurisdiction).ToList();
        var subjects = (inJurisdiction.Count > 0 ? inJurisdiction : ofRule)
            .Select(f => f.Subject.Reference).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (Near(waiver.Subject, subjects) is { } subject) return ($"did you mean subject '{subject}'?", WaiverField.Subject);

        var otherRules = findings.Where(f => f.Subject.Reference == waiver.Subject && f.Status != FindingStatus.Pass)
            .Select(f => f.RuleId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (otherRules.Count > 0)
            return ($"the findings on {waiver.Subject} come from {Join(otherRules)}{(Near(waiver.Rule, otherRules) is { } r ? $", did you mean rule '{r}'?" : "")}",
                WaiverField.Rule);
        if (subjects.Count > 0) return ($"{waiver.Rule} has findings on {Join(subjects)}", WaiverField.Subject);
        return ($"{waiver.Rule} has no open finding in this run", WaiverField.None);
    }

    /// <summary>The candidate <paramref name="written"/> most likely means: a case slip first, then the nearest; else null.</summary>
    private static string? Near(string written, List<string> candidates)
    {
        var caseFix = candidates.FirstOrDefault(c => string.Equals(c, written, StringComparison.OrdinalIgnoreCase));
        if (caseFix is not null) return caseFix;
        // Kind/name: a slip in the name is judged on the name alone, so a long kind does not make it look near.
        var slash = written.IndexOf('/', StringComparison.Ordinal);
        var pool = slash > 0 && candidates.Any(c => c.StartsWith(written[..(slash + 1)], StringComparison.OrdinalIgnoreCase))
            ? candidates.Where(c => c.StartsWith(written[..(slash + 1)], StringComparison.OrdinalIgnoreCase)).ToList()
            : candidates;
        string? best = null;
        var bestDistance = int.MaxValue;
        var key = slash > 0 && pool != candidates ? written[(slash + 1)..] : written;
        foreach (var c in pool)
        {
            var d = Suggestions.Distance(key.ToLowerInvariant(), (pool != candidates ? c[(slash + 1)..] : c).ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }
        return best is not null && bestDistance <= Math.Max(2, key.Length / 3) ? best : null;
    }

    private static string Join(List<string> items) =>
        items.Count <= Listed ? string.Join(", ", items) : $"{string.Join(", ", items.Take(Listed))} and {items.Count - Listed} more";
}

/// <summary>The field of a waiver a warning about it points at (<see cref="None"/>: the waiver document itself).</summary>
public enum WaiverField
{
    /// <summary>The waiver as a whole.</summary>
    None,
    /// <summary>Its <c>rule</c>.</summary>
    Rule,
    /// <summary>Its <c>subject</c>.</summary>
    Subject,
    /// <summary>Its <c>jurisdiction</c>.</summary>
    Jurisdiction,
}
