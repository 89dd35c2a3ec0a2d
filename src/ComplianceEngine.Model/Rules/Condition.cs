using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Model.Rules;

/// <summary>A structured rule condition. No code, no expression strings: a tree of these.</summary>
public abstract record Condition(SourceLocation Location);

/// <summary>True when every item is true.</summary>
public sealed record AllCondition(ImmutableArray<Condition> Items, SourceLocation Location) : Condition(Location);

/// <summary>True when at least one item is true.</summary>
public sealed record AnyCondition(ImmutableArray<Condition> Items, SourceLocation Location) : Condition(Location);

/// <summary>True when the inner condition is false.</summary>
public sealed record NotCondition(Condition Inner, SourceLocation Location) : Condition(Location);

/// <summary>Compares a fact field with operands, e.g. <c>{field: destination.country, inGroup: EEA}</c>.</summary>
public sealed record FieldCondition(string Field, string Operator, ImmutableArray<string> Operands, SourceLocation Location)
    : Condition(Location)
{
    /// <summary>
    /// Named lists whose items are operands too (<c>{field: purpose, notIn: {list: systematic-purposes}}</c>). The loader
    /// expands them into <see cref="Operands"/> (see <see cref="NamedList"/>); a compiled condition has none left.
    /// </summary>
    public ImmutableArray<ListReference> Lists { get; init; } = [];
}

/// <summary>A reference to a <see cref="NamedList"/> among a condition's operands: <c>{list: NAME}</c>.</summary>
public sealed record ListReference(string Name, SourceLocation Location);

/// <summary>
/// A reference to a <see cref="NamedPredicate"/>: <c>{predicate: NAME}</c>. The loader replaces it with the predicate's
/// condition (inlined, so the regime index and every other analysis see the condition itself); the compiler rejects
/// one that is left.
/// </summary>
public sealed record PredicateReference(string Name, SourceLocation Location) : Condition(Location);

/// <summary>A named list of values shared by rules of any pack (<c>kind: List</c>).</summary>
public sealed record NamedList(string Name, string Description, ImmutableArray<string> Items, SourceLocation Location);

/// <summary>A named condition shared by rules of any pack (<c>kind: Predicate</c>); it may refer to lists and other predicates.</summary>
public sealed record NamedPredicate(string Name, string Description, Condition Condition, SourceLocation Location);

/// <summary>
/// True when the transfer's destination is adequate for <paramref name="Regime"/> as of the evaluation date,
/// for this recipient and exporter (conditional adequacy entries are honoured).
/// </summary>
public sealed record AdequateCondition(string Regime, SourceLocation Location) : Condition(Location);

/// <summary>The operator names of <see cref="FieldCondition"/>.</summary>
public static class Operators
{
    public const string EqualTo = "equals";
    public const string NotEqualTo = "notEquals";
    public const string In = "in";
    public const string NotIn = "notIn";
    public const string Exists = "exists";
    public const string GreaterThan = "gt";
    public const string GreaterOrEqual = "gte";
    public const string LessThan = "lt";
    public const string LessOrEqual = "lte";
    public const string Prefix = "prefix";
    public const string Contains = "contains";
    public const string ContainsAny = "containsAny";
    public const string ContainsAll = "containsAll";
    public const string InGroup = "inGroup";
    public const string NotInGroup = "notInGroup";
    /// <summary>A yes/no value is true (<c>isTrue: true</c>) or false (<c>isTrue: false</c>); unknown stays unknown.</summary>
    public const string IsTrue = "isTrue";

    /// <summary>Every operator.</summary>
    public static IReadOnlyList<string> All { get; } =
        [EqualTo, NotEqualTo, In, NotIn, Exists, GreaterThan, GreaterOrEqual, LessThan, LessOrEqual, Prefix, Contains, ContainsAny,
         ContainsAll, InGroup, NotInGroup, IsTrue];
}
