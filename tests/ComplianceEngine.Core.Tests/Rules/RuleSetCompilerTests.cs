using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Core.Tests.Rules;

public sealed class RuleSetCompilerTests
{
    private static string Rule(string when, string message = "m {destination.country}") => $$"""
            - id: T-1
              title: Test rule
              appliesTo: transfer
              severity: high
              citations: [{instrument: GDPR, article: Art. 44}]
              when: {{when}}
              message: "{{message}}"
              remediation: r
        """;

    private static IReadOnlyList<Diagnostic> Compile(string rule)
    {
        var (_, diags) = TestEngine.Create(TestEngine.Pack(rule));
        return diags;
    }

    [Fact]
    public void Compile_ValidRule_EvaluatesEachOutcome()
    {
        var (engine, diags) = TestEngine.Create(TestEngine.Pack(Rule("{field: destination.country, notInGroup: EEA}")));
        Assert.Empty(diags);
        Assert.Equal("T-1", Assert.Single(engine.Rules.Rules).Definition.Id);
        var report = engine.Evaluate(Estates.TwoSites("us-east-1") + Estates.Flow("f", "db", "far"));
        var finding = Assert.Single(report.Findings);
        Assert.Equal(Model.Findings.FindingStatus.Violation, finding.Status);
        Assert.Equal("m US", finding.Message);
    }

    [Fact]
    public void Compile_JudgementsCompileOnFirstUse_RulesNoFactReachesStayUncompiled()
    {
        // T-2 is about transfers under the Chinese regime: the regime index never offers it an EU exporter's transfer.
        var other = Rule("{all: [{field: regimes, contains: CN}, {field: destination.country, notInGroup: EEA}]}").Replace("T-1", "T-2", StringComparison.Ordinal);
        var (engine, diags) = TestEngine.Create(TestEngine.Pack(Rule("{field: destination.country, notInGroup: EEA}") + "\n" + other));
        Assert.Empty(diags);
        Assert.All(engine.Rules.Rules, r => Assert.False(r.IsCompiled));

        var report = engine.Evaluate(Estates.TwoSites("us-east-1") + Estates.Flow("f", "db", "far"));

        Assert.Equal("T-1", Assert.Single(report.Findings).RuleId);
        var byId = engine.Rules.Rules.ToDictionary(r => r.Definition.Id, StringComparer.Ordinal);
        Assert.True(byId["T-1"].IsCompiled);
        Assert.False(byId["T-2"].IsCompiled);
    }

    [Fact]
    public void Compile_MistakeInRuleNoFactReaches_IsStillADiagnosticAtLoad()
    {
        var bad = Rule("{all: [{field: regimes, contains: CN}, {field: destination.countyr, notInGroup: EEA}]}").Replace("T-1", "T-2", StringComparison.Ordinal);
        var (engine, diags) = TestEngine.Create(TestEngine.Pack(Rule("{field: destination.country, notInGroup: EEA}") + "\n" + bad));
        var d = Assert.Single(diags);
        Assert.Equal(DiagnosticCodes.RuleUnknownField, d.Code);
        Assert.Contains("rule 'T-2'", d.Message, StringComparison.Ordinal);
        Assert.Equal("T-1", Assert.Single(engine.Rules.Rules).Definition.Id);
    }

    [Fact]
    public void Render_DoubledBracesAreLiteral()
    {
        var (engine, diags) = TestEngine.Create(TestEngine.Pack(Rule("{field: destination.country, notInGroup: EEA}", "set {{occasional: true}} for {destination.country}")));
        Assert.Empty(diags);
        var finding = Assert.Single(engine.Evaluate(Estates.TwoSites("us-east-1") + Estates.Flow("f", "db", "far")).Findings);
        Assert.Equal("set {occasional: true} for US", finding.Message);
    }

    [Fact]
    public void Compile_UnknownField_NamesRuleFieldAndSuggests()
    {
        var d = Assert.Single(Compile(Rule("{field: destination.countyr, inGroup: EEA}")));
        Assert.Equal(DiagnosticCodes.RuleUnknownField, d.Code);
        Assert.Contains("rule 'T-1'", d.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'destination.country'", d.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation("rules.yaml", 13, 21), d.Location);
    }

    [Fact]
    public void Compile_OperatorWrongForType_Diagnostic()
    {
        var d = Assert.Single(Compile(Rule("{field: individuals, prefix: user}")));
        Assert.Equal(DiagnosticCodes.RuleBadOperator, d.Code);
        Assert.Contains("number fields accept", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_NonNumericOperand_Diagnostic() =>
        Assert.Equal(DiagnosticCodes.RuleBadOperator, Assert.Single(Compile(Rule("{field: individuals, gte: lots}"))).Code);

    [Fact]
    public void Compile_UnknownGroup_Diagnostic()
    {
        var d = Assert.Single(Compile(Rule("{field: destination.country, inGroup: EEAA}")));
        Assert.Equal(DiagnosticCodes.RuleUnknownJurisdiction, d.Code);
        Assert.Contains("did you mean 'EEA'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_UnknownRegime_Diagnostic() =>
        Assert.Equal(DiagnosticCodes.RuleUnknownJurisdiction, Assert.Single(Compile(Rule("{adequate: XX}"))).Code);

    [Fact]
    public void Compile_UnknownCountryCode_Diagnostic() =>
        Assert.Equal(DiagnosticCodes.RuleBadOperator, Assert.Single(Compile(Rule("{field: destination.country, equals: XQ}"))).Code);

    [Fact]
    public void Compile_AdequateOnPlacement_Diagnostic()
    {
        var rule = Rule("{adequate: EU}").Replace("appliesTo: transfer", "appliesTo: placement", StringComparison.Ordinal)
            .Replace("{destination.country}", "{country}", StringComparison.Ordinal);
        Assert.Equal(DiagnosticCodes.RuleBadOperator, Assert.Single(Compile(rule)).Code);
    }

    [Fact]
    public void Compile_BadPlaceholder_Diagnostic()
    {
        var d = Assert.Single(Compile(Rule("{field: purpose, equals: api}", "to {destination.contry}")));
        Assert.Equal(DiagnosticCodes.RuleBadPlaceholder, d.Code);
        Assert.Contains("did you mean 'destination.country'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_BrokenRuleAmongGoodOnes_OnlyBrokenOneLeftOut()
    {
        var pack = TestEngine.Pack(Rule("{field: destination.countyr, inGroup: EEA}") + "\n" +
            Rule("{field: destination.country, inGroup: EEA}").Replace("T-1", "T-2", StringComparison.Ordinal));
        var (engine, diags) = TestEngine.Create(pack);
        Assert.Single(diags);
        Assert.Equal("T-2", Assert.Single(engine.Rules.Rules).Definition.Id);
    }
}
