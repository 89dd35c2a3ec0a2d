using System.Collections.Immutable;
using ComplianceEngine.Core.Evaluation.Incremental;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Evaluation.Incremental;

/// <summary>
/// The patched coverage finds a changed document's not-judged entries by binary search per kind: the kinds come from the list
/// itself, so an entry of a kind the patch was not written for is still found (a fixed list of kinds would leave it stale).
/// </summary>
public sealed class CoverageCountersKindsTests
{
    private static NotJudged Entry(string kind, string name) => new(kind, name, new SourceLocation("estate.yaml", 1, 1), "reason");

    [Fact]
    public void Kinds_are_read_from_the_list_each_once_in_order_including_unfamiliar_ones()
    {
        ImmutableArray<NotJudged> list =
        [
            Entry("Cluster", "a"), Entry("Cluster", "b"), Entry("DataFlow", "f"), Entry("Organization", "o"),
            Entry("Organization", "p"), Entry("Zeta", "z"),
        ];

        Assert.Equal(["Cluster", "DataFlow", "Organization", "Zeta"], CoverageCounters.KindsIn(list));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public void One_kind_or_none(int count)
    {
        var list = Enumerable.Range(0, count).Select(i => Entry("DataStore", $"s{i}")).ToImmutableArray();

        Assert.Equal(count == 0 ? [] : ["DataStore"], CoverageCounters.KindsIn(list));
    }
}
