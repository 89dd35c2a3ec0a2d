using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Rules;

/// <summary>Which onward hops are worth building, and which transfer rules a transfer's regimes admit.</summary>
public sealed class OnwardRuleFilterTests
{
    private static readonly EvaluationContext Context = new(new DateOnly(2026, 11, 25), null);

    private static Site Site(string name, string? country, params string[] regimes) =>
        new("Cluster", name, country, country is null ? "no region" : null, [], [.. regimes], SourceLocation.None);

    private static TransferFact Edge(string[] categories, string? destinationCountry = "US", params string[] sourceRegimes) =>
        Edge(categories, categories.Length > 0, destinationCountry, sourceRegimes);

    private static TransferFact Edge(string[] categories, bool declared, string? destinationCountry = "US", params string[] sourceRegimes) =>
        new(Context, new FindingSubject("DataFlow", "f", SourceLocation.None), ["a", "b"], Site("a", "US", sourceRegimes), Site("b", destinationCountry), "analytics")
        {
            Categories = [.. categories],
            CarriesOnlyItsCategories = declared,
            Regimes = [.. sourceRegimes],
        };

    private static CompiledRule[] Rules(string rules)
    {
        var (engine, diagnostics) = TestEngine.Create(TestEngine.Pack(rules));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return [.. engine.Rules.Rules];
    }

    private const string EuPersonalData = TestEngine.EuTransferNeedsScc;

    /// <summary>A hop's data: the lots it carries (categories, subject types).</summary>
    private static CarriedData Lot(string[] categories, params string[] subjectTypes) => CarriedData.None with { Categories = [.. categories], SubjectTypes = [.. subjectTypes] };

    private static readonly CarriedData Personal = Lot(["user.contact"]);

    [Fact]
    public void Wanted_EdgeConditionFalseOnTheEdge_NoHopOfAnyRegime()
    {
        var filter = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        filter.Prepare([Edge(["user.contact"]), Edge(["user.contact"], destinationCountry: "DE")]);

        Assert.True(filter.Wanted(0, "EU", Personal));
        Assert.False(filter.Wanted(1, "EU", Personal)); // back inside the EEA: no hop along this edge can apply
    }

    [Fact]
    public void Patch_FromTheListLastPreparedFor_OnlyTheChangedEdgesAnswerAgain_AsAFreshPrepare()
    {
        // Edge 0 moves back inside the EEA, edge 2 out of it; edge 1 is the same object in both lists.
        TransferFact[] before = [Edge(["user.contact"]), Edge(["user.contact"]), Edge(["user.contact"], destinationCountry: "DE")];
        TransferFact[] after = [Edge(["user.contact"], destinationCountry: "DE"), before[1], Edge(["user.contact"])];
        var patched = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        patched.Prepare(before);
        var fresh = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        fresh.Prepare(after);

        patched.Patch(before, after, [0, 2]);

        Assert.Same(after, patched.PreparedFor);
        for (var e = 0; e < after.Length; e++) Assert.Equal(fresh.Wanted(e, "EU", Personal), patched.Wanted(e, "EU", Personal));
        Assert.False(patched.Wanted(0, "EU", Personal));
        Assert.True(patched.Wanted(2, "EU", Personal));
    }

    [Fact]
    public void Patch_FromAListNotLastPreparedFor_EveryEdgeAnswersAgain()
    {
        // The filter was last prepared for another list (a version dropped since): its answer for edge 1 (outside the EEA)
        // must not be taken for the list patched from, whose edge 1 is inside it, though edge 1 is not among the changed.
        TransferFact[] dropped = [Edge(["user.contact"]), Edge(["user.contact"])];
        TransferFact[] before = [dropped[0], Edge(["user.contact"], destinationCountry: "DE")];
        TransferFact[] after = [Edge(["user.contact"], destinationCountry: "FR"), before[1]];
        var filter = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        filter.Prepare(dropped);

        filter.Patch(before, after, [0]);

        Assert.Same(after, filter.PreparedFor);
        Assert.False(filter.Wanted(0, "EU", Personal));
        Assert.False(filter.Wanted(1, "EU", Personal));
    }

