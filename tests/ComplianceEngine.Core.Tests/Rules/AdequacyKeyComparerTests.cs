using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Core.Tests.Rules;

/// <summary>
/// An evaluation decides adequacy once per table, destination, exporter country and subject types: subject types with the
/// same text in another array (an onward hop's own) find the decision already made.
/// </summary>
public sealed class AdequacyKeyComparerTests
{
    private static Site Site(string name, string country) =>
        new("Cluster", name, country, null, [], ["EU"], new SourceLocation($"{name}.yaml", 1, 1));

    [Fact]
    public void Adequacy_SubjectTypesOfTheSameTextInAnotherArray_FindTheDecisionMade()
    {
        var context = new EvaluationContext(new DateOnly(2026, 11, 25), null);
        var us = Site("us-1", "US");
        var decided = new AdequacyResult(Tri.True, null, "adequacy decision");
        context.Adequacy[(null!, us, "DE", ["customer", "employee"])] = decided;

        Assert.True(context.Adequacy.TryGetValue((null!, us, "DE", [new string("customer".AsSpan()), "employee"]), out var found));
        Assert.Same(decided, found);
        // Another order, other types, another exporter, another site object: other decisions.
        Assert.False(context.Adequacy.ContainsKey((null!, us, "DE", ["employee", "customer"])));
        Assert.False(context.Adequacy.ContainsKey((null!, us, "DE", ["customer"])));
        Assert.False(context.Adequacy.ContainsKey((null!, us, "FR", ["customer", "employee"])));
        Assert.False(context.Adequacy.ContainsKey((null!, us, null, ["customer", "employee"])));
        Assert.False(context.Adequacy.ContainsKey((null!, Site("us-1", "US"), "DE", ["customer", "employee"])));
    }

    [Fact]
    public void Equals_EqualKeys_HaveEqualHashes()
    {
        var comparer = AdequacyKeyComparer.Instance;
        var us = Site("us-1", "US");
        (AdequacyTable, Site, string?, string[]) a = (null!, us, null, []), b = (null!, us, null, []);
        Assert.True(comparer.Equals(a, b));
        Assert.Equal(comparer.GetHashCode(a), comparer.GetHashCode(b));
        (AdequacyTable, Site, string?, string[]) c = (null!, us, "D" + "E".ToString(), ["a", "b"]), d = (null!, us, "DE", ["a", new string('b', 1)]);
        Assert.True(comparer.Equals(c, d));
        Assert.Equal(comparer.GetHashCode(c), comparer.GetHashCode(d));
    }
}
