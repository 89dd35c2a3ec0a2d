using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ComplianceEngine.Bench;

/// <summary>
/// <c>bench run</c>: every size in a fresh child process (<c>bench once</c>), so peaks do not accumulate and each size
/// pays its own JIT, then one markdown report.
/// </summary>
internal static class Harness
{
    private sealed record CliResult(int Flows, double Seconds, long MaxRssBytes, int ExitCode);

    public static int Run(Options o)
    {
        var sizes = o.Get("sizes", "1000,10000,100000,1000000")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture))
            .ToList();
        var mode = o.Get("mode", "memory");
        if (mode is not ("memory" or "yaml" or "both" or "none")) throw new ArgumentException("--mode is memory, yaml, both or none");
        var seed = o.Int("seed", Commands.DefaultSeed);
        var rules = o.Get("rules", "rules");
        var work = o.Get("work", Path.Combine(Path.GetTempPath(), "compliance-bench"));
        var cli = o.Get("cli");
        var live = o.Flag("live");
        var topology = o.Get("topology", "layered");
        var timeout = TimeSpan.FromMinutes(o.Int("timeout-minutes", 30));
        var cliMax = o.Int("cli-max-flows", int.MaxValue);
        Directory.CreateDirectory(work);
        var progress = Path.Combine(work, "last-run.md");

        var memory = new List<RunResult>();
        var yaml = new List<RunResult>();
        var cliResults = new List<CliResult>();
        foreach (var flows in sizes)
        {
            var common = new List<string> { "--flows", Str(flows), "--seed", Str(seed), "--rules", rules, "--topology", topology };
            if (live) common.Add("--live");
            if (mode is "memory" or "both")
            {
                Console.Error.WriteLine($"== {flows:N0} flows, in memory");
                if (RunChild(["once", "--mode", "memory", .. common], timeout) is { } r) memory.Add(r);
            }
            if (mode is "yaml" or "both" || (cli is not null && flows <= cliMax))
            {
                var dir = Path.Combine(work, string.Create(CultureInfo.InvariantCulture, $"estate-{flows}-seed{seed}-{topology}"));
                var marker = Path.Combine(dir, ".complete");
                if (!File.Exists(marker))
                {
                    if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
                    Console.Error.WriteLine($"== {flows:N0} flows, generating YAML in {dir}");
                    if (RunProcess(SelfCommand(["generate", "--flows", Str(flows), "--seed", Str(seed), "--rules", rules, "--topology", topology, "--out", dir]), timeout, out _) != 0)
                        continue;
                    File.WriteAllText(marker, "");
                }
                if (mode is "yaml" or "both")
                {
                    Console.Error.WriteLine($"== {flows:N0} flows, from YAML");
                    if (RunChild(["once", "--mode", "yaml", "--dir", dir, .. common], timeout) is { } r) yaml.Add(r);
                }
                if (cli is not null && flows <= cliMax)
                {
                    Console.Error.WriteLine($"== {flows:N0} flows, {cli} check");
                    if (RunCli(cli, dir, rules, work, flows, timeout) is { } c) cliResults.Add(c);
                }
            }
            // Keep what is measured so far: a later size can fail or run out of memory.
            File.WriteAllText(progress, Markdown(memory, yaml, cliResults, seed, topology, rules));
        }

        Console.WriteLine(Markdown(memory, yaml, cliResults, seed, topology, rules));
        return 0;
    }

    private static string Str(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static RunResult? RunChild(List<string> args, TimeSpan timeout)
    {
        var code = RunProcess(SelfCommand(args), timeout, out var stdout);
        var line = stdout.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (code != 0 || line is null)
        {
            Console.Error.WriteLine($"   child failed (exit {code})");
            return null;
        }
        return JsonSerializer.Deserialize<RunResult>(line["RESULT ".Length..], Commands.Json);
    }

    private static CliResult? RunCli(string cli, string dir, string rules, string work, int flows, TimeSpan timeout)
    {
        if (!File.Exists("/usr/bin/time"))
        {
            Console.Error.WriteLine("   /usr/bin/time is not available; skipping the CLI run");
            return null;
        }
        var report = Path.Combine(work, string.Create(CultureInfo.InvariantCulture, $"report-{flows}.json"));
        var timing = Path.Combine(work, string.Create(CultureInfo.InvariantCulture, $"time-{flows}.txt"));
        var psi = new ProcessStartInfo("/usr/bin/time")
        {
            ArgumentList = { "-f", "%e %M", "-o", timing, cli, "check", dir, "--rules", rules, "--format", "json", "--output", report,
                "--fail-on", "none", "--as-of", Commands.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
        };
        // The CLI prints every finding to the terminal: do not keep that text (millions of lines at 1M flows).
        var code = RunProcess(psi, timeout, out _, echo: false, capture: false);
        var parts = File.Exists(timing) ? File.ReadAllLines(timing).LastOrDefault()?.Split(' ') : null;
        if (parts is not { Length: 2 }) return null;
        return new CliResult(flows, double.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024, code);
    }

    /// <summary>This program, re-invoked: the apphost when there is one, else <c>dotnet ComplianceEngine.Bench.dll</c>.</summary>
    private static ProcessStartInfo SelfCommand(List<string> args)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path");
        var psi = new ProcessStartInfo(self);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(typeof(Harness).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    private static int RunProcess(ProcessStartInfo psi, TimeSpan timeout, out string stdout, bool echo = true, bool capture = true)
    {
        psi.RedirectStandardOutput = true;
        psi.UseShellExecute = false;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {psi.FileName}");
        var output = new StringBuilder();
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (!capture && !e.Data.StartsWith("RESULT ", StringComparison.Ordinal)) return;
            lock (output) output.Append(e.Data).Append('\n');
            if (echo && !e.Data.StartsWith("RESULT ", StringComparison.Ordinal)) Console.Error.WriteLine("   " + e.Data);
        };
        p.BeginOutputReadLine();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            Console.Error.WriteLine($"   timed out after {timeout.TotalMinutes} minutes");
            stdout = "";
            return -1;
        }
        p.WaitForExit();
        lock (output) stdout = output.ToString();
        return p.ExitCode;
    }

    // ---------------------------------------------------------------- report

    private static string Ms(double ms) => ms >= 10_000
        ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:F1} s")
        : ms >= 1000 ? string.Create(CultureInfo.InvariantCulture, $"{ms / 1000:F2} s") : string.Create(CultureInfo.InvariantCulture, $"{ms:F0} ms");

    private static string Mib(long bytes) => bytes >= 10L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F1} GiB")
        : bytes >= 1L << 30 ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F0} MiB");

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static double Phase(RunResult r, string name) => r.Phases.FirstOrDefault(p => p.Name == name)?.Milliseconds ?? 0;

    private static string Markdown(List<RunResult> memory, List<RunResult> yaml, List<CliResult> cli, int seed, string topology, string rules)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Machine(seed));
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Estate topology: {topology}; rules: {rules}."));
        if (memory.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Analysis + evaluation, estate built in memory (no YAML). Wall time per phase; CPU is the process's (all threads, GC included). Peak working set measured from the start of the evaluation (the generated estate is resident; the generator's garbage was collected first).");
            sb.AppendLine();
            sb.AppendLine("| flows | clusters | stores | facts judged | in rules sessions | verdicts | findings | resolve | facts | implied | onward + rules + findings | report | **evaluate** | evaluate CPU | json | peak WS (evaluate) | peak WS (+json) | allocated |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in memory)
            {
                var evaluate = r.Measured("resolve", "facts", "flows", "evaluate", "report");
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {N(r.Flows)} | {N(r.Clusters)} | {N(r.Stores)} | {N(r.Facts)} | {N(r.SessionFacts)} | {N(r.Verdicts)} | {N(r.Findings)} | {Ms(Phase(r, "resolve"))} | {Ms(Phase(r, "facts"))} | {Ms(Phase(r, "flows"))} | {Ms(Phase(r, "evaluate"))} | {Ms(Phase(r, "report"))} | **{Ms(evaluate)}** | {Ms(r.MeasuredCpu("resolve", "facts", "flows", "evaluate", "report"))} | {Ms(Phase(r, "json"))} | {Mib(r.PeakBeforeJsonBytes)} | {Mib(r.PeakWorkingSetBytes)} | {Mib(r.AllocatedBytes)} |"));
            }
        }
        if (yaml.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("End to end from YAML in one process (load = read + parse + validate + link). Peak working set of the whole process.");
            sb.AppendLine();
            sb.AppendLine("| flows | load | resolve+facts+implied | onward + rules + findings | report | json | **total** | peak WS (before json) | peak WS | allocated | JSON report |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in yaml)
            {
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {N(r.Flows)} | {Ms(Phase(r, "load"))} | {Ms(r.Measured("resolve", "facts", "flows"))} | {Ms(Phase(r, "evaluate"))} | {Ms(Phase(r, "report"))} | {Ms(Phase(r, "json"))} | **{Ms(r.TotalMilliseconds)}** | {Mib(r.PeakBeforeJsonBytes)} | {Mib(r.PeakWorkingSetBytes)} | {Mib(r.AllocatedBytes)} | {Mib(r.JsonBytes)} |"));
            }
        }
        if (cli.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("`compliance check DIR --format json --output FILE` end to end (process start, rule compilation, YAML, evaluation, report file), under `/usr/bin/time`.");
            sb.AppendLine();
            sb.AppendLine("| flows | wall | max RSS | exit |");
            sb.AppendLine("|---:|---:|---:|---:|");
            foreach (var c in cli)
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {N(c.Flows)} | {Ms(c.Seconds * 1000)} | {Mib(c.MaxRssBytes)} | {c.ExitCode} |"));
        }
        var all = memory.Concat(yaml).ToList();
        if (all.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"Rules: {all[0].Rules} compiled in {Ms(all.Min(r => r.RulesMilliseconds))}-{Ms(all.Max(r => r.RulesMilliseconds))} per process (not in the totals)."));
            foreach (var r in all) sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- {r.Mode} {N(r.Flows)} flows: {r.Summary}"));
        }
        return sb.ToString();
    }

    private static string Machine(int seed)
    {
        string cpu = "unknown", ram = "unknown";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
            var kb = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))?
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            if (kb is not null) ram = Mib(long.Parse(kb, CultureInfo.InvariantCulture) * 1024);
        }
        catch (IOException)
        {
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"Machine: {Environment.ProcessorCount} cores, {cpu}, {ram} RAM; {RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription}; GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}; seed {seed}; as of {Commands.AsOf:yyyy-MM-dd}.");
    }
}
