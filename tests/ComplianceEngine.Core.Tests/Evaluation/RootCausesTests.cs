using System.Collections.Immutable;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Tests.Evaluation;

/// <summary>Findings that share a root cause (the same hop of the same origin data, or the same unknown location) share its id.</summary>
public sealed class RootCausesTests
{
    private static Finding F(string id, ImmutableArray<string> path, FindingStatus status = FindingStatus.Violation, string rule = "R-1",
        FindingPlace? place = null) =>
        new(id, rule, "title", "EU", Severity.High, status, new FindingSubject("DataFlow", id, SourceLocation.None), path, "Art. 1", "verified",
            "message", "remediation", [])
        {
            Place = place,
        };

    private static FindingPlace Transfer(string from, string? fromCountry, string to, string? toCountry) =>
        new(new FindingSite(from, fromCountry), new FindingSite(to, toCountry), null, null);

    [Fact]
    public void Link_OnwardHopsOfAnUnlawfulTransfer_ShareTheTransfersId()
    {
        var linked = RootCauses.Link(
        [
            F("direct", ["db", "eu-1", "us-1"]),
            F("hop-2", ["db", "eu-1", "us-1", "in-1"]),
            F("hop-3", ["db", "eu-1", "us-1", "in-1", "br-1"]),
        ]);

        Assert.All(linked, f => Assert.Equal("direct", f.RootCause));
    }

    [Fact]
    public void Link_OtherRuleOtherOutcomeOrOtherOrigin_IsItsOwnRootCause()
    {
        var linked = RootCauses.Link(
        [
            F("direct", ["db", "eu-1", "us-1"]),
            F("other-rule", ["db", "eu-1", "us-1", "in-1"], rule: "R-2"),
            F("other-outcome", ["db", "eu-1", "us-1", "jp-1"], FindingStatus.Warning),
            F("other-origin", ["db2", "eu-1", "us-1", "in-1"]),
        ]);

        Assert.Equal(["direct", "other-rule", "other-outcome", "other-origin"], linked.Select(f => f.RootCause));
    }

    [Fact]
    public void Link_IndeterminateForOneUnknownLocation_ShareOneRootCause()
    {
        var linked = RootCauses.Link(
        [
            F("a", ["db-a", "eu-1", "mystery"], FindingStatus.Indeterminate, place: Transfer("eu-1", "DE", "mystery", null)),
            F("b", ["db-b", "eu-2", "mystery"], FindingStatus.Indeterminate, place: Transfer("eu-2", "FR", "mystery", null)),
            F("c", ["db-c", "eu-2", "elsewhere"], FindingStatus.Indeterminate, place: Transfer("eu-2", "FR", "elsewhere", null)),
        ]);

        Assert.Equal(linked[0].RootCause, linked[1].RootCause);
        Assert.NotEqual(linked[0].RootCause, linked[2].RootCause);
        Assert.DoesNotContain(linked[0].RootCause, linked.Select(f => f.Id));
        // Stable: the same inputs give the same id.
        Assert.Equal(linked[0].RootCause, RootCauses.Link([linked[1] with { RootCause = null }])[0].RootCause);
    }

    [Fact]
    public void Link_KeepsOrderAndEverythingElse()
    {
        ImmutableArray<Finding> findings = [F("x", ["a", "b"]), F("y", ["a", "b", "c"])];
        var linked = RootCauses.Link(findings);
        Assert.Equal(findings.Select(f => f with { RootCause = "x" }), linked);
    }

