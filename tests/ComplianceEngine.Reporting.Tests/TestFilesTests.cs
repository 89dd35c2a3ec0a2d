using ComplianceEngine.Tests;

namespace ComplianceEngine.Reporting.Tests;

public sealed class TestFilesTests
{
    [Fact]
    public void Source_IsTheGoldenFileInTheRepository_WhateverTheBuildMapsSourcePathsTo()
    {
        // Under CI=true the compiler maps source paths to /_/: a path worked out from [CallerFilePath] would point there.
        var source = TestFiles.Source(Path.Combine("Golden", "report.json"));

        Assert.StartsWith(Repo.Root, source, StringComparison.Ordinal);
        Assert.True(File.Exists(source), source);
        Assert.Equal(File.ReadAllBytes(TestFiles.Output(Path.Combine("Golden", "report.json"))), File.ReadAllBytes(source));
    }
}
