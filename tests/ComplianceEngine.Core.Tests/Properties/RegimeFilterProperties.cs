using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Evaluation.Runners;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;

namespace ComplianceEngine.Core.Tests.Properties;

/// <summary>
/// The batch runner's pre-filter (the regime index, answered from a memo of the last regime list while a chunk is judged)
/// never skips a rule that would have judged a fact: on generated estates, in the order the evaluation derives facts and
/// shuffled, every fact gets exactly the verdicts (rule, judgement, error) that judging it with every rule of its kind gives,
/// facts whose regimes are unknown and indeterminate verdicts included.
/// </summary>
public sealed class RegimeFilterProperties
{
    [Theory]
    [InlineData(11, false)]
    [InlineData(12, true)]
    [InlineData(4242, true)]
    public void BatchRunner_FilteredByRegime_GivesEveryVerdictOfAllRules(int seed, bool shuffled)
    {
        var engine = GeneratedEstates.Engine;
        var estate = GeneratedEstates.Generate(seed, 300);
        var evaluator = new Evaluator(engine.Rules, engine.Resolver);
        var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
        var facts = evaluator.Derive(estate, context, GeneratedEstates.Options, workers: 1).Facts.ToList();
        // Transfers from a site whose country is unknown (their regimes are unknown: the index must offer them every rule),
        // put among the generated ones, so that the memo of the last regime list meets them between facts it answers.
        var random = new Random(seed);
        foreach (var destination in (string?[])["US", "FR", "JP", "CN", null, "BR", "IN", "GB"])
        {
            facts.Insert(random.Next(facts.Count), UnknownSource(context, destination, random.Next(2) == 0 ? ["EU"] : ["JP", "EU"]));
        }
        if (shuffled) random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(facts));
        var runner = new BatchRunner(new RuleSelection(engine.Rules));

        var filtered = Verdicts(runner, facts, exhaustive: false);
        var all = Verdicts(runner, facts, exhaustive: true);

        for (var i = 0; i < facts.Count; i++) Assert.True(all[i] == filtered[i], $"seed {seed}, fact {i} ({facts[i].Subject.Name}): {filtered[i]} instead of {all[i]}");
        // The cases that matter were met: facts the index cannot narrow, and verdicts that are not decided.
        Assert.Contains(facts, f => f is TransferFact t && RegimeIndex.RegimesOf(t) is null && all[facts.IndexOf(f)].Length > 0);
        Assert.Contains(all, v => v.Contains("Indeterminate", StringComparison.Ordinal));
        Assert.Contains(facts, f => f is TransferFact { OnwardRegime: not null });
    }

    private static TransferFact UnknownSource(EvaluationContext context, string? destination, string[] regimes) =>
        new(context, new Model.Findings.FindingSubject("DataFlow", "unknown-source-" + (destination ?? "nowhere"), Model.Diagnostics.SourceLocation.None), ["a", "b"],
            new Core.Location.Site("Cluster", "a", null, "region 'moon-1' is unknown", [], [], Model.Diagnostics.SourceLocation.None),
            new Core.Location.Site("Cluster", "b", destination, destination is null ? "region 'moon-2' is unknown" : null, [], [], Model.Diagnostics.SourceLocation.None), "analytics")
        {
            Categories = ["user.contact", "user.health_and_medical"],
            Subjects = ["EU", "JP"],
            Regimes = [.. regimes],
            Individuals = 50_000,
        };

    private static string[] Verdicts(BatchRunner runner, List<Fact> facts, bool exhaustive)
    {
        foreach (var f in facts) f.Verdicts = null;
        runner.Judge(facts, exhaustive);
        var verdicts = facts.Select(f => string.Join("; ", (f.Verdicts ?? []).Select(v => $"{v.Rule.Definition.Id} {v.Judgement} {v.Error}"))).ToArray();
        foreach (var f in facts) f.Verdicts = null;
        return verdicts;
    }
}
