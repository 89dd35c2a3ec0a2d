using System.Collections.Immutable;
using System.Globalization;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Evaluation.Incremental;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Tests.Evaluation.Incremental;

/// <summary>
/// The kept report patched fact by fact equals the batch path's findings of the same facts: of equal ids the first fact's,
/// sorted, root causes linked (<see cref="RootCauses.Link(System.Collections.Immutable.ImmutableArray{ComplianceEngine.Model.Findings.Finding})"/>). Findings are drawn from a small alphabet of rules, outcomes
/// and names, so ids repeat across facts and paths extend each other (root causes move as findings come and go).
/// </summary>
public sealed class KeptReportTests
{
    private static Finding Make(Random rng)
    {
        var rule = $"EU-{rng.Next(2)}";
        var status = rng.Next(3) == 0 ? FindingStatus.Warning : FindingStatus.Violation;
        var path = Enumerable.Range(0, rng.Next(2, 5)).Select(_ => $"n{rng.Next(3)}").ToArray();
        var subject = new FindingSubject("DataFlow", $"f{rng.Next(4)}", SourceLocation.None);
        var id = FindingFactory.Fingerprint(rule, "EU", subject, path);
        return new Finding(id, rule, "t", "EU", Severity.High, status, subject, [.. path], "c", "verified", "m", "r", []);
    }

    /// <summary>What a full evaluation reports for these facts' findings.</summary>
    private static ImmutableArray<Finding> Batch(SortedDictionary<int, Finding[]> facts)
    {
        var first = new Dictionary<string, Finding>(StringComparer.Ordinal);
        foreach (var (_, findings) in facts)
        {
            foreach (var f in findings) first.TryAdd(f.Id, f);
        }
        return RootCauses.Link(FindingFactory.Sort(first.Values));
    }

    private static string Shown(Finding f) => $"{f.Id} {f.RuleId} {f.Status} {f.Subject.Name} {string.Join('/', f.Path)} -> {f.RootCause}";

    [Fact]
    public void PatchedFactByFact_TheFindingsAreTheBatchPaths()
    {
        var rng = new Random(12);
        var facts = new SortedDictionary<int, Finding[]>();
        for (var i = 0; i < 60; i++) facts[i] = [.. Enumerable.Range(0, rng.Next(0, 3)).Select(_ => Make(rng)).DistinctBy(f => f.Id)];
        var places = Enumerable.Range(0, 70).Select(i => new Place(i)).ToArray();
        var kept = KeptReport.Of(Batch(facts), facts.Select(kv => ((IFactPlace)places[kv.Key], (List<Verdict>?)[], kv.Value)), includePasses: true);
        var relinked = 0;
        for (var step = 0; step < 400; step++)
        {
            var before = kept.Findings().ToDictionary(f => f.Id, f => f.RootCause, StringComparer.Ordinal);
            var dirty = new HashSet<string>(StringComparer.Ordinal);
            var ordinal = rng.Next(70);
            if (facts.Remove(ordinal, out var old)) kept.Remove(places[ordinal], [], old, dirty);
            if (rng.Next(4) > 0)
            {
                Finding[] made = [.. Enumerable.Range(0, rng.Next(0, 3)).Select(_ => Make(rng)).DistinctBy(f => f.Id)];
                facts[ordinal] = made;
                kept.Add(places[ordinal], [], made, dirty);
            }
            kept.Publish(dirty);

            var expected = Batch(facts);
            Assert.Equal(expected.Select(Shown), kept.Findings().Select(Shown));
            relinked += expected.Count(f => !dirty.Contains(f.Id) && before.TryGetValue(f.Id, out var root) && root != f.RootCause);
        }
        // Not vacuous: findings no patch touched changed their root cause (a prefix's finding came or went).
        Assert.True(relinked > 10, $"{relinked} findings relinked");
    }

    [Fact]
    public void FactsThatChangeTheirOrder_ShowTheNewFirstFactsFinding()
    {
        // Two facts make a finding of the same id (different text): the first fact's is shown; when the owner renumbers
        // the places (a change mid-order moved them), the other fact's finding is shown after the next publish.
        var subject = new FindingSubject("DataFlow", "f", SourceLocation.None);
        var id = FindingFactory.Fingerprint("EU-1", "EU", subject, ["a", "b"]);
        Finding Of(string message) => new(id, "EU-1", "t", "EU", Severity.High, FindingStatus.Violation, subject, ["a", "b"], "c", "verified", message, "r", []);
        var (early, late) = (new Place(0), new Place(1));
        var (first, second) = (Of("from the early fact"), Of("from the late fact"));
        var kept = KeptReport.Of(RootCauses.Link(FindingFactory.Sort([first])),
            [(early, (List<Verdict>?)[], [first]), (late, (List<Verdict>?)[], [second])], includePasses: true);
        Assert.Equal("from the early fact", Assert.Single(kept.Findings()).Message);

        early.Ordinal = 2;
        var dirty = new HashSet<string>(StringComparer.Ordinal);
        kept.Reordered(dirty);
        kept.Publish(dirty);

        Assert.Equal("from the late fact", Assert.Single(kept.Findings()).Message);
    }

    private sealed class Place(int ordinal) : IFactPlace
    {
        public int Ordinal { get; set; } = ordinal;
    }
}
