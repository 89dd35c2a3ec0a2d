using System.Collections.Immutable;
using ComplianceEngine.Core;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Loading;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Hosting;

/// <summary>The outcome of one scenario.</summary>
public sealed record ScenarioResult(string Name, string Folder, bool Passed, ImmutableArray<string> Missing, ImmutableArray<string> Unexpected,
    ImmutableArray<Diagnostic> Diagnostics);

/// <summary>
/// Runs scenario folders like <c>opa test</c> / <c>kyverno test</c>: each folder holds inventory files and a
/// <c>TestCase</c> document; the engine's findings in the case's jurisdictions must equal the expected ones.
/// </summary>
public sealed class ScenarioRunner
{
    /// <summary>The file that marks a scenario folder.</summary>
    public const string CaseFile = "case.yaml";

    private readonly WorkspaceLoader _loader;

    /// <summary>Creates a runner using <paramref name="loader"/> to read inputs.</summary>
    public ScenarioRunner(WorkspaceLoader loader) => _loader = loader;

    /// <summary>Every scenario folder (one holding <c>case.yaml</c>) under <paramref name="roots"/>, sorted.</summary>
    public static IReadOnlyList<string> Discover(IEnumerable<string> roots) =>
        [.. roots.Where(Directory.Exists)
            .SelectMany(r => Directory.EnumerateFiles(r, CaseFile, SearchOption.AllDirectories))
            .Select(f => DocumentLoader.Normalize(Path.GetDirectoryName(f)!))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    /// <summary>Runs one scenario folder with <paramref name="engine"/>.</summary>
    public ScenarioResult Run(string folder, Engine engine) => Run(folder, engine, RuleRunner.Batch).Result;

    /// <summary>Runs one scenario folder with <paramref name="engine"/> and <paramref name="runner"/>; the report too, when one was made.</summary>
    public (ScenarioResult Result, Report? Report) Run(string folder, Engine engine, RuleRunner runner)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var diagnostics = new DiagnosticBag();
        var files = _loader.Documents.FindInputFiles([folder], diagnostics);
        var docs = _loader.Documents.LoadFiles(files, diagnostics);
        var cases = TestCaseReader.Read(docs, folder, diagnostics);
        if (cases.Length != 1)
            diagnostics.Error(DiagnosticCodes.TestCaseInvalid, $"a scenario folder needs exactly one TestCase document, found {cases.Length}", new SourceLocation(folder, 0, 0));
        var estate = WorkspaceLoader.ReadEstate(docs, diagnostics);
        Loading.Vocabulary.VocabularyChecker.Check(estate, engine.Vocabulary, diagnostics);
        if (diagnostics.HasErrors || cases.Length != 1)
            return (new ScenarioResult(folder, folder, false, [], [], [.. diagnostics.Sorted()]), null);

        var test = cases[0];
        var report = engine.Evaluate(estate, new EvaluationOptions { AsOf = test.AsOf, IncludePasses = true, Runner = runner }, diagnostics.Sorted());
        var inScope = report.Findings.Where(f => test.Jurisdictions.Contains(f.Jurisdiction)).ToList();
        var missing = test.Expect.Where(e => !inScope.Any(e.Matches)).Select(e => e.ToString()).ToImmutableArray();
        var unexpected = inScope
            .Where(f => f.Status != FindingStatus.Pass && !test.Expect.Any(e => e.Matches(f)))
            .Select(f => $"{f.Status.ToName()} {f.RuleId} {f.Subject.Reference} [{f.Jurisdiction}] path {string.Join(" -> ", f.Path)}: {f.Message}")
            .ToImmutableArray();
        return (new ScenarioResult(test.Name, folder, missing.IsEmpty && unexpected.IsEmpty, missing, unexpected, [.. report.Diagnostics]), report);
    }
}
