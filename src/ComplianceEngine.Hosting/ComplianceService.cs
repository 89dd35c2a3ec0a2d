using System.Collections.Concurrent;
using ComplianceEngine.Core;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Hosting.Pipeline;
using ComplianceEngine.Loading;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ComplianceEngine.Hosting;

/// <summary>What a check needs.</summary>
public sealed record CheckRequest(IReadOnlyList<string> Paths, IReadOnlyList<string> Rules, DateOnly AsOf, DateTimeOffset GeneratedAt, bool IncludePasses = false)
{
    /// <summary>A file with one Policy document (and any Waiver documents).</summary>
    public string? PolicyPath { get; init; }

    /// <summary>A JSON report whose findings no longer fail the run.</summary>
    public string? BaselinePath { get; init; }

    /// <summary>The lowest severity that fails the run (<see cref="Gate.FailOnValues"/>); default: the policy's, else low.</summary>
    public string? FailOn { get; init; }

    /// <summary>Whether indeterminate findings fail the run; default: the policy's, else true (fail closed).</summary>
    public bool? FailOnIndeterminate { get; init; }

    /// <summary>How the shell names the setting that relaxed <see cref="FailOnIndeterminate"/>, for the report.</summary>
    public string FailOnIndeterminateOption { get; init; } = "--fail-on-indeterminate false";

    /// <summary>Whether a run that judged nothing fails; default: the policy's, else true (fail closed).</summary>
    public bool? FailOnNothingJudged { get; init; }

    /// <summary>How the shell names the setting that relaxed <see cref="FailOnNothingJudged"/>, for the report.</summary>
    public string FailOnNothingJudgedOption { get; init; } = "--fail-on-nothing-judged false";

    /// <summary>How the shell names <see cref="FailOn"/> <c>none</c>, which lets a run that judged nothing pass, for the report.</summary>
    public string FailOnNoneOption { get; init; } = "--fail-on none";

    /// <summary>Inputs given as text (an API request's body), read after <see cref="Paths"/>.</summary>
    public IReadOnlyList<InlineDocument> Documents { get; init; } = [];

    /// <summary>
    /// The YAML caps for <see cref="Documents"/> (the hosted engine derives them from its body cap,
    /// <see cref="RequestLimits.ForBody"/>); default: the configured file caps.
    /// </summary>
    public Loading.Yaml.YamlLimits? DocumentLimits { get; init; }

    /// <summary>
    /// Rules compiled beforehand (the hosted engine's hot-reloaded set, its policy included); when set, <see cref="Rules"/>
    /// is not read and <see cref="PolicyPath"/> must be null.
    /// </summary>
    public PreparedRules? Prepared { get; init; }

    /// <summary>Told as the check moves through its steps and the evaluation's phases (progress on a terminal); optional.</summary>
    public ICheckProgress? Progress { get; init; }

    /// <summary>How facts are judged (<see cref="RuleRunner"/>); the report is the same either way.</summary>
    public RuleRunner Runner { get; init; } = RuleRunner.Batch;

    /// <summary>
    /// The documents of <see cref="Paths"/>, already read (a watched estate keeps each file's documents and re-reads only
    /// the file that changed), with the diagnostics reading them gave; when set, <see cref="Paths"/> are not read again.
    /// </summary>
    public LoadedDocuments? Loaded { get; init; }

    /// <summary>
    /// A long-lived incremental session of <see cref="Prepared"/>'s engine (a watched estate's): the estate is evaluated by
    /// updating it, which gives the same report as a full evaluation, re-judging only the facts that changed.
    /// </summary>
    public Core.Evaluation.Incremental.IncrementalEvaluation? Incremental { get; init; }
}

