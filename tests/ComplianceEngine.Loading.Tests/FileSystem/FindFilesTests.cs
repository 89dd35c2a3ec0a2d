using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.FileSystem;

public sealed class FindFilesTests
{
    private static (IReadOnlyList<string> Files, IReadOnlyList<Diagnostic> Diagnostics) Find(params string[] paths)
    {
        var bag = new DiagnosticBag();
        var files = DocumentLoader.FindFiles(paths, bag);
        return (files, bag.Sorted());
    }

    [Fact]
    public async Task TwoSymlinkLoops_EachSaidOnce_FilesReadOnce()
    {
        using var dir = new TempDir();
        dir.Write("est/a.yaml", "x: 1");
        dir.Write("est/sub/b.yaml", "x: 1");
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "est", "s1"), ".");
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "est", "sub", "s2"), "..");
        var (files, diagnostics) = await Task.Run(() => Find(Path.Combine(dir.Path, "est"))).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, files.Count);
        Assert.Equal(2, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.Equal((DiagnosticCodes.ReachedTwice, DiagnosticSeverity.Warning), (d.Code, d.Severity)));
        Assert.Contains(diagnostics, d => d.Location.File.EndsWith("est/s1", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Location.File.EndsWith("est/sub/s2", StringComparison.Ordinal));
    }

    [Fact]
    public void FileLinkedTwice_ReadOnce_Warning()
    {
        using var dir = new TempDir();
        var a = dir.Write("est/a.yaml", "x: 1");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "est", "b.yaml"), a);
        var (files, diagnostics) = Find(Path.Combine(dir.Path, "est"));
        Assert.EndsWith("a.yaml", Assert.Single(files), StringComparison.Ordinal);
        Assert.Equal(DiagnosticCodes.ReachedTwice, Assert.Single(diagnostics).Code);
    }

    [Fact]
    public void SameFolderTwiceOnTheCommandLine_Silently()
    {
        using var dir = new TempDir();
        dir.Write("est/a.yaml", "x: 1");
        var (files, diagnostics) = Find(Path.Combine(dir.Path, "est"), Path.Combine(dir.Path, "est"));
        Assert.Single(files);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task FifoInFolder_ErrorWithPath_NoHang()
    {
        using var dir = new TempDir();
        dir.Write("est/a.yaml", "x: 1");
        Unix.MakeFifo(Path.Combine(dir.Path, "est", "pipe.yaml"));
        var (_, diagnostics) = await Task.Run(() => Find(Path.Combine(dir.Path, "est"))).WaitAsync(TimeSpan.FromSeconds(10));
        var d = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticCodes.NotRegularFile, DiagnosticSeverity.Error), (d.Code, d.Severity));
        Assert.EndsWith("est/pipe.yaml", d.Location.File, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/urandom")]
    public void DeviceNamed_Error(string device)
    {
        var (files, diagnostics) = Find(device);
        Assert.Empty(files);
        Assert.Equal(DiagnosticCodes.NotRegularFile, Assert.Single(diagnostics).Code);
    }

    [Fact]
    public void DanglingLink_Error()
    {
        using var dir = new TempDir();
        File.CreateSymbolicLink(Path.Combine(dir.Path, "gone.yaml"), Path.Combine(dir.Path, "nowhere.yaml"));
        Assert.Equal(DiagnosticCodes.FileNotFound, Assert.Single(Find(dir.Path).Diagnostics).Code);
    }

    [Fact]
    public void InvalidUtf8Name_Error()
    {
        using var dir = new TempDir();
        dir.Write("good.yaml", "x: 1");
        Unix.TouchInvalidUtf8(dir.Path, "bad", ".yaml");
        Unix.TouchInvalidUtf8(dir.Path, "folder", "");
        var (files, diagnostics) = Find(dir.Path);
        Assert.Single(files);
        Assert.Equal(2, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticCodes.BadFileName, d.Code));
        Assert.All(diagnostics, d => Assert.Contains("\\uFFFD", d.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void ControlCharacterInName_Error()
    {
        using var dir = new TempDir();
        dir.Write("tab\there.yaml", "x: 1");
        var d = Assert.Single(Find(dir.Path).Diagnostics);
        Assert.Equal(DiagnosticCodes.BadFileName, d.Code);
        Assert.DoesNotContain('\t', d.ToString());
    }

    [Fact]
    public void NulInPath_Error()
    {
        var d = Assert.Single(Find("est\0/flows.yaml").Diagnostics);
        Assert.Equal(DiagnosticCodes.BadFileName, d.Code);
        Assert.DoesNotContain('\0', d.ToString());
    }

    [Fact]
    public void UnreadableFolder_ErrorWithPath()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName == "root") return; // root reads every folder; HostileInputTests covers this as another user
        using var dir = new TempDir();
        dir.Write("est/locked/a.yaml", "x: 1");
        var locked = Path.Combine(dir.Path, "est", "locked");
        File.SetUnixFileMode(locked, UnixFileMode.None);
        try
        {
            var d = Assert.Single(Find(Path.Combine(dir.Path, "est")).Diagnostics);
            Assert.Equal(DiagnosticCodes.FileUnreadable, d.Code);
            Assert.EndsWith("est/locked", d.Location.File, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void ReadText_Device_ErrorNotRead()
    {
        var bag = new DiagnosticBag();
        Assert.Null(new DocumentLoader().ReadText("/dev/zero", bag));
        Assert.Equal(DiagnosticCodes.NotRegularFile, Assert.Single(bag.Sorted()).Code);
    }

    [Fact]
    public async Task RegionCatalogSearch_EndsOnLoops_SkipsFifo()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "rules"));
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "rules", "loop"), ".");
        Unix.MakeFifo(Path.Combine(dir.Path, "rules", WorkspaceLoader.RegionCatalogFile));
        var bag = new DiagnosticBag();
        await Task.Run(() => new WorkspaceLoader().LoadRules([Path.Combine(dir.Path, "rules")], bag)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(bag.Sorted(), d => d.Code == DiagnosticCodes.NotRegularFile);
        Assert.Single(bag.Sorted(), d => d.Code == DiagnosticCodes.ReachedTwice);
    }
}
