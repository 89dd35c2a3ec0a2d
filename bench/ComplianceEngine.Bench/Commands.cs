using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ComplianceEngine.Cli;
using ComplianceEngine.Core;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Loading;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Reporting;

namespace ComplianceEngine.Bench;

/// <summary>The <c>generate</c> and <c>once</c> commands.</summary>
internal static class Commands
{
    public const int DefaultSeed = 20261125;

    /// <summary>The evaluation date of every benchmark run (fixed, so runs are comparable).</summary>
    public static DateOnly AsOf { get; } = new(2026, 11, 25);

    public static JsonSerializerOptions Json { get; } = new() { WriteIndented = false };

    public static int Help()
    {
        Console.WriteLine("""
            ComplianceEngine.Bench: a seeded generator of realistic estates and a scale harness.

              generate --flows N --out DIR [--seed S] [--rules DIR] [--topology layered|dense]
                  write a generated estate as YAML under DIR (time it with `compliance check DIR`)
              once --flows N [--mode memory|yaml] [--dir DIR] [--seed S] [--rules DIR] [--topology layered|dense] [--live] [--report FILE] [--no-json] [--threads N] [--runner R] [--format F] [--gc batch|concurrent] [--gc-log] [--alloc-log] [--timeline] [--pause-after PHASE]
                  measure one size in this process; prints one RESULT line (JSON)
                  memory: build the estate in memory (no YAML) and measure analysis + evaluation
                  --topology: layered (default; data moves from collection databases to derived stores to sinks and SaaS)
                              or dense (any store to any store: cyclic, the worst case for onward chains)
                  yaml:   load DIR (written by generate) and measure load + analysis + evaluation
                  --live: full GC after each phase to record the live heap it leaves (slower; outside the timings)
                  --report FILE: also write the JSON report there (outside the timings), to compare runs byte for byte
                  --threads N: evaluate on N threads (default: one per processor)
                  --runner batch|nrules: judge facts with compiled judgements (default) or in NRules sessions
                  --no-json: skip the report phase
                  --format F: the report phase (and --report) writes F: json (default), sarif, junit, markdown, html, csv, text
                  --gc: the GC latency mode: batch (default; as `compliance check` runs: blocking collections only) or concurrent (the runtimeconfig's background GC, as `serve` runs)
                  --gc-log: one line per garbage collection on stderr (generation, kind, reason, pause, generation sizes after)
                  --alloc-log: what each phase allocated, by type (sampled by the runtime's allocation ticks; large objects apart), on stderr
                  --timeline: per thread (calling, workers, GC, JIT), its CPU, runnable and blocked time in the evaluate phase and a strip of when it ran, on stderr
                  --pause-after PHASE: after PHASE (e.g. evaluate), wait for a line on stdin (outside the timings; for a heap dump)
              run [--sizes 1000,10000,100000,1000000] [--mode memory|yaml|both|none] [--seed S] [--rules DIR] [--topology layered|dense]
                  [--work DIR] [--cli PATH] [--cli-max-flows N] [--live] [--timeout-minutes M]
                  each size in a fresh child process (`once`), then a markdown table (also kept in WORK/last-run.md
                  after every size); --cli PATH also times `PATH check DIR` end to end under /usr/bin/time
                  (for sizes up to --cli-max-flows)
              sidebyside [--flows 100000] [--reps 15] [--only hand,compiled,batch,nrules,rulesengine] [--min-ms 100] [--chunk 8192] [--out FILE]
                  one rule (GDPR-CH5-TRANSFER) over the same transfer facts by a hand-written loop, the compiled judgement,
                  the batch runner, the NRules runner and Microsoft RulesEngine 6.0.1, on one thread; fails (exit 1) unless
                  every contender gives the same verdict on every fact; ratios on CPU time, pair by pair (bench/RESULTS.md)
              loading [--dir DIR | --flows N] [--rounds 5] [--rules DIR] [--seed S]
                  the estate loader (what `check` does before evaluating) vs a bare YamlDotNet parser event loop over the
                  same files, alternating, medians and their ratio (without --dir: a generated estate of N flows, default 10,000)
              onward [--flows 100000] [--rounds 5] [--paths] [--seed S] [--rules DIR] [--topology layered|dense]
                  the onward (lineage) search alone, on one thread, as an evaluation runs it (every pack's regimes, the onward
                  rule filter): time, allocation, hops and a checksum of the hops' data (--paths: and of their chains);
                  --edit store|cluster|reroute [--reroutes R] [--threads N]: the onward index's updates under that edit, step by
                  step (--threads: regimes replayed at once, default 1)
              findings [--flows 100000] [--rounds 5] [--seed S] [--rules DIR] [--topology layered|dense]
                  building findings alone (every verdict that is not a pass, one builder, one thread), from facts derived and
                  judged once: time, allocation per round and a checksum of what the findings say
            """);
        return 0;
    }

