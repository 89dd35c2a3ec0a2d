using System.Collections.Immutable;
using ComplianceEngine.Core.Evaluation.Incremental;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Evaluation.Incremental;

/// <summary>
/// The incremental runner keeps a fact (and its verdicts) only when its new version holds the same values: every field
/// counts, however deep, and only the judgement memo does not.
/// </summary>
public sealed class StructuralEqualityTests
{
    private static readonly EvaluationContext Context = new(new DateOnly(2026, 11, 25), null);

    private static Site Site(string name, string country, string? attribute = null) =>
        new("Cluster", name, country, null, ["EEA"], ["EU"], new SourceLocation("clusters.yaml", 3, 1))
        {
            Attributes = attribute is null ? ImmutableSortedDictionary<string, string>.Empty : ImmutableSortedDictionary<string, string>.Empty.Add("tier", attribute),
        };

    private static TransferFact Transfer(string[]? mechanisms = null, string destination = "US", int line = 12, string? attribute = null) =>
        new(Context, new FindingSubject("DataFlow", "f", new SourceLocation("flows.yaml", line, 1)), ["a", "b"], Site("a", "DE"), Site("b", destination, attribute), "analytics")
        {
            Categories = ["user.contact"],
            Regimes = ["EU"],
            Mechanisms = [.. mechanisms ?? []],
        };

    [Fact]
    public void Equal_SameValuesInOtherObjects_True() =>
        Assert.True(StructuralEquality.Equal(Transfer(["scc"]), Transfer(["scc"])));

    [Fact]
    public void Equal_AMechanismAdded_False() =>
        Assert.False(StructuralEquality.Equal(Transfer(), Transfer(["scc"])));

    [Fact]
    public void Equal_TheDestinationSitesCountryDiffers_False() =>
        Assert.False(StructuralEquality.Equal(Transfer(destination: "US"), Transfer(destination: "CN")));

    [Fact]
    public void Equal_ASiteAttributeDiffers_False() =>
        Assert.False(StructuralEquality.Equal(Transfer(attribute: "gold"), Transfer(attribute: "silver")));

    [Fact]
    public void Equal_TheDocumentMovedToAnotherLine_False() =>
        // Findings cite the line: a fact whose document moved is a new fact for the report.
        Assert.False(StructuralEquality.Equal(Transfer(line: 12), Transfer(line: 13)));

    [Fact]
    public void Equal_ExportedVolumesDiffer_False()
    {
        var a = Transfer();
        var b = Transfer();
        a.ExportedIndividuals = 10;
        b.ExportedIndividuals = 2_000_000;
        Assert.False(StructuralEquality.Equal(a, b));
    }

    [Fact]
    public void Equal_OnlyTheJudgementMemoDiffers_True()
    {
        var a = Transfer();
        var b = Transfer();
        a.Judgements = [1, 2, 3];
        Assert.True(StructuralEquality.Equal(a, b));
    }

    [Fact]
    public void Equal_AnotherEvaluationContext_False() =>
        // Facts of another date or exporter are judged again (the session restarts then anyway).
        Assert.False(StructuralEquality.Equal(Transfer(),
            new TransferFact(new EvaluationContext(new DateOnly(2026, 11, 25), null), new FindingSubject("DataFlow", "f", new SourceLocation("flows.yaml", 12, 1)),
                ["a", "b"], Site("a", "DE"), Site("b", "US"), "analytics") { Categories = ["user.contact"], Regimes = ["EU"] }));

    [Fact]
    public void Key_SameTransferInAnotherVersion_Equal_AndAPlacementDiffers()
    {
        Assert.Equal(FactKey.Of(Transfer()), FactKey.Of(Transfer(["scc"])));
        var placement = new PlacementFact(Context, new FindingSubject("DataStore", "f", SourceLocation.None), ["a", "b"], Site("a", "DE"), "f");
        Assert.NotEqual(FactKey.Of(Transfer()), FactKey.Of(placement));
    }
}
