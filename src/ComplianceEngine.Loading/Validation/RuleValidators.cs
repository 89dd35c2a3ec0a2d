using System.Text.RegularExpressions;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Jurisdictions;
using ComplianceEngine.Model.Rules;
using FluentValidation;

namespace ComplianceEngine.Loading.Validation;

/// <summary>Checks one rule's metadata. Conditions are checked when the rule is compiled.</summary>
public sealed partial class RuleDefinitionValidator : AbstractValidator<RuleDefinition>
{
    [GeneratedRegex("^[A-Z0-9][A-Z0-9.-]*$")]
    private static partial Regex IdPattern();

    /// <summary>Creates the validator.</summary>
    public RuleDefinitionValidator()
    {
        RuleFor(r => r.Id).Must(id => IdPattern().IsMatch(id))
            .WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithMessage(r => $"rule '{r.Id}': id must be upper-case letters, digits, '.' and '-' (e.g. GDPR-CH5-TRANSFER)")
            .WithState(r => r.Location);
        RuleFor(r => r.Title).NotEmpty().WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithMessage(r => $"rule '{r.Id}': title must not be empty").WithState(r => r.Location);
        RuleFor(r => r.Jurisdiction).NotEmpty().WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithMessage(r => $"rule '{r.Id}': jurisdiction must not be empty").WithState(r => r.Location);
        RuleFor(r => r.Citations).NotEmpty().WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithMessage(r => $"rule '{r.Id}': at least one citation (instrument and article) is required").WithState(r => r.Location);
        RuleForEach(r => r.Citations).Must(c => c.Instrument.Length > 0 && c.Article.Length > 0)
            .WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithMessage(r => $"rule '{r.Id}': every citation needs an instrument and an article").WithState(r => r.Location);
        RuleForEach(r => r.Citations).Must(c => c.Url is null || Uri.TryCreate(c.Url, UriKind.Absolute, out _))
            .WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithMessage((r, c) => $"rule '{r.Id}': citation url '{c.Url}' is not an absolute URL").WithState(r => r.Location);
        RuleFor(r => r.Effective).Must(e => e.From is null || e.Until is null || e.From < e.Until)
            .WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithMessage(r => $"rule '{r.Id}': effective.from ({r.Effective.From:yyyy-MM-dd}) must be before effective.until ({r.Effective.Until:yyyy-MM-dd})")
            .WithState(r => r.Location);
        RuleFor(r => r.Message).NotEmpty().WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithMessage(r => $"rule '{r.Id}': message must not be empty").WithState(r => r.Location);
        RuleFor(r => r.Remediation).NotEmpty().WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithMessage(r => $"rule '{r.Id}': remediation must not be empty").WithState(r => r.Location);
        RuleFor(r => r).Must(r => r.Confidence != Confidence.Unverified || r.Message.Contains("UNVERIFIED", StringComparison.Ordinal))
            .WithErrorCode(DiagnosticCodes.RuleInvalid)
            .WithMessage(r => $"rule '{r.Id}': a rule with confidence 'unverified' must say UNVERIFIED in its message")
            .WithState(r => r.Location);
    }
}

/// <summary>Checks one adequacy entry.</summary>
public sealed class AdequacyEntryValidator : AbstractValidator<AdequacyEntry>
{
    /// <summary>Creates the validator.</summary>
    public AdequacyEntryValidator()
    {
        RuleFor(a => a).Must(a => (a.Country is null) != (a.Group is null))
            .WithErrorCode(DiagnosticCodes.CatalogInvalid)
            .WithMessage("an adequacy entry needs exactly one of 'country' or 'group'").WithState(a => a.Location);
        RuleFor(a => a.Decision).NotEmpty().WithErrorCode(DiagnosticCodes.CatalogInvalid)
            .WithMessage("an adequacy entry needs the decision that grants it").WithState(a => a.Location);
        RuleFor(a => a.Effective).Must(e => e.From is null || e.Until is null || e.From < e.Until)
            .WithErrorCode(DiagnosticCodes.CatalogInvalid)
            .WithMessage(a => $"adequacy entry for {a.Country ?? a.Group}: 'from' must be before 'until'").WithState(a => a.Location);
        RuleForEach(a => a.Conditions).Must(c => c.Certification is not null || c.ExporterNotIn.Length > 0)
            .WithErrorCode(DiagnosticCodes.CatalogInvalid)
            .WithMessage(a => $"adequacy entry for {a.Country ?? a.Group}: a condition needs 'certification' or 'exporterNotIn'")
            .WithState((a, c) => c.Location);
    }
}