/// <summary>Input documents read beforehand, and the diagnostics reading them gave.</summary>
public sealed record LoadedDocuments(IReadOnlyList<Loading.Documents.RawDocument> Documents, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>A finished check: the report, or the diagnostics that stopped it.</summary>
public sealed record CheckResult(Report? Report, IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when inputs or rules could not be read (exit code 2).</summary>
    public bool Failed => Report is null;

    /// <summary>True when the report's findings fail its gate (exit code 1).</summary>
    public bool GateFailed => Report?.Gate.Failed ?? false;

    /// <summary>The content hash of the rule and policy files the report was judged by (null when nothing was evaluated).</summary>
    public string? RuleSetVersion { get; init; }

    /// <summary>The rules the report was judged by, with the policy that chose them (null when nothing was evaluated).</summary>
    public PreparedRules? Rules { get; init; }
}

/// <summary>
/// Loads rules and estates and evaluates them: the one composition shared by the CLI and the hosted service.
/// Compiled rules are cached per rules folder set, since compiling is the expensive part.
/// </summary>
public sealed class ComplianceService
{
    private readonly ComplianceEngineOptions _options;
    private readonly ILogger<ComplianceService> _logger;
    private readonly Loading.Sources.ISourceReader? _sources;
    private readonly ConcurrentDictionary<string, (CompiledEngine? Engine, IReadOnlyList<Diagnostic> Diagnostics)> _compiled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<(PreparedRules? Rules, IReadOnlyList<Diagnostic> Diagnostics)>> _preparing = new(StringComparer.Ordinal);

    /// <summary>Creates the service.</summary>
    /// <param name="sources">Reads the files users already have (Terraform plans, Kubernetes objects...) beside native documents.</param>
    public ComplianceService(IOptions<ComplianceEngineOptions> options, ILogger<ComplianceService> logger, Loading.Sources.ISourceReader? sources = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger;
        _sources = sources;
    }

    /// <summary>The rule folders used when none are given.</summary>
    public IReadOnlyList<string> DefaultRules => [_options.BuiltInRules];

    /// <summary>A loader with the configured caps.</summary>
    public WorkspaceLoader CreateLoader() => new(_options.Limits, _sources);

    /// <summary>The engine for a set of rule folders (compiled once), or null with diagnostics.</summary>
    /// <param name="packs">When not empty, only these RulePacks (by metadata.name) are compiled.</param>
    public (Engine? Engine, IReadOnlyList<Diagnostic> Diagnostics) GetEngine(IReadOnlyList<string> rules, IReadOnlyCollection<string>? packs = null,
        SourceLocation? packsDeclaredAt = null)
    {
        var compiled = GetCompiled(rules, packs, packsDeclaredAt);
        return (compiled.Engine?.Engine, compiled.Diagnostics);
    }

    private (CompiledEngine? Engine, IReadOnlyList<Diagnostic> Diagnostics) GetCompiled(IReadOnlyList<string> rules, IReadOnlyCollection<string>? packs,
        SourceLocation? packsDeclaredAt)
    {
        var paths = rules.Count == 0 ? DefaultRules : rules;
        var key = string.Join("\n", paths.Select(Path.GetFullPath)) + "\n#" + string.Join(",", (packs ?? []).Order(StringComparer.Ordinal));
        return _compiled.GetOrAdd(key, _ => Compile(paths, packs, packsDeclaredAt));
    }

    private (CompiledEngine? Engine, IReadOnlyList<Diagnostic> Diagnostics) Compile(IReadOnlyList<string> rules, IReadOnlyCollection<string>? packs,
        SourceLocation? packsDeclaredAt)
    {
        var paths = rules.Count == 0 ? DefaultRules : rules;
        var diagnostics = new DiagnosticBag();
        // The rule-set version is of the bytes read here: what is compiled, not what the files hold by the time it is asked for.
        var read = new Loading.FileSystem.FileDigests();
        var source = DigestingLoader(read).LoadRules(paths, diagnostics, _options.BuiltInRules);
        if (packs is { Count: > 0 })
        {
            foreach (var missing in packs.Where(p => source.Packs.All(x => x.Name != p)))
                diagnostics.Error(DiagnosticCodes.PolicyUnknownPack,
                    $"the policy names rule pack '{missing}', which is not loaded{PackHints.Suggest(missing, source.Packs)}" +
                    $" (loaded: {string.Join(", ", source.Packs.Select(x => x.Name).Order(StringComparer.Ordinal))}; `compliance packs` lists them)",
                    packsDeclaredAt ?? SourceLocation.None);
            source = source with { Packs = [.. source.Packs.Where(p => packs.Contains(p.Name))] };
        }
        if (source.Packs.IsEmpty && !diagnostics.HasErrors)
            diagnostics.Error(DiagnosticCodes.NoInputs, $"no RulePack documents found in {string.Join(", ", paths)}", new SourceLocation(paths[0], 0, 0));
        if (diagnostics.HasErrors) return (null, diagnostics.Sorted());
        var engine = Engine.Create(source.Packs, source.Regimes, source.Groups, source.Regions, diagnostics, source.Vocabulary);
        if (_logger.IsEnabled(LogLevel.Debug)) _logger.LogDebug("Compiled {Count} rules from {Paths}", engine.Rules.Rules.Length, string.Join(", ", paths));
        return diagnostics.HasErrors ? (null, diagnostics.Sorted()) : (new CompiledEngine(engine, source.Packs, read.All), diagnostics.Sorted());
    }

    /// <summary>A loader with the configured caps that records the digest of every file it reads into <paramref name="read"/>.</summary>
    private WorkspaceLoader DigestingLoader(Loading.FileSystem.FileDigests read) =>
        new(new Loading.Documents.DocumentLoader(_options.Limits, _sources) { Digests = read });

    /// <param name="Files">Every file the rules were compiled from, with the digest of the bytes read (the rule-set version).</param>
    private sealed record CompiledEngine(Engine Engine, System.Collections.Immutable.ImmutableArray<Model.Rules.RulePack> Packs,
        IReadOnlyList<(string File, byte[] Sha256)> Files);

    /// <summary>
    /// Explains the findings about <paramref name="target"/>: a finding id, or the name of a flow, store, cluster or
    /// recipient (findings whose subject or path names it). Violations, warnings and indeterminate findings first; when
    /// there are none, the passes.
    /// </summary>
    public (IReadOnlyList<Core.Evaluation.Explanation> Explanations, IReadOnlyList<Diagnostic> Diagnostics) Explain(CheckRequest request, string target)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A policy chooses the packs and adds its rule folders, as for a check; its waivers and severity overrides are
        // not applied: an explanation says what the rules themselves decide.
        var rules = request.Rules.Count == 0 ? DefaultRules.ToList() : request.Rules.ToList();
        Model.Policy.PolicyDocument? policy = null;
        if (request.PolicyPath is { } policyPath)
        {
            var policyDiagnostics = new DiagnosticBag();
            (policy, _) = CreateLoader().LoadPolicy(policyPath, policyDiagnostics);
            if (policyDiagnostics.HasErrors || policy is null) return ([], policyDiagnostics.Sorted());
            rules.AddRange(policy.Include.Select(i => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(policyPath))!, i)));
        }
        var (engine, ruleDiagnostics) = GetEngine(rules, policy?.Packs, policy?.Location);
        if (engine is null) return ([], ruleDiagnostics);
        var diagnostics = new DiagnosticBag();
        var estate = CreateLoader().LoadEstate(request.Paths, diagnostics);
        Loading.Vocabulary.VocabularyChecker.Check(estate, engine.Vocabulary, diagnostics);
        if (diagnostics.HasErrors) return ([], diagnostics.Sorted());
        var (_, explanations) = engine.Explain(estate, new EvaluationOptions { AsOf = request.AsOf, GeneratedAt = request.GeneratedAt, IncludePasses = true });
        var matching = explanations
            .Where(e => e.Finding.Id == target || e.Finding.Subject.Name == target || e.Finding.Subject.Reference == target || e.Finding.Path.Contains(target))
            .ToList();
        if (matching.Count == 0)
            diagnostics.Error(DiagnosticCodes.TargetMatchesNothing,
                $"no finding is about '{target}' (no rule applies to it, or the name is not in the estate){ExplainHints.Suggest(target, estate, explanations)}", SourceLocation.None);
        var problems = matching.Where(e => e.Finding.Status != FindingStatus.Pass).ToList();
        return (problems.Count > 0 ? problems : matching, diagnostics.Sorted());
    }

    /// <summary>
    /// Compiles rule folders and a policy file (its packs chosen, its folders included) without caching: the hosted
    /// engine's hot reload compiles to the side with this and swaps the result in. Null with diagnostics when anything
    /// fails to load or compile.
    /// </summary>
    public (PreparedRules? Rules, IReadOnlyList<Diagnostic> Diagnostics) PrepareRules(IReadOnlyList<string> rules, string? policyPath) =>
        Prepare(rules, policyPath, cached: false);

    /// <summary>
    /// Starts reading and compiling, on a thread of its own, the rules a <see cref="Check"/> of <paramref name="rules"/> and
    /// <paramref name="policyPath"/> begins with, so that a shell can start them before its own preparations (the CLI: while
    /// it builds its commands, parses the command line and guards the output file). The next check whose request names the
    /// same rules and policy, by the same strings from the same current directory, takes them instead of reading the files
    /// itself: the same work, begun earlier, with the same result and diagnostics (the files as they were when it began).
    /// A check with other rules, another policy or prepared rules leaves them; each is taken at most once. Returns the
    /// preparation (the one begun before when the same one was begun and not yet taken); it never throws: its failure is
    /// the check's.
    /// </summary>
    public Task BeginPrepare(IReadOnlyList<string> rules, string? policyPath)
    {
        ArgumentNullException.ThrowIfNull(rules);
        string[] folders = [.. rules]; // as given now: a list changed later names other rules
        var task = new Task<(PreparedRules? Rules, IReadOnlyList<Diagnostic> Diagnostics)>(() => Prepare(folders, policyPath, cached: true),
            CancellationToken.None, TaskCreationOptions.LongRunning);
        var begun = _preparing.GetOrAdd(PreparationKey(folders, policyPath), task);
        if (ReferenceEquals(begun, task)) task.Start(TaskScheduler.Default);
        return begun.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// What a preparation is of: the rule folders and the policy as given, and the current directory they are read from
    /// (the names given are the ones diagnostics and the rule-set version use).
    /// </summary>
    private static string PreparationKey(IReadOnlyList<string> rules, string? policyPath) =>
        string.Concat(((string?[])[Environment.CurrentDirectory, policyPath, .. rules])
            .Select(s => s is null ? "-;" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.Length}:{s};")));

    private (PreparedRules? Rules, IReadOnlyList<Diagnostic> Diagnostics) Prepare(IReadOnlyList<string> rules, string? policyPath, bool cached)
    {
        var diagnostics = new DiagnosticBag();
        Model.Policy.PolicyDocument? policy = null;
        var policyWaivers = System.Collections.Immutable.ImmutableArray<Model.Policy.Waiver>.Empty;
        var folders = rules.Count == 0 ? DefaultRules.ToList() : rules.ToList();
        var policyRead = new Loading.FileSystem.FileDigests();
        if (policyPath is not null)
        {
            var (p, w) = DigestingLoader(policyRead).LoadPolicy(policyPath, diagnostics);
            policy = p;
            policyWaivers = w;
            var baseDir = Path.GetDirectoryName(Path.GetFullPath(policyPath))!;
            if (p is not null) folders.AddRange(p.Include.Select(i => Path.Combine(baseDir, i)));
        }
        if (diagnostics.HasErrors) return (null, diagnostics.Sorted());
        var (engine, ruleDiagnostics) = cached ? GetCompiled(folders, policy?.Packs, policy?.Location) : Compile(folders, policy?.Packs, policy?.Location);
        if (engine is null) return (null, ruleDiagnostics);
        var version = RuleSetVersion.Of(policyPath is null ? folders : [.. folders, policyPath],
            engine.Files.Where(f => policyRead.All.All(p => p.File != f.File)).Concat(policyRead.All));
        var all = ruleDiagnostics.Concat(diagnostics.Sorted()).Distinct().Order().ToList();
        return (new PreparedRules(engine.Engine, version, engine.Packs, policy, policyWaivers, all), all);
    }

    /// <summary>
    /// The one pipeline (design section 9): rules (compiled, or the ones the request brings), inputs (files and inline
    /// documents), evaluation, then policy, waivers, baseline and the gate. The CLI, the hosted engine and embedders all
    /// call this; shells only parse their input.
    /// </summary>
    public CheckResult Check(CheckRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var diagnostics = new DiagnosticBag();
        if (!CheckGateOptions(request.FailOn, diagnostics)) return new CheckResult(null, diagnostics.Sorted());
        if (request.Prepared is not null && request.PolicyPath is not null)
            throw new ArgumentException("a request with prepared rules carries its policy in them", nameof(request));

        // The rules are read and compiled on a thread of their own while the inputs are read (neither needs the other).
        // Rules that fail stop the reading at the next file and are all the check reports, as when they were read first.
        // A shell may have begun them already (BeginPrepare).
        var preparing = request.Prepared is { } given
            ? Task.FromResult<(PreparedRules? Rules, IReadOnlyList<Diagnostic> Diagnostics)>((given, given.Diagnostics))
            : _preparing.TryRemove(PreparationKey(request.Rules, request.PolicyPath), out var begun) ? begun
            : Task.Factory.StartNew(() => Prepare(request.Rules, request.PolicyPath, cached: true), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        bool RulesFailed() => preparing.IsCompleted && (!preparing.IsCompletedSuccessfully || preparing.Result.Rules is null);
        var progress = request.Progress;
        var loader = CreateLoader();

        // File by file (then the inline documents): each file's YAML is read into records and dropped as the next files are parsed.
        var reader = new Loading.Documents.EstateReader(diagnostics);
        long read = 0;
        void Take(IReadOnlyList<Loading.Documents.RawDocument> batch)
        {
            read += batch.Count;
            foreach (var d in batch.Where(d => d.Info.Kind is Model.Inventory.DocumentKind.RulePack or Model.Inventory.DocumentKind.Jurisdiction
                         or Model.Inventory.DocumentKind.CountryGroup or Model.Inventory.DocumentKind.List
                         or Model.Inventory.DocumentKind.Predicate or Model.Inventory.DocumentKind.Policy or Model.Inventory.DocumentKind.TestCase))
            {
                if (d.Info.Kind == Model.Inventory.DocumentKind.Policy && request.Documents.Count > 0 && request.Paths.Count == 0)
                {
                    // A policy sent with a request would otherwise be dropped: say so and stop (it could have relaxed or tightened the gate).
                    diagnostics.Error(DiagnosticCodes.RequestPolicyNotApplied,
                        $"Policy '{d.Info.Name}' in the request is not applied: policies are the server's (serve --policy FILE); choose one with ?policy=NAME", d.Info.Location);
                    continue;
                }
                var option = d.Info.Kind == Model.Inventory.DocumentKind.Policy ? "--policy" : d.Info.Kind == Model.Inventory.DocumentKind.TestCase ? "compliance test" : "--rules";
                diagnostics.Warning(DiagnosticCodes.UnknownKind, $"{d.Info.Kind} '{d.Info.Name}' is not inventory and is ignored here; pass it with {option}", d.Info.Location);
            }
            reader.Add(batch);
        }
        if (request.Loaded is { } loaded)
        {
            diagnostics.AddRange(loaded.Diagnostics);
            Take(loaded.Documents);
        }
        else if (request.Paths.Count > 0)
        {
            var files = loader.Documents.FindInputFiles(request.Paths, diagnostics);
            foreach (var batch in loader.Documents.ReadFiles(files, diagnostics))
            {
                if (RulesFailed()) break;
                Take(batch);
            }
        }
        var inlineLoader = request.DocumentLimits is { } limits && request.Documents.Count > 0 ? new WorkspaceLoader(limits, _sources) : loader;
        foreach (var inline in request.Documents)
        {
            if (RulesFailed()) break;
            Take(inlineLoader.Documents.LoadText(inline.Text, inline.Name, diagnostics));
        }
        var (prepared, ruleDiagnostics) = preparing.GetAwaiter().GetResult();
        if (prepared is null) return new CheckResult(null, ruleDiagnostics);
        progress?.StepCompleted(CheckStep.Rules, prepared.Engine.Rules.Rules.Length);
        var waivers = new List<Model.Policy.Waiver>(prepared.PolicyWaivers);
        progress?.StepCompleted(CheckStep.Read, read);
        // The vocabulary is checked while the estate is cross-checked; its diagnostics follow the cross-check's, as when
        // one ran after the other.
        var vocabulary = new DiagnosticBag();
        var (estate, requestWaivers) = reader.Finish(e => Loading.Vocabulary.VocabularyChecker.Check(e, prepared.Engine.Vocabulary, vocabulary));
        waivers.AddRange(requestWaivers);
        diagnostics.AddRange(vocabulary);
        progress?.StepCompleted(CheckStep.Estate, (long)estate.Clusters.Length + estate.Stores.Length + estate.Flows.Length);
        if (!diagnostics.HasErrors && estate.Clusters.IsEmpty && estate.Stores.IsEmpty && estate.Flows.IsEmpty)
        {
            var where = request.Paths.Count > 0 ? string.Join(", ", request.Paths) : "the request";
            var first = request.Paths.Count > 0 ? request.Paths[0] : request.Documents.Count > 0 ? request.Documents[0].Name : ".";
            diagnostics.Error(DiagnosticCodes.NoInputs, $"no Cluster, DataStore or DataFlow documents found in {where}", new SourceLocation(first, 0, 0));
        }
        var baseline = request.BaselinePath is { } b ? Loading.Documents.BaselineReader.ReadBaseline(b, diagnostics) : null;
        if (diagnostics.HasErrors) return new CheckResult(null, ruleDiagnostics.Concat(diagnostics.Sorted()).Distinct().Order().ToList());

        var options = new EvaluationOptions
        {
            AsOf = request.AsOf,
            GeneratedAt = request.GeneratedAt,
            IncludePasses = request.IncludePasses,
            Observer = progress,
            Runner = request.Runner,
        };
        if (request.Incremental is { } session && !ReferenceEquals(session.Engine, prepared.Engine))
            throw new ArgumentException("the incremental session belongs to another engine than the request's rules", nameof(request));
        var report = request.Incremental?.Update(estate, options).Report ?? prepared.Engine.Evaluate(estate, options);
        var policyDiagnostics = new DiagnosticBag();
        report = Core.Policy.PolicyApplier.Apply(report, prepared.Policy, waivers, baseline?.Ids, policyDiagnostics) with { RuleSetVersion = prepared.Version };
        if (baseline is not null) CheckBaselineRules(baseline, prepared.Version, policyDiagnostics);
        var all = ruleDiagnostics.Concat(diagnostics.Sorted()).Concat(report.Diagnostics).Concat(policyDiagnostics.Sorted()).Distinct().Order().ToList();
        if (policyDiagnostics.HasErrors) return new CheckResult(null, all);
        report = Hold(report with { Diagnostics = [.. all] }, request, prepared.Policy);
        progress?.StepCompleted(CheckStep.Gate, Enumerable.Range(0, report.Findings.Count).Count(i => report.Findings.StatusOf(i) != FindingStatus.Pass));
        return new CheckResult(report, all) { RuleSetVersion = prepared.Version, Rules = prepared };
    }

    /// <summary>
    /// Says when <paramref name="baseline"/> was made under other rules than <paramref name="version"/> (CE5010, a warning),
    /// or does not say which (CE5011, a note: a report written before reports carried their rule-set version). A warning,
    /// not an error: the baseline's finding ids are still compared (a finding whose rule changed gets another id only if
    /// its subject or path did), every rule-pack upgrade changes the version, and refusing the run would push users to
    /// rewrite baselines blindly; the report and the terminal say that the comparison spans two rule sets.
    /// </summary>
    private static void CheckBaselineRules(Loading.Documents.Baseline baseline, string version, DiagnosticBag diagnostics)
    {
        if (baseline.RuleSetVersion is not { } made)
        {
            diagnostics.Note(DiagnosticCodes.BaselineWithoutRuleSet,
                $"the baseline does not say which rules it was made under (no ruleSetVersion: a report written before reports carried it); this run's rules are {version}; write it again (--write-baseline) to record them",
                baseline.Location);
            return;
        }
        if (made == version) return;
        diagnostics.Warning(DiagnosticCodes.BaselineOtherRuleSet,
            $"the baseline was made under other rules ({made}) than this run's ({version}): findings of rules that changed may be new, or hidden by it; review the new findings, then write it again (--write-baseline)",
            baseline.Location);
    }

    /// <summary>False, with a diagnostic, when <paramref name="failOn"/> is given and is not a severity or <c>none</c>.</summary>
    public static bool CheckGateOptions(string? failOn, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (failOn is null || Gate.FailOnValues.Contains(failOn)) return true;
        diagnostics.Error(DiagnosticCodes.InvalidParameter,
            $"fail-on '{failOn}' is not one of {string.Join(", ", Gate.FailOnValues)}{Suggestions.DidYouMean(failOn, Gate.FailOnValues)}", SourceLocation.Parameters);
        return false;
    }

    /// <summary>
    /// Holds the report to its gate (design section 7): the shell's settings win over the policy's; indeterminate findings
    /// fail unless one of them relaxed it, and the report names which. A run that judged nothing fails unless the threshold
    /// is <c>none</c> or fail-on-nothing-judged was relaxed, and the report names what did.
    /// </summary>
    private static Report Hold(Report report, CheckRequest request, Model.Policy.PolicyDocument? policy)
    {
        var threshold = request.FailOn ?? policy?.FailOn ?? Gate.DefaultFailOn;
        var indeterminate = request.FailOnIndeterminate ?? policy?.FailOnIndeterminate ?? true;
        var relaxedBy = request.FailOnIndeterminate is false ? request.FailOnIndeterminateOption
            : policy is { FailOnIndeterminate: false } ? $"policy '{policy.Name}' (failOnIndeterminate: false at {policy.Location})"
            : null;
        var held = Core.Policy.PolicyApplier.Hold(report, threshold, indeterminate, relaxedBy);
        var nothingJudged = held.Coverage.NothingJudged;
        var failOnNothing = request.FailOnNothingJudged ?? policy?.FailOnNothingJudged ?? true;
        var nothingRelaxedBy = !nothingJudged ? null
            : threshold == Gate.None ? (request.FailOn is not null ? request.FailOnNoneOption : $"policy '{policy!.Name}' (failOn: none at {policy.Location})")
            : failOnNothing ? null
            : request.FailOnNothingJudged is false ? request.FailOnNothingJudgedOption
            : $"policy '{policy!.Name}' (failOnNothingJudged: false at {policy.Location})";
        return held with
        {
            Gate = held.Gate with { NothingJudged = nothingJudged, NothingJudgedRelaxedBy = nothingRelaxedBy, FailOnNothingJudged = failOnNothing },
        };
    }
}
