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
        // A small estate keeps few masks: the floor is lowered so that the bound is below what 120 edits would keep.
        var incremental = GeneratedEstates.Engine.StartIncremental();
        incremental.FilterMaskFloor = 64;
        incremental.Update(estate, GeneratedEstates.Options);
        incremental.WaitUntilKept();
        // The bench's store edit: a store on a cluster (from the middle) moves to the cluster after the middle one.
        var s = Enumerable.Range(0, estate.Stores.Length).Select(k => (estate.Stores.Length / 2 + k) % estate.Stores.Length)
            .First(k => estate.Stores[k].Cluster is not null);
        var other = estate.Clusters[(estate.Clusters.Length / 2) + 1];
        var moved = estate with { Stores = estate.Stores.SetItem(s, estate.Stores[s] with { Cluster = new Reference(other.Name, estate.Stores[s].Cluster!.Location) }) };
        var bound = (2 * incremental.FilterMasksAfterFullSearch) + incremental.FilterMaskFloor;
        int most = 0, searched = 0;
        for (var edit = 0; edit < 120; edit++)
        {
            var update = incremental.Update(edit % 2 == 0 ? moved : estate, GeneratedEstates.Options);
            Assert.True(update.Patched, incremental.NotPatchedBecause);
            searched += update.RegimesSearched;
            most = Math.Max(most, incremental.FilterMasks);
        }
        Assert.True(searched > 0, "no edit searched the onward index again");
        Assert.InRange(most, 1, bound);
    }
}
