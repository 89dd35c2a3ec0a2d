using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Documents;

public sealed class RuleReaderTests
{
    private const string Pack = """
        apiVersion: compliance/v1
        kind: RulePack
        metadata: {name: p}
        spec:
          jurisdiction: EU
          rules:
            - id: R-1
              title: A rule
              appliesTo: transfer
              severity: high
              citations: [{instrument: GDPR, article: Art. 44}]
              when:
                all:
                  - {field: categories, prefix: user}
                  - not: {field: destination.country, inGroup: EEA}
              require:
                any:
                  - adequate: EU
                  - {field: mechanisms, containsAny: [scc]}
              message: m
              remediation: r

        """;

    private static (IReadOnlyList<RulePack> Packs, IReadOnlyList<Diagnostic> Diagnostics) Load(string yaml)
    {
        using var dir = new TempDir();
        dir.Write("rules.yaml", yaml);
        var bag = new DiagnosticBag();
        // The catalog comes along: rules comparing categories are checked against its taxonomy.
        var source = new WorkspaceLoader().LoadRules([dir.Path, Repo.Path("rules", "catalog")], bag);
        return (source.Packs, bag.Sorted());
    }

    [Fact]
    public void Read_ValidPack_BuildsConditionTree()
    {
        var (packs, diags) = Load(Pack);
        Assert.Empty(diags);
        var rule = Assert.Single(Assert.Single(packs).Rules);
        Assert.Equal("EU", rule.Jurisdiction);
        var when = Assert.IsType<AllCondition>(rule.When);
        Assert.IsType<NotCondition>(when.Items[1]);
        var require = Assert.IsType<AnyCondition>(rule.Require);
        Assert.Equal("EU", Assert.IsType<AdequateCondition>(require.Items[0]).Regime);
    }

    [Fact]
    public void Read_UnknownOperator_SuggestsOperatorAndNamesLine()
    {
        var (_, diags) = Load(Pack.Replace("containsAny:", "containAny:", StringComparison.Ordinal));
        var d = Assert.Single(diags);
        Assert.Equal(DiagnosticCodes.RuleBadOperator, d.Code);
        Assert.Contains("did you mean 'containsAny'", d.Message, StringComparison.Ordinal);
        Assert.Equal(19, d.Location.Line);
    }

    [Fact]
    public void Read_TwoOperators_Diagnostic()
    {
        var (_, diags) = Load(Pack.Replace("prefix: user}", "prefix: user, in: [a]}", StringComparison.Ordinal));
        Assert.Equal(DiagnosticCodes.RuleBadOperator, Assert.Single(diags).Code);
    }

    [Fact]
    public void Read_BadSeverityAndMissingCitation_ValidatorNamesRule()
    {
        var yaml = Pack.Replace("severity: high", "severity: severe", StringComparison.Ordinal)
            .Replace("citations: [{instrument: GDPR, article: Art. 44}]", "citations: []", StringComparison.Ordinal);
        var (_, diags) = Load(yaml);
        Assert.Contains(diags, d => d.Code == DiagnosticCodes.InvalidValue && d.Message.Contains("severe", StringComparison.Ordinal));
        Assert.Contains(diags, d => d.Code == DiagnosticCodes.RuleInvalid && d.Message.Contains("rule 'R-1'", StringComparison.Ordinal) && d.Location.Line == 7);
    }

    [Fact]
    public void Read_UnverifiedRuleWithoutSayingSo_Diagnostic()
    {
        var (_, diags) = Load(Pack.Replace("severity: high", "severity: high\n      confidence: unverified", StringComparison.Ordinal));
        Assert.Contains(diags, d => d.Code == DiagnosticCodes.RuleInvalid && d.Message.Contains("UNVERIFIED", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_DuplicateRuleIds_Diagnostic()
    {
        var (_, diags) = Load(Pack + "---\n" + Pack.Replace("name: p}", "name: q}", StringComparison.Ordinal));
        Assert.Contains(diags, d => d.Code == DiagnosticCodes.RuleDuplicateId);
    }

    [Fact]
    public void Read_EffectiveFromAfterUntil_Diagnostic()
    {
        var (_, diags) = Load(Pack.Replace("severity: high", "severity: high\n      effective: {from: 2026-01-01, until: 2025-01-01}", StringComparison.Ordinal));
        Assert.Contains(diags, d => d.Code == DiagnosticCodes.RuleInvalid && d.Message.Contains("effective.from", StringComparison.Ordinal));
    }
}
