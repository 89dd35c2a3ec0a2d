using ComplianceEngine.Loading.FileSystem;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.FileSystem;

public sealed class FileProbeTests
{
    [Fact]
    public void Stat_TellsKindsApart()
    {
        using var dir = new TempDir();
        var file = dir.Write("a.yaml", "x: 1");
        var fifo = Path.Combine(dir.Path, "pipe.yaml");
        Unix.MakeFifo(fifo);
        Assert.Equal(EntryKind.Regular, FileProbe.Stat(file).Kind);
        Assert.Equal(EntryKind.Directory, FileProbe.Stat(dir.Path).Kind);
        Assert.Equal(EntryKind.Fifo, FileProbe.Stat(fifo).Kind);
        Assert.Equal(EntryKind.CharacterDevice, FileProbe.Stat("/dev/zero").Kind);
        Assert.Equal(EntryKind.Missing, FileProbe.Stat(Path.Combine(dir.Path, "nope")).Kind);
        Assert.Equal(EntryKind.Missing, FileProbe.Stat(Path.Combine(file, "under-a-file")).Kind);
    }

    [Fact]
    public void Stat_SymlinkFollowedOrNot_SameIdentityAsTarget()
    {
        using var dir = new TempDir();
        var file = dir.Write("a.yaml", "x: 1");
        var link = Path.Combine(dir.Path, "link.yaml");
        File.CreateSymbolicLink(link, file);
        Assert.True(FileProbe.HasIdentity);
        Assert.Equal(EntryKind.Symlink, FileProbe.Stat(link, followLinks: false).Kind);
        Assert.Equal(FileProbe.Stat(file).Id, FileProbe.Stat(link).Id);
        Assert.NotEqual(FileProbe.Stat(file).Id, FileProbe.Stat(dir.Path).Id);
    }

    [Fact]
    public void RealPath_ResolvesLinkedFoldersAndNewPaths()
    {
        using var dir = new TempDir();
        dir.Write("est/flows.yaml", "x: 1");
        var link = Path.Combine(dir.Path, "estlink");
        Directory.CreateSymbolicLink(link, Path.Combine(dir.Path, "est"));
        var real = FileProbe.RealPath(Path.Combine(dir.Path, "est"));
        Assert.Equal(Path.Combine(real, "flows.yaml"), FileProbe.RealPath(Path.Combine(link, "flows.yaml")));
        Assert.Equal(Path.Combine(real, "new", "out.json"), FileProbe.RealPath(Path.Combine(link, "new", "out.json")));
    }

    [Theory]
    [InlineData("fine-name.yaml", null)]
    [InlineData("caf\u00e9.yaml", null)]
    [InlineData("bad\uFFFD.yaml", "is not valid UTF-8")]
    [InlineData("nul\0.yaml", "holds a NUL character")]
    [InlineData("tab\t.yaml", "holds a control character")]
    [InlineData("esc\u001b[31m.yaml", "holds a control character")]
    public void InputNames_Problem(string name, string? expected) => Assert.Equal(expected, InputNames.Problem(name));

    [Fact]
    public void BoundedInput_CountsBytesRead_NotLength()
    {
        using var zero = File.OpenRead("/dev/zero");
        Assert.Null(BoundedInput.ReadAll(zero, 1 << 20, sizeHint: 0));
        using var small = new MemoryStream(new byte[100]);
        Assert.Equal(100, BoundedInput.ReadAll(small, 100)!.Value.Count);
    }
}
