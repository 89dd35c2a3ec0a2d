using System.Collections.Immutable;
using ComplianceEngine.Core.Policy;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Policy;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Tests.Policy;

/// <summary>A waiver that matches nothing says what it is nearest to: a rule id, a subject, a jurisdiction, another waiver.</summary>
public sealed class WaiverHintsTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 25);

    private static Finding Finding(string rule, string kind, string subject, string jurisdiction = "EU", FindingStatus status = FindingStatus.Violation) =>
        new($"id-{rule}-{subject}-{jurisdiction}", rule, "Rule", jurisdiction, Severity.High, status, new FindingSubject(kind, subject, new SourceLocation("f.yaml", 1, 1)),
            ["a", "b"], "GDPR Art. 44", "verified", "m", "r", []);

    private static Report Report(params Finding[] findings) => new("1", AsOf, default,
        findings.GroupBy(f => f.Jurisdiction).ToImmutableSortedDictionary(g => g.Key, g => g.Aggregate(StatusCounts.Zero, (c, f) => c.Add(f.Status)), StringComparer.Ordinal),
        [.. findings],
        [new RuleSummary("GDPR-CH5-TRANSFER", "Rule", "EU", "high", "GDPR Art. 44", null, "r", "verified"),
         new RuleSummary("GDPR-ART30-RECORD", "Rule", "EU", "high", "GDPR Art. 30", null, "r", "verified"),
         new RuleSummary("UK-GDPR-TRANSFER", "Rule", "GB", "high", "UK GDPR Art. 44", null, "r", "verified")], []);

    private static Waiver Waiver(string rule, string subject, string jurisdiction = "EU", string name = "w") =>
        new(name, rule, subject, jurisdiction, "accepted for a good reason", "DPO", "T-1", null, AsOf.AddDays(30), new SourceLocation("w.yaml", 3, 1));

    private static Diagnostic Only(Report report, string code, params Waiver[] waivers)
    {
        var bag = new DiagnosticBag();
        _ = PolicyApplier.Apply(report, null, waivers, null, bag);
        return Assert.Single(bag.Sorted(), d => d.Code == code);
    }

    [Theory]
    [InlineData("GDPR-CH5-TRANSFR", "GDPR-CH5-TRANSFER")]
    [InlineData("gdpr-ch5-transfer", "GDPR-CH5-TRANSFER")]
    public void Apply_WaiverOfAMistypedRule_SuggestsTheLoadedRule(string rule, string suggestion)
    {
        var d = Only(Report(Finding("GDPR-CH5-TRANSFER", "DataFlow", "to-us")), DiagnosticCodes.WaiverUnknownRule, Waiver(rule, "DataFlow/to-us"));
        Assert.Contains($"names rule '{rule}', which is not loaded, did you mean '{suggestion}'?", d.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation("w.yaml", 3, 1), d.Location);
    }

    [Theory]
    [InlineData("DataFlow/to-su", "DataFlow/to-us")]
    [InlineData("Dataflow/to-us", "DataFlow/to-us")]
    [InlineData("DataFlow/TO-US", "DataFlow/to-us")]
    [InlineData("DataFlow/crm-sycn", "DataFlow/crm-sync")]
    public void Apply_UnusedWaiverWithAMistypedSubject_SuggestsTheSubject(string subject, string suggestion)
    {
        var report = Report(Finding("GDPR-CH5-TRANSFER", "DataFlow", "to-us"), Finding("GDPR-CH5-TRANSFER", "DataFlow", "crm-sync"),
            Finding("GDPR-CH5-TRANSFER", "DataStore", "to-us-backup"));
        var d = Only(report, DiagnosticCodes.WaiverUnused, Waiver("GDPR-CH5-TRANSFER", subject));
        Assert.Contains($"; did you mean subject '{suggestion}'? Correct the waiver or remove it", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_UnusedWaiverUnderAnotherJurisdiction_SaysWhereTheFindingIs()
    {
        var d = Only(Report(Finding("UK-GDPR-TRANSFER", "DataFlow", "to-us", "GB")), DiagnosticCodes.WaiverUnused, Waiver("UK-GDPR-TRANSFER", "DataFlow/to-us", "UK"));
        Assert.Contains("UK-GDPR-TRANSFER finds DataFlow/to-us under GB, did you mean jurisdiction 'GB'?", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_UnusedWaiverOfAnotherRulesFinding_NamesTheRule()
    {
        var d = Only(Report(Finding("GDPR-CH5-TRANSFER", "DataFlow", "to-us")), DiagnosticCodes.WaiverUnused, Waiver("GDPR-ART30-RECORD", "DataFlow/to-us"));
        Assert.Contains("the findings on DataFlow/to-us come from GDPR-CH5-TRANSFER", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_SecondWaiverOfTheSameFinding_SaysWhichWaiverHidesIt()
    {
        var d = Only(Report(Finding("GDPR-CH5-TRANSFER", "DataFlow", "to-us")), DiagnosticCodes.WaiverUnused,
            Waiver("GDPR-CH5-TRANSFER", "DataFlow/to-us", name: "first"), Waiver("GDPR-CH5-TRANSFER", "DataFlow/to-us", name: "second"));
        Assert.StartsWith("Waiver 'second'", d.Message, StringComparison.Ordinal);
        Assert.Contains("that finding is already waived by 'first'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_UnusedWaiverOnAPassingSubject_SaysItPasses()
    {
        var d = Only(Report(Finding("GDPR-CH5-TRANSFER", "DataFlow", "to-us", status: FindingStatus.Pass)), DiagnosticCodes.WaiverUnused,
            Waiver("GDPR-CH5-TRANSFER", "DataFlow/to-us"));
        Assert.Contains("that rule passes on that subject: there is nothing to waive", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_UnusedWaiverFarFromEverything_ListsTheRulesFindings()
    {
        var d = Only(Report(Finding("GDPR-CH5-TRANSFER", "DataFlow", "to-us")), DiagnosticCodes.WaiverUnused, Waiver("GDPR-CH5-TRANSFER", "DataStore/archive"));
        Assert.Contains("GDPR-CH5-TRANSFER has findings on DataFlow/to-us", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_UnusedWaiverOfARuleWithNoFinding_SaysSo()
    {
        var d = Only(Report(), DiagnosticCodes.WaiverUnused, Waiver("GDPR-CH5-TRANSFER", "DataFlow/to-us"));
        Assert.Contains("GDPR-CH5-TRANSFER has no open finding in this run", d.Message, StringComparison.Ordinal);
    }
}
