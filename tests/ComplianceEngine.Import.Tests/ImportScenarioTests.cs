using ComplianceEngine.Hosting;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Import.Tests;

/// <summary>
/// One scenario folder per source (tests/ComplianceEngine.Import.Tests/Scenarios): the source fixture, a SOURCE.md
/// saying where its shape came from, and a TestCase with the expected findings. Each is also imported with
/// <c>compliance import</c>'s writer and checked again: the same findings.
/// </summary>
public sealed class ImportScenarioTests
{
    private static readonly string Root = Repo.Path("tests", "ComplianceEngine.Import.Tests", "Scenarios");

    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var folder in ScenarioRunner.Discover([Root])) data.Add(Path.GetFileName(folder));
        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_MatchesExpectedFindings(string name)
    {
        var result = new ScenarioRunner(ImportHarness.Loader()).Run(Path.Combine(Root, name), ImportHarness.BuiltIn.Value);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.True(result.Passed, $"{name}\nmissing:\n  {string.Join("\n  ", result.Missing)}\nunexpected:\n  {string.Join("\n  ", result.Unexpected)}\ndiagnostics:\n  {string.Join("\n  ", result.Diagnostics)}");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_HasSourceNotes(string name)
    {
        var notes = Path.Combine(Root, name, "SOURCE.md");
        Assert.True(File.Exists(notes), $"{name}: every fixture records where its shape came from in SOURCE.md");
        Assert.Contains("@", File.ReadAllText(notes), StringComparison.Ordinal); // a repo@commit or a versioned doc
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_ImportedDocuments_GiveTheSameFindings(string name)
    {
        var folder = Path.Combine(Root, name);
        var loader = ImportHarness.Loader();
        var bag = new DiagnosticBag();
        var files = loader.Documents.FindInputFiles([folder], bag);
        var direct = Findings(loader.LoadEstate([folder], bag));
        Assert.False(bag.HasErrors, string.Join("\n", bag.Sorted()));

        using var output = new TempDir();
        var imported = loader.Documents.ImportFiles(files, new DiagnosticBag());
        foreach (var (source, docs) in NativeYamlWriter.BySource(imported))
            File.WriteAllText(Path.Combine(output.Path, NativeYamlWriter.OutputName(source)), NativeYamlWriter.ToText(source, docs));
        // The written files plus the native documents that sat beside the sources, read with no source reader: what a
        // user checks after `compliance import`.
        var nativeBag = new DiagnosticBag();
        var native = Findings(new Loading.WorkspaceLoader().LoadEstate([output.Path, .. files.Where(IsNative)], nativeBag));
        Assert.False(nativeBag.HasErrors, string.Join("\n", nativeBag.Sorted()));
        Assert.Equal(direct, native);
    }

    private static bool IsNative(string file) =>
        !file.EndsWith(".json", StringComparison.Ordinal) && Path.GetFileName(file) != "case.yaml" &&
        Loading.Yaml.SafeYamlReader.Read(File.ReadAllText(file), file, new DiagnosticBag()).All(n =>
            n is Loading.Yaml.YamlMapping m && (m.Get("apiVersion") as Loading.Yaml.YamlScalar)?.Value == DocumentLoader.ApiVersion
            && (m.Get("kind") as Loading.Yaml.YamlScalar)?.Value != "ImportMapping");

    private static List<string> Findings(Model.Inventory.Estate estate) =>
        [.. ImportHarness.BuiltIn.Value.Evaluate(estate, new Core.Evaluation.EvaluationOptions { AsOf = new DateOnly(2026, 11, 25), IncludePasses = true })
            .Findings.Select(f => $"{f.Status.ToName()} {f.RuleId} {f.Jurisdiction} {f.Subject.Kind}/{f.Subject.Name} {string.Join(">", f.Path)}").Order(StringComparer.Ordinal)];
}
