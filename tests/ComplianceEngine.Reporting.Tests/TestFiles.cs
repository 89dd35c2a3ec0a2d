using System.Runtime.CompilerServices;

namespace ComplianceEngine.Reporting.Tests;

/// <summary>Where the golden files and schemas are: copied next to the test assembly, and in the source tree for updates.</summary>
public static class TestFiles
{
    /// <summary>A file copied to the output directory (Golden/..., Schemas/...).</summary>
    public static string Output(string relative) => Path.Combine(AppContext.BaseDirectory, relative);

    /// <summary>The same file in the source tree (where <c>UPDATE_GOLDEN=1</c> writes).</summary>
    public static string Source(string relative, [CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile) ?? throw new InvalidOperationException("no caller file path"), relative);
}
