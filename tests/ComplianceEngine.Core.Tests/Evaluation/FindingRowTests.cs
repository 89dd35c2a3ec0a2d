using System.Collections.Immutable;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Evaluation;

/// <summary>
/// While the evaluation runs a finding is a row (its parts, no id, no text object, no finding object); the report makes the
/// finding from it. The finding made from a row is the one the builder has always made, and a tally holds rows.
/// </summary>
public sealed class FindingRowTests
{
    private static readonly EvaluationContext Context = SccTransferRule.Context;

    private static readonly Lazy<CompiledRuleSet> RuleSet = SccTransferRule.RuleSet;

    private static Site Site(string name, string country) => SccTransferRule.Site(name, country);

    private static TransferFact Transfer(string flow, Site source, Site destination) => SccTransferRule.Transfer(flow, source, destination);

    [Theory]
    [InlineData(Judgement.Violation)]
    [InlineData(Judgement.Indeterminate)]
    [InlineData(Judgement.Pass)]
    public void Row_ToFinding_IsTheFindingCreateMakes_AndTheRowHoldsNone(Judgement judgement)
    {
        var rule = RuleSet.Value.Rules.Single();
        var fact = Transfer("f1", Site("de-1", "DE"), Site("us-1", "US"));

        var row = new FindingBuilder().Row(rule, fact, judgement, error: null, keepFact: false);
        var expected = new FindingBuilder().Create(rule, fact, judgement, error: null);

        Assert.Null(row.Made);
        Assert.Null(row.Fact);
        var made = row.ToFinding();
        Assert.Equal(expected, made);
        Assert.Equal(expected.Id, made.Id);
        Assert.Equal(expected.Message, made.Message);
        Assert.Equal(expected.Evidence.Select(e => $"{e.Fact}={e.Value}@{e.Location}"), made.Evidence.Select(e => $"{e.Fact}={e.Value}@{e.Location}"));
        // Each call makes the finding anew (the report calls it once per row).
        Assert.NotSame(made, row.ToFinding());
        Assert.Equal(made, row.ToFinding());
    }

    [Fact]
    public void Row_KeepFact_HoldsTheFactForExplanations()
    {
        var rule = RuleSet.Value.Rules.Single();
        var fact = Transfer("f1", Site("de-1", "DE"), Site("us-1", "US"));

        var row = new FindingBuilder().Row(rule, fact, Judgement.Violation, error: null, keepFact: true);

        Assert.Same(fact, row.Fact);
        Assert.Same(rule, row.Rule);
    }

    [Fact]
    public void Row_OfAMadeFinding_GivesThatFindingBack()
    {
        var rule = RuleSet.Value.Rules.Single();
        var finding = new FindingBuilder().Create(rule, Transfer("f1", Site("de-1", "DE"), Site("us-1", "US")), Judgement.Violation, null);

        var row = new FindingRow(finding, rule, fact: null);

        Assert.Same(finding, row.ToFinding());
        Assert.Same(finding, row.Made);
    }

    [Fact]
    public void Tally_HoldsRows_TheReportsFindingsAreTheBuildersFindings()
    {
        var rule = RuleSet.Value.Rules.Single();
        var (de, us) = (Site("de-1", "DE"), Site("us-1", "US"));
        var facts = Enumerable.Range(0, TallyFindings.BlockSize + 3).Select(i => Transfer($"f{i}", de, us)).ToList();
        var tally = new VerdictTally(includePasses: false, keepFacts: false);
        foreach (var f in facts) tally.Add(f, [new RuleVerdict(rule, Judgement.Violation, null)]);

        Assert.All(tally.Findings, row => Assert.Null(row.Made));
        var (made, rules, keptFacts) = TallyFindings.Findings([tally], TallyFindings.Kept([tally]), workers: 2, withFacts: false);
        Assert.Equal(facts.Select(f => new FindingBuilder().Create(rule, f, Judgement.Violation, null)), made);
        Assert.All(rules, r => Assert.Same(rule, r));
        Assert.Null(keptFacts);
        // The tally's rows are let go once their findings are made.
        Assert.Empty(tally.Findings);
    }

