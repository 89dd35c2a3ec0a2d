using System.Collections.Immutable;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Loading.Rules;

/// <summary>
/// Inlines named lists and predicates into the rules that refer to them, so that what is compiled, indexed
/// (the regime index, the onward scope, the onward pre-filter), checked against the vocabularies and explained is the
/// condition itself: a <c>{field: regimes, contains: EU}</c> inside a predicate scopes a rule exactly as if it were
/// written in the rule.
/// <list type="bullet">
/// <item>A predicate whose condition is an <c>all</c>, referred to as an item of an <c>all</c>, has its items spliced into
/// that <c>all</c> (likewise <c>any</c> into <c>any</c>): the same logic, and the same shape as if written inline, so
/// top-level conditions stay top-level for the index and explanations read as before.</item>
/// <item><c>{list: NAME}</c> operands are appended to the condition's operands, in order.</item>
/// <item>Every reference that misses is a diagnostic at the reference, with "did you mean" (CE4020 lists, CE4021
/// predicates); predicates that refer to each other in a cycle are CE4022, as is a rule that would expand to more than
/// <see cref="MaxConditions"/> conditions. A reference that cannot be resolved is left in place, and the compiler
/// rejects it again: nothing is silently dropped.</item>
/// </list>
/// </summary>
public sealed class RuleReferenceResolver
{
    /// <summary>The most conditions one rule may expand to (predicates used many times inside each other grow fast).</summary>
    public const int MaxConditions = 10_000;

    private readonly Dictionary<string, NamedList> _lists = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NamedPredicate> _predicates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Condition> _resolved = new(StringComparer.Ordinal);
    private readonly List<string> _visiting = [];
    private readonly HashSet<string> _broken = new(StringComparer.Ordinal);
    private readonly DiagnosticBag _diagnostics;

    private RuleReferenceResolver(IEnumerable<NamedList> lists, IEnumerable<NamedPredicate> predicates, IEnumerable<string> unreadable, DiagnosticBag diagnostics)
    {
        foreach (var l in lists) _lists.TryAdd(l.Name, l);
        foreach (var p in predicates) _predicates.TryAdd(p.Name, p);
        // Declared, but their condition could not be read (already reported): a reference to one is no second mistake.
        foreach (var name in unreadable.Where(n => !_predicates.ContainsKey(n))) _broken.Add(name);
        _diagnostics = diagnostics;
    }

