using ComplianceEngine.Model.Diagnostics;
using FluentValidation;
using FluentValidation.Results;

namespace ComplianceEngine.Loading.Validation;

/// <summary>Turns FluentValidation failures into diagnostics. Every rule attaches its position with <c>WithState</c>.</summary>
public static class FluentDiagnostics
{
    /// <summary>Validates <paramref name="value"/> and adds each failure as an error.</summary>
    public static void Validate<T>(IValidator<T> validator, T value, SourceLocation fallback, DiagnosticBag diagnostics)
    {
        ValidationResult result = validator.Validate(value);
        foreach (var failure in result.Errors)
        {
            var location = failure.CustomState as SourceLocation ?? fallback;
            var code = string.IsNullOrEmpty(failure.ErrorCode) || !failure.ErrorCode.StartsWith("CE", StringComparison.Ordinal)
                ? DiagnosticCodes.InvalidValue
                : failure.ErrorCode;
            diagnostics.Error(code, failure.ErrorMessage, location);
        }
    }
}