    [Fact]
    public void Link_ManyFindingsOnSeveralThreads_SameRootCausesAsOneThread()
    {
        // More findings than one range, with roots in earlier ranges, unknown locations repeating across ranges.
        var rng = new Random(7);
        var findings = Enumerable.Range(0, 50_000).Select(i =>
        {
            var path = Enumerable.Range(0, rng.Next(2, 6)).Select(_ => $"s{rng.Next(6)}").ToImmutableArray();
            var unknown = rng.Next(10) == 0;
            return F($"id{i}", path, unknown ? FindingStatus.Indeterminate : FindingStatus.Violation, $"R-{rng.Next(3)}",
                unknown ? Transfer(path[0], "DE", path[^1], null) : null);
        }).ToImmutableArray();

        var one = RootCauses.Link(findings, workers: 1);
        var many = RootCauses.Link(findings, workers: 4);

        Assert.Equal(one.Select(f => f.RootCause), many.Select(f => f.RootCause));
        Assert.Contains(one, f => f.RootCause != f.Id && !f.RootCause!.StartsWith("id", StringComparison.Ordinal));
        Assert.Contains(one, f => f.RootCause != f.Id && f.RootCause!.StartsWith("id", StringComparison.Ordinal));
    }

    [Fact]
    public void Link_RulesInterleavedAndOutcomesMixed_SameRootsAsTheOneByOneLinking()
    {
        // Findings not grouped by rule (as a caller may pass them): each is linked to the first finding, in the order given,
        // of its rule, jurisdiction and outcome whose whole path is its path's shortest prefix that is one.
        var rng = new Random(13);
        var findings = Enumerable.Range(0, 20_000).Select(i =>
        {
            var path = Enumerable.Range(0, rng.Next(1, 6)).Select(_ => $"s{rng.Next(5)}").ToImmutableArray();
            var unknown = rng.Next(12) == 0;
            var status = unknown ? FindingStatus.Indeterminate : rng.Next(4) == 0 ? FindingStatus.Warning : FindingStatus.Violation;
            return F($"id{i}", path, status, $"R-{rng.Next(4)}", unknown ? Transfer(path[0], null, path[^1], "DE") : null) with
            {
                Jurisdiction = rng.Next(2) == 0 ? "EU" : "GB",
            };
        }).ToImmutableArray();
        var first = new Dictionary<RootCauses.PathKey, string>();
        foreach (var f in findings)
        {
            if (f.Path.Length >= 2) first.TryAdd(RootCauses.KeyOf(f, f.Path.Length), f.Id);
        }
        var expected = findings.Select(f => RootCauses.Linked(f, k => first.TryGetValue(k, out var id) ? id : null).RootCause).ToList();

        Assert.Equal(expected, RootCauses.Link(findings, workers: 1).Select(f => f.RootCause));
        Assert.Equal(expected, RootCauses.Link(findings, workers: 3).Select(f => f.RootCause));
        // Both kinds of root occur: another finding of the rule, and an unknown location.
        Assert.Contains(expected.Select((root, i) => (root, i)), x => x.root != findings[x.i].Id && x.root!.StartsWith("id", StringComparison.Ordinal));
        Assert.Contains(expected, root => !root!.StartsWith("id", StringComparison.Ordinal));
    }

    [Fact]
    public void Link_NamesOfAnyLengthAndScriptInFreshStrings_SameRootsAsTheOneByOneLinking()
    {
        // The path hash reads names four UTF-16 units at a time and the last one to three one by one: names of every
        // length from 0 to 13, outside ASCII and with surrogate pairs, each finding's path made of fresh string objects
        // (equal names are never the same object), must link exactly as the one-by-one linking does.
        var rng = new Random(17);
        string[] alphabet = ["a", "b", "Z", "0", "-", "é", "ß", "東", "\U0001F600", "\u00A0"];
        var names = Enumerable.Range(0, 40).Select(i => string.Concat(Enumerable.Range(0, i % 14).Select(_ => alphabet[rng.Next(alphabet.Length)]))).ToArray();
        var findings = Enumerable.Range(0, 30_000).Select(i =>
        {
            var path = Enumerable.Range(0, rng.Next(1, 7)).Select(_ => new string(names[rng.Next(names.Length)].AsSpan())).ToImmutableArray();
            var status = rng.Next(5) == 0 ? FindingStatus.Warning : FindingStatus.Violation;
            return F($"id{i}", path, status, $"R-{rng.Next(3)}");
        }).ToImmutableArray();
        var first = new Dictionary<RootCauses.PathKey, string>();
        foreach (var f in findings)
        {
            if (f.Path.Length >= 2) first.TryAdd(RootCauses.KeyOf(f, f.Path.Length), f.Id);
        }
        var expected = findings.Select(f => RootCauses.Linked(f, k => first.TryGetValue(k, out var id) ? id : null).RootCause).ToList();

        Assert.Equal(expected, RootCauses.Link(findings, workers: 1).Select(f => f.RootCause));
        Assert.Equal(expected, RootCauses.Link(findings, workers: 2).Select(f => f.RootCause));
        // Many findings extend an earlier one's path: prefixes were found, not only each finding's own id.
        Assert.True(expected.Where((root, i) => root != findings[i].Id).Count() > findings.Length / 10);
    }

