using System.Collections.Immutable;
using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.InteropServices;
using ComplianceEngine.Core.Facts;
using FastExpressionCompiler;

namespace ComplianceEngine.Core.Rules;

/// <summary>
/// A field's value as findings show it (<see cref="FieldSpec.Format(Fact)"/>'s text), read through a delegate of the
/// field's own type: no value is boxed, a set's text is made once per distinct set (<see cref="EvaluationContext.SetText"/>)
/// and a number's once per value and thread (<see cref="FactText"/>), so the findings of many facts share the same strings.
/// A field of another type is read boxed, as <see cref="FieldSpec.Read"/> reads it.
/// </summary>
internal abstract class FieldText
{
    private FieldText(FieldSpec field) => Field = field;

    /// <summary>The field whose value this reads.</summary>
    public FieldSpec Field { get; }

    /// <summary>The text of the field's value on <paramref name="fact"/>; <paramref name="text"/> keeps this thread's number texts.</summary>
    public abstract string Format(Fact fact, FactText text);

    /// <summary>A known value's text, saying how it was inferred where it was (as <see cref="FieldSpec.Format(Fact)"/>).</summary>
    private string Known(string value, Fact fact) => Field.Inferred?.Invoke(fact) is { } how ? $"{value} ({how})" : value;

    /// <summary>The reader of <paramref name="field"/> for its getter's type.</summary>
    public static FieldText Compile(FieldSpec field)
    {
        var fact = Expression.Parameter(typeof(Fact), "fact");
        var body = new FieldCatalog.Rebind(field.Getter.Parameters[0], Expression.Convert(fact, field.FactType)).Visit(field.Getter.Body);
        var type = Nullable.GetUnderlyingType(body.Type) ?? body.Type;
        if (body.Type == typeof(string)) return new TextValue(field, Read<string?>(body, fact));
        if (type == typeof(bool)) return new FlagValue(field, Read<bool?>(body, fact));
        if (type == typeof(double)) return new NumberValue(field, Read<double?>(body, fact));
        if (type == typeof(ImmutableArray<string>)) return new SetValue(field, Read<ImmutableArray<string>?>(body, fact));
        return new BoxedValue(field);
    }

    private static Func<Fact, T> Read<T>(Expression body, ParameterExpression fact)
    {
        var read = Expression.Lambda<Func<Fact, T>>(body.Type == typeof(T) ? body : Expression.Convert(body, typeof(T)), fact);
        return read.CompileFast(ifFastFailedReturnNull: true) ?? read.Compile();
    }

    /// <summary>Text: the value itself (the same string every fact of a site or flow reads).</summary>
    private sealed class TextValue(FieldSpec field, Func<Fact, string?> read) : FieldText(field)
    {
        public override string Format(Fact fact, FactText text) => read(fact) is { } value ? Known(value, fact) : "unknown";
    }

    private sealed class FlagValue(FieldSpec field, Func<Fact, bool?> read) : FieldText(field)
    {
        public override string Format(Fact fact, FactText text) => read(fact) is { } value ? Known(value ? "true" : "false", fact) : "unknown";
    }

    private sealed class NumberValue(FieldSpec field, Func<Fact, double?> read) : FieldText(field)
    {
        public override string Format(Fact fact, FactText text) => read(fact) is { } value ? Known(text.Number(value), fact) : "unknown";
    }

    /// <summary>A set: "none" when empty; otherwise its names joined, once per distinct set (sets are shared between facts).</summary>
    private sealed class SetValue(FieldSpec field, Func<Fact, ImmutableArray<string>?> read) : FieldText(field)
    {
        public override string Format(Fact fact, FactText text)
        {
            if (read(fact) is not { } set) return "unknown";
            if (set.IsDefaultOrEmpty) return Known("none", fact);
            return text.SetText(ImmutableCollectionsMarshal.AsArray(set)!, fact.Context);
        }
    }

    private sealed class BoxedValue(FieldSpec field) : FieldText(field)
    {
        public override string Format(Fact fact, FactText text) => Field.Format(fact);
    }

    /// <summary>A number as findings write it (grouped thousands, at most two decimals).</summary>
    public static string FormatNumber(double value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);
}
