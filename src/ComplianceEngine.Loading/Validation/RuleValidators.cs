using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Jurisdictions;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Loading.Validation;

/// <summary>
/// Checks one rule's metadata; conditions are checked when the rule is compiled. Plain checks, one diagnostic per failed
/// check in the order below, at the rule's position (they were FluentValidation rules, whose start-up cost, compiling an
/// expression per rule, was most of loading's; the diagnostics are the same).
/// </summary>
public static class RuleDefinitionValidator
{
    /// <summary>Adds a CE4001 error to <paramref name="diagnostics"/> for every check <paramref name="rule"/> fails.</summary>
    public static void Validate(RuleDefinition rule, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(diagnostics);
        void Fail(string message) => diagnostics.Error(DiagnosticCodes.RuleInvalid, message, rule.Location);
        if (!IsRuleId(rule.Id)) Fail($"rule '{rule.Id}': id must be upper-case letters, digits, '.' and '-' (e.g. GDPR-CH5-TRANSFER)");
        if (string.IsNullOrWhiteSpace(rule.Title)) Fail($"rule '{rule.Id}': title must not be empty");
        if (string.IsNullOrWhiteSpace(rule.Jurisdiction)) Fail($"rule '{rule.Id}': jurisdiction must not be empty");
        var citations = rule.Citations.IsDefault ? [] : rule.Citations;
        if (citations.IsEmpty) Fail($"rule '{rule.Id}': at least one citation (instrument and article) is required");
        foreach (var c in citations)
            if (!(c.Instrument.Length > 0 && c.Article.Length > 0)) Fail($"rule '{rule.Id}': every citation needs an instrument and an article");
        foreach (var c in citations)
            if (!(c.Url is null || Uri.TryCreate(c.Url, UriKind.Absolute, out _))) Fail($"rule '{rule.Id}': citation url '{c.Url}' is not an absolute URL");
        if (!(rule.Effective.From is null || rule.Effective.Until is null || rule.Effective.From < rule.Effective.Until))
            Fail($"rule '{rule.Id}': effective.from ({rule.Effective.From:yyyy-MM-dd}) must be before effective.until ({rule.Effective.Until:yyyy-MM-dd})");
        if (string.IsNullOrWhiteSpace(rule.Message)) Fail($"rule '{rule.Id}': message must not be empty");
        if (string.IsNullOrWhiteSpace(rule.Remediation)) Fail($"rule '{rule.Id}': remediation must not be empty");
        if (!(rule.Confidence != Confidence.Unverified || rule.Message.Contains("UNVERIFIED", StringComparison.Ordinal)))
            Fail($"rule '{rule.Id}': a rule with confidence 'unverified' must say UNVERIFIED in its message");
    }

    /// <summary>Upper-case ASCII letters, digits, '.' and '-', starting with a letter or digit (<c>^[A-Z0-9][A-Z0-9.-]*$</c>).</summary>
    internal static bool IsRuleId(string id)
    {
        if (string.IsNullOrEmpty(id) || !IsUpperOrDigit(id[0])) return false;
        foreach (var ch in id)
            if (!IsUpperOrDigit(ch) && ch is not ('.' or '-')) return false;
        return true;
    }

    private static bool IsUpperOrDigit(char ch) => ch is >= 'A' and <= 'Z' or >= '0' and <= '9';
}

/// <summary>Checks one adequacy entry (plain checks, one CE4008 diagnostic per failed check, in the order below).</summary>
public static class AdequacyEntryValidator
{
    /// <summary>Adds an error to <paramref name="diagnostics"/> for every check <paramref name="entry"/> fails.</summary>
    public static void Validate(AdequacyEntry entry, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(diagnostics);
        void Fail(string message, SourceLocation at) => diagnostics.Error(DiagnosticCodes.CatalogInvalid, message, at);
        if ((entry.Country is null) == (entry.Group is null)) Fail("an adequacy entry needs exactly one of 'country' or 'group'", entry.Location);
        if (string.IsNullOrWhiteSpace(entry.Decision)) Fail("an adequacy entry needs the decision that grants it", entry.Location);
        if (!(entry.Effective.From is null || entry.Effective.Until is null || entry.Effective.From < entry.Effective.Until))
            Fail($"adequacy entry for {entry.Country ?? entry.Group}: 'from' must be before 'until'", entry.Location);
        foreach (var c in entry.Conditions.IsDefault ? [] : entry.Conditions)
            if (!(c.Certification is not null || c.ExporterNotIn.Length > 0))
                Fail($"adequacy entry for {entry.Country ?? entry.Group}: a condition needs 'certification' or 'exporterNotIn'", c.Location);
    }
}
