using ComplianceEngine.Tests;

namespace ComplianceEngine.Reporting.Tests;

/// <summary>Where the golden files and schemas are: copied next to the test assembly, and in the source tree for updates.</summary>
public static class TestFiles
{
    /// <summary>A file copied to the output directory (Golden/..., Schemas/...).</summary>
    public static string Output(string relative) => Path.Combine(AppContext.BaseDirectory, relative);

    /// <summary>
    /// The same file in the source tree (where <c>UPDATE_GOLDEN=1</c> writes), from the repository root: not from
    /// [CallerFilePath], which a CI build (CI=true, deterministic) maps to <c>/_/</c>.
    /// </summary>
    public static string Source(string relative) => Repo.Path("tests", "ComplianceEngine.Reporting.Tests", relative);
}
