using System.Diagnostics;
using System.Globalization;
using ComplianceEngine.Loading;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using YamlDotNet.Core;

namespace ComplianceEngine.Bench;

/// <summary>
/// <c>bench loading</c>: the engine's estate loader (find, read, parse, envelope, inventory readers, validation, linking:
/// what <c>compliance check</c> does before evaluating) side by side with a bare YamlDotNet <see cref="Parser"/> event
/// loop over the same files (read each file, pull every event, keep nothing), and the same loader reading every file
/// through the YAML tree. Rounds rotate the three so that all see the same machine; the ratios are of medians, wall and CPU.
/// </summary>
internal static class LoadingBench
{
    private static int s_parallel = Environment.ProcessorCount;

    public static int Run(Options o)
    {
        var rounds = o.Int("rounds", 5);
        if (rounds < 1) throw new ArgumentException("--rounds must be 1 or more");
        var dir = o.Get("dir");
        string? generated = null;
        if (dir is null)
        {
            var flows = o.Int("flows", 10_000);
            generated = Path.Combine(Path.GetTempPath(), $"ce-loading-{Environment.ProcessId}");
            var rulesDir = o.Get("rules", "rules");
            var source = Commands.LoadRules(rulesDir, out _) ?? throw new ArgumentException($"cannot read the rules in '{rulesDir}'");
            var estate = new EstateGenerator(new GeoCatalog(source, rulesDir), o.Int("seed", Commands.DefaultSeed), Topology.Layered)
                .Generate(EstateSize.ForFlows(flows));
            YamlEstateWriter.Write(estate, generated);
            dir = generated;
        }
        // --parallel N: how many files the loader parses at once (default: one per processor, as the tool does).
        s_parallel = o.Int("parallel", Environment.ProcessorCount);
        try
        {
            return Measure(dir, rounds, o.Flag("phases"), o.Get("only"));
        }
        finally
        {
            if (generated is not null) Directory.Delete(generated, recursive: true);
        }
    }

