using System.Text.RegularExpressions;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Jurisdictions;
using ComplianceEngine.Model.Rules;
using FluentValidation;

namespace ComplianceEngine.Loading.Validation;

/// <summary>
/// Checks one rule's metadata. Conditions are checked when the rule is compiled. The checks of the rule as a whole are
/// chained on <c>RuleFor(r => r)</c> rather than one <c>RuleFor</c> per property: FluentValidation compiles each
/// <c>RuleFor</c>'s expression at every start (bench/RESULTS.md, "Start-up, tenth round"); the failures, their order,
/// codes, messages and positions are the same.
/// </summary>
public sealed partial class RuleDefinitionValidator : AbstractValidator<RuleDefinition>
{
    [GeneratedRegex("^[A-Z0-9][A-Z0-9.-]*$")]
    private static partial Regex IdPattern();

    /// <summary>Creates the validator.</summary>
    public RuleDefinitionValidator()
    {
        RuleFor(r => r)
            .Must(r => IdPattern().IsMatch(r.Id)).WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithText(r => $"rule '{r.Id}': id must be upper-case letters, digits, '.' and '-' (e.g. GDPR-CH5-TRANSFER)").WithState(r => r.Location)
            .Must(r => NotEmpty(r.Title)).WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithText(r => $"rule '{r.Id}': title must not be empty").WithState(r => r.Location)
            .Must(r => NotEmpty(r.Jurisdiction)).WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithText(r => $"rule '{r.Id}': jurisdiction must not be empty").WithState(r => r.Location)
            .Must(r => !r.Citations.IsDefaultOrEmpty).WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithText(r => $"rule '{r.Id}': at least one citation (instrument and article) is required").WithState(r => r.Location);
        RuleForEach(r => r.Citations).Must(c => c.Instrument.Length > 0 && c.Article.Length > 0)
            .WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithText(r => $"rule '{r.Id}': every citation needs an instrument and an article").WithState(r => r.Location);
        RuleForEach(r => r.Citations).Must(c => c.Url is null || Uri.TryCreate(c.Url, UriKind.Absolute, out _))
            .WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithText((r, c) => $"rule '{r.Id}': citation url '{c.Url}' is not an absolute URL").WithState(r => r.Location);
        RuleFor(r => r)
            .Must(r => r.Effective.From is null || r.Effective.Until is null || r.Effective.From < r.Effective.Until)
            .WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithText(r => $"rule '{r.Id}': effective.from ({r.Effective.From:yyyy-MM-dd}) must be before effective.until ({r.Effective.Until:yyyy-MM-dd})")
            .WithState(r => r.Location)
            .Must(r => NotEmpty(r.Message)).WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithText(r => $"rule '{r.Id}': message must not be empty").WithState(r => r.Location)
            .Must(r => NotEmpty(r.Remediation)).WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithText(r => $"rule '{r.Id}': remediation must not be empty").WithState(r => r.Location)
            .Must(r => r.Confidence != Confidence.Unverified || r.Message.Contains("UNVERIFIED", StringComparison.Ordinal))
            .WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithText(r => $"rule '{r.Id}': a rule with confidence 'unverified' must say UNVERIFIED in its message")
            .WithState(r => r.Location);
    }

    /// <summary>What FluentValidation's <c>NotEmpty</c> accepts for a string: not null, empty or white space.</summary>
    internal static bool NotEmpty(string? value) => !string.IsNullOrWhiteSpace(value);
}

/// <summary>Checks one adequacy entry (the entry's own checks chained on one rule, as in <see cref="RuleDefinitionValidator"/>).</summary>
public sealed class AdequacyEntryValidator : AbstractValidator<AdequacyEntry>
{
    /// <summary>Creates the validator.</summary>
    public AdequacyEntryValidator()
    {
        RuleFor(a => a)
            .Must(a => (a.Country is null) != (a.Group is null))
            .WithErrorCode(DiagnosticCodes.CatalogInvalid)
            .WithText("an adequacy entry needs exactly one of 'country' or 'group'").WithState(a => a.Location)
            .Must(a => RuleDefinitionValidator.NotEmpty(a.Decision)).WithErrorCode(DiagnosticCodes.CatalogInvalid)
            .WithText("an adequacy entry needs the decision that grants it").WithState(a => a.Location)
            .Must(a => a.Effective.From is null || a.Effective.Until is null || a.Effective.From < a.Effective.Until)
            .WithErrorCode(DiagnosticCodes.CatalogInvalid)
            .WithText(a => $"adequacy entry for {a.Country ?? a.Group}: 'from' must be before 'until'").WithState(a => a.Location);
        RuleForEach(a => a.Conditions).Must(c => c.Certification is not null || c.ExporterNotIn.Length > 0)
            .WithErrorCode(DiagnosticCodes.CatalogInvalid)
            .WithText(a => $"adequacy entry for {a.Country ?? a.Group}: a condition needs 'certification' or 'exporterNotIn'")
            .WithState((a, c) => c.Location);
    }
}
