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

public sealed class AtomicFileHostileTests
{
    private static string Temp(string dir, string target, int pid) => Path.Combine(dir, $".{target}{AtomicFile.TempMarker}{pid}-0badf00d");

    [Fact]
    public void Write_StaleTempOfKilledRun_Removed()
    {
        using var dir = new TempDir();
        var path = dir.Write("report.json", "old");
        var dead = Temp(dir.Path, "report.json", int.MaxValue - 7); // no such process
        File.WriteAllText(dead, "half a report");
        var legacy = Path.Combine(dir.Path, $".report.json.{int.MaxValue - 7}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(legacy, "half a report");
        AtomicFile.Write(path, w => w.Write("new"));
        Assert.Equal("new", File.ReadAllText(path));
        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(legacy));
    }

    [Fact]
    public void Write_StaleTempWithOwnPid_Removed()
    {
        // In a container every run can have the same PID: a temporary file of this PID that this process is not writing is stale.
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "report.json");
        var mine = Temp(dir.Path, "report.json", Environment.ProcessId);
        File.WriteAllText(mine, "half a report");
        AtomicFile.Write(path, w => w.Write("new"));
        Assert.False(File.Exists(mine));
    }

    [Fact]
    public void Write_TempOfLiveProcess_Kept_OtherTargetsUntouched()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "report.json");
        var live = Temp(dir.Path, "report.json", 1); // PID 1 always runs
        var other = Temp(dir.Path, "other.json", int.MaxValue - 7);
        File.WriteAllText(live, "being written");
        File.WriteAllText(other, "not ours to judge");
        AtomicFile.Write(path, w => w.Write("new"));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
    }

    [Fact]
    public void Write_TempNameRecognisable_WhileWriting()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "report.json");
        string[] during = [];
        AtomicFile.Write(path, w => during = [.. Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName).OfType<string>()]);
        var temp = Assert.Single(during);
        Assert.StartsWith($".report.json{AtomicFile.TempMarker}{Environment.ProcessId}-", temp, StringComparison.Ordinal);
        Assert.Single(Directory.EnumerateFiles(dir.Path));
    }

    [Theory]
    [InlineData("/dev/null")]
    [InlineData("/dev/stdout")]
    public void Write_DeviceOrLink_RefusedAndLeftAlone(string target)
    {
        var before = ComplianceEngine.Loading.FileSystem.FileProbe.Stat(target, followLinks: false).Kind;
        Assert.Throws<OutputRefusedException>(() => AtomicFile.Write(target, w => w.Write("x")));
        Assert.Equal(before, ComplianceEngine.Loading.FileSystem.FileProbe.Stat(target, followLinks: false).Kind);
    }
}
