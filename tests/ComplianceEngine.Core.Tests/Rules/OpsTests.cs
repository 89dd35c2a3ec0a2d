using System.Collections.Immutable;
using ComplianceEngine.Core.Rules;

namespace ComplianceEngine.Core.Tests.Rules;

public sealed class OpsTests
{
    [Theory]
    [InlineData(Tri.True, Tri.True, Tri.True)]
    [InlineData(Tri.True, Tri.False, Tri.False)]
    [InlineData(Tri.Unknown, Tri.False, Tri.False)]
    [InlineData(Tri.Unknown, Tri.True, Tri.Unknown)]
    public void And_KleeneTruthTable(Tri a, Tri b, Tri expected) => Assert.Equal(expected, Ops.And(a, b));

    [Theory]
    [InlineData(Tri.False, Tri.False, Tri.False)]
    [InlineData(Tri.Unknown, Tri.True, Tri.True)]
    [InlineData(Tri.Unknown, Tri.False, Tri.Unknown)]
    public void Or_KleeneTruthTable(Tri a, Tri b, Tri expected) => Assert.Equal(expected, Ops.Or(a, b));

    [Theory]
    [InlineData(Tri.False, Tri.False, Judgement.NotApplicable)]
    [InlineData(Tri.True, Tri.True, Judgement.Pass)]
    [InlineData(Tri.True, Tri.False, Judgement.Violation)]
    [InlineData(Tri.True, Tri.Unknown, Judgement.Indeterminate)]
    [InlineData(Tri.Unknown, Tri.False, Judgement.Indeterminate)]
    [InlineData(Tri.Unknown, Tri.True, Judgement.Pass)]
    public void Judge_UnknownIsNeverAPassUnlessTheRequirementHolds(Tri applies, Tri satisfied, Judgement expected) =>
        Assert.Equal(expected, Ops.Judge(applies, satisfied));

    [Theory]
    [InlineData("user", true)]
    [InlineData("user.contact", true)]
    [InlineData("user.contact.email", true)]
    [InlineData("username", false)]
    [InlineData("system.user", false)]
    public void AnyPrefix_MatchesTaxonomyBoundaries(string category, bool expected) =>
        Assert.Equal(expected ? Tri.True : Tri.False, Ops.AnyPrefix([category], ["user"]));

    [Theory]
    [InlineData("user", true)]
    [InlineData("user.contact", true)]
    [InlineData("user.contact.email", true)]
    [InlineData("username", false)]
    [InlineData("use", false)]
    [InlineData("system.user", false)]
    public void AnyPrefix_OneKey_MatchesTaxonomyBoundaries(string category, bool expected)
    {
        Assert.Equal(expected ? Tri.True : Tri.False, Ops.AnyPrefix(["system.operations", category], "user"));
        Assert.Equal(expected ? Tri.True : Tri.False, Ops.AnyPrefix((System.Collections.Immutable.ImmutableArray<string>?)[category], "user"));
    }

    [Fact]
    public void AnyPrefix_UnknownSet_IsUnknown()
    {
        Assert.Equal(Tri.Unknown, Ops.AnyPrefix((System.Collections.Immutable.ImmutableArray<string>?)null, "user"));
        Assert.Equal(Tri.Unknown, Ops.AnyPrefix((System.Collections.Immutable.ImmutableArray<string>?)null, ["user", "system"]));
    }

    [Fact]
    public void Contains_OneValue_ExactMatchOnly()
    {
        Assert.Equal(Tri.True, Ops.Contains(["EEA", "EU"], "EU"));
        Assert.Equal(Tri.False, Ops.Contains(["EEA", "EUR"], "EU"));
        Assert.Equal(Tri.False, Ops.Contains([], "EU"));
    }

    [Fact]
    public void Contains_UnknownSet_IsUnknown()
    {
        Assert.Equal(Tri.Unknown, Ops.Contains((System.Collections.Immutable.ImmutableArray<string>?)null, "EU"));
        Assert.Equal(Tri.True, Ops.Contains((System.Collections.Immutable.ImmutableArray<string>?)["EU"], "EU"));
        Assert.Equal(Tri.False, Ops.Contains((System.Collections.Immutable.ImmutableArray<string>?)["GB"], "EU"));
    }

    [Fact]
    public void Compare_UnknownNumber_IsUnknown() => Assert.Equal(Tri.Unknown, Ops.Compare(null, 1, 5));

    [Fact]
    public void Eq_UnknownString_IsUnknown() => Assert.Equal(Tri.Unknown, Ops.Eq((string?)null, "DE"));

    [Fact]
    public void InPeriod_ClosedOpen()
    {
        var from = new DateOnly(2026, 1, 26).DayNumber;
        Assert.Equal(Tri.False, Ops.InPeriod(new DateOnly(2026, 1, 25), from, 0));
        Assert.Equal(Tri.True, Ops.InPeriod(new DateOnly(2026, 1, 26), from, 0));
        Assert.Equal(Tri.False, Ops.InPeriod(new DateOnly(2026, 1, 26), 0, from));
    }
    [Fact]
    public void ContainsAll_SetEquals_Alternatives_SameAsTheirDefinitions_OnRandomSets()
    {
        var rng = new Random(11);
        string[] pool = ["scc", "tia", "consent", "bcr", "idta", "scc:EU", "tia:EU", "x"];
        string[] Pick(int max) => [.. Enumerable.Range(0, rng.Next(0, max + 1)).Select(_ => pool[rng.Next(pool.Length)])];
        for (var i = 0; i < 5_000; i++)
        {
            ImmutableArray<string> values = [.. Pick(5)];
            var operands = Pick(3);
            string[][] alternatives = [.. Enumerable.Range(0, rng.Next(0, 3)).Select(_ => Pick(3))];

            Assert.Equal(operands.All(o => values.Contains(o)) ? Tri.True : Tri.False, Ops.ContainsAll(values, operands));
            Assert.Equal(values.Length == operands.Length && operands.All(o => values.Contains(o)) ? Tri.True : Tri.False, Ops.SetEquals(values, operands));
            Assert.Equal(alternatives.All(g => g.Any(o => values.Contains(o))) ? Tri.True : Tri.False, Ops.ContainsAll(values, alternatives));
        }
        Assert.Equal(Tri.Unknown, Ops.ContainsAll((ImmutableArray<string>?)null, ["scc"]));
        Assert.Equal(Tri.Unknown, Ops.SetEquals((ImmutableArray<string>?)null, ["scc"]));
    }

    [Fact]
    public void ContainsAll_SetEquals_Alternatives_AllocateNothing()
    {
        // Compiled conditions call these for every transfer: a method group over the set boxed it and made a delegate each time.
        ImmutableArray<string> values = ["scc", "tia", "consent"];
        string[] operands = ["scc", "tia"];
        string[][] alternatives = [["bcr", "scc"], ["tia:EU", "tia"]];
        var sink = 0;
        for (var i = 0; i < 100; i++) sink += (int)Ops.ContainsAll(values, operands) + (int)Ops.SetEquals(values, operands) + (int)Ops.ContainsAll(values, alternatives);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++) sink += (int)Ops.ContainsAll(values, operands) + (int)Ops.SetEquals(values, operands) + (int)Ops.ContainsAll(values, alternatives);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(sink > 0);
    }
}
