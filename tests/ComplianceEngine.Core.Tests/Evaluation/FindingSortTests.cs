using System.Globalization;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Tests.Evaluation;

public sealed class FindingSortTests
{
    private static readonly string[] Pieces = ["a", "b", "f", "-", ".", "0", "00", "1", "01", "2", "9", "10", "007", "123", "9999999999999999999999", "Z", "é", " "];

    private static string RandomName(Random rng) => string.Concat(Enumerable.Range(0, rng.Next(0, 6)).Select(_ => Pieces[rng.Next(Pieces.Length)]));

    [Fact]
    public void NaturalKey_OrdinalOrderOfKeysThenNames_IsTheNaturalOrderOfNames()
    {
        var rng = new Random(11);
        var names = Enumerable.Range(0, 3_000).Select(_ => RandomName(rng)).ToArray();
        for (var i = 0; i < names.Length; i++)
        {
            var other = names[rng.Next(names.Length)];
            var expected = Math.Sign(NaturalComparer.Instance.Compare(names[i], other));
            var byKey = string.CompareOrdinal(FindingSort.NaturalKey(names[i]), FindingSort.NaturalKey(other));
            var actual = Math.Sign(byKey != 0 ? byKey : string.CompareOrdinal(names[i], other));
            Assert.True(expected == actual, $"'{names[i]}' vs '{other}': comparer {expected}, keys {actual}");
        }
    }

    [Fact]
    public void NaturalKey_NameWithANul_HasNoKey() => Assert.Null(FindingSort.NaturalKey("a\0b"));

    [Fact]
    public void NaturalKey_EqualNumbersWrittenDifferently_EqualKeys() => Assert.Equal(FindingSort.NaturalKey("f007"), FindingSort.NaturalKey("f7"));

    private static Finding Make(Random rng, int i, Func<Random, string> subjectName, Dictionary<string, FindingSubject> shared, bool nulInPaths = false)
    {
        var jurisdiction = rng.Next(3) switch { 0 => "BR", 1 => "EU", _ => "GB" };
        var rule = $"{jurisdiction}-{rng.Next(4)}";
        var kind = rng.Next(3) switch { 0 => "DataStore", 1 => "Cluster", _ => "DataFlow" };
        var name = subjectName(rng);
        // Most findings of a document share its subject object; some name the same document through another object.
        var subject = rng.Next(5) == 0 || !shared.TryGetValue(kind + "/" + name, out var known)
            ? shared[kind + "/" + name] = new FindingSubject(kind, name, SourceLocation.None)
            : known;
        var path = Enumerable.Range(0, rng.Next(1, 4)).Select(_ => nulInPaths && rng.Next(8) == 0 ? $"n\0{rng.Next(12)}" : $"n{rng.Next(12)}").ToArray();
        return new Finding(i.ToString("x16", CultureInfo.InvariantCulture), rule, "t", jurisdiction, Severity.High, FindingStatus.Violation,
            subject, [.. path], "c", "verified", "m", "r", []);
    }

    private static int[] RuleRanks(Finding[] findings)
    {
        var keys = findings.Select(f => (f.Jurisdiction, f.RuleId)).Distinct()
            .Order(Comparer<(string J, string R)>.Create((x, y) => string.CompareOrdinal(x.J, y.J) is var c and not 0 ? c : string.CompareOrdinal(x.R, y.R)))
            .Select((k, rank) => (k, rank)).ToDictionary(p => p.k, p => p.rank);
        return [.. findings.Select(f => keys[(f.Jurisdiction, f.RuleId)])];
    }

    [Theory]
    [InlineData(1, 2_000)]
    [InlineData(2, 60_000)]
    public void Sort_ManySubjectsInNaturalOrder_SameOrderAsOneComparisonSort(int workers, int count)
    {
        var rng = new Random(7);
        var shared = new Dictionary<string, FindingSubject>(StringComparer.Ordinal);
        var findings = Enumerable.Range(0, count).Select(i => Make(rng, i, RandomName, shared)).ToArray();
        var expected = findings.ToArray();
        Array.Sort(expected, FindingFactory.Order);

        var sorted = FindingSort.Sort(findings, RuleRanks(findings), workers);

        Assert.Equal(expected.Select(f => f.Id), sorted.Select(f => f.Id));
    }

    [Fact]
    public void Sort_NamesWithANul_FallBackToTheComparer_SameOrder()
    {
        var rng = new Random(9);
        var shared = new Dictionary<string, FindingSubject>(StringComparer.Ordinal);
        var findings = Enumerable.Range(0, 2_000).Select(i => Make(rng, i, r => r.Next(4) == 0 ? "x\0" + RandomName(r) : RandomName(r), shared, nulInPaths: true)).ToArray();
        var expected = findings.ToArray();
        Array.Sort(expected, FindingFactory.Order);

        var sorted = FindingSort.Sort(findings, RuleRanks(findings), workers: 1);

        Assert.Equal(expected.Select(f => f.Id), sorted.Select(f => f.Id));
    }
}
