using System.Globalization;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Tests.Evaluation;

public sealed class FindingOrderTests
{
    private static Finding Make(Random rng, int i)
    {
        var jurisdiction = rng.Next(3) switch { 0 => "BR", 1 => "EU", _ => "GB" };
        var rule = $"{jurisdiction}-{rng.Next(4)}";
        var path = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => $"n{rng.Next(20)}").ToArray();
        return new Finding(i.ToString("x16", CultureInfo.InvariantCulture), rule, "t", jurisdiction, Severity.High, FindingStatus.Violation,
            new FindingSubject("DataFlow", $"f{rng.Next(50)}", SourceLocation.None), [.. path], "c", "verified", "m", "r", []);
    }

    [Fact]
    public void Sort_LargeReportRankedAndInParallel_SameOrderAsOneComparisonSort()
    {
        var rng = new Random(3);
        var findings = Enumerable.Range(0, 120_000).Select(i => Make(rng, i)).ToArray();
        var expected = findings.ToArray();
        Array.Sort(expected, FindingFactory.Order);

        var one = FindingFactory.Sort(findings, workers: 1);
        var many = FindingFactory.Sort(findings, workers: 4);

        Assert.Equal(expected.Select(f => f.Id), one.Select(f => f.Id));
        Assert.Equal(expected.Select(f => f.Id), many.Select(f => f.Id));
    }

    [Fact]
    public void Order_PathsCompareNameByName_APathBeforeItsExtensions()
    {
        Finding WithPath(params string[] path) => new("x" + string.Join("", path), "R", "t", "EU", Severity.High, FindingStatus.Violation,
            new FindingSubject("DataFlow", "f", SourceLocation.None), [.. path], "c", "verified", "m", "r", []);

        var sorted = FindingFactory.Sort([WithPath("b"), WithPath("a", "c"), WithPath("ab"), WithPath("a")]);

        Assert.Equal(["a", "a>c", "ab", "b"], sorted.Select(f => string.Join(">", f.Path)));
    }

    [Fact]
    public void Order_NamesInNaturalOrder_F2BeforeF10()
    {
        Finding Make(string subject, params string[] path) => new("x" + subject + string.Join("", path), "R", "t", "EU", Severity.High,
            FindingStatus.Violation, new FindingSubject("DataFlow", subject, SourceLocation.None), [.. path], "c", "verified", "m", "r", []);

        var sorted = FindingFactory.Sort([Make("f10", "a"), Make("f2", "s10"), Make("f2", "s9"), Make("f1", "a")]);

        Assert.Equal(["f1 a", "f2 s9", "f2 s10", "f10 a"], sorted.Select(f => $"{f.Subject.Name} {string.Join(">", f.Path)}"));
    }

    [Fact]
    public void Sort_WithRuleRanksGiven_SameOrderAsOneComparisonSort()
    {
        var rng = new Random(5);
        // Few distinct subjects, each name under several subject objects: equal names must rank equal whatever the object.
        var findings = Enumerable.Range(0, 3_000).Select(i => Make(rng, i)).ToArray();
        var expected = findings.ToArray();
        Array.Sort(expected, FindingFactory.Order);
        var keys = findings.Select(f => (f.Jurisdiction, f.RuleId)).Distinct()
            .Order(Comparer<(string J, string R)>.Create((x, y) => string.CompareOrdinal(x.J, y.J) is var c and not 0 ? c : string.CompareOrdinal(x.R, y.R)))
            .Select((k, rank) => (k, rank)).ToDictionary(p => p.k, p => p.rank);
        var ranks = findings.Select(f => keys[(f.Jurisdiction, f.RuleId)]).ToArray();

        var sorted = FindingFactory.Sort([.. findings], ranks, workers: 2);

        Assert.Equal(expected.Select(f => f.Id), sorted.Select(f => f.Id));
    }
}
