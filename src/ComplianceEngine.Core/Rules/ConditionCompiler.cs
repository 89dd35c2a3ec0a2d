using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Rules;

/// <summary>
/// Compiles a structured <see cref="Condition"/> into an expression tree of type <see cref="Tri"/> over one fact
/// parameter. Only catalogued fields and whitelisted operators exist; any mistake is a diagnostic naming the rule.
/// </summary>
internal sealed class ConditionCompiler
{
    private readonly JurisdictionCatalog _catalog;
    private readonly Func<string, AdequacyTable?> _adequacy;
    private readonly Dictionary<string, FrozenSet<string>> _internedSets;
    private readonly DiagnosticBag _diagnostics;

    public ConditionCompiler(JurisdictionCatalog catalog, Func<string, AdequacyTable?> adequacy, Dictionary<string, FrozenSet<string>> internedSets,
        DiagnosticBag diagnostics)
    {
        _catalog = catalog;
        _adequacy = adequacy;
        _internedSets = internedSets;
        _diagnostics = diagnostics;
    }

    /// <summary>Fields the last compiled conditions referred to, in order of first use.</summary>
    public List<FieldSpec> Fields { get; } = [];

    /// <summary>Adequacy tables the conditions referred to.</summary>
    public List<AdequacyTable> Adequacy { get; } = [];

    /// <summary>
    /// Country-group tests against groups whose membership is (partly) unverified: the field tested and the group. A
    /// finding whose fact's value is a doubtful member (or any value, for an unverified group) is unverified.
    /// </summary>
    public List<(FieldSpec Field, Model.Jurisdictions.CountryGroup Group)> DoubtfulGroups { get; } = [];

