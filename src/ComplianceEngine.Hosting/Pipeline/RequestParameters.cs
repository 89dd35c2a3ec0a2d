using System.Globalization;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Hosting.Pipeline;

/// <summary>
/// The parameters of a check as a shell receives them (command-line options, an API call's query), validated in one
/// place: every unknown or malformed value is a diagnostic, never a default.
/// </summary>
public sealed record RequestParameters
{
    /// <summary>The law's date, <c>YYYY-MM-DD</c>; default today.</summary>
    public string? AsOf { get; init; }

    /// <summary>The gate's threshold (<see cref="Gate.FailOnValues"/>).</summary>
    public string? FailOn { get; init; }

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public string? FailOnIndeterminate { get; init; }

    /// <summary><c>true</c> or <c>false</c>: whether a run that judged nothing fails.</summary>
    public string? FailOnNothingJudged { get; init; }

    /// <summary>The report format (one of the writers').</summary>
    public string? Format { get; init; }

    /// <summary>The name of a policy the server loaded.</summary>
    public string? Policy { get; init; }

    /// <summary>How a shell names each parameter in messages (<c>--fail-on</c> or <c>failOn</c>).</summary>
    public Func<string, string> Name { get; init; } = n => n;
}

/// <summary>The validated parameters.</summary>
public sealed record ValidParameters(DateOnly AsOf, string? FailOn, bool? FailOnIndeterminate, string Format, string? Policy)
{
    /// <summary>Whether a run that judged nothing fails (null: the policy's, else true).</summary>
    public bool? FailOnNothingJudged { get; init; }
}

/// <summary>Validates <see cref="RequestParameters"/>.</summary>
public static class ParameterValidator
{
    /// <summary>The parameters, or null with every mistake in <paramref name="diagnostics"/>.</summary>
    /// <param name="formats">The report formats available.</param>
    /// <param name="policies">The policies a request may name (empty: none may be named).</param>
    public static ValidParameters? Validate(RequestParameters parameters, DateOnly today, IReadOnlyCollection<string> formats,
        IReadOnlyCollection<string> policies, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(formats);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var at = SourceLocation.Parameters;
        var n = parameters.Name;
        var asOf = today;
        if (parameters.AsOf is { } text && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out asOf))
            diagnostics.Error(DiagnosticCodes.InvalidParameter, $"{n("asOf")} '{text}' is not a date like 2026-01-26", at);
        if (parameters.FailOn is { } failOn && !Gate.FailOnValues.Contains(failOn))
            diagnostics.Error(DiagnosticCodes.InvalidParameter,
                $"{n("failOn")} '{failOn}' is not one of {string.Join(", ", Gate.FailOnValues)}{Suggestions.DidYouMean(failOn, Gate.FailOnValues)}", at);
        bool? relax = parameters.FailOnIndeterminate switch
        {
            null => null,
            "true" => true,
            "false" => false,
            var other => Bad("failOnIndeterminate", other),
        };
        bool? nothing = parameters.FailOnNothingJudged switch
        {
            null => null,
            "true" => true,
            "false" => false,
            var other => Bad("failOnNothingJudged", other),
        };
        var format = parameters.Format ?? "json";
        if (!formats.Contains(format))
            diagnostics.Error(DiagnosticCodes.InvalidParameter,
                $"{n("format")} '{format}' is not one of {string.Join(", ", formats.Order(StringComparer.Ordinal))}{Suggestions.DidYouMean(format, formats)}", at);
        if (parameters.Policy is { } policy && !policies.Contains(policy))
            diagnostics.Error(DiagnosticCodes.InvalidParameter, policies.Count == 0
                ? $"{n("policy")} '{policy}' names a policy, but none is loaded"
                : $"{n("policy")} '{policy}' is not one of {string.Join(", ", policies.Order(StringComparer.Ordinal))}{Suggestions.DidYouMean(policy, policies)}", at);
        return diagnostics.HasErrors ? null : new ValidParameters(asOf, parameters.FailOn, relax, format, parameters.Policy) { FailOnNothingJudged = nothing };

        bool? Bad(string name, string value)
        {
            diagnostics.Error(DiagnosticCodes.InvalidParameter, $"{n(name)} '{value}' is not true or false", at);
            return null;
        }
    }
}