    /// <summary>
    /// The packs with every list and predicate reference inlined. Every predicate is resolved once, used or not, so a
    /// mistake in one is reported even before a rule uses it.
    /// </summary>
    /// <param name="packs">The packs as read.</param>
    /// <param name="lists">The named lists.</param>
    /// <param name="predicates">The named predicates that could be read.</param>
    /// <param name="diagnostics">Where misses, cycles and oversized expansions go.</param>
    /// <param name="unreadable">Names of <c>Predicate</c> documents whose condition could not be read (reported already).</param>
    public static ImmutableArray<RulePack> Resolve(ImmutableArray<RulePack> packs, IEnumerable<NamedList> lists, IEnumerable<NamedPredicate> predicates,
        DiagnosticBag diagnostics, IEnumerable<string>? unreadable = null)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var resolver = new RuleReferenceResolver(lists, predicates, unreadable ?? [], diagnostics);
        foreach (var name in resolver._predicates.Keys.Order(StringComparer.Ordinal)) resolver.Predicate(name, null);
        return [.. packs.Select(p => p with { Rules = [.. p.Rules.Select(resolver.Rule)] })];
    }

    private RuleDefinition Rule(RuleDefinition rule)
    {
        if (!Mentions(rule.When) && !Mentions(rule.Require)) return rule;
        var resolved = rule with { When = Inline(rule.When), Require = Inline(rule.Require) };
        var size = Count(resolved.When, 0) + Count(resolved.Require, 0);
        if (size > MaxConditions)
        {
            _diagnostics.Error(DiagnosticCodes.PredicateCycle,
                $"rule '{rule.Id}': its predicates expand to more than {MaxConditions:N0} conditions; use fewer nested references", rule.Location);
            return rule;
        }
        return resolved;
    }

    /// <summary>The condition with references inlined, or itself when it has none (the model is shared, never copied needlessly).</summary>
    private Condition? Inline(Condition? c) => c is null || !Mentions(c) ? c : Resolve(c);

    private Condition Resolve(Condition c)
    {
        switch (c)
        {
            case AllCondition all:
                return all with { Items = Items(all.Items, splice: typeof(AllCondition)) };
            case AnyCondition any:
                return any with { Items = Items(any.Items, splice: typeof(AnyCondition)) };
            case NotCondition not:
                return not with { Inner = Resolve(not.Inner) };
            case PredicateReference reference:
                return Predicate(reference.Name, reference) ?? reference;
            case FieldCondition { Lists.IsEmpty: false } field:
                return Lists(field);
            default:
                return c;
        }
    }

    private ImmutableArray<Condition> Items(ImmutableArray<Condition> items, Type splice)
    {
        var result = ImmutableArray.CreateBuilder<Condition>(items.Length);
        foreach (var item in items)
        {
            var resolved = Resolve(item);
            if (item is PredicateReference && resolved.GetType() == splice)
                result.AddRange(resolved is AllCondition a ? a.Items : ((AnyCondition)resolved).Items);
            else
                result.Add(resolved);
        }
        return result.ToImmutable();
    }

    /// <summary>The predicate's condition, inlined (memoised); null when it is unknown, broken, or part of a cycle.</summary>
    private Condition? Predicate(string name, PredicateReference? reference)
    {
        if (_resolved.TryGetValue(name, out var done)) return done;
        if (_broken.Contains(name)) return null;
        if (!_predicates.TryGetValue(name, out var predicate))
        {
            _diagnostics.Error(DiagnosticCodes.RuleUnknownPredicate,
                $"no Predicate '{name}' is declared in the loaded rules folders{MapReader.Suggest(name, _predicates.Keys)}", reference?.Location ?? SourceLocation.None);
            return null;
        }
        var at = _visiting.IndexOf(name);
        if (at >= 0)
        {
            var cycle = string.Join(" -> ", _visiting.Skip(at).Append(name));
            _diagnostics.Error(DiagnosticCodes.PredicateCycle, $"Predicate '{name}' refers to itself: {cycle}", reference?.Location ?? predicate.Location);
            foreach (var member in _visiting.Skip(at)) _broken.Add(member);
            return null;
        }
        _visiting.Add(name);
        var errors = _diagnostics.ErrorCount;
        var body = Resolve(predicate.Condition);
        _visiting.RemoveAt(_visiting.Count - 1);
        if (_broken.Contains(name) || _diagnostics.ErrorCount > errors)
        {
            _broken.Add(name);
            return null;
        }
        _resolved[name] = body;
        return body;
    }

    private FieldCondition Lists(FieldCondition field)
    {
        var operands = field.Operands.ToBuilder();
        var missing = ImmutableArray.CreateBuilder<ListReference>();
        foreach (var reference in field.Lists)
        {
            if (_lists.TryGetValue(reference.Name, out var list))
            {
                operands.AddRange(list.Items);
                continue;
            }
            _diagnostics.Error(DiagnosticCodes.RuleUnknownList,
                $"no List '{reference.Name}' is declared in the loaded rules folders{MapReader.Suggest(reference.Name, _lists.Keys)}", reference.Location);
            missing.Add(reference);
        }
        return field with { Operands = operands.ToImmutable(), Lists = missing.ToImmutable() };
    }

    /// <summary>True when the condition refers to a list or predicate anywhere.</summary>
    internal static bool Mentions(Condition? c) => c switch
    {
        null => false,
        PredicateReference => true,
        FieldCondition f => !f.Lists.IsEmpty,
        AllCondition a => a.Items.Any(Mentions),
        AnyCondition a => a.Items.Any(Mentions),
        NotCondition n => Mentions(n.Inner),
        _ => false,
    };

    /// <summary>The number of conditions in the tree, counted up to just past <see cref="MaxConditions"/> (shared subtrees count every time).</summary>
    private static int Count(Condition? c, int sofar)
    {
        if (c is null || sofar > MaxConditions) return sofar;
        sofar++;
        switch (c)
        {
            case AllCondition a:
                foreach (var i in a.Items) sofar = Count(i, sofar);
                return sofar;
            case AnyCondition a:
                foreach (var i in a.Items) sofar = Count(i, sofar);
                return sofar;
            case NotCondition n:
                return Count(n.Inner, sofar);
            default:
                return sofar;
        }
    }
}
