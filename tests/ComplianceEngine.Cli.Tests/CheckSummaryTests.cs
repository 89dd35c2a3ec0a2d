using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary>
/// With <c>--output</c>, the terminal's summary is worked out while the report file is written and printed once it is:
/// the same text as before, after the file exists, and nothing when the file cannot be written.
/// </summary>
public sealed class CheckSummaryTests
{
    private static readonly string Examples = Repo.Path("examples", "estate");
    private static readonly string Rules = Repo.Path("rules");

    [Theory]
    [InlineData("report.json")]
    [InlineData("report.md")]
    public void Check_OutputFile_TerminalSummaryIsTheTextReportsHead(string name)
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, name);
        var (exit, output, _) = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--output", path);
        var (textExit, text, _) = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25");

        Assert.Equal(textExit, exit);
        Assert.True(File.Exists(path));
        // The example estate has fewer findings than the terminal lists: the summary is the text report itself, then the file's name.
        Assert.Equal(text + $"\nReport written to {path} ({(name.EndsWith(".json", StringComparison.Ordinal) ? "json" : "markdown")}).\n", output);
        Assert.DoesNotContain("\r", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OutputUnwritable_NoSummary()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "missing-folder", "sub", "report.json");
        File.WriteAllText(Path.Combine(dir.Path, "missing-folder"), "a file where a folder should be");
        var (exit, output, error) = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--output", path);
        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains("cannot write", error, StringComparison.Ordinal);
    }
}
