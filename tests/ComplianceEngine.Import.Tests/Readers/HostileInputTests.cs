using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Import.Tests.Readers;

/// <summary>
/// Every importer against malformed copies of the real fixtures (tests/ComplianceEngine.Import.Tests/Scenarios): each
/// value line of each source file in turn replaced by a list, a mapping, a null, a number or a string, or removed. A
/// reader may report errors, never throw, and every error points at a file and line.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly string Root = Repo.Path("tests", "ComplianceEngine.Import.Tests", "Scenarios");

    private static readonly string[] Replacements = ["[]", "{}", "null", "12", "\"x\""];

    public static TheoryData<string> SourceFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
                     .Where(f => Path.GetFileName(f) is not ("case.yaml" or "SOURCE.md") && (f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)))
                     .Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Root, file).Replace('\\', '/'));
        return data;
    }

    [Theory]
    [MemberData(nameof(SourceFiles))]
    public void MalformedValues_AreDiagnostics_NeverACrash(string relative)
    {
        var path = Path.Combine(Root, relative);
        var lines = File.ReadAllLines(path);
        var json = path.EndsWith(".json", StringComparison.Ordinal);
        var name = Path.GetFileName(path);
        var failures = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var colon = lines[i].IndexOf(": ", StringComparison.Ordinal);
            var variants = new List<string>();
            if (colon > 0)
            {
                var tail = json && lines[i].TrimEnd().EndsWith(',') ? "," : "";
                variants.AddRange(Replacements.Select(r => lines[i][..(colon + 2)] + r + tail));
            }
            variants.Add(""); // the line removed
            foreach (var variant in variants)
            {
                var mutated = string.Join("\n", lines.Take(i).Append(variant).Concat(lines.Skip(i + 1)));
                try
                {
                    var (_, diagnostics) = ImportHarness.Load(name, mutated);
                    foreach (var d in diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && (d.Location.File.Length == 0 || d.Location.Line <= 0)))
                        failures.Add($"line {i + 1} -> '{variant}': error without a position: {d}");
                }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                {
                    failures.Add($"line {i + 1} -> '{variant}': {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
            }
        }
        Assert.True(failures.Count == 0, $"{relative}:\n{string.Join("\n", failures.Take(5))}");
    }
}
