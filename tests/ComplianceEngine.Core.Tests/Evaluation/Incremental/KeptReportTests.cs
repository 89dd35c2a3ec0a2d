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
    private static Finding Make(Random rng, int subjects = 4)
    {
        var rule = $"EU-{rng.Next(2)}";
        var status = rng.Next(3) == 0 ? FindingStatus.Warning : FindingStatus.Violation;
        var path = Enumerable.Range(0, rng.Next(2, 5)).Select(_ => $"n{rng.Next(3)}").ToArray();
        var subject = new FindingSubject("DataFlow", $"f{rng.Next(subjects)}", SourceLocation.None);
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
        var (relinked, bulk, few) = Patch(seed: 12, factCount: 70, perStep: 1, steps: 400, subjects: 4);
        // Not vacuous: findings no patch touched changed their root cause (a prefix's finding came or went).
        Assert.True(relinked > 10, $"{relinked} findings relinked");
        Assert.True(few > 10 && bulk > 10, $"{few} publishes moved findings one by one, {bulk} merged them");
    }

    [Fact]
    public void ManyFactsPatchedAtOnce_TheFindingsAreTheBatchPaths()
    {
        // More findings appear and disappear per publish than are moved one by one: the list is merged in place.
        var (relinked, bulk, _) = Patch(seed: 7, factCount: 600, perStep: 40, steps: 60, subjects: 40);
        Assert.True(bulk > 10, $"{bulk} publishes merged in bulk");
        Assert.True(relinked > 10, $"{relinked} findings relinked");
    }

    /// <summary>
    /// Facts replaced at random (<paramref name="perStep"/> per publish), the kept report compared with the batch path's
    /// findings after each: how many findings no patch touched were relinked, and how many publishes moved more findings
    /// in or out of the list than <see cref="KeptReport.InPlaceMoves"/> (and how many moved some, but no more).
    /// </summary>
    private static (int Relinked, int Bulk, int Few) Patch(int seed, int factCount, int perStep, int steps, int subjects)
    {
        var rng = new Random(seed);
        var facts = new SortedDictionary<int, Finding[]>();
        for (var i = 0; i < factCount - 10; i++) facts[i] = [.. Enumerable.Range(0, rng.Next(0, 3)).Select(_ => Make(rng, subjects)).DistinctBy(f => f.Id)];
        var places = Enumerable.Range(0, factCount).Select(i => new Place(i)).ToArray();
        var kept = KeptReport.Of(Batch(facts), facts.Select(kv => ((IFactPlace)places[kv.Key], (List<Verdict>?)[], kv.Value)), includePasses: true);
        int relinked = 0, bulk = 0, few = 0;
        for (var step = 0; step < steps; step++)
        {
            var before = kept.Findings().ToDictionary(f => f.Id, f => f.RootCause, StringComparer.Ordinal);
            var dirty = new HashSet<string>(StringComparer.Ordinal);
            foreach (var ordinal in Enumerable.Range(0, factCount).OrderBy(_ => rng.Next()).Take(perStep))
            {
                if (facts.Remove(ordinal, out var old)) kept.Remove(places[ordinal], [], old, dirty);
                if (rng.Next(4) > 0)
                {
                    Finding[] made = [.. Enumerable.Range(0, rng.Next(0, 3)).Select(_ => Make(rng, subjects)).DistinctBy(f => f.Id)];
                    facts[ordinal] = made;
                    kept.Add(places[ordinal], [], made, dirty);
                }
            }
            kept.Publish(dirty);

            var expected = Batch(facts);
            Assert.Equal(expected.Select(Shown), kept.Findings().Select(Shown));
            relinked += expected.Count(f => !dirty.Contains(f.Id) && before.TryGetValue(f.Id, out var root) && root != f.RootCause);
            var ids = expected.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
            var moves = ids.Count(id => !before.ContainsKey(id)) + before.Keys.Count(id => !ids.Contains(id));
            if (moves > KeptReport.InPlaceMoves) bulk++;
            else if (moves > 0) few++;
        }
        return (relinked, bulk, few);
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

    private sealed class Place(long ordinal) : IFactPlace
    {
        public long Ordinal { get; set; } = ordinal;
    }
}
