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

/// <summary>
/// Messages given as literal text. FluentValidation formats the text a <c>WithMessage</c> lambda returns, replacing
/// <c>{PropertyName}</c>, <c>{PropertyValue}</c>, <c>{PropertyPath}</c>, <c>{CollectionIndex}</c> (with or without a
/// format) by its own values, so a name the user wrote with braces (a store named <c>db-{PropertyName}</c>) would be
/// shown as another. <see cref="WithText{T, TProperty}(IRuleBuilderOptions{T, TProperty}, Func{T, TProperty, string})"/>
/// gives FluentValidation the template <see cref="Template"/> and the text as that placeholder's value: its formatter
/// replaces the placeholder once and never reads the value it inserts, so the text is shown as written. Every message
/// of the validators in this folder is given this way (a test checks it).
/// </summary>
internal static class LiteralText
{
    /// <summary>The placeholder that carries the text.</summary>
    public const string Key = "ComplianceEngineText";

    /// <summary>The only message template the validators give FluentValidation.</summary>
    public const string Template = "{" + Key + "}";

    /// <summary>The message is <paramref name="text"/> of the instance and the value checked, shown as written.</summary>
    public static IRuleBuilderOptions<T, TProperty> WithText<T, TProperty>(this IRuleBuilderOptions<T, TProperty> rule, Func<T, TProperty, string> text) =>
        rule.Configure(config => config.Current.SetErrorMessage((context, value) =>
        {
            // No context: FluentValidation asks for the unformatted template (rule descriptions); there is no instance to describe.
            if (context is null) return Template;
            context.MessageFormatter.AppendArgument(Key, text(context.InstanceToValidate, value));
            return Template;
        }));

    /// <summary>The message is <paramref name="text"/> of the instance checked, shown as written.</summary>
    public static IRuleBuilderOptions<T, TProperty> WithText<T, TProperty>(this IRuleBuilderOptions<T, TProperty> rule, Func<T, string> text) =>
        rule.WithText((instance, _) => text(instance));

    /// <summary>The message is <paramref name="text"/>, shown as written.</summary>
    public static IRuleBuilderOptions<T, TProperty> WithText<T, TProperty>(this IRuleBuilderOptions<T, TProperty> rule, string text) =>
        rule.WithText((_, _) => text);
}
