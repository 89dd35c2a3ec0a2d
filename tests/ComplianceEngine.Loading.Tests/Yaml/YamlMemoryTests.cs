using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Yaml;

public sealed class YamlMemoryTests
{
    /// <summary>
    /// A 15 MB file of 7.5 million list items stops at the node cap within a bounded amount of memory: about 500 MB allocated
    /// in all (peak 235 MB for the whole CLI process); with 4 million nodes it was 2 GB allocated and 700 MB peak. (Its time
    /// is a benchmark's business, not a unit test's: under a loaded machine any bound is flaky. A single file is parsed on the
    /// calling thread, so the allocation counted here is all of it.)
    /// </summary>
    [Fact]
    public void HugeList_NodeCapReached_MemoryBounded()
    {
        using var dir = new TempDir();
        var path = dir.Write("huge.yaml", "[" + string.Join(",", Enumerable.Repeat("1", 7_500_000)) + "]");
        Assert.True(new FileInfo(path).Length > 14_000_000);
        GC.Collect();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var bag = new DiagnosticBag();
        var docs = new DocumentLoader().LoadFiles([path], bag);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Empty(docs);
        Assert.Equal(DiagnosticCodes.YamlTooManyNodes, Assert.Single(bag.Sorted()).Code);
        Assert.True(allocated < 700_000_000, $"allocated {allocated:N0} bytes");
        Console.WriteLine($"huge list: allocated {allocated:N0} bytes");
    }
}
