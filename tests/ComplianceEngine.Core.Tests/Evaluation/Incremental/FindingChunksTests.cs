using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Evaluation.Incremental;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Tests.Evaluation.Incremental;

/// <summary>
/// The kept report's findings in chunks shared with the published reports: after random merges (findings leaving and
/// coming, a few or many) and in-place replacements, in chunks of a few findings so that chunks are split, emptied and made
/// again, the list equals a plain sorted list patched the same way, its binary search finds each finding's place, and every
/// snapshot taken along the way still holds the findings of its time.
/// </summary>
public sealed class FindingChunksTests
{
    private static readonly IComparer<Finding> Order = FindingFactory.Order;

    private static Finding Make(int n)
    {
        var subject = new FindingSubject("DataFlow", $"f{n:D6}", SourceLocation.None);
        var id = FindingFactory.Fingerprint("EU-1", "EU", subject, ["a", "b"]);
        return new Finding(id, "EU-1", "t", "EU", Severity.High, FindingStatus.Violation, subject, ["a", "b"], "c", "verified", $"m{n}", "r", []);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 4)]
    [InlineData(3, 512)]
    public void PatchedAtRandom_TheChunks_EqualASortedList_AndSnapshotsKeepTheirFindings(int seed, int chunkSize)
    {
        var rng = new Random(seed);
        var next = 0;
        var model = Enumerable.Range(0, 40).Select(_ => Make(next++)).ToList();
        model.Sort(Order);
        var chunks = new FindingChunks(model, chunkSize);
        var snapshots = new List<(FindingList Snapshot, List<Finding> Then)>();
        int few = 0, many = 0;
        for (var step = 0; step < 200; step++)
        {
            // Findings leaving (positions) and coming (new ones, sorted), a few or (one step in five) many.
            var bulk = rng.Next(5) == 0;
            var leaving = Enumerable.Range(0, model.Count).OrderBy(_ => rng.Next()).Take(rng.Next(0, Math.Min(model.Count, bulk ? 80 : 4) + 1)).Order().ToList();
            var coming = Enumerable.Range(0, bulk ? rng.Next(65, 90) : rng.Next(0, 5)).Select(_ => Make(next++)).ToList();
            coming.Sort(Order);
            if (leaving.Count + coming.Count > 64) many++;
            else few++;
            foreach (var at in leaving.AsEnumerable().Reverse()) model.RemoveAt(at);
            foreach (var f in coming)
            {
                var i = model.BinarySearch(f, Order);
                model.Insert(i >= 0 ? i : ~i, f);
            }
            chunks.Merge(leaving, coming, Order);
            // A finding replaced in place by one that sorts the same (its message changed).
            if (model.Count > 0)
            {
                var at = rng.Next(model.Count);
                var replaced = model[at] with { Message = $"again {step}" };
                model[at] = replaced;
                chunks[at] = replaced;
            }
            Assert.Equal(model.Count, chunks.Count);
            for (var i = 0; i < model.Count; i++)
            {
                Assert.Same(model[i], chunks[i]);
                Assert.Equal(i, chunks.BinarySearch(model[i], Order));
            }
            Assert.Equal(~model.Count, chunks.BinarySearch(Make(999_999), Order));
            if (step % 7 == 0) snapshots.Add((chunks.Snapshot(), [.. model]));
        }
        foreach (var (snapshot, then) in snapshots) Assert.Equal(then, snapshot);
        Assert.True(few > 100 && many > 10, $"{few} small merges, {many} bulk ones");
    }
}
