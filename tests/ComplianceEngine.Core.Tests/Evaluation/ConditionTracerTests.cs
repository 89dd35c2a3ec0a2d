using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Evaluation;

/// <summary>The one walk over a rule's conditions: the trace explain shows, and the unknowns an indeterminate finding names.</summary>
public sealed class ConditionTracerTests
{
    private static readonly EvaluationContext Context = new(new DateOnly(2026, 11, 25), null);

    // Applies to EU data going to the US or to many people: an unknown destination matters only while the count does not decide.
    private const string Rule = """
            - id: EU-TRACE
              title: Traced transfers
              appliesTo: transfer
              severity: high
              citations: [{instrument: GDPR, article: Art. 44}]
              when:
                all:
                  - {field: regimes, contains: EU}
                  - any:
                      - {field: destination.country, equals: US}
                      - {field: individuals, gt: 1000}
              require: {field: mechanisms, contains: scc}
              message: m
              remediation: r
        """;

    private static readonly Lazy<CompiledRule> Compiled = new(() =>
    {
        var (engine, diagnostics) = TestEngine.Create(TestEngine.Pack(Rule));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return Assert.Single(engine.Rules.Rules);
    });

    private static TransferFact Transfer(double? individuals) =>
        new(Context, new FindingSubject("DataFlow", "f", SourceLocation.None), ["a", "b"],
            new Site("Cluster", "a", "DE", null, [], ["EU"], SourceLocation.None),
            new Site("Cluster", "b", null, "region 'moon-1' is unknown", [], [], SourceLocation.None), "analytics")
        {
            Regimes = ["EU"],
            Individuals = individuals,
        };

    [Fact]
    public void DecisiveUnknowns_UnknownBesideAnUndecidedAlternative_NamesOnlyTheUnknown()
    {
        var unknowns = ConditionTracer.DecisiveUnknowns(Compiled.Value, Transfer(individuals: 10)).ToList();

        Assert.Equal(["destination.country is unknown (region 'moon-1' is unknown)"], unknowns);
    }

    [Fact]
    public void DecisiveUnknowns_TwoUnknownAlternatives_NamesBoth()
    {
        var unknowns = ConditionTracer.DecisiveUnknowns(Compiled.Value, Transfer(individuals: null)).ToList();

        Assert.Equal(2, unknowns.Count);
        Assert.Contains(unknowns, u => u.StartsWith("destination.country is unknown", StringComparison.Ordinal));
        Assert.Contains(unknowns, u => u.StartsWith("individuals is unknown", StringComparison.Ordinal));
    }

    [Fact]
    public void DecisiveUnknowns_AnAlternativeDecides_NothingUnknownMatters()
    {
        var fact = Transfer(individuals: 5000);

        Assert.Empty(ConditionTracer.DecisiveUnknowns(Compiled.Value, fact));
        Assert.Equal(Tri.True, ConditionTracer.Trace(Compiled.Value, Compiled.Value.Definition.When!, fact).Result);
    }

    [Fact]
    public void Trace_LeavesCarryTheFactsTheyRead_OnlyWhenAsked()
    {
        var fact = Transfer(individuals: 10);
        var with = ConditionTracer.Trace(Compiled.Value, Compiled.Value.Definition.When!, fact);
        var without = ConditionTracer.Trace(Compiled.Value, Compiled.Value.Definition.When!, fact, evidence: false);

        Assert.Equal(Tri.Unknown, with.Result);
        var count = with.Children[1].Children[1];
        Assert.Equal("individuals gt 1000", count.Text);
        Assert.Equal(Tri.False, count.Result);
        Assert.Equal("10", Assert.Single(count.Facts).Value);
        Assert.Empty(without.Children[1].Children[1].Facts);
    }

    // The compiler refuses `adequate` for a regime without a table, so this rule is built by hand: the lookup's miss must
    // still name why the outcome is undecided, never leave an indeterminate finding without a reason.
    [Fact]
    public void DecisiveUnknowns_AdequacyTableMissing_NamesTheMissingTable()
    {
        var (engine, diagnostics) = TestEngine.Create(TestEngine.Pack("""
                - id: EU-ADEQUATE
                  title: Adequate destinations
                  appliesTo: transfer
                  severity: high
                  citations: [{instrument: GDPR, article: Art. 45}]
                  when: {field: regimes, contains: EU}
                  require: {adequate: EU}
                  message: m
                  remediation: r
            """));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        var compiled = Assert.Single(engine.Rules.Rules);
        Assert.NotEmpty(compiled.Adequacy);
        var withoutTable = new CompiledRule(compiled.Definition, compiled.Fields, [], compiled.WhenFields, () => _ => Judgement.Indeterminate, _ => null);

        var unknowns = ConditionTracer.DecisiveUnknowns(withoutTable, Transfer(individuals: 10)).ToList();
        var trace = ConditionTracer.Trace(withoutTable, withoutTable.Definition.Require!, Transfer(individuals: 10), evidence: true);

        // (The hand-built rule compiles no field condition, so its `when` is unknown too and is named beside it.)
        Assert.Contains("adequacy for EU cannot be decided: the rule has no adequacy table for EU", unknowns);
        Assert.Equal(Tri.Unknown, trace.Result);
        Assert.Contains("no adequacy table for EU", trace.Text, StringComparison.Ordinal);
    }
}
