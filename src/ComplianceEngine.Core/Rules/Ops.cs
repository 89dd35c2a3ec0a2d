using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace ComplianceEngine.Core.Rules;

/// <summary>
/// The operators compiled rule conditions call. Every operator returns <see cref="Tri"/>; an unknown value
/// (null) gives <see cref="Tri.Unknown"/>. Public because compiled expression trees call it.
/// </summary>
public static class Ops
{
    /// <summary>Kleene AND.</summary>
    public static Tri And(Tri a, Tri b) => a == Tri.False || b == Tri.False ? Tri.False : a == Tri.True && b == Tri.True ? Tri.True : Tri.Unknown;

    /// <summary>Kleene OR.</summary>
    public static Tri Or(Tri a, Tri b) => a == Tri.True || b == Tri.True ? Tri.True : a == Tri.False && b == Tri.False ? Tri.False : Tri.Unknown;

    /// <summary>Kleene NOT.</summary>
    public static Tri Not(Tri a) => a switch { Tri.True => Tri.False, Tri.False => Tri.True, _ => Tri.Unknown };

    /// <summary>Combines applicability and requirement into a judgement.</summary>
    public static Judgement Judge(Tri applies, Tri satisfied) => applies switch
    {
        Tri.False => Judgement.NotApplicable,
        Tri.Unknown => satisfied == Tri.True ? Judgement.Pass : Judgement.Indeterminate,
        _ => satisfied switch { Tri.True => Judgement.Pass, Tri.False => Judgement.Violation, _ => Judgement.Indeterminate },
    };

    /// <summary>True when <paramref name="date"/> is inside the period (bounds as day numbers; 0 = open).</summary>
    public static Tri InPeriod(DateOnly date, int fromDay, int untilDay) =>
        (fromDay == 0 || date.DayNumber >= fromDay) && (untilDay == 0 || date.DayNumber < untilDay) ? Tri.True : Tri.False;

    private static Tri Of(bool b) => b ? Tri.True : Tri.False;

    // Scalars (strings and countries).
    /// <summary>value == operand.</summary>
    public static Tri Eq(string? value, string operand) => value is null ? Tri.Unknown : Of(value == operand);
    /// <summary>value in set.</summary>
    public static Tri In(string? value, FrozenSet<string> set) => value is null ? Tri.Unknown : Of(set.Contains(value));
    /// <summary>value equals prefix or starts with prefix + '.'.</summary>
    public static Tri Prefix(string? value, string[] prefixes) => value is null ? Tri.Unknown : Of(MatchesAnyPrefix(value, prefixes));
    /// <summary>value is present.</summary>
    public static Tri Exists(string? value) => Of(!string.IsNullOrEmpty(value));
    /// <summary>A yes/no text value (an attribute): "true" is true, "false" false; missing or anything else unknown.</summary>
    public static Tri IsTrue(string? value) => value switch { "true" => Tri.True, "false" => Tri.False, _ => Tri.Unknown };

    // Sets.
    /// <summary>set contains every operand (a loop: a method group over the set would box it and make a delegate per call).</summary>
    public static Tri ContainsAll(ImmutableArray<string> values, string[] operands)
    {
        foreach (var operand in operands)
        {
            if (!Has(values, operand)) return Tri.False;
        }
        return Tri.True;
    }
    // The set operators below are inlined into the compiled rule (a judgement calls several per fact, millions of times):
    // they loop over the set's array, and the one-value forms take their operand as a string constant.
    /// <summary>set contains at least one operand.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tri ContainsAny(ImmutableArray<string> values, FrozenSet<string> operands)
    {
        foreach (var v in Items(values))
        {
            if (operands.Contains(v)) return Tri.True;
        }
        return Tri.False;
    }
    /// <summary>set contains the operand (one value: compared in place, no set lookup).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tri Contains(ImmutableArray<string> values, string operand)
    {
        foreach (var v in Items(values))
        {
            if (v == operand) return Tri.True;
        }
        return Tri.False;
    }
    /// <summary>Some element matches a taxonomy prefix (user matches user, user.contact, user.contact.email).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tri AnyPrefix(ImmutableArray<string> values, string[] prefixes)
    {
        foreach (var v in Items(values))
        {
            if (MatchesAnyPrefix(v, prefixes)) return Tri.True;
        }
        return Tri.False;
    }
    /// <summary>Some element matches one taxonomy prefix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tri AnyPrefix(ImmutableArray<string> values, string prefix)
    {
        foreach (var v in Items(values))
        {
            if (MatchesPrefix(v, prefix)) return Tri.True;
        }
        return Tri.False;
    }
    /// <summary>set is not empty.</summary>
    public static Tri NotEmpty(ImmutableArray<string> values) => Of(values.Length > 0);
    /// <summary>For every group of alternatives, the set contains one of them (a mechanism, or the same qualified by the rule's regime).</summary>
    public static Tri ContainsAll(ImmutableArray<string> values, string[][] alternatives)
    {
        foreach (var group in alternatives)
        {
            var any = false;
            foreach (var alternative in group)
            {
                if (Has(values, alternative))
                {
                    any = true;
                    break;
                }
            }
            if (!any) return Tri.False;
        }
        return Tri.True;
    }
    /// <summary>set equals exactly the operands.</summary>
    public static Tri SetEquals(ImmutableArray<string> values, string[] operands) =>
        values.Length != operands.Length ? Tri.False : ContainsAll(values, operands);