    public static int Generate(Options o)
    {
        var flows = o.RequiredInt("flows");
        var output = o.Get("out") ?? throw new ArgumentException("--out is required");
        var seed = o.Int("seed", DefaultSeed);
        var rulesDir = o.Get("rules", "rules");
        var source = LoadRules(rulesDir, out _);
        if (source is null) return 2;
        var size = EstateSize.ForFlows(flows);
        var sw = Stopwatch.StartNew();
        var estate = new EstateGenerator(new GeoCatalog(source, rulesDir), seed, ParseTopology(o)).Generate(size);
        var generated = sw.Elapsed;
        sw.Restart();
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
            throw new ArgumentException($"'{output}' is not empty");
        var (files, bytes) = YamlEstateWriter.Write(estate, output);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Generated {estate.Clusters.Length:N0} clusters, {estate.Stores.Length:N0} stores, {estate.Recipients.Length:N0} recipients, {estate.Flows.Length:N0} flows (seed {seed}) in {generated.TotalSeconds:F1} s; wrote {files} files, {bytes / 1048576.0:F1} MiB to {output} in {sw.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    public static int Once(Options o)
    {
        var flows = o.RequiredInt("flows");
        var mode = o.Get("mode", "memory");
        if (mode is not ("memory" or "yaml")) throw new ArgumentException("--mode is memory or yaml");
        var seed = o.Int("seed", DefaultSeed);
        var live = o.Flag("live");
        // As `compliance check` runs (BatchGarbageCollection, entered for the whole command): no background collections.
        // --gc concurrent keeps the runtimeconfig's mode (background GC, as `serve` runs). DOTNET_gcConcurrent=0 does not
        // stand in for this: the runtimeconfig's System.GC.Concurrent=true wins over it (bench/RESULTS.md, ninth round).
        using var gcMode = o.Get("gc", "batch") switch
        {
            "batch" => BatchGarbageCollection.Enter(),
            "concurrent" => null,
            var g => throw new ArgumentException($"--gc is batch or concurrent, not '{g}'"),
        };
        using var gcLog = o.Flag("gc-log") ? new GcLog() : null;
        using var allocLog = o.Flag("alloc-log") ? new AllocLog() : null;
        using var timeline = o.Flag("timeline") ? new ThreadTimeline() : null;

        var sw = Stopwatch.StartNew();
        var rulesDir = o.Get("rules", "rules");
        var source = LoadRules(rulesDir, out var ruleDiagnostics);
        if (source is null) return 2;
        var engine = Engine.Create(source.Packs, source.Regimes, source.Groups, source.Regions, ruleDiagnostics, source.Vocabulary);
        if (ruleDiagnostics.HasErrors)
        {
            Print(ruleDiagnostics.Sorted());
            return 2;
        }
        var rulesMs = sw.Elapsed.TotalMilliseconds;

        Estate estate;
        var generateMs = 0.0;
        var reset = false;
        var recorder = new PhaseRecorder(live) { PauseAfter = o.Get("pause-after"), AllocLog = allocLog, Timeline = timeline };
        IReadOnlyList<Diagnostic> inputDiagnostics = [];
        var allocatedAtStart = 0L;
        if (mode == "memory")
        {
            sw.Restart();
            estate = new EstateGenerator(new GeoCatalog(source, rulesDir), seed, ParseTopology(o)).Generate(EstateSize.ForFlows(flows));
            generateMs = sw.Elapsed.TotalMilliseconds;
            // The generator's scratch state is garbage now: give it back and measure the peak from here on.
            reset = PeakMemory.Reset();
            allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
            recorder.Restart();
        }
        else
        {
            var dir = o.Get("dir") ?? throw new ArgumentException("--dir is required with --mode yaml");
            allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
            recorder.Restart();
            var bag = new DiagnosticBag();
            estate = new WorkspaceLoader().LoadEstate([dir], bag);
            if (bag.HasErrors)
            {
                Print(bag.Sorted());
                return 2;
            }
            recorder.Complete("load", estate.Clusters.Length + estate.Stores.Length + estate.Flows.Length + estate.Recipients.Length);
            // What `compliance check` does next: every category, subject, country and attribute against the vocabularies.
            ComplianceEngine.Loading.Vocabulary.VocabularyChecker.Check(estate, engine.Vocabulary, bag);
            if (bag.HasErrors)
            {
                Print(bag.Sorted());
                return 2;
            }
            inputDiagnostics = bag.Sorted();
            recorder.Complete("vocabulary", estate.Stores.Length + estate.Flows.Length);
        }

        var report = engine.Evaluate(estate, new EvaluationOptions
        {
            AsOf = AsOf,
            GeneratedAt = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero),
            Observer = recorder,
            MaxDegreeOfParallelism = o.Int("threads", 0),
            Runner = o.Get("runner") switch
            {
                null or "batch" => RuleRunner.Batch,
                "nrules" => RuleRunner.NRules,
                var r => throw new ArgumentException($"--runner is batch or nrules, not '{r}'"),
            },
        }, ruleDiagnostics.Sorted().Concat(inputDiagnostics));
        var gcLatencyMode = System.Runtime.GCSettings.LatencyMode.ToString();

        var peakBeforeJson = PeakMemory.Read();
        if (!o.Flag("no-json"))
        {
            using var counter = new CountingStream();
            using (var writer = new StreamWriter(counter, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
            {
                WriterFor(o.Get("format", "json")).Write(report, writer);
            }
            recorder.Complete("json", counter.Length);
        }
        // The same report as a file, to compare runs byte for byte (generatedAt is fixed above).
        if (o.Get("report") is { } reportFile)
        {
            using var file = new StreamWriter(reportFile, false, new UTF8Encoding(false));
            WriterFor(o.Get("format", "json")).Write(report, file);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedAtStart;
        var peak = PeakMemory.Read();
        var phases = recorder.Phases;
        var result = new RunResult
        {
            Mode = mode,
            Flows = estate.Flows.Length,
            Clusters = estate.Clusters.Length,
            Stores = estate.Stores.Length,
            Recipients = estate.Recipients.Length,
            RulesMilliseconds = rulesMs,
            Rules = engine.Rules.Rules.Length,
            GenerateMilliseconds = generateMs,
            Phases = phases,
            Facts = phases.FirstOrDefault(p => p.Name == "evaluate")?.Items ?? 0,
            SessionFacts = recorder.Counts.GetValueOrDefault("session-facts"),
            Verdicts = recorder.Counts.GetValueOrDefault("verdicts"),
            Findings = report.Findings.Length,
            JsonBytes = phases.FirstOrDefault(p => p.Name == "json")?.Items ?? 0,
            PeakWorkingSetBytes = peak,
            PeakBeforeJsonBytes = peakBeforeJson,
            AllocatedBytes = allocated,
            PeakResetBeforeEvaluation = reset,
            GcLatencyMode = gcLatencyMode,
            Summary = string.Join("; ", report.ByJurisdiction.Select(kv =>
                string.Create(CultureInfo.InvariantCulture, $"{kv.Key}: {kv.Value.Violation} violation, {kv.Value.Indeterminate} indeterminate, {kv.Value.Pass} pass"))),
        };
        // Keep the estate and report alive until the peak has been read.
        GC.KeepAlive(estate);
        GC.KeepAlive(report);

        foreach (var p in phases)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {p.Name,-8} {p.Milliseconds,8:F0} ms wall {p.CpuMilliseconds,8:F0} ms cpu {p.GcPauseMilliseconds,7:F0} ms GC pause (gen0/1/2 {p.Gen0}/{p.Gen1}/{p.Gen2}) {p.AllocatedBytes / 1048576.0,7:F0} MiB allocated {p.Items,11:N0} items{(p.LiveHeapBytes is { } l ? $"  live heap {l / 1048576.0:F0} MiB" : "")}"));
        }
        allocLog?.Print([.. phases.Select(p => p.Name)]);
        timeline?.Print("evaluate");
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result, Json));
        return 0;
    }

    /// <summary>The writer of <c>--format</c> (json, sarif, junit, markdown, html, csv, text) for the report phase.</summary>
    private static IReportWriter WriterFor(string format) => format switch
    {
        "json" => new JsonReportWriter(),
        "sarif" => new SarifReportWriter(),
        "junit" => new JUnitReportWriter(),
        "markdown" => new MarkdownReportWriter(),
        "html" => new HtmlReportWriter(),
        "csv" => new CsvReportWriter(),
        "text" => new ConsoleSummaryWriter(),
        _ => throw new ArgumentException($"--format is json, sarif, junit, markdown, html, csv or text, not '{format}'"),
    };

    /// <summary>
    /// The engine of the rules in <c>--rules</c> and an estate generated for <c>--flows</c> (<c>--seed</c>,
    /// <c>--topology</c>), as the benches of one phase start; null (after the rules' diagnostics) when the rules do not load.
    /// </summary>
    internal static (Engine Engine, Estate Estate)? EngineAndGeneratedEstate(Options o)
    {
        var rulesDir = o.Get("rules", "rules");
        var source = LoadRules(rulesDir, out var ruleDiagnostics);
        if (source is null) return null;
        var engine = Engine.Create(source.Packs, source.Regimes, source.Groups, source.Regions, ruleDiagnostics, source.Vocabulary);
        var estate = new EstateGenerator(new GeoCatalog(source, rulesDir), o.Int("seed", DefaultSeed), ParseTopology(o))
            .Generate(EstateSize.ForFlows(o.Int("flows", 100_000)));
        return (engine, estate);
    }

    internal static Topology ParseTopology(Options o) => o.Get("topology", "layered") switch
    {
        "layered" => Topology.Layered,
        "dense" => Topology.Dense,
        var t => throw new ArgumentException($"--topology is layered or dense, not '{t}'"),
    };

    internal static RuleSource? LoadRules(string rulesDir, out DiagnosticBag diagnostics)
    {
        diagnostics = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([rulesDir], diagnostics);
        if (!diagnostics.HasErrors) return source;
        Print(diagnostics.Sorted());
        return null;
    }

    private static void Print(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics.Take(20)) Console.Error.WriteLine(d.ToString());
    }
}