    public Expression? Compile(Condition condition, RuleDefinition rule, ParameterExpression fact)
    {
        switch (condition)
        {
            case AllCondition all:
                return Fold(all.Items, rule, fact, nameof(Ops.And), Tri.True);
            case AnyCondition any:
                return Fold(any.Items, rule, fact, nameof(Ops.Or), Tri.False);
            case NotCondition not:
                var inner = Compile(not.Inner, rule, fact);
                return inner is null ? null : Call(nameof(Ops.Not), inner);
            case AdequateCondition adequate:
                if (rule.AppliesTo != FactKinds.Transfer)
                {
                    Error(DiagnosticCodes.RuleBadOperator, rule, "'adequate' can only be used in rules about transfers", adequate.Location);
                    return null;
                }
                var table = _adequacy(adequate.Regime);
                if (table is null)
                {
                    Error(DiagnosticCodes.RuleUnknownJurisdiction, rule, $"no Jurisdiction '{adequate.Regime}' is loaded{Suggest(adequate.Regime, _catalog.Regimes.Select(r => r.Code))}", adequate.Location);
                    return null;
                }
                if (!Adequacy.Contains(table)) Adequacy.Add(table);
                return Expression.Call(Expression.Constant(table), typeof(AdequacyTable).GetMethod(nameof(AdequacyTable.IsAdequate))!, fact);
            case FieldCondition { Lists.IsEmpty: false } field:
                // The loader inlines named lists; one left here was never resolved (unknown, or the rules were built in code).
                Error(DiagnosticCodes.RuleUnknownList, rule,
                    $"list '{field.Lists[0].Name}' is not resolved: named lists are inlined when rules are loaded from a rules folder that declares them", field.Lists[0].Location);
                return null;
            case FieldCondition field:
                return CompileField(field, rule, fact);
            case PredicateReference reference:
                Error(DiagnosticCodes.RuleUnknownPredicate, rule,
                    $"predicate '{reference.Name}' is not resolved: named predicates are inlined when rules are loaded from a rules folder that declares them", reference.Location);
                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(condition), condition.GetType().Name);
        }
    }

    private Expression? Fold(ImmutableArray<Condition> items, RuleDefinition rule, ParameterExpression fact, string op, Tri empty)
    {
        Expression? acc = null;
        var ok = true;
        foreach (var item in items)
        {
            var e = Compile(item, rule, fact);
            if (e is null)
            {
                ok = false;
                continue;
            }
            acc = acc is null ? e : ShortCircuit(op, acc, e);
        }
        if (!ok) return null;
        return acc ?? Expression.Constant(empty);
    }

    private Expression? CompileField(FieldCondition c, RuleDefinition rule, ParameterExpression fact)
    {
        var spec = FieldCatalog.Instance.Find(rule.AppliesTo, c.Field);
        if (spec is null)
        {
            var names = FieldCatalog.Instance.Fields(rule.AppliesTo).Select(f => f.Name);
            Error(DiagnosticCodes.RuleUnknownField, rule, $"no field '{c.Field}' on {rule.AppliesTo} facts{Suggest(c.Field, names)}", c.Location);
            return null;
        }
        if (!Fields.Contains(spec)) Fields.Add(spec);
        var value = new FieldCatalog.Rebind(spec.Getter.Parameters[0], fact).Visit(spec.Getter.Body);
        var ops = c.Operands;

        Expression? Bad(string why)
        {
            Error(DiagnosticCodes.RuleBadOperator, rule, $"field '{c.Field}' ({spec.Type.ToString().ToLowerInvariant()}): {why}", c.Location);
            return null;
        }
        bool One() => ops.Length == 1;

        if (c.Operator == Operators.Exists)
        {
            if (!One() || !bool.TryParse(ops[0], out var want)) return Bad("'exists' takes true or false");
            Expression test = spec.Type == FieldType.Set ? Call(nameof(Ops.NotEmpty), value) : Call(nameof(Ops.Exists), value);
            return want ? test : Call(nameof(Ops.Not), test);
        }

        if (c.Operator == Operators.IsTrue)
        {
            if (!One() || !bool.TryParse(ops[0], out var want)) return Bad("'isTrue' takes true (the value is true) or false (the value is false)");
            Expression truth = spec.Type switch
            {
                FieldType.Flag => Call(nameof(Ops.Eq), value, Expression.Constant(true)),
                FieldType.Text when c.Field.StartsWith("attributes.", StringComparison.Ordinal) || c.Field.Contains(".attributes.", StringComparison.Ordinal)
                    => Call(nameof(Ops.IsTrue), value),
                _ => null!,
            };
            if (truth is null) return Bad("'isTrue' works on yes/no fields and attributes only");
            return want ? truth : Call(nameof(Ops.Not), truth);
        }

        switch (spec.Type)
        {
            case FieldType.Text:
            case FieldType.Country:
                switch (c.Operator)
                {
                    case Operators.EqualTo:
                    case Operators.NotEqualTo:
                        if (!One()) return Bad($"'{c.Operator}' takes one value");
                        if (spec.Type == FieldType.Country && !CheckCountries(ops, rule, c)) return null;
                        var eq = Call(nameof(Ops.Eq), value, Expression.Constant(ops[0]));
                        return c.Operator == Operators.EqualTo ? eq : Call(nameof(Ops.Not), eq);
                    case Operators.In:
                    case Operators.NotIn:
                        if (ops.Length == 0) return Bad($"'{c.Operator}' takes a list of values");
                        if (spec.Type == FieldType.Country && !CheckCountries(ops, rule, c)) return null;
                        var inSet = Call(nameof(Ops.In), value, Expression.Constant(Intern(ops)));
                        return c.Operator == Operators.In ? inSet : Call(nameof(Ops.Not), inSet);
                    case Operators.Prefix:
                        if (ops.Length == 0) return Bad("'prefix' takes one or more taxonomy keys");
                        return Call(nameof(Ops.Prefix), value, Expression.Constant(ops.ToArray()));
                    case Operators.InGroup:
                    case Operators.NotInGroup:
                        if (spec.Type != FieldType.Country) return Bad($"'{c.Operator}' works on country fields only");
                        if (!One()) return Bad($"'{c.Operator}' takes one group name");
                        var group = _catalog.Group(ops[0]);
                        if (group is null)
                        {
                            Error(DiagnosticCodes.RuleUnknownJurisdiction, rule, $"no CountryGroup '{ops[0]}' is loaded{Suggest(ops[0], _catalog.GroupNames)}", c.Location);
                            return null;
                        }
                        if (_catalog.GroupDefinition(ops[0]) is { HasDoubts: true } doubtful && !DoubtfulGroups.Contains((spec, doubtful)))
                            DoubtfulGroups.Add((spec, doubtful));
                        var member = Call(nameof(Ops.In), value, Expression.Constant(group));
                        return c.Operator == Operators.InGroup ? member : Call(nameof(Ops.Not), member);
                }
                break;
            case FieldType.Set:
                // A mechanism qualified by a regime ("JP:contract") counts only for that regime's rules; a bare one for every
                // regime's. So a rule of regime R asking for "contract" accepts "contract" and "R:contract", never "EU:contract".
                var qualifier = c.Field == MechanismsField && rule.Jurisdiction.Length > 0 ? rule.Jurisdiction + MechanismQualifier : null;
                switch (c.Operator)
                {
                    case Operators.Contains:
                        if (!One()) return Bad("'contains' takes one value (use containsAny or containsAll for lists)");
                        return Call(nameof(Ops.ContainsAny), value, Expression.Constant(Intern(Qualified(ops, qualifier))));
                    case Operators.ContainsAny:
                    case Operators.In:
                        if (ops.Length == 0) return Bad($"'{c.Operator}' takes a list of values");
                        return Call(nameof(Ops.ContainsAny), value, Expression.Constant(Intern(Qualified(ops, qualifier))));
                    case Operators.NotIn:
                        if (ops.Length == 0) return Bad("'notIn' takes a list of values");
                        return Call(nameof(Ops.Not), Call(nameof(Ops.ContainsAny), value, Expression.Constant(Intern(Qualified(ops, qualifier)))));
                    case Operators.ContainsAll:
                        if (ops.Length == 0) return Bad("'containsAll' takes a list of values");
                        if (qualifier is not null)
                            return Call(nameof(Ops.ContainsAll), value, Expression.Constant(ops.Select(o => Alternatives(o, qualifier)).ToArray()));
                        return Call(nameof(Ops.ContainsAll), value, Expression.Constant(ops.ToArray()));
                    case Operators.Prefix:
                        if (ops.Length == 0) return Bad("'prefix' takes one or more taxonomy keys");
                        return Call(nameof(Ops.AnyPrefix), value, Expression.Constant(ops.ToArray()));
                    case Operators.EqualTo:
                        return Call(nameof(Ops.SetEquals), value, Expression.Constant(ops.ToArray()));
                }
                break;
            case FieldType.Number:
                var code = c.Operator switch
                {
                    Operators.LessThan => -2, Operators.LessOrEqual => -1, Operators.EqualTo => 0,
                    Operators.GreaterOrEqual => 1, Operators.GreaterThan => 2, Operators.NotEqualTo => 3, _ => (int?)null,
                };
                if (code is null) break;
                if (!One() || !double.TryParse(ops[0].Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
                    return Bad($"'{c.Operator}' takes one number");
                return Call(nameof(Ops.Compare), value, Expression.Constant(code.Value), Expression.Constant(n));
            case FieldType.Flag:
                if (c.Operator is Operators.EqualTo or Operators.NotEqualTo)
                {
                    if (!One() || !bool.TryParse(ops[0], out var b)) return Bad($"'{c.Operator}' takes true or false");
                    var eqb = Call(nameof(Ops.Eq), value, Expression.Constant(b));
                    return c.Operator == Operators.EqualTo ? eqb : Call(nameof(Ops.Not), eqb);
                }
                break;
        }
        return Bad($"operator '{c.Operator}' cannot be used here; {spec.Type.ToString().ToLowerInvariant()} fields accept {string.Join(", ", Accepted(spec.Type))}");
    }

    /// <summary>
    /// Kleene AND/OR that evaluates <paramref name="b"/> only when it can change the result (False AND x = False,
    /// True OR x = True). Operands are pure, so the outcome is the same as <see cref="Ops.And"/>/<see cref="Ops.Or"/>;
    /// a rule whose first condition rules a fact out no longer pays for the rest (e.g. an adequacy check).
    /// </summary>
    internal static Expression ShortCircuit(string op, Expression a, Expression b)
    {
        var decided = Expression.Constant(op == nameof(Ops.And) ? Tri.False : Tri.True);
        var t = Expression.Variable(typeof(Tri), "t");
        return Expression.Block(typeof(Tri), [t],
            Expression.Assign(t, a),
            Expression.Condition(Expression.Equal(t, decided), decided, Call(op, t, b)));
    }

    /// <summary><see cref="Ops.Judge"/>, with the requirement evaluated only when the rule may apply.</summary>
    internal static Expression Judge(Expression applies, Expression require)
    {
        var t = Expression.Variable(typeof(Tri), "applies");
        return Expression.Block(typeof(Judgement), [t],
            Expression.Assign(t, applies),
            Expression.Condition(Expression.Equal(t, Expression.Constant(Tri.False)), Expression.Constant(Judgement.NotApplicable),
                Expression.Call(typeof(Ops).GetMethod(nameof(Ops.Judge))!, t, require)));
    }

    private static IEnumerable<string> Accepted(FieldType type) => type switch
    {
        FieldType.Text => ["equals", "notEquals", "in", "notIn", "prefix", "exists", "isTrue (attributes)"],
        FieldType.Country => ["equals", "notEquals", "in", "notIn", "inGroup", "notInGroup", "exists"],
        FieldType.Set => ["contains", "containsAny", "containsAll", "in", "notIn", "prefix", "equals", "exists"],
        FieldType.Number => ["equals", "notEquals", "gt", "gte", "lt", "lte", "exists"],
        _ => ["equals", "notEquals", "isTrue", "exists"],
    };

    /// <summary>The transfer field that holds the declared legal bases.</summary>
    internal const string MechanismsField = "mechanisms";

    /// <summary>What separates a regime code from a mechanism it qualifies: <c>JP:contract</c>.</summary>
    public const string MechanismQualifier = ":";

    /// <summary>The operands plus, for a regime's rule, each unqualified operand qualified by the regime.</summary>
    private static ImmutableArray<string> Qualified(ImmutableArray<string> ops, string? qualifier) =>
        qualifier is null ? ops : [.. ops, .. ops.Where(o => !o.Contains(MechanismQualifier, StringComparison.Ordinal)).Select(o => qualifier + o)];

    private static string[] Alternatives(string operand, string qualifier) =>
        operand.Contains(MechanismQualifier, StringComparison.Ordinal) ? [operand] : [operand, qualifier + operand];

    private bool CheckCountries(ImmutableArray<string> codes, RuleDefinition rule, FieldCondition c)
    {
        var bad = codes.Where(code => !_catalog.IsKnownCountry(code)).ToList();
        if (bad.Count == 0) return true;
        Error(DiagnosticCodes.RuleBadOperator, rule, $"'{string.Join("', '", bad)}' is not a country code in the catalog (use inGroup for groups)", c.Location);
        return false;
    }

    private FrozenSet<string> Intern(ImmutableArray<string> values)
    {
        var key = string.Join("\u0000", values.Order(StringComparer.Ordinal));
        if (!_internedSets.TryGetValue(key, out var set)) _internedSets[key] = set = values.ToFrozenSet(StringComparer.Ordinal);
        return set;
    }

    private static MethodCallExpression Call(string name, params Expression[] args)
    {
        // A set operator with one operand (`contains: EU`, `prefix: [user]`) compares in place: the operand becomes a string
        // constant that the JIT sees once the operator is inlined into the judgement, not a one-element set or key list.
        if (name == nameof(Ops.ContainsAny) && args is [var set, ConstantExpression { Value: FrozenSet<string> { Count: 1 } single }])
            return Call(nameof(Ops.Contains), set, Expression.Constant(single.Items[0]));
        if (name == nameof(Ops.AnyPrefix) && args is [var values, ConstantExpression { Value: string[] { Length: 1 } key }])
            return Call(nameof(Ops.AnyPrefix), values, Expression.Constant(key[0]));
        var types = args.Select(a => a.Type).ToArray();
        var method = typeof(Ops).GetMethod(name, BindingFlags.Public | BindingFlags.Static, types)
            ?? throw new InvalidOperationException($"Ops.{name}({string.Join(", ", types.Select(t => t.Name))}) does not exist");
        return Expression.Call(method, args);
    }

    private void Error(string code, RuleDefinition rule, string message, SourceLocation location) =>
        _diagnostics.Error(code, $"rule '{rule.Id}': {message}", location);

    internal static string Suggest(string word, IEnumerable<string> candidates) => Suggestions.DidYouMean(word, candidates);
}
