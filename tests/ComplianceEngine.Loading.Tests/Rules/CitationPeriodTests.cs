using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Rules;

/// <summary>Per-citation effective dates: read, checked to cover the rule's period, and chosen by date.</summary>
public sealed class CitationPeriodTests
{
    private static string Pack(string effective, string citations) => $$"""
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
              effective: {{effective}}
              citations:
        {{citations}}
              when: {field: purpose, equals: x}
              message: m
              remediation: r

        """;

    private const string FormerAndCurrent = """
                - {instrument: APPI, article: "Art. 24 (former)", effective: {until: 2022-04-01}}
                - {instrument: APPI, article: "Art. 28", effective: {from: 2022-04-01}}
        """;

    private static (RuleDefinition? Rule, IReadOnlyList<Diagnostic> Diagnostics) Load(string yaml)
    {
        using var dir = new TempDir();
        dir.Write("rules.yaml", yaml);
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([dir.Path, Repo.Path("rules", "catalog")], bag);
        return (source.Packs.SingleOrDefault()?.Rules.SingleOrDefault(), bag.Sorted());
    }

    [Fact]
    public void Load_GapInTheRulesPeriod_Diagnostic()
    {
        var (_, diags) = Load(Pack("{from: 2017-05-30}", """
                    - {instrument: APPI, article: "Art. 24 (former)", effective: {from: 2017-05-30, until: 2022-01-01}}
                    - {instrument: APPI, article: "Art. 28", effective: {from: 2022-04-01}}
            """));
        var d = Assert.Single(diags);
        Assert.Equal(DiagnosticCodes.CitationPeriodInvalid, d.Code);
        Assert.Contains("no citation is in force on 2022-01-01", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CitationsStartAfterTheRule_Diagnostic()
    {
        var (_, diags) = Load(Pack("{from: 2017-05-30}", """
                    - {instrument: APPI, article: "Art. 28", effective: {from: 2022-04-01}}
            """));
        Assert.Contains("2017-05-30", Assert.Single(diags).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OpenRuleAndCitationsWithAStart_Diagnostic()
    {
        var (_, diags) = Load(Pack("{}", """
                    - {instrument: APPI, article: "Art. 28", effective: {from: 2022-04-01}}
            """));
        Assert.Contains("before the first citation", Assert.Single(diags).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvertedCitationPeriod_DiagnosticAtTheCitation()
    {
        var (_, diags) = Load(Pack("{from: 2017-05-30}", """
                    - {instrument: APPI, article: "Art. 24", effective: {from: 2022-04-01, until: 2017-05-30}}
                    - {instrument: APPI, article: "Art. 28"}
            """));
        var d = Assert.Single(diags);
        Assert.Equal(DiagnosticCodes.CitationPeriodInvalid, d.Code);
        Assert.Equal(13, d.Location.Line);
    }

    [Fact]
    public void Load_CitationsCoverTheRule_NoDiagnosticAndTextByDate()
    {
        var (rule, diags) = Load(Pack("{from: 2017-05-30}", FormerAndCurrent));
        Assert.Empty(diags);
        Assert.NotNull(rule);
        Assert.True(rule.HasDatedCitations);
        Assert.Equal("APPI Art. 24 (former)", rule.CitationTextAsOf(new DateOnly(2022, 3, 31)));
        Assert.Equal("APPI Art. 28", rule.CitationTextAsOf(new DateOnly(2022, 4, 1)));
        Assert.Equal("APPI Art. 24 (former); APPI Art. 28", rule.CitationText);
    }

    [Fact]
    public void Load_RuleEndsBeforeTheGap_NoDiagnostic()
    {
        var (_, diags) = Load(Pack("{from: 2017-05-30, until: 2022-01-01}", """
                    - {instrument: APPI, article: "Art. 24 (former)", effective: {from: 2017-05-30, until: 2022-01-01}}
                    - {instrument: APPI, article: "Art. 28", effective: {from: 2022-04-01}}
            """));
        Assert.Empty(diags);
    }

    [Fact]
    public void CitationTextAsOf_NoDatedCitations_AllOfThem()
    {
        var rule = new RuleDefinition("R", "t", "EU", FactKinds.Transfer, Severity.High, "violation", EffectivePeriod.Always,
            [new Citation("GDPR", "Art. 44", null), new Citation("GDPR", "Art. 46", null)], Confidence.Verified, null, null, "m", "r", "p", SourceLocation.None);
        Assert.False(rule.HasDatedCitations);
        Assert.Equal("GDPR Art. 44; GDPR Art. 46", rule.CitationTextAsOf(new DateOnly(2000, 1, 1)));
    }
}
