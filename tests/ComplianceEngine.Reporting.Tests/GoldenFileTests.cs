using System.Text;

namespace ComplianceEngine.Reporting.Tests;

/// <summary>
/// Every format written from <see cref="ReportFixture"/> is compared byte for byte with its golden file in Golden/.
/// After an intended change of output, run the tests once with the environment variable <c>UPDATE_GOLDEN=1</c>
/// (<c>UPDATE_GOLDEN=1 dotnet test tests/ComplianceEngine.Reporting.Tests</c>): the tests then rewrite the golden files in
/// the source tree instead of comparing. Review the diff and commit it.
/// </summary>
public sealed class GoldenFileTests
{
    private static bool Updating => Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1";

    public static TheoryData<string, string> Formats => new()
    {
        { "json", "report.json" },
        { "markdown", "report.md" },
        { "sarif", "report.sarif" },
        { "junit", "report.xml" },
        { "html", "report.html" },
        { "csv", "report.csv" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Write_FixtureReport_MatchesGoldenFile(string format, string golden)
    {
        var actual = Encoding.UTF8.GetBytes(ReportFixture.Render(ReportFixture.Writer(format)));
        var relative = Path.Combine("Golden", golden);
        if (Updating)
        {
            var source = TestFiles.Source(relative);
            File.WriteAllBytes(source, actual);
            Assert.Equal(actual, File.ReadAllBytes(source));
            return;
        }

        var path = TestFiles.Output(relative);
        Assert.True(File.Exists(path), $"{relative} is missing: run the tests with UPDATE_GOLDEN=1 to create it.");
        var expected = File.ReadAllBytes(path);
        // Text first for a readable diff, then bytes (encoding, byte order mark, line endings).
        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Write_SameReportTwice_IdenticalOutput(string format, string golden)
    {
        _ = golden;
        var writer = ReportFixture.Writer(format);
        var first = ReportFixture.Render(writer);
        var second = ReportFixture.Render(writer, ReportFixture.Build());

        Assert.NotEmpty(first);
        Assert.Equal(first, second);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Write_AnyFormat_UsesLineFeedsAndNoByteOrderMark(string format, string golden)
    {
        _ = golden;
        var text = ReportFixture.Render(ReportFixture.Writer(format));

        Assert.DoesNotContain("\r\n", text, StringComparison.Ordinal);
        Assert.False(text.StartsWith('\uFEFF'), "no byte order mark");
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
    }
}