    [Fact]
    public void Prepare_ReusingFromAListNotLastPreparedFor_EveryEdgeAnswersAgain()
    {
        // The general update's map says edge 1 of the new list equals edge 1 of `before`; the filter was last prepared for
        // another list (a version dropped since), whose edge 1 lies outside the EEA: its answer must not be copied.
        TransferFact[] dropped = [Edge(["user.contact"]), Edge(["user.contact"])];
        TransferFact[] before = [dropped[0], Edge(["user.contact"], destinationCountry: "DE")];
        TransferFact[] after = [Edge(["user.contact"], destinationCountry: "FR"), before[1]];
        var filter = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        filter.Prepare(dropped);

        filter.Prepare(before, after, [-1, 1]);

        Assert.Same(after, filter.PreparedFor);
        Assert.False(filter.Wanted(0, "EU", Personal));
        Assert.False(filter.Wanted(1, "EU", Personal));
    }

    [Fact]
    public void Prepare_ReusingFromTheListLastPreparedFor_CopiesTheMappedAnswers()
    {
        TransferFact[] before = [Edge(["user.contact"]), Edge(["user.contact"], destinationCountry: "DE")];
        TransferFact[] after = [before[1], before[0], Edge(["user.contact"])];
        var filter = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        filter.Prepare(before);

        filter.Prepare(before, after, [1, 0, -1]);

        Assert.Same(after, filter.PreparedFor);
        Assert.False(filter.Wanted(0, "EU", Personal));
        Assert.True(filter.Wanted(1, "EU", Personal));
        Assert.True(filter.Wanted(2, "EU", Personal));
    }

    [Fact]
    public void Wanted_HopDataConditionFalse_NoHop()
    {
        var filter = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        filter.Prepare([Edge(["user.contact", "system.operations"])]);

        Assert.False(filter.Wanted(0, "EU", Lot(["system.operations"]))); // the lot that reached the edge is not personal data
        Assert.True(filter.Wanted(0, "EU", Personal));
    }

    [Fact]
    public void Wanted_TheLotDecidesNotTheEdgesOwnData()
    {
        var filter = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        filter.Prepare([Edge(["system.operations"]), Edge([])]);

        // The edge's own categories (or none declared) say nothing about what the regime's lots carry along it.
        Assert.True(filter.Wanted(0, "EU", Personal));
        Assert.True(filter.Wanted(1, "EU", Personal));
    }

    [Fact]
    public void Wanted_SubjectTypesOfTheLot_DecideTheHop()
    {
        var filter = new OnwardRuleFilter(Rules(EuPersonalData.Replace("- {field: categories, prefix: [user]}", "- {field: subjectTypes, contains: employee}",
            StringComparison.Ordinal)), workers: 1);
        var edge = Edge(["user.contact"]);
        filter.Prepare([new TransferFact(Context, edge.Subject, edge.Path, edge.Source, edge.Destination, edge.Purpose)
        {
            Data = Lot(["user.contact"], "customer", "employee"),
            CarriesOnlyItsCategories = true,
        }]);

        Assert.False(filter.Wanted(0, "EU", Lot(["user.contact"], "customer"))); // the edge's store holds employees; the lot does not
        Assert.True(filter.Wanted(0, "EU", Lot(["user.contact"], "employee")));
    }

    [Fact]
    public void Wanted_RegimeNoRuleJudges_NoHop()
    {
        var filter = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        filter.Prepare([Edge(["user.contact"])]);

        Assert.False(filter.Wanted(0, "GB", Personal));
    }

    [Fact]
    public void Wanted_UnknownValueOnTheEdge_KeepsTheHop()
    {
        var filter = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        filter.Prepare([Edge(["user.contact"], destinationCountry: null)]);

        Assert.True(filter.Wanted(0, "EU", Personal)); // unknown is never "does not apply"
    }

    [Fact]
    public void Conditions_MixingEdgeAndDataFields_NeitherKind()
    {
        var mixed = Rules(EuPersonalData.Replace("- {field: categories, prefix: [user]}",
            "- any: [{field: categories, prefix: [user]}, {field: destination.country, in: [US]}]", StringComparison.Ordinal))[0];

        // Neither test alone can show the whole condition false on a hop: it may not rule one out.
        Assert.Equal(["destination.country"], OnwardRuleFilter.EdgeConditions(mixed.Definition.When).Cast<Model.Rules.FieldCondition>().Select(c => c.Field));
        Assert.Empty(OnwardRuleFilter.DataConditions(mixed.Definition.When));
    }