    // Sets that are unknown when the country they derive from is unknown.
    /// <summary>Unknown when the set is unknown, else <see cref="ContainsAll(ImmutableArray{string}, string[])"/>.</summary>
    public static Tri ContainsAll(ImmutableArray<string>? values, string[] operands) => values is { } v ? ContainsAll(v, operands) : Tri.Unknown;
    /// <summary>Unknown when the set is unknown.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tri ContainsAny(ImmutableArray<string>? values, FrozenSet<string> operands) => values is { } v ? ContainsAny(v, operands) : Tri.Unknown;
    /// <summary>Unknown when the set is unknown.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tri Contains(ImmutableArray<string>? values, string operand) => values is { } v ? Contains(v, operand) : Tri.Unknown;
    /// <summary>Unknown when the set is unknown.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tri AnyPrefix(ImmutableArray<string>? values, string[] prefixes) => values is { } v ? AnyPrefix(v, prefixes) : Tri.Unknown;
    /// <summary>Unknown when the set is unknown.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Tri AnyPrefix(ImmutableArray<string>? values, string prefix) => values is { } v ? AnyPrefix(v, prefix) : Tri.Unknown;
    /// <summary>Unknown when the set is unknown.</summary>
    public static Tri NotEmpty(ImmutableArray<string>? values) => values is { } v ? NotEmpty(v) : Tri.Unknown;
    /// <summary>Unknown when the set is unknown.</summary>
    public static Tri SetEquals(ImmutableArray<string>? values, string[] operands) => values is { } v ? SetEquals(v, operands) : Tri.Unknown;

    // Numbers.
    /// <summary>Compares a number; <paramref name="op"/> is -2 (lt), -1 (lte), 0 (eq), 1 (gte), 2 (gt), 3 (ne).</summary>
    public static Tri Compare(double? value, int op, double operand) => value is not { } v
        ? Tri.Unknown
        : Of(op switch { -2 => v < operand, -1 => v <= operand, 0 => v == operand, 1 => v >= operand, 2 => v > operand, _ => v != operand });
    /// <summary>number is present.</summary>
    public static Tri Exists(double? value) => Of(value is not null);

    // Booleans.
    /// <summary>value == operand.</summary>
    public static Tri Eq(bool? value, bool operand) => value is not { } v ? Tri.Unknown : Of(v == operand);
    /// <summary>bool is present.</summary>
    public static Tri Exists(bool? value) => Of(value is not null);

    private static bool MatchesAnyPrefix(string value, string[] prefixes)
    {
        foreach (var p in prefixes)
        {
            if (MatchesPrefix(value, p)) return true;
        }
        return false;
    }

    /// <summary>The set has the value (ordinal; a default set throws, as <see cref="ImmutableArray{T}.Contains(T)"/> does).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Has(ImmutableArray<string> values, string value)
    {
        foreach (var v in Items(values))
        {
            if (string.Equals(v, value, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>
    /// The array behind a set, looped over without an enumerator. An uninitialised set has none and the loop throws, as
    /// the enumerator did: the condition fails (an indeterminate verdict), it does not read as empty.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static string[] Items(ImmutableArray<string> values) => System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(values)!;

    /// <summary>value is prefix or starts with prefix + '.': lengths and the separator first, the characters last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool MatchesPrefix(string value, string prefix) =>
        value.Length >= prefix.Length && (value.Length == prefix.Length || value[prefix.Length] == '.') && value.StartsWith(prefix, StringComparison.Ordinal);
}