    private static int Measure(string dir, int rounds, bool phases, string? only)
    {
        var files = Directory.EnumerateFiles(dir, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var bytes = files.Sum(f => new FileInfo(f).Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{files.Count} files, {bytes / 1048576.0:F1} MiB under {dir}; {rounds} rounds, parser and loader alternating; {Environment.ProcessorCount} processors"));

        // One untimed pass of each, so all are jitted and the files are in the page cache.
        var events = ParseOnly(files);
        var documents = LoadOnly(dir, fromEvents: true);
        LoadOnly(dir, fromEvents: false);
        if (only is not null && only is not ("parser" or "loader" or "tree")) throw new ArgumentException("--only is parser, loader or tree");
        if (phases) Phases(dir, rounds);

        // Three contenders: the bare parser, the loader (records straight from parser events where a file allows it) and
        // the same loader reading every file through the YAML tree (DocumentLoader.ReadRecordsFromEvents = false). Each
        // round runs all three, in an order rotated from round to round, so that each sees the same machine.
        string[] names = only is { } one ? [one] : ["parser", "loader", "tree"];
        var samples = names.ToDictionary(n => n, _ => new List<(double Wall, double Cpu, long Allocated)>());
        for (var round = 0; round < rounds; round++)
        {
            for (var step = 0; step < names.Length; step++)
            {
                var name = names[(step + round) % names.Length];
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                var cpu0 = ProcessCpu();
                var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
                var start = Stopwatch.GetTimestamp();
                if (name == "parser") events = ParseOnly(files);
                else documents = LoadOnly(dir, fromEvents: name == "loader");
                var wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                var sample = (wall, (ProcessCpu() - cpu0).TotalMilliseconds, GC.GetTotalAllocatedBytes(precise: true) - allocated0);
                samples[name].Add(sample);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  round {round + 1} {name,-6}  wall {sample.wall,8:F0} ms  cpu {sample.Item2,8:F0} ms  allocated {sample.Item3 / 1048576.0,8:F0} MiB"));
            }
        }

        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }
        (double Wall, double Cpu, double Allocated) Medians(string name) =>
            (Median(samples[name].Select(p => p.Wall)), Median(samples[name].Select(p => p.Cpu)), Median(samples[name].Select(p => (double)p.Allocated)));
        if (only is not null) return 0;
        var (pw, pc, pa) = Medians("parser");
        var (lw, lc, la) = Medians("loader");
        var (tw, tc, ta) = Medians("tree");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} input bytes"));
        Console.WriteLine("| | wall (median) | CPU (median) | allocated | allocated per input byte |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| YamlDotNet parser events ({events:N0} events) | {pw:F0} ms | {pc:F0} ms | {pa / 1048576.0:F0} MiB | {pa / bytes:F1} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| engine loader, records from events ({documents:N0} documents) | {lw:F0} ms | {lc:F0} ms | {la / 1048576.0:F0} MiB | {la / bytes:F1} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| engine loader, YAML tree | {tw:F0} ms | {tc:F0} ms | {ta / 1048576.0:F0} MiB | {ta / bytes:F1} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| **loader / parser** | **{lw / pw:F2}x** | **{lc / pc:F2}x** | {la / pa:F2}x | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| tree loader / parser | {tw / pw:F2}x | {tc / pc:F2}x | {ta / pa:F2}x | |"));
        return 0;
    }

    /// <summary>
    /// Where the loader's time goes: the YAML trees alone (<see cref="SafeYamlReader"/>), then with every document's
    /// envelope read (<see cref="DocumentLoader.LoadFiles"/>), then the whole load; medians of CPU over the rounds.
    /// </summary>
    private static void Phases(string dir, int rounds)
    {
        var loader = new DocumentLoader();
        var steps = new (string Name, Action Run)[]
        {
            ("YAML trees (read + SafeYamlReader)", () =>
            {
                var bag = new DiagnosticBag();
                foreach (var f in DocumentLoader.FindFiles([dir], bag)) SafeYamlReader.Read(loader.ReadText(f, bag)!, f, bag);
            }),
            ("+ envelopes (DocumentLoader.LoadFiles, tree)", () =>
            {
                var bag = new DiagnosticBag();
                new DocumentLoader { ReadRecordsFromEvents = false }.LoadFiles(DocumentLoader.FindFiles([dir], bag), bag);
            }),
            ("+ inventory readers, validation, links (LoadEstate, tree)", () => LoadOnly(dir, fromEvents: false)),
            ("records from parser events (DocumentLoader.LoadFiles)", () =>
            {
                var bag = new DiagnosticBag();
                new DocumentLoader { ReadRecordsFromEvents = true, MaxDegreeOfParallelism = s_parallel }.LoadFiles(DocumentLoader.FindFiles([dir], bag), bag);
            }),
            ("+ estate, validation, links (LoadEstate, records from events)", () => LoadOnly(dir, fromEvents: true)),
        };
        foreach (var (name, run) in steps)
        {
            var cpu = new List<double>();
            var wall = new List<double>();
            for (var i = 0; i < rounds; i++)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                var cpu0 = ProcessCpu();
                var start = Stopwatch.GetTimestamp();
                run();
                wall.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                cpu.Add((ProcessCpu() - cpu0).TotalMilliseconds);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  phase {name,-55} wall {wall.Order().ElementAt(rounds / 2),8:F0} ms  cpu {cpu.Order().ElementAt(rounds / 2),8:F0} ms"));
        }
    }

    /// <summary>Reads every file and pulls every parser event: the floor any YamlDotNet-based loader stands on.</summary>
    private static long ParseOnly(List<string> files)
    {
        long events = 0;
        foreach (var file in files)
        {
            var parser = new Parser(new StringReader(File.ReadAllText(file)));
            while (parser.MoveNext()) events++;
        }
        return events;
    }

    /// <summary>What <c>compliance check</c> does to the same folder before evaluating; fails on any error.</summary>
    private static int LoadOnly(string dir, bool fromEvents)
    {
        var bag = new DiagnosticBag();
        var estate = new WorkspaceLoader(new DocumentLoader { ReadRecordsFromEvents = fromEvents, MaxDegreeOfParallelism = s_parallel }).LoadEstate([dir], bag);
        if (bag.HasErrors)
            throw new InvalidOperationException($"the generated estate does not load: {bag.Sorted()[0]}");
        return estate.Clusters.Length + estate.Stores.Length + estate.Recipients.Length + estate.Flows.Length + (estate.Organization is null ? 0 : 1);
    }

    private static TimeSpan ProcessCpu()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime;
    }
}
