using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Linq.Expressions;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;
using FastExpressionCompiler;
using NRules;
using NRules.Extensibility;
using NRules.RuleModel;
using NRules.RuleModel.Builders;

namespace ComplianceEngine.Core.Rules;

/// <summary>
/// Compiles YAML rule definitions into the rule program: one compiled, short-circuiting judgement per rule (its effective
/// period, <c>when</c> and <c>require</c>), which the batch runner calls directly. For the NRules runner it also builds
/// NRules rule definitions with <see cref="RuleBuilder"/>: one pattern over the rule's fact type whose condition is that
/// judgement, memoised per fact (<see cref="CompiledRule.Judge"/>), and one generic action that records a verdict; three
/// NRules rules per rule (violation, pass, indeterminate) so each outcome is a Rete match. The network is compiled on
/// first use.
/// </summary>
public sealed class RuleSetCompiler
{
    private readonly JurisdictionCatalog _catalog;

    /// <summary>Creates a compiler over the jurisdiction catalog.</summary>
    public RuleSetCompiler(JurisdictionCatalog catalog) => _catalog = catalog;

    /// <summary>Compiles <paramref name="rules"/>; rules with mistakes are reported and left out.</summary>
    public CompiledRuleSet Compile(IEnumerable<RuleDefinition> rules, DiagnosticBag diagnostics)
    {
        var interned = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal);
        var tables = _catalog.Regimes.ToDictionary(r => r.Code, r => new AdequacyTable(r, _catalog), StringComparer.Ordinal);
        var compiled = new List<CompiledRule>();
        var shapes = new List<(CompiledRule Rule, Type FactType, ParameterExpression Fact)>();
        // Single field conditions compiled for explanations and decisive unknowns, shared by every rule of the set that has the same one.
        var leaves = new System.Collections.Concurrent.ConcurrentDictionary<LeafKey, Func<Fact, Tri>?>();

        foreach (var rule in rules.OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            var errorsBefore = diagnostics.ErrorCount;
            var factType = rule.AppliesTo == FactKinds.Placement ? typeof(PlacementFact) : typeof(TransferFact);
            var f = Expression.Parameter(factType, "f");
            var conditions = new ConditionCompiler(_catalog, code => tables.GetValueOrDefault(code), interned, diagnostics);

            var when = rule.When is null ? Expression.Constant(Tri.True) : conditions.Compile(rule.When, rule, f);
            var whenFields = conditions.Fields.ToImmutableArray();
            var require = rule.Require is null ? Expression.Constant(Tri.False) : conditions.Compile(rule.Require, rule, f);
            CheckPlaceholders(rule, diagnostics);
            if (when is null || require is null) continue;
            if (diagnostics.ErrorCount > errorsBefore) continue;

            var asOf = Expression.Property(Expression.Property(f, nameof(Fact.Context)), nameof(EvaluationContext.AsOf));
            var period = Expression.Call(typeof(Ops).GetMethod(nameof(Ops.InPeriod))!, asOf,
                Expression.Constant(rule.Effective.From?.DayNumber ?? 0), Expression.Constant(rule.Effective.Until?.DayNumber ?? 0));
            var applies = ConditionCompiler.ShortCircuit(nameof(Ops.And), period, when);
            var judge = ConditionCompiler.Judge(applies, require);
            var cr = new CompiledRule(rule, [.. conditions.Fields], [.. conditions.Adequacy], whenFields, () => CompileJudge(judge, f),
                NodeCompiler(rule, factType, tables, interned, leaves));

            shapes.Add((cr, factType, f));
            cr.Index = compiled.Count;
            cr.DoubtfulGroups = [.. conditions.DoubtfulGroups];
            compiled.Add(cr);
        }