    [Fact]
    public void RulePathKey_Step_DependsOnTheTextNotTheObject_AndOnEveryUnit()
    {
        var name = "eu-central-1/db\u00e9\U0001F600";
        var copy = new string(name.AsSpan());
        Assert.NotSame(name, copy);
        Assert.Equal(RootCauses.RulePathKey.Step(7, name), RootCauses.RulePathKey.Step(7, copy));
        // Changing any one unit (in the four-unit words or in the tail), or the length, changes the hash here.
        var hashes = new HashSet<int> { RootCauses.RulePathKey.Step(7, name), RootCauses.RulePathKey.Step(7, name + "\0"), RootCauses.RulePathKey.Step(7, name[..^1]) };
        for (var i = 0; i < name.Length; i++)
        {
            var changed = name.ToCharArray();
            changed[i] = (char)(changed[i] ^ 1);
            hashes.Add(RootCauses.RulePathKey.Step(7, new string(changed)));
        }
        Assert.Equal(name.Length + 3, hashes.Count);
    }

    [Fact]
    public void Link_FindingsWithoutARootCause_AreLinkedInPlace_NotCopied()
    {
        // Millions of findings at scale: linking sets each root cause once instead of copying every finding.
        ImmutableArray<Finding> findings = [F("x", ["a", "b"]), F("y", ["a", "b", "c"]), F("z", ["q", "r"])];

        var linked = RootCauses.Link(findings, workers: 1);

        for (var i = 0; i < findings.Length; i++) Assert.Same(findings[i], linked[i]);
        Assert.Equal(["x", "x", "z"], findings.Select(f => f.RootCause));
    }

    [Fact]
    public void Link_FindingWithAnotherRootCause_IsCopied_ThePublishedOneNeverChanges()
    {
        // A finding a report already holds (root "x") linked again where its root is itself: the new report gets a copy.
        var y = F("y", ["a", "b", "c"]);
        var first = RootCauses.Link([F("x", ["a", "b"]), y]);
        Assert.Same(y, first[1]);
        Assert.Equal("x", y.RootCause);

        var again = RootCauses.Link([y]);
        var incremental = RootCauses.Linked(y, _ => null);

        Assert.NotSame(y, again[0]);
        Assert.Equal("y", again[0].RootCause);
        Assert.Equal("y", incremental.RootCause);
        Assert.Equal(y with { RootCause = "y" }, again[0]);
        Assert.Equal("x", y.RootCause);
        Assert.Equal("x", first[1].RootCause);
    }

    [Fact]
    public void Link_FindingMadeWithItsRootCause_KeepsIt_TheSameObject()
    {
        var given = F("y", ["a", "b", "c"]) with { RootCause = "x" };

        var linked = RootCauses.Link([F("x", ["a", "b"]), given]);

        Assert.Same(given, linked[1]);
        Assert.Equal("x", given.RootCause);
    }
}
