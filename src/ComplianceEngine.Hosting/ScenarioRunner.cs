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

    /// <summary>The other spelling of <see cref="CaseFile"/> that marks a scenario folder as well (as every input, <c>.yml</c> is read like <c>.yaml</c>).</summary>
    public const string CaseFileYml = "case.yml";

    private readonly WorkspaceLoader _loader;

    /// <summary>Creates a runner using <paramref name="loader"/> to read inputs.</summary>
    public ScenarioRunner(WorkspaceLoader loader) => _loader = loader;

    /// <summary>Every scenario folder (one holding <c>case.yaml</c> or <c>case.yml</c>) under <paramref name="roots"/>, sorted.</summary>
    public static IReadOnlyList<string> Discover(IEnumerable<string> roots) =>
        [.. roots.Where(Directory.Exists)
            .SelectMany(r => Directory.EnumerateFiles(r, CaseFile, SearchOption.AllDirectories)
                .Concat(Directory.EnumerateFiles(r, CaseFileYml, SearchOption.AllDirectories)))
            .Select(f => DocumentLoader.Normalize(Path.GetDirectoryName(f)!))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// A case that expects a rule, or checks a jurisdiction, the engine has not loaded could only fail, finding by
    /// finding: it cannot run (CE6050), and says which folder holds the pack when the scenario sits inside one.
    /// </summary>
    private static void CheckLoaded(TestCase test, Engine engine, string folder, DiagnosticBag diagnostics)
    {
        var ruleIds = engine.Rules.Rules.Select(r => r.Definition.Id).ToHashSet(StringComparer.Ordinal);
        var regimes = engine.Jurisdictions.Regimes.Select(r => r.Code).ToList();
        string? pack = null;
        var packLooked = false;
        string Load()
        {
            if (!packLooked) (pack, packLooked) = (EnclosingRulesFolder(folder), true);
            if (pack is null) return "; load the rules folder that defines it with --rules DIR";
            var full = Path.GetFullPath(pack) + Path.DirectorySeparatorChar;
            return engine.Rules.Rules.Any(r => r.Definition.Location.File.Length > 0 && Path.GetFullPath(r.Definition.Location.File).StartsWith(full, StringComparison.Ordinal))
                ? $"; the rules folder {pack} around the scenario is loaded but does not define it"
                : $"; the scenario sits in the rules folder {pack}, which is not loaded: load it with --rules {pack}";
        }
        foreach (var e in test.Expect.Where(e => e.RuleId.Length > 0 && !ruleIds.Contains(e.RuleId)))
        {
            var caseFix = ruleIds.FirstOrDefault(r => string.Equals(r, e.RuleId, StringComparison.OrdinalIgnoreCase));
            var hint = caseFix is not null ? $", did you mean '{caseFix}'?" : Suggestions.DidYouMean(e.RuleId, ruleIds);
            diagnostics.Error(DiagnosticCodes.TestRulesNotLoaded,
                $"TestCase '{test.Name}' expects a finding of rule '{e.RuleId}', which is not loaded{(hint.Length > 0 ? hint : Load())}", e.Location);
        }
        foreach (var j in test.Jurisdictions.Where(j => !regimes.Contains(j, StringComparer.Ordinal)))
            diagnostics.Error(DiagnosticCodes.TestRulesNotLoaded,
                $"TestCase '{test.Name}': jurisdictions '{j}' is not a loaded jurisdiction ({string.Join(", ", regimes)}){(regimes.FirstOrDefault(r => string.Equals(r, j, StringComparison.OrdinalIgnoreCase)) is { } near ? $", did you mean '{near}'?" : Load())}",
                test.Location);
    }

    /// <summary>The nearest folder above <paramref name="folder"/> that holds a RulePack document (outside tests folders), or null.</summary>
    private static string? EnclosingRulesFolder(string folder)
    {
        for (var dir = Path.GetDirectoryName(Path.GetFullPath(folder)); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (Path.GetFileName(dir) == "tests") continue;
            try
            {
                var holdsPack = Directory.EnumerateFiles(dir)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Any(f => File.ReadLines(f).Take(200).Any(l => l.TrimStart().StartsWith("kind: RulePack", StringComparison.Ordinal)));
                if (holdsPack) return Path.GetRelativePath(Directory.GetCurrentDirectory(), dir) is var rel && !rel.StartsWith("..", StringComparison.Ordinal) ? rel : dir;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>Runs one scenario folder with <paramref name="engine"/>.</summary>
    public ScenarioResult Run(string folder, Engine engine) => Run(folder, engine, RuleRunner.Batch).Result;

    /// <summary>Runs one scenario folder with <paramref name="engine"/> and <paramref name="runner"/>; the report too, when one was made.</summary>
    public (ScenarioResult Result, Report? Report) Run(string folder, Engine engine, RuleRunner runner)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var diagnostics = new DiagnosticBag();
        if (File.Exists(Path.Combine(folder, CaseFile)) && File.Exists(Path.Combine(folder, CaseFileYml)))
        {
            // Which one is the case? Both would be read as inputs; neither is taken on trust.
            diagnostics.Error(DiagnosticCodes.ScenarioCaseFileTwice,
                $"the scenario folder holds both {CaseFile} and {CaseFileYml}: keep one", new SourceLocation(Path.Combine(folder, CaseFileYml), 0, 0));
            return (new ScenarioResult(folder, folder, false, [], [], [.. diagnostics.Sorted()]), null);
        }
        var files = _loader.Documents.FindInputFiles([folder], diagnostics);
        var docs = _loader.Documents.LoadFiles(files, diagnostics);
        var cases = TestCaseReader.Read(docs, folder, diagnostics);
        if (cases.Length != 1)
            diagnostics.Error(DiagnosticCodes.TestCaseInvalid, $"a scenario folder needs exactly one TestCase document, found {cases.Length}", new SourceLocation(folder, 0, 0));
        if (cases.Length == 1) CheckLoaded(cases[0], engine, folder, diagnostics);
        var estate = WorkspaceLoader.ReadEstate(docs, diagnostics);
        if (cases.Length == 1 && estate.Clusters.IsEmpty && estate.Stores.IsEmpty && estate.Flows.IsEmpty && estate.Recipients.IsEmpty)
            diagnostics.Error(DiagnosticCodes.TestCaseInvalid,
                $"TestCase '{cases[0].Name}': the scenario folder holds no estate documents (Cluster, DataStore, DataFlow, Recipient): nothing would be judged, so the case would pass whatever the rules say",
                cases[0].Location);
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
