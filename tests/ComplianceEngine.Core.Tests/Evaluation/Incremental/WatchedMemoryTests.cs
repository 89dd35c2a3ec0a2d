using ComplianceEngine.Core.Evaluation.Incremental;
using ComplianceEngine.Core.Tests.Properties;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Core.Tests.Evaluation.Incremental;

/// <summary>Issue 12: a watched estate edited again and again does not keep what past versions needed.</summary>
public sealed class WatchedMemoryTests
{
    [Fact]
    public void RepeatedStoreEdits_KeepTheOnwardFiltersMasksBounded()
    {
        // Each store edit derives the direct facts again (new data lists), and the onward index searches with one filter
        // for the session's life: its masks per carried data stay within twice a full search's (and a floor).
        var estate = GeneratedEstates.Generate(53, 1500);
        var incremental = GeneratedEstates.Engine.StartIncremental();
        incremental.Update(estate, GeneratedEstates.Options);
        incremental.WaitUntilKept();
        var onCluster = estate.Stores.Select((s, i) => (s, i)).First(x => x.s.Cluster is not null);
        var other = estate.Clusters.First(c => c.Name != onCluster.s.Cluster!.Name);
        var moved = estate with { Stores = estate.Stores.SetItem(onCluster.i, onCluster.s with { Cluster = new Reference(other.Name, onCluster.s.Cluster!.Location) }) };
        var bound = (2 * incremental.FilterMasksAfterFullSearch) + IncrementalEvaluation.MinFilterData;
        var most = 0;
        for (var edit = 0; edit < 120; edit++)
        {
            incremental.Update(edit % 2 == 0 ? moved : estate, GeneratedEstates.Options);
            most = Math.Max(most, incremental.FilterMasks);
        }
        Assert.InRange(most, 1, bound);
    }
}