        // The NRules rule definitions and network are built on first use: the batch runner, the default, never needs them
        // (a third of the start-up of a small check, and NRules' assemblies unloaded). They are the same three rules of
        // one shape for every rule, whose conditions only call the rule's compiled judgement, which was checked above:
        // nothing a rule author writes can make NRules reject them.
        var ruleSet = compiled.ToImmutableArray();
        return new CompiledRuleSet(ruleSet, new Lazy<ISessionFactory>(() => CompileSessionFactory(shapes, ruleSet), LazyThreadSafetyMode.ExecutionAndPublication));
    }

    private static ISessionFactory CompileSessionFactory(List<(CompiledRule Rule, Type FactType, ParameterExpression Fact)> shapes, ImmutableArray<CompiledRule> rules)
    {
        var definitions = new List<IRuleDefinition>(shapes.Count * 3);
        foreach (var (rule, factType, f) in shapes)
        {
            foreach (var outcome in (Judgement[])[Judgement.Violation, Judgement.Pass, Judgement.Indeterminate])
            {
                try
                {
                    definitions.Add(Build(rule, factType, f, outcome));
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
                {
                    // Not a rule author's mistake (see above): a bug, named with the rule it met.
                    throw new InvalidOperationException($"the NRules rule for '{rule.Definition.Id}' ({rule.Definition.Location}) could not be built: {ex.Message}", ex);
                }
            }
        }
        try
        {
            var compiler = new RuleCompiler { ExpressionCompiler = new FastCompiler() };
            return compiler.Compile(definitions);
        }
        catch (RuleCompilationException ex)
        {
            // Not a rule author's mistake: every condition is a call to a judgement that already compiled.
            var id = ex.RuleName?.Split('#')[0];
            var rule = rules.FirstOrDefault(r => r.Definition.Id == id);
            throw new InvalidOperationException($"the NRules network for rule '{id}' ({rule?.Definition.Location}) did not compile: {ex.InnerException?.Message ?? ex.Message}", ex);
        }
    }

    /// <summary>
    /// Compiles single conditions of a rule on demand (explanations, decisive unknowns). A field condition is compiled once
    /// for every rule of the set that has one of the same shape (<see cref="LeafKey"/>): the same field, operator and operands
    /// about the same kind of fact compile to the same test, so the tracer's leaves are not compiled (and JIT-compiled)
    /// again per rule.
    /// </summary>
    private Func<Condition, Func<Fact, Tri>?> NodeCompiler(RuleDefinition rule, Type factType, Dictionary<string, AdequacyTable> tables,
        Dictionary<string, FrozenSet<string>> interned, System.Collections.Concurrent.ConcurrentDictionary<LeafKey, Func<Fact, Tri>?> leaves)
    {
        var compile = NodeCompiler(rule, factType, tables, interned);
        return condition => LeafKey.Of(rule, condition) is { } key ? leaves.GetOrAdd(key, static (_, c) => c.Compile(c.Condition), (Compile: compile, Condition: condition)) : compile(condition);
    }

    /// <summary>
    /// What a field condition compiles from: the kind of fact (its field catalog), the field, operator and operands, and the
    /// rule's jurisdiction where the field is the mechanisms (a mechanism qualified by a regime counts for that regime's rules
    /// only). Not its place in a file, which only diagnostics name. Null for any other condition, and for one that still
    /// names lists (it does not compile).
    /// </summary>
    internal sealed record LeafKey(string AppliesTo, string Qualifier, string Field, string Operator, string Operands)
    {
        public static LeafKey? Of(RuleDefinition rule, Condition condition)
        {
            if (condition is not FieldCondition { Lists.IsEmpty: true } field || field.Operands.IsDefault) return null;
            // Each operand written with its length first: no two lists of operands give the same text.
            var operands = new System.Text.StringBuilder();
            foreach (var o in field.Operands) operands.Append(o.Length).Append(':').Append(o);
            var qualifier = field.Field == ConditionCompiler.MechanismsField ? rule.Jurisdiction : "";
            return new LeafKey(rule.AppliesTo, qualifier, field.Field, field.Operator, operands.ToString());
        }
    }

    /// <summary>Compiles single conditions of a rule on demand, each on its own.</summary>
    private Func<Condition, Func<Fact, Tri>?> NodeCompiler(RuleDefinition rule, Type factType, Dictionary<string, AdequacyTable> tables,
        Dictionary<string, FrozenSet<string>> interned) => condition =>
    {
        var p = Expression.Parameter(factType, "f");
        var compiler = new ConditionCompiler(_catalog, code => tables.GetValueOrDefault(code), new Dictionary<string, FrozenSet<string>>(interned, StringComparer.Ordinal), new DiagnosticBag());
        var body = compiler.Compile(condition, rule, p);
        if (body is null) return null;
        var fact = Expression.Parameter(typeof(Fact), "x");
        var lambda = Expression.Lambda<Func<Fact, Tri>>(Expression.Invoke(Expression.Lambda(body, p), Expression.Convert(fact, factType)), fact);
        return lambda.CompileFast(ifFastFailedReturnNull: true) ?? lambda.Compile();
    };

    /// <summary>
    /// The judgement as one compiled delegate over any fact (the rule's own fact type is cast to once). Called on the rule's
    /// first judgement (<see cref="CompiledRule.JudgeNow"/>), not at load: the expression tree is built and checked at
    /// load, so every mistake in a rule is still a diagnostic before anything is evaluated.
    /// </summary>
    private static Func<Fact, Judgement> CompileJudge(Expression judge, ParameterExpression f)
    {
        var fact = Expression.Parameter(typeof(Fact), "fact");
        var body = new FieldCatalog.Rebind(f, Expression.Convert(fact, f.Type)).Visit(judge);
        var lambda = Expression.Lambda<Func<Fact, Judgement>>(body, fact);
        return lambda.CompileFast(ifFastFailedReturnNull: true) ?? lambda.Compile();
    }

    /// <summary>
    /// One NRules rule per outcome. Its condition asks the compiled rule for its (memoised) judgement of the fact, so the
    /// three outcome rules evaluate the conditions once per fact, not three times.
    /// </summary>
    private static IRuleDefinition Build(CompiledRule rule, Type factType, ParameterExpression f, Judgement outcome)
    {
        var builder = new RuleBuilder();
        builder.Name($"{rule.Definition.Id}#{outcome}");
        builder.Description(rule.Definition.Title);
        builder.Tag(rule.Definition.Jurisdiction);
        builder.Property("ruleId", rule.Definition.Id);
        builder.Property("outcome", outcome.ToString());
        var pattern = builder.LeftHandSide().Pattern(factType, f.Name!);
        var judge = Expression.Convert(
            Expression.Call(Expression.Constant(rule), typeof(CompiledRule).GetMethod(nameof(CompiledRule.Judge))!, Expression.Convert(f, typeof(Fact))),
            typeof(int));
        // The first condition is identical in the three outcome rules, so the rules engine shares its node: a fact the
        // rule does not apply to is turned away once, not three times.
        pattern.Condition(Expression.Lambda(Expression.NotEqual(judge, Expression.Constant((int)Judgement.NotApplicable)), f));
        pattern.Condition(Expression.Lambda(Expression.Equal(judge, Expression.Constant((int)outcome)), f));

        var ctx = Expression.Parameter(typeof(IContext), "ctx");
        var record = Expression.Call(typeof(RuleActions).GetMethod(nameof(RuleActions.Record))!,
            ctx, Expression.Convert(f, typeof(Fact)), Expression.Constant(rule), Expression.Constant(outcome));
        builder.RightHandSide().Action(Expression.Lambda(record, ctx, f));
        return builder.Build();
    }

    private static void CheckPlaceholders(RuleDefinition rule, DiagnosticBag diagnostics)
    {
        foreach (var text in new[] { rule.Message, rule.Remediation })
        {
            foreach (var name in CompiledRule.Placeholders(text))
            {
                if (CompiledRule.SpecialPlaceholders.Contains(name) || FieldCatalog.Instance.Find(rule.AppliesTo, name) is not null) continue;
                var names = FieldCatalog.Instance.Fields(rule.AppliesTo).Select(x => x.Name).Concat(CompiledRule.SpecialPlaceholders);
                diagnostics.Error(DiagnosticCodes.RuleBadPlaceholder, $"rule '{rule.Id}': placeholder '{{{name}}}' names no field of {rule.AppliesTo} facts{ConditionCompiler.Suggest(name, names)}", rule.Location);
            }
        }
    }

    /// <summary>Plugs FastExpressionCompiler into NRules (an order of magnitude faster rule compilation).</summary>
    private sealed class FastCompiler : IExpressionCompiler
    {
        public TDelegate Compile<TDelegate>(Expression<TDelegate> expression) where TDelegate : Delegate =>
            expression.CompileFast(ifFastFailedReturnNull: true) ?? expression.Compile();
    }
}

/// <summary>Compiled rules and the NRules session factory built from them. Thread-safe; sessions are not.</summary>
public sealed class CompiledRuleSet
{
    private readonly Lazy<ISessionFactory> _factory;

    internal CompiledRuleSet(ImmutableArray<CompiledRule> rules, Lazy<ISessionFactory> factory)
    {
        Rules = rules;
        _factory = factory;
    }

    /// <summary>The rules, sorted by id.</summary>
    public ImmutableArray<CompiledRule> Rules { get; }

    /// <summary>The NRules session factory, compiled on first use (the batch runner does not need it).</summary>
    public ISessionFactory Factory => _factory.Value;
}
