using ComplianceEngine.Core.Facts;

namespace ComplianceEngine.Core.Tests.Facts;

/// <summary>
/// Issue 13 (memory at 1M flows): the onward search's lot table reclaims the slots and index entries nodes leave when they
/// outgrow theirs, before its arrays grow. Hubs growing in turn (as in a large estate) must keep every lot and fresh mark
/// through the moves, and the arrays must stay near the slots in use instead of the sum of every size a node ever had.
/// </summary>
public sealed class NodeLotTableTests
{
    [Fact]
    public void HubsGrowingInTurn_KeepTheirLotsAndFreshMarks_WithinTwiceTheSlotsInUse()
    {
        const int nodes = 300;
        var bits = new CategoryBits([]);
        var table = new NodeLotTable();
        table.Reset(nodes);
        var lots = new Dictionary<int, long>[nodes];
        var fresh = new List<int>[nodes];
        for (var n = 0; n < nodes; n++)
        {
            lots[n] = [];
            fresh[n] = [];
        }
        var random = new Random(13);
        var kinds = new int[16];
        var categories = new long[16];
        long taken = 0;
        for (var step = 0; step < 200_000; step++)
        {
            // Skewed: a few hubs receive most lots, so they double many times while others stay small.
            var node = random.Next(4) == 0 ? random.Next(nodes) : random.Next(8);
            var kind = random.Next(node < 8 ? 20_000 : 40);
            var category = 1L << random.Next(6);
            var had = lots[node].TryGetValue(kind, out var before);
            var after = before | category;
            var grew = table.Grow(node, kind, category, bits);
            Assert.Equal(!had || after != before, grew);
            if (grew)
            {
                lots[node][kind] = after;
                if (!fresh[node].Contains(kind)) fresh[node].Add(kind);
            }
            if (step % 97 == 0)
            {
                var take = random.Next(nodes);
                var n = table.TakeFresh(take, ref kinds, ref categories);
                Assert.Equal(fresh[take], kinds.Take(n));
                Assert.Equal(fresh[take].Select(k => lots[take][k]), categories.Take(n));
                taken += n;
                fresh[take].Clear();
            }
        }
        for (var node = 0; node < nodes; node++)
        {
            var n = table.TakeFresh(node, ref kinds, ref categories);
            Assert.Equal(fresh[node], kinds.Take(n));
            Assert.Equal(fresh[node].Select(k => lots[node][k]), categories.Take(n));
            taken += n;
        }

        table.Measure();
        var (held, _, slots, _, index) = table.Footprint;
        var total = lots.Sum(l => (long)l.Count);
        Assert.Equal(total, held);
        Assert.True(taken > total, $"{taken} fresh lots taken, {total} lots: the fresh marks were exercised");
        // A node's slots are at most twice its lots (at least 4), its index twice its slots: the arrays are then at most twice
        // that, rounded up to a power of two. Without reclaiming, the slots nodes left add about as much again.
        var inUse = lots.Sum(l => Math.Max(4L, 2L * l.Count));
        Assert.True(slots <= 2 * inUse, $"{slots} slots for {inUse} in use");
        Assert.True(index <= 4 * inUse, $"{index} index entries for {inUse} slots in use");
    }
}
