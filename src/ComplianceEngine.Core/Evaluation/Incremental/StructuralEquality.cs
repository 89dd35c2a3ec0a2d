using System.Collections;
using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Reflection;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;

namespace ComplianceEngine.Core.Evaluation.Incremental;

/// <summary>
/// Value equality over everything a fact holds, worked out from the fields of its type (so a field added to a fact later
/// is compared without anyone remembering to list it): strings, numbers and enums by value, immutable arrays and
/// dictionaries element by element, other objects field by field, recursively. Two facts that compare equal give the
/// same verdicts and the same findings, so the incremental evaluation keeps the old one (and its verdicts).
/// </summary>
/// <remarks>
/// What is not data: a fact's judgement memo and verdicts (<see cref="Fact.JudgedBy"/>, <see cref="Fact.Judged"/>,
/// <see cref="Fact.Judgements"/>, <see cref="Fact.Verdicts"/>) are skipped; its lazily built path is compared through
/// <see cref="Fact.Path"/>; the evaluation context, compiled rules and delegates compare by reference (the incremental
/// evaluation keeps one context while the date and the organisation stay the same).
/// </remarks>
internal static class StructuralEquality
{
    private static readonly HashSet<string> SkippedFactMembers = new(StringComparer.Ordinal)
    {
        nameof(Fact.JudgedBy), nameof(Fact.Judged), nameof(Fact.Judgements), nameof(Fact.Verdicts),
    };

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> hold the same values.</summary>
    public static bool Equal<T>(T a, T b) => Of<T>.Equal(a, b);

    /// <summary>The compiled comparer of <typeparamref name="T"/> (built on first use).</summary>
    internal static class Of<T>
    {
        public static readonly Func<T, T, bool> Equal = Build();

        private static Func<T, T, bool> Build()
        {
            var type = typeof(T);
            if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateOnly)
                || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(TimeSpan))
                return EqualityComparer<T>.Default.Equals;
            if (Nullable.GetUnderlyingType(type) is { } inner)
                return typeof(StructuralEquality).GetMethod(nameof(NullableEqual), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(inner).CreateDelegate<Func<T, T, bool>>();
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
                return typeof(StructuralEquality).GetMethod(nameof(ArrayEqual), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(type.GetGenericArguments()[0]).CreateDelegate<Func<T, T, bool>>();
            if (ByReference(type)) return (a, b) => ReferenceEquals(a, b);
            if (!type.IsValueType && type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } sequence)
                return typeof(StructuralEquality).GetMethod(nameof(SequenceEqual), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(type, sequence.GetGenericArguments()[0]).CreateDelegate<Func<T, T, bool>>();
            if (!type.IsValueType && typeof(IEnumerable).IsAssignableFrom(type)) return (a, b) => ReferenceEquals(a, b);
            if (!type.IsValueType && !type.IsSealed) return (a, b) => DynamicEqual(a, b);
            return Fields(type);
        }

        /// <summary>Field by field (a class: the same reference or both null first).</summary>
        private static Func<T, T, bool> Fields(Type type)
        {
            var a = Expression.Parameter(type, "a");
            var b = Expression.Parameter(type, "b");
            Expression body = Expression.Constant(true);
            foreach (var (read, memberType) in Members(type))
            {
                var same = Expression.Call(typeof(StructuralEquality).GetMethod(nameof(Equal), BindingFlags.Public | BindingFlags.Static)!.MakeGenericMethod(memberType),
                    read(a), read(b));
                body = Expression.AndAlso(body, same);
            }
            if (!type.IsValueType)
            {
                body = Expression.OrElse(Expression.ReferenceEqual(a, b),
                    Expression.AndAlso(
                        Expression.AndAlso(Expression.ReferenceNotEqual(a, Expression.Constant(null, type)), Expression.ReferenceNotEqual(b, Expression.Constant(null, type))),
                        body));
            }
            return Expression.Lambda<Func<T, T, bool>>(body, a, b).Compile();
        }
    }

    /// <summary>The values of <paramref name="type"/> that are compared: its instance fields (of it and its base types), facts' memo skipped.</summary>
    private static IEnumerable<(Func<Expression, Expression> Read, Type Type)> Members(Type type)
    {
        var isFact = typeof(Fact).IsAssignableFrom(type);
        if (isFact) yield return (x => Expression.Property(x, nameof(Fact.Path)), typeof(ImmutableArray<string>));
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (isFact && (SkippedFactMembers.Contains(PropertyOf(field)) || field.FieldType == typeof(LazyPath) || field.Name == "_path"
                    || field.IsDefined(typeof(NotFactDataAttribute), inherit: false))) continue;
                var f = field;
                yield return (x => Expression.Field(x, f), f.FieldType);
            }
        }
    }

    /// <summary>The property a compiler-generated backing field belongs to (<c>&lt;Name&gt;k__BackingField</c>), else the field's name.</summary>
    private static string PropertyOf(FieldInfo field) =>
        field.Name.StartsWith('<') && field.Name.IndexOf('>', StringComparison.Ordinal) is > 1 and var end ? field.Name[1..end] : field.Name;

    private static bool ByReference(Type type) =>
        type == typeof(EvaluationContext) || type == typeof(CompiledRule) || typeof(Delegate).IsAssignableFrom(type) || type == typeof(object)
        || type.IsPointer || type == typeof(Type);

    private static bool NullableEqual<TValue>(TValue? a, TValue? b) where TValue : struct =>
        a.HasValue ? b.HasValue && Of<TValue>.Equal(a.Value, b.Value) : !b.HasValue;

    private static bool ArrayEqual<TItem>(ImmutableArray<TItem> a, ImmutableArray<TItem> b)
    {
        if (a.IsDefault || b.IsDefault) return a.IsDefault == b.IsDefault;
        if (a.Length != b.Length) return false;
        var equal = Of<TItem>.Equal;
        for (var i = 0; i < a.Length; i++)
        {
            if (!equal(a[i], b[i])) return false;
        }
        return true;
    }

    /// <summary>Element by element, in enumeration order (an unordered collection may then differ where its contents do not: a fact is re-judged, never wrongly kept).</summary>
    private static bool SequenceEqual<TSequence, TItem>(TSequence? a, TSequence? b) where TSequence : class, IEnumerable<TItem>
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null || a.GetType() != b.GetType()) return false;
        var equal = Of<TItem>.Equal;
        using var x = a.GetEnumerator();
        using var y = b.GetEnumerator();
        while (true)
        {
            var more = x.MoveNext();
            if (more != y.MoveNext()) return false;
            if (!more) return true;
            if (!equal(x.Current, y.Current)) return false;
        }
    }

    /// <summary>Equality of two values of a type known only at run time (an element of a collection, a field of a base type).</summary>
    private static bool DynamicEqual(object? a, object? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null || a.GetType() != b.GetType()) return false;
        return Boxed.GetOrAdd(a.GetType(), static t => typeof(StructuralEquality)
            .GetMethod(nameof(BoxedEqual), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(t)
            .CreateDelegate<Func<object, object, bool>>())(a, b);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<object, object, bool>> Boxed = new();

    private static bool BoxedEqual<TValue>(object a, object b) => Of<TValue>.Equal((TValue)a, (TValue)b);
}