    [Fact]
    public void Wanted_RuleForDirectTransfersOnly_NoHop()
    {
        var filter = new OnwardRuleFilter(Rules(EuPersonalData.Replace("- {field: regimes, contains: EU}", "- {field: hop, equals: 1}", StringComparison.Ordinal)), workers: 1);
        filter.Prepare([Edge(["user.contact"])]);

        Assert.False(filter.Wanted(0, "EU", Personal));
    }

    [Fact]
    public void Wanted_ConditionOnTheChainNotTheEdge_KeepsTheHop()
    {
        var filter = new OnwardRuleFilter(
            Rules(EuPersonalData.Replace("- {field: categories, prefix: [user]}", "- {field: origin.country, in: [US]}", StringComparison.Ordinal)), workers: 1);
        filter.Prepare([Edge(["system.operations"], destinationCountry: "DE")]);

        Assert.False(filter.Wanted(0, "EU", Personal)); // destination inside the EEA: still an edge condition
        filter.Prepare([Edge(["system.operations"])]);
        Assert.True(filter.Wanted(0, "EU", Personal)); // origin.* differs per hop: it cannot rule the hop out
    }

    [Fact]
    public void RegimeIndex_OnlyRulesWhoseRegimeConditionCanHold()
    {
        var rules = Rules(EuPersonalData + "\n" + EuPersonalData.Replace("EU-ONWARD", "GB-ONWARD", StringComparison.Ordinal)
            .Replace("contains: EU}", "contains: GB}", StringComparison.Ordinal));
        var index = new RegimeIndex(rules);

        Assert.Equal(["EU-ONWARD"], index.For(Edge(["user.contact"], "US", "EU")).Select(r => r.Definition.Id));
        Assert.Equal(["GB-ONWARD"], index.For(Edge(["user.contact"], "US", "GB")).Select(r => r.Definition.Id));
        Assert.Empty(index.For(Edge(["user.contact"], "US", "JP")));
    }

    [Fact]
    public void RegimeIndex_RegimesUnknown_EveryRule()
    {
        var rules = Rules(EuPersonalData);
        var index = new RegimeIndex(rules);
        var unknownSource = new TransferFact(Context, new FindingSubject("DataFlow", "f", SourceLocation.None), ["a", "b"], Site("a", null), Site("b", "US"), "x");

        Assert.Null(RegimeIndex.RegimesOf(unknownSource));
        Assert.Equal(rules, index.For(unknownSource));
    }

    [Fact]
    public void Conditions_EdgeFieldsFromTheEdge_DataFieldsFromTheHopsLots()
    {
        var when = Rules(EuPersonalData)[0].Definition.When;

        Assert.Equal(["destination.country"], OnwardRuleFilter.EdgeConditions(when).Cast<Model.Rules.FieldCondition>().Select(c => c.Field));
        Assert.Equal(["categories"], OnwardRuleFilter.DataConditions(when).Cast<Model.Rules.FieldCondition>().Select(c => c.Field));
    }

    [Fact]
    public void MayWant_RegimesAskedFromTwoThreads_ByManyCopiesOfTheirNames_TheSameAnswers()
    {
        var filter = new OnwardRuleFilter(Rules(EuPersonalData), workers: 1);
        filter.Prepare([Edge(["user.contact"])]);
        filter.KnowRegimes(["EU", "JP"]);

        // Two threads in turn, as a search run ahead and the hops' filtering do; more copies of each name than are kept by reference.
        Parallel.For(0, 2, new ParallelOptions { MaxDegreeOfParallelism = 2 }, t =>
        {
            for (var i = 0; i < 500; i++)
            {
                var eu = i % 2 == 0 ? "EU" : new string("EU".AsSpan());
                var jp = i % 3 == 0 ? "JP" : new string("JP".AsSpan());
                Assert.True(filter.MayWant(0, eu));
                Assert.False(filter.MayWant(0, jp));
                // The hops' data test runs on one thread (the one that builds the hops).
                if (t == 0) Assert.True(filter.Wanted(0, eu, Personal));
            }
        });
    }
}
