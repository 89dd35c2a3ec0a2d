using System.Reflection;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Import.Tests;

/// <summary>The importers' diagnostic codes are documented: each has a row in the README's diagnostic table.</summary>
public sealed class DiagnosticCodeTableTests
{
    [Fact]
    public void ImporterCodes_HaveARowInTheReadmeTable()
    {
        var readme = File.ReadAllLines(Repo.Path("README.md"));
        var codes = typeof(DiagnosticCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Where(c => c.StartsWith("CE70", StringComparison.Ordinal) || string.CompareOrdinal(c, "CE2065") >= 0 && string.CompareOrdinal(c, "CE2079") <= 0)
            .ToList();
        Assert.Contains("CE2069", codes);
        Assert.Contains("CE2070", codes);
        Assert.All(codes, c => Assert.Contains(readme, l => l.StartsWith($"| {c} |", StringComparison.Ordinal)));
    }
}
