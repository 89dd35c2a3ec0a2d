using System.Collections.Frozen;
using System.Linq.Expressions;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Tests.Rules;

/// <summary>The shape of compiled set conditions: one operand is compared in place, several go through a set or key list.</summary>
public sealed class ConditionCompilerTests
{
    private static readonly Lazy<Engine> Gdpr = new(TestEngine.Gdpr);

    private static Expression Compile(string field, string op, params string[] operands)
    {
        var engine = Gdpr.Value;
        var rule = engine.Rules.Rules.First(r => r.Definition.AppliesTo == FactKinds.Transfer).Definition;
        var bag = new DiagnosticBag();
        var compiler = new ConditionCompiler(engine.Jurisdictions, _ => null, new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal), bag);
        var expression = compiler.Compile(new FieldCondition(field, op, [.. operands], SourceLocation.None), rule, Expression.Parameter(typeof(TransferFact), "f"));
        Assert.Empty(bag.Sorted());
        return Assert.IsAssignableFrom<Expression>(expression);
    }

    private static (string Method, Type Operand, object? Value) Operator(Expression e)
    {
        var call = Assert.IsAssignableFrom<MethodCallExpression>(e);
        if (call.Method.Name == nameof(Ops.Not)) call = Assert.IsAssignableFrom<MethodCallExpression>(call.Arguments[0]);
        var operand = Assert.IsType<ConstantExpression>(call.Arguments[^1]);
        return (call.Method.Name, operand.Type, operand.Value);
    }

    [Fact]
    public void Contains_OneValue_ComparedInPlace()
    {
        var (method, type, value) = Operator(Compile("regimes", Operators.Contains, "EU"));
        Assert.Equal((nameof(Ops.Contains), typeof(string), (object?)"EU"), (method, type, value));
    }

    [Fact]
    public void ContainsAnyAndNotIn_OneValue_ComparedInPlace()
    {
        Assert.Equal(nameof(Ops.Contains), Operator(Compile("subjectTypes", Operators.ContainsAny, "customer")).Method);
        Assert.Equal(nameof(Ops.Contains), Operator(Compile("subjectTypes", Operators.NotIn, "customer")).Method);
    }

    [Fact]
    public void ContainsAny_SeveralValues_SetLookup()
    {
        var (method, _, value) = Operator(Compile("subjectTypes", Operators.ContainsAny, "customer", "employee"));
        Assert.Equal(nameof(Ops.ContainsAny), method);
        Assert.Equal(2, Assert.IsAssignableFrom<FrozenSet<string>>(value).Count);
    }

    [Fact]
    public void Mechanisms_OneValue_AlsoAcceptsTheRegimeQualifiedForm()
    {
        // A rule of the EU asking for "scc" accepts "scc" and "EU:scc": two values, so a set lookup.
        var (method, _, value) = Operator(Compile("mechanisms", Operators.Contains, "scc"));
        Assert.Equal(nameof(Ops.ContainsAny), method);
        Assert.Equal(["EU:scc", "scc"], Assert.IsAssignableFrom<FrozenSet<string>>(value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Prefix_OneKey_ComparedInPlace()
    {
        var (method, type, value) = Operator(Compile("categories", Operators.Prefix, "user"));
        Assert.Equal((nameof(Ops.AnyPrefix), typeof(string), (object?)"user"), (method, type, value));
    }

    [Fact]
    public void Prefix_SeveralKeys_KeyList()
    {
        var (method, type, _) = Operator(Compile("categories", Operators.Prefix, "user.health_and_medical", "user.biometric"));
        Assert.Equal((nameof(Ops.AnyPrefix), typeof(string[])), (method, type));
    }
}
