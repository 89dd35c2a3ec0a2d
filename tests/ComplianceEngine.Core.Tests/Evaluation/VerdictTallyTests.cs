using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Evaluation;

/// <summary>
/// A chunk's tally lets go of what the report does not need as soon as it can: its finding builder (caches per rule, site
/// and fact) once the chunk is judged, its findings list once the report has merged it. Neither changes a finding.
/// </summary>
public sealed class VerdictTallyTests
{
    private static readonly EvaluationContext Context = SccTransferRule.Context;

    private static readonly Lazy<CompiledRuleSet> RuleSet = SccTransferRule.RuleSet;

    private static Site Site(string name, string country) => SccTransferRule.Site(name, country);

    private static TransferFact Transfer(string flow) => Transfer(flow, Site("de-1", "DE"), Site("us-1", "US"));

    private static TransferFact Transfer(string flow, Site source, Site destination) => SccTransferRule.Transfer(flow, source, destination);

    [Fact]
    public void ReleaseBuilder_ThenMoreVerdicts_FindingsAsAFreshBuilderMakesThem()
    {
        var rule = RuleSet.Value.Rules.Single();
        var tally = new VerdictTally(includePasses: false, keepFacts: false);
        var (f1, f2) = (Transfer("f1"), Transfer("f2"));

        tally.Add(f1, [new RuleVerdict(rule, Judgement.Violation, null)]);
        tally.ReleaseBuilder();
        tally.Add(f2, [new RuleVerdict(rule, Judgement.Violation, null)]);

        Assert.Equal(
            [new FindingBuilder().Create(rule, f1, Judgement.Violation, null), new FindingBuilder().Create(rule, f2, Judgement.Violation, null)],
            tally.Findings.Select(x => x.ToFinding()));
    }

    [Fact]
    public void Builder_SharedByTwoTallies_SecondReusesTheFirstsEvidence_FindingsAsFreshBuildersMakeThem()
    {
        // The batch path hands every chunk a worker thread judges the same builder: the second chunk's findings about the
        // same places reuse the first's evidence objects, and every finding is the one a builder of its own would make.
        var rule = RuleSet.Value.Rules.Single();
        var shared = new FindingBuilder();
        var (first, second) = (new VerdictTally(includePasses: false, keepFacts: false) { Builder = shared },
            new VerdictTally(includePasses: false, keepFacts: false) { Builder = shared });
        var (de, us) = (Site("de-1", "DE"), Site("us-1", "US"));
        var (f1, f2) = (Transfer("f1", de, us), Transfer("f2", de, us));

        first.Add(f1, [new RuleVerdict(rule, Judgement.Violation, null)]);
        first.ReleaseBuilder();
        second.Add(f2, [new RuleVerdict(rule, Judgement.Violation, null)]);

        var (a, b) = (first.Findings.Single().ToFinding(), second.Findings.Single().ToFinding());
        Assert.Equal(new FindingBuilder().Create(rule, f1, Judgement.Violation, null), a);
        Assert.Equal(new FindingBuilder().Create(rule, f2, Judgement.Violation, null), b);
        // Facts about the same site objects: the second tally's finding reuses more of the first's evidence objects than a
        // tally with a builder of its own does (its caches start empty).
        var own = new VerdictTally(includePasses: false, keepFacts: false);
        own.Add(Transfer("f3", de, us), [new RuleVerdict(rule, Judgement.Violation, null)]);
        static int Reused(Finding of, Finding from) => of.Text!.Evidence.Count(e => from.Text!.Evidence.Any(x => ReferenceEquals(x, e)));
        Assert.True(Reused(b, a) > Reused(own.Findings.Single().ToFinding(), a), $"shared {Reused(b, a)}, own {Reused(own.Findings.Single().ToFinding(), a)}");
    }

    [Fact]
    public void ReleaseFindings_LeavesAnEmptyList_CountsAndCoverageStay()
    {
        var rule = RuleSet.Value.Rules.Single();
        var tally = new VerdictTally(includePasses: false, keepFacts: false);
        tally.Add(Transfer("f1"), [new RuleVerdict(rule, Judgement.Violation, null)]);
        tally.Add(Transfer("f2"), [new RuleVerdict(rule, Judgement.Pass, null)]);

        tally.ReleaseFindings();

        Assert.Empty(tally.Findings);
        Assert.Equal(2, tally.Verdicts);
        Assert.Equal(1, tally.UncountedPasses["EU"]);
    }
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(TallyFindings.BlockSize)]
    [InlineData(TallyFindings.BlockSize + 1)]
    [InlineData(3 * TallyFindings.BlockSize + 17)]
    public void TallyFindings_AcrossBlocks_KeepsOrderCountAndIndex(int count)
    {
        var rule = RuleSet.Value.Rules.Single();
        var made = Enumerable.Range(0, count).Select(i => new FindingBuilder().Create(rule, Transfer($"f{i % 7}"), Judgement.Violation, null) with { Id = $"id{i}" }).ToList();
        var findings = new TallyFindings();
        foreach (var f in made) findings.Add(f, rule, null);

        Assert.Equal(count, findings.Count);
        Assert.Equal(made.Select(f => f.Id), findings.Select(x => x.ToFinding().Id));
        var walked = new List<string>();
        foreach (var row in findings) walked.Add(row.ToFinding().Id);
        Assert.Equal(made.Select(f => f.Id), walked);
        if (count > 0) Assert.Equal($"id{count - 1}", findings[count - 1].ToFinding().Id);
        Assert.Throws<ArgumentOutOfRangeException>(() => findings[count]);
        // A block of rows stays under the large-object heap's threshold of 85,000 bytes.
        Assert.True(TallyFindings.BlockSize * System.Runtime.CompilerServices.Unsafe.SizeOf<FindingRow>() < 85_000);
    }
}
