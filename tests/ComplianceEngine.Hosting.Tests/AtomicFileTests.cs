using ComplianceEngine.Tests;

namespace ComplianceEngine.Hosting.Tests;

public sealed class AtomicFileTests
{
    [Fact]
    public void Write_ReplacesTargetAndLeavesNoTemporaryFile()
    {
        using var dir = new TempDir();
        var path = dir.Write("out/report.json", "old");
        AtomicFile.Write(path, w => w.Write("new"));
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.EnumerateFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Write_WriterThrows_KeepsOldContent()
    {
        using var dir = new TempDir();
        var path = dir.Write("report.json", "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, w =>
        {
            w.Write("half");
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Single(Directory.EnumerateFiles(dir.Path));
    }
}
