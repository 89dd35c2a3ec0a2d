using System.Collections.Immutable;
using ComplianceEngine.Core.Evaluation.Incremental;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Tests.Properties;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Evaluation.Incremental;

/// <summary>
/// Issue 12 item 6: a moved flow changes its country's export volumes by its own share (<see cref="ExportTally"/>), not by a
/// sum over every direct transfer; the totals must be the full evaluation's ordered sums (<see cref="ExportVolumes.Of"/>) to
/// the bit, and a country whose shares do not sum exactly out of order is not answered.
/// </summary>
public sealed class ExportTallyTests
{
    private static readonly EvaluationContext Context = new(new DateOnly(2026, 11, 25), null);

    private static Site Site(string name, string country) =>
        new("Cluster", name, country, null, ["EEA"], ["EU"], new SourceLocation("clusters.yaml", 3, 1));

    /// <summary>A direct transfer from <paramref name="from"/> to the US with the given individuals.</summary>
    private static TransferFact Transfer(string from, double? individuals, double? sensitive, int line) =>
        new(Context, new FindingSubject("DataFlow", $"f{line}", new SourceLocation("flows.yaml", line, 1)), ["a", "b"], Site("a", from), Site("b", "US"), "analytics")
        {
            Categories = ["user.contact"],
            Regimes = ["EU"],
            Individuals = individuals,
            SensitiveIndividuals = sensitive,
        };

    private static ExportTally Tally(IEnumerable<TransferFact> transfers) => ExportTally.Over(transfers.Select(IncrementalEvaluation.ExportShare), of: null);

    [Fact]
    public void Totals_AfterRandomSharesMovedOutAndIn_AreTheOrderedSumsOfTheTransfersLeft()
    {
        foreach (var seed in new[] { 5, 17 })
        {
            var estate = GeneratedEstates.Generate(seed, 400);
            var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
            var resolved = new FactBuilder(GeneratedEstates.Engine.Resolver).Resolve(estate);
            var transfers = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(GeneratedEstates.Engine.Resolver).Implied(resolved, context))
                .OfType<TransferFact>().ToList();
            var countries = transfers.Select(t => t.CrossBorder == true ? t.Source.Country : null).OfType<string>().Distinct().ToList();
            Assert.True(countries.Count > 2, $"seed {seed}: {countries.Count} exporting countries");
            var random = new Random(seed);
            var tally = Tally(transfers);
            var current = transfers.ToList();
            for (var round = 0; round < 20; round++)
            {
                // Some transfers go, some of those gone come back (in another order).
                var leaving = current.Where(_ => random.Next(10) == 0).ToList();
                var coming = leaving.Where(_ => random.Next(2) == 0).ToList();
                current = [.. current.Except(leaving), .. coming];
                tally = tally.Moved(leaving.Select(IncrementalEvaluation.ExportShare), coming.Select(IncrementalEvaluation.ExportShare), of: null);
                var whole = ExportVolumes.Of(current);
                foreach (var country in countries.Append("XX"))
                {
                    Assert.True(tally.Totals(country, out var totals), $"seed {seed}, round {round}: {country} not answered");
                    Assert.Equal(whole.TotalsOf(country), totals);
                }
            }
        }
    }

    [Fact]
    public void Totals_AMissingCount_MakesTheTotalUnknown_UntilItLeaves()
    {
        var missing = Transfer("DE", null, null, 2);
        TransferFact[] transfers = [Transfer("DE", 100, 5, 1), missing, Transfer("DE", 7, null, 3)];
        var tally = Tally(transfers);
        Assert.True(tally.Totals("DE", out var totals));
        Assert.Equal(ExportVolumes.Of(transfers).TotalsOf("DE"), totals);
        Assert.Null(totals.All);

        var without = tally.Moved([IncrementalEvaluation.ExportShare(missing)], [], of: null);
        Assert.True(without.Totals("DE", out totals));
        Assert.Equal(ExportVolumes.Of(transfers.Where(t => t != missing)).TotalsOf("DE"), totals);
        Assert.Equal((107d, 5d), totals);
    }

    [Fact]
    public void Totals_AShareThatIsNotAWholeNumber_IsNotAnswered_AndOtherCountriesAre()
    {
        var fraction = Transfer("DE", 0.1, 0, 2);
        TransferFact[] transfers = [Transfer("DE", 0.2, 0, 1), fraction, Transfer("FR", 3, 1, 3)];
        var tally = Tally(transfers);
        // 0.2 + 0.1 in order is not 0.1 + 0.2 taken apart again: such a country is summed in order by the caller.
        Assert.False(tally.Totals("DE", out _));
        Assert.True(tally.Totals("FR", out var fr));
        Assert.Equal(ExportVolumes.Of(transfers).TotalsOf("FR"), fr);
        // Not answered while one such share is left; answered again once none is (they were never in the sums).
        Assert.False(tally.Moved([IncrementalEvaluation.ExportShare(fraction)], [], of: null).Totals("DE", out _));
        var wholeOnly = tally.Moved([IncrementalEvaluation.ExportShare(fraction), IncrementalEvaluation.ExportShare(transfers[0])], [IncrementalEvaluation.ExportShare(Transfer("DE", 4, 2, 4))], of: null);
        Assert.True(wholeOnly.Totals("DE", out var de));
        Assert.Equal(ExportVolumes.Of([Transfer("DE", 4, 2, 4), transfers[2]]).TotalsOf("DE"), de);
    }

    [Fact]
    public void Totals_SumsPast2To53_AreNotAnswered_EvenAfterTheyFallBack()
    {
        var huge = Transfer("DE", 9007199254740990d, 0, 2);
        TransferFact[] transfers = [Transfer("DE", 3, 0, 1), huge];
        var tally = Tally(transfers);
        Assert.False(tally.Totals("DE", out _));
        Assert.False(tally.Moved([IncrementalEvaluation.ExportShare(huge)], [], of: null).Totals("DE", out _));
    }
}