    [Fact]
    public void Place_TransfersBetweenTheSameSites_ShareOneObject_OtherSitesDoNot()
    {
        var rule = RuleSet.Value.Rules.Single();
        var (de, us, jp) = (Site("de-1", "DE"), Site("us-1", "US"), Site("jp-1", "JP"));
        var builder = new FindingBuilder();

        var one = builder.Row(rule, Transfer("f1", de, us), Judgement.Violation, null, keepFact: false);
        var two = builder.Row(rule, Transfer("f2", de, us), Judgement.Violation, null, keepFact: false);
        var three = builder.Row(rule, Transfer("f3", de, jp), Judgement.Violation, null, keepFact: false);

        Assert.Same(one.Place, two.Place);
        Assert.NotSame(one.Place, three.Place);
        Assert.Equal(new FindingBuilder().Create(rule, Transfer("f3", de, jp), Judgement.Violation, null).Place, three.Place);
        Assert.Equal("jp-1", three.Place!.Destination!.Name);
    }

    [Fact]
    public void Kept_RepeatedIds_FirstKeptInTallyOrder_MadeFindingsComparedByIdNumberOrText()
    {
        var rule = RuleSet.Value.Rules.Single();
        var (de, us) = (Site("de-1", "DE"), Site("us-1", "US"));
        var (f1, f2) = (Transfer("f1", de, us), Transfer("f2", de, us));
        var first = new VerdictTally(includePasses: false, keepFacts: false);
        first.Add(f1, [new RuleVerdict(rule, Judgement.Violation, null)]);
        first.Add(f1, [new RuleVerdict(rule, Judgement.Violation, null)]);
        var second = new VerdictTally(includePasses: false, keepFacts: false);
        // A made finding with the same id as a built row (16 hex digits): a repeat, compared as a number.
        var made = new FindingBuilder().Create(rule, f1, Judgement.Violation, null);
        second.Findings.Add(made with { Message = "same id" }, rule, null);
        second.Add(f2, [new RuleVerdict(rule, Judgement.Violation, null)]);
        // Made findings whose ids are no number: compared by their text.
        second.Findings.Add(made with { Id = "custom" }, rule, null);
        second.Findings.Add(made with { Id = "custom", Message = "again" }, rule, null);

        var kept = TallyFindings.Kept([first, second]);

        Assert.Equal([(0, 0), (1, 1), (1, 2)], kept);
        var (findings, _, facts) = TallyFindings.Findings([first, second], kept, workers: 2, withFacts: true);
        Assert.Equal([made.Id, new FindingBuilder().Create(rule, f2, Judgement.Violation, null).Id, "custom"], findings.Select(f => f.Id));
        // The tallies did not keep their facts: none to give.
        Assert.Equal(3, facts!.Length);
        Assert.All(facts, Assert.Null);
    }

    [Theory]
    [InlineData("0123456789abcdef", true)]
    [InlineData("ffffffffffffffff", true)]
    [InlineData("0123456789ABCDEF", false)]
    [InlineData("0123456789abcde", false)]
    [InlineData("0123456789abcdeg", false)]
    [InlineData("custom", false)]
    public void IdBits_RoundTripOnlyForTheIdsFingerprintsWrite(string id, bool number)
    {
        Assert.Equal(number, FindingFactory.TryIdBits(id, out var bits));
        if (number) Assert.Equal(id, FindingFactory.IdText(bits));
    }

    [Fact]
    public void Fingerprint_IsItsNumberWrittenOut()
    {
        var key = FindingFactory.RuleKey("EU-A", "EU");
        var subject = new FindingSubject("DataFlow", "f1", SourceLocation.None);
        ImmutableArray<string> path = ["de-1", "us-1", "jp-1"];

        var id = FindingFactory.Fingerprint(key, subject, path);

        Assert.Equal(id, FindingFactory.IdText(FindingFactory.FingerprintBits(key, subject, path)));
        Assert.Equal(FindingFactory.Fingerprint("EU-A", "EU", subject, path), id);
        Assert.Matches("^[0-9a-f]{16}$", id);
    }
}
