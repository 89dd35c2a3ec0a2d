using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

public sealed class CrashReportTests
{
    [Fact]
    public void Run_UnexpectedException_OneLineCrashFileExit70()
    {
        using var dir = new TempDir();
        using var stderr = new StringWriter();
        var exit = CrashReport.Run(() => throw new InvalidOperationException("boom"), stderr, ["check", "est"], dir.Path);
        Assert.Equal(CrashReport.ExitCode, exit);
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"internal error {DiagnosticCodes.InternalError} (InvalidOperationException), please report it; details in ", line, StringComparison.Ordinal);
        var file = Assert.Single(Directory.EnumerateFiles(dir.Path, "compliance-crash-*.txt"));
        Assert.EndsWith(file, line, StringComparison.Ordinal);
        var text = File.ReadAllText(file);
        Assert.Contains("boom", text, StringComparison.Ordinal);
        Assert.Contains("   at ", text, StringComparison.Ordinal);
        Assert.Contains("arguments: 'check' 'est'", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_CrashFolderUnwritable_StillOneLineNoStackTrace()
    {
        using var stderr = new StringWriter();
        var exit = CrashReport.Run(() => throw new InvalidOperationException("boom"), stderr, [], "/definitely/not/here");
        Assert.Equal(CrashReport.ExitCode, exit);
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("could not be saved", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoException_ReturnsExitCode() => Assert.Equal(1, CrashReport.Run(() => 1, TextWriter.Null, []));
}
