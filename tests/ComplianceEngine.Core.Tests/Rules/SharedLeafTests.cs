using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Tests.Rules;

/// <summary>
/// Single field conditions compiled for the tracer (explanations, decisive unknowns) are shared by the rules of a set that
/// have the same one, and only then: what a leaf compiles to must not depend on anything the key leaves out.
/// </summary>
public sealed class SharedLeafTests
{
    private static readonly EvaluationContext Context = new(new DateOnly(2026, 11, 25), null);

    private static string Rule(string id, string when, string require = "{field: mechanisms, contains: scc}") => $$"""
            - id: {{id}}
              title: Test rule
              appliesTo: transfer
              severity: high
              citations: [{instrument: GDPR, article: Art. 44}]
              when: {{when}}
              require: {{require}}
              message: m
              remediation: r
        """;

    private static string Pack(string jurisdiction, string rules) =>
        $"apiVersion: compliance/v1\nkind: RulePack\nmetadata:\n  name: test-{jurisdiction}\nspec:\n  jurisdiction: {jurisdiction}\n  rules:\n{rules}\n";

    private static Dictionary<string, CompiledRule> Load(string yaml)
    {
        var (engine, diagnostics) = TestEngine.CreateFromFolder(yaml);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return engine.Rules.Rules.ToDictionary(r => r.Definition.Id, StringComparer.Ordinal);
    }

    private static TransferFact Transfer(string? destinationCountry, params string[] mechanisms) =>
        new(Context, new FindingSubject("DataFlow", "f", SourceLocation.None), ["a", "b"],
            new Site("Cluster", "a", "DE", null, [], ["EU"], SourceLocation.None),
            new Site("Cluster", "b", destinationCountry, destinationCountry is null ? "region 'moon-1' is unknown" : null, [], [], SourceLocation.None), "analytics")
        {
            Regimes = ["EU"],
            Mechanisms = [.. mechanisms],
        };

    [Fact]
    public void Node_SameFieldConditionInTwoRules_CompiledOnceForBoth()
    {
        var rules = Load(Pack("EU", Rule("A-1", "{field: destination.country, notInGroup: EEA}") + "\n" + Rule("A-2", "{field: destination.country, notInGroup: EEA}")));
        var (a, b) = (rules["A-1"], rules["A-2"]);
        Assert.NotSame(a.Definition.When, b.Definition.When);

        var shared = a.Node(a.Definition.When!);

        Assert.Same(shared, b.Node(b.Definition.When!));
        Assert.Equal(Tri.True, shared(Transfer("US")));
        Assert.Equal(Tri.False, shared(Transfer("FR")));
        Assert.Equal(Tri.Unknown, shared(Transfer(null)));
    }

    [Fact]
    public void Node_OtherOperandsOrOperator_NotShared()
    {
        var rules = Load(Pack("EU",
            Rule("B-1", "{field: destination.country, in: [US, JP]}") + "\n"
            + Rule("B-2", "{field: destination.country, in: [US]}") + "\n"
            + Rule("B-3", "{field: destination.country, notIn: [US, JP]}") + "\n"
            // Operands that would run together into the same text without their lengths.
            + Rule("B-4", "{field: purpose, in: [analytics, x]}") + "\n"
            + Rule("B-5", "{field: purpose, in: [analyticsx]}")));
        var nodes = rules.Values.OrderBy(r => r.Definition.Id, StringComparer.Ordinal).Select(r => r.Node(r.Definition.When!)).ToList();

        Assert.Equal(5, nodes.Distinct().Count());
        var japan = Transfer("JP");
        Assert.Equal([Tri.True, Tri.False, Tri.False, Tri.True, Tri.False], nodes.Select(n => n(japan)));
    }

    [Fact]
    public void Node_MechanismsOfTwoJurisdictions_EachCountsOnlyItsOwnQualifiedMechanism()
    {
        // "GB:scc" is an SCC for the GB regime's rules only: the same leaf text compiles to two different tests.
        var rules = Load(Pack("EU", Rule("EU-1", "{field: regimes, contains: EU}")) + "---\n" + Pack("GB", Rule("GB-1", "{field: regimes, contains: EU}")));
        var (eu, gb) = (rules["EU-1"], rules["GB-1"]);
        var fact = Transfer("US", "GB:scc");

        // GB first: a shared leaf would hand the EU rule GB's test.
        Assert.Equal(Tri.True, gb.Evaluate(gb.Definition.Require!, fact));
        Assert.Equal(Tri.False, eu.Evaluate(eu.Definition.Require!, fact));
        Assert.NotSame(eu.Node(eu.Definition.Require!), gb.Node(gb.Definition.Require!));
        // The rules' own judgements agree with the leaves.
        Assert.Equal(Judgement.Pass, gb.JudgeNow(fact));
        Assert.Equal(Judgement.Violation, eu.JudgeNow(fact));
    }

    [Fact]
    public void Node_CompositeCondition_CompiledPerRule()
    {
        const string when = "{all: [{field: regimes, contains: EU}, {field: destination.country, notInGroup: EEA}]}";
        var rules = Load(Pack("EU", Rule("C-1", when) + "\n" + Rule("C-2", when)));
        var (a, b) = (rules["C-1"], rules["C-2"]);

        Assert.NotSame(a.Node(a.Definition.When!), b.Node(b.Definition.When!));
        Assert.Equal(Tri.True, a.Evaluate(a.Definition.When!, Transfer("US")));
        Assert.Equal(Tri.Unknown, b.Evaluate(b.Definition.When!, Transfer(null)));
    }
}
