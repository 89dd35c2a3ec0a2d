using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ComplianceEngine.Core;
using ComplianceEngine.Core.Evaluation.Runners;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Bench.SideBySide;

/// <summary>
/// <c>bench sidebyside</c>: the same GDPR Chapter V decision (GDPR-CH5-TRANSFER) over the same transfer facts of a
/// generated estate, by every contender, in one process, single-threaded. Every contender's verdicts are compared fact by
/// fact with the hand-written loop's on every run (any difference fails the run, exit 1); repetitions are interleaved
/// (each repetition runs every contender, in an order that rotates), and ratios are taken pair by pair within a
/// repetition, then summarised as median and range.
/// </summary>
internal static class SideBySideCommand
{
    public const string RuleId = "GDPR-CH5-TRANSFER";

    public static int Run(Options o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var flows = o.Int("flows", 100_000);
        var reps = o.Int("reps", 15);
        var seed = o.Int("seed", Commands.DefaultSeed);
        var rulesDir = o.Get("rules", "rules");
        var chunk = o.Int("chunk", 8192);
        var only = o.Get("only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (reps < 1) throw new ArgumentException("--reps is at least 1");

        var sw = Stopwatch.StartNew();
        var source = Commands.LoadRules(rulesDir, out var diagnostics);
        if (source is null) return 2;
        // An engine of the one rule: its compiled delegate and its NRules session factory.
        var packs = source.Packs.Select(p => p with { Rules = [.. p.Rules.Where(r => r.Id == RuleId)] }).Where(p => p.Rules.Length > 0).ToList();
        if (packs.Count == 0)
        {
            Console.Error.WriteLine($"bench: no rule {RuleId} under {rulesDir}");
            return 2;
        }
        var engine = Engine.Create(packs, source.Regimes, source.Groups, source.Regions, diagnostics, source.Vocabulary);
        if (diagnostics.HasErrors)
        {
            foreach (var d in diagnostics.Sorted().Take(20)) Console.Error.WriteLine(d.ToString());
            return 2;
        }
        var rule = engine.Rules.Rules.Single();
        var eea = engine.Jurisdictions.Group("EEA") ?? throw new ArgumentException("the catalog has no EEA group");
        var adequacy = rule.Adequacy.Single(a => a.Code == "EU");
        var from = rule.Definition.Effective.From ?? DateOnly.MinValue;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rules loaded and compiled in {sw.Elapsed.TotalSeconds:F1} s"));

        sw.Restart();
        var facts = TransferFacts(source, rulesDir, engine, flows, seed, out var counts);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{flows:N0} flows -> {facts.Length:N0} transfer facts ({counts}) in {sw.Elapsed.TotalSeconds:F1} s"));

        var contenders = new List<Contender>
        {
            new HandContender(new GdprTransferByHand(eea, adequacy, from)),
            new CompiledContender(rule),
            new RunnerContender("batch", $"the engine's batch runner (compiled delegates, no rules session), chunks of {chunk:N0} facts",
                new BatchRunner(new RuleSelection(engine.Rules)), rule, chunk),
            new RunnerContender("nrules", $"the engine's NRules runner (NRules 1.0.4: judgements worked out first, InsertAll + Fire in a fresh session per {chunk:N0} facts)",
                new NRulesRunner(new RuleSelection(engine.Rules)), rule, chunk),
            new RulesEngineContender(new GdprTransferRulesEngine(eea, adequacy, from)),
        };
        if (only is not null)
        {
            var unknown = only.Where(n => contenders.All(c => c.Name != n)).ToList();
            if (unknown.Count > 0) throw new ArgumentException($"--only: no contender '{string.Join("', '", unknown)}' (have {string.Join(", ", contenders.Select(c => c.Name))})");
            contenders = [.. contenders.Where(c => only.Contains(c.Name))];
        }

        // Warm-up (JIT, RulesEngine's compilation of the workflow, tiered compilation) and the first equivalence check.
        var reference = new Judgement[facts.Length];
        var results = contenders.ToDictionary(c => c.Name, _ => new Judgement[facts.Length]);
        for (var warm = 0; warm < 2; warm++)
        {
            foreach (var c in contenders)
            {
                c.Reset(facts);
                c.Run(facts, results[c.Name]);
            }
        }
        results[contenders[0].Name].CopyTo(reference, 0);
        if (!Equivalent(contenders, results, reference, facts)) return 1;
        var distribution = Distribution(reference);
        Console.Error.WriteLine($"verdicts agree fact by fact: {distribution}");

        // Passes per timing: a contender that takes less than --min-ms over all facts runs several passes back to back
        // (timed together, reported per pass), so the fast ones are not measured at the timer's and the scheduler's grain.
        var minMs = o.Int("min-ms", 100);
        var passes = new Dictionary<string, int>();
        foreach (var c in contenders)
        {
            c.Reset(facts);
            var start = Stopwatch.GetTimestamp();
            c.Run(facts, results[c.Name]);
            var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            passes[c.Name] = (int)Math.Clamp(Math.Ceiling(minMs / Math.Max(ms, 0.001)), 1, 100);
        }
        Console.Error.WriteLine("passes per timing: " + string.Join(", ", contenders.Select(c => $"{c.Name} {passes[c.Name]}")));

        var times = contenders.ToDictionary(c => c.Name, _ => new double[reps]);
        var walls = contenders.ToDictionary(c => c.Name, _ => new double[reps]);
        var allocated = contenders.ToDictionary(c => c.Name, _ => new long[reps]);
        for (var r = 0; r < reps; r++)
        {
            for (var k = 0; k < contenders.Count; k++)
            {
                var c = contenders[(k + r) % contenders.Count];
                var into = results[c.Name];
                var n = passes[c.Name];
                Array.Clear(into);
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var elapsed = 0L;
                var cpu = 0L;
                var bytes = 0L;
                for (var p = 0; p < n; p++)
                {
                    c.Reset(facts);
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    var cpuStart = CpuClock.NowNanoseconds();
                    var start = Stopwatch.GetTimestamp();
                    c.Run(facts, into);
                    elapsed += Stopwatch.GetTimestamp() - start;
                    cpu += CpuClock.NowNanoseconds() - cpuStart;
                    bytes += GC.GetAllocatedBytesForCurrentThread() - before;
                }
                times[c.Name][r] = cpu / 1e6 / n;
                walls[c.Name][r] = elapsed * 1000.0 / Stopwatch.Frequency / n;
                allocated[c.Name][r] = bytes / n;
            }
            if (!Equivalent(contenders, results, reference, facts)) return 1;
            Console.Error.WriteLine($"  rep {r + 1}/{reps}: " + string.Join(", ", contenders.Select(c =>
                string.Create(CultureInfo.InvariantCulture, $"{c.Name} {times[c.Name][r]:F1} ms CPU ({walls[c.Name][r]:F1} ms wall)"))));
        }

        var report = Report(contenders, times, walls, allocated, passes, facts.Length, flows, counts, distribution, reps, seed, chunk);
        Console.WriteLine(report);
        if (o.Get("out") is { } path) File.WriteAllText(path, report);
        return 0;
    }

    /// <summary>
    /// The transfer facts of a generated estate, as the engine builds them: declared flows, the transfers the estate implies
    /// (DR, replicas, backups, geo-redundant pairs) and the onward hops of EU data and of data whose origin's country is unknown
/// (which the rule must judge indeterminate, never pass or skip).
    /// </summary>
    private static TransferFact[] TransferFacts(Loading.RuleSource source, string rulesDir, Engine engine, int flows, int seed, out string counts)
    {
        var estate = new EstateGenerator(new GeoCatalog(source, rulesDir), seed, Topology.Layered).Generate(EstateSize.ForFlows(flows));
        var context = new EvaluationContext(Commands.AsOf, estate.Organization);
        var resolved = new FactBuilder(engine.Resolver).Resolve(estate);
        var declared = FactBuilder.Build(resolved, context).OfType<TransferFact>().ToList();
        var implied = new FlowAnalyzer(engine.Resolver).Implied(resolved, context).OfType<TransferFact>().ToList();
        var direct = declared.Concat(implied).ToList();
        var onward = FlowAnalyzer.OnwardHops(direct, new HashSet<string>(StringComparer.Ordinal) { "EU", FlowAnalyzer.UnknownOrigin }).ToList();
        counts = string.Create(CultureInfo.InvariantCulture, $"{declared.Count:N0} declared, {implied.Count:N0} implied, {onward.Count:N0} onward hops of EU data or data of unknown origin");
        return [.. direct, .. onward];
    }

    /// <summary>True when every contender gave the reference verdict on every fact; else prints the first differences.</summary>
    private static bool Equivalent(List<Contender> contenders, Dictionary<string, Judgement[]> results, Judgement[] reference, TransferFact[] facts)
    {
        var ok = true;
        foreach (var c in contenders)
        {
            var got = results[c.Name];
            var differ = 0;
            for (var i = 0; i < facts.Length; i++)
            {
                if (got[i] == reference[i]) continue;
                if (differ++ < 5)
                    Console.Error.WriteLine($"MISMATCH {c.Name} says {got[i]}, {contenders[0].Name} says {reference[i]}: {facts[i].Subject.Kind}/{facts[i].Subject.Name} hop {facts[i].Hop} {facts[i].Source} -> {facts[i].Destination}");
            }
            if (differ == 0) continue;
            Console.Error.WriteLine($"MISMATCH {c.Name}: {differ:N0} of {facts.Length:N0} facts differ from {contenders[0].Name}");
            ok = false;
        }
        return ok;
    }

    private static string Distribution(Judgement[] judgements)
    {
        var n = new int[4];
        foreach (var j in judgements) n[(int)j]++;
        return string.Create(CultureInfo.InvariantCulture,
            $"{n[(int)Judgement.Violation]:N0} violation, {n[(int)Judgement.Indeterminate]:N0} indeterminate, {n[(int)Judgement.Pass]:N0} pass, {n[(int)Judgement.NotApplicable]:N0} not applicable");
    }

    private static (double Median, double Min, double Max, double Best) Ratio(Dictionary<string, double[]> times, string a, string b)
    {
        var ratios = times[a].Zip(times[b], (x, y) => x / y).ToArray();
        return (Median(ratios), ratios.Min(), ratios.Max(), times[a].Min() / times[b].Min());
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A ratio with two significant digits at least (0.043x, 0.43x, 4.3x).</summary>
    private static string R(double ratio) => ratio.ToString(ratio < 0.01 ? "F4" : ratio < 0.1 ? "F3" : "F2", CultureInfo.InvariantCulture);

    private static string Report(List<Contender> contenders, Dictionary<string, double[]> times, Dictionary<string, double[]> walls, Dictionary<string, long[]> allocated, Dictionary<string, int> passes, int facts,
        int flows, string counts, string distribution, int reps, int seed, int chunk)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"GDPR-CH5-TRANSFER over {facts:N0} transfer facts of {flows:N0} generated flows ({counts}; seed {seed}, as of {Commands.AsOf:yyyy-MM-dd}); one thread; {reps} interleaved repetitions after 2 warm-up runs."));
        sb.AppendLine($"Verdicts (identical for every contender, fact by fact, on every run): {distribution}.");
        sb.AppendLine();
        sb.AppendLine("Times are CPU time of the process per pass over all facts (the contender's thread and the GC work it causes); wall time beside it.");
        sb.AppendLine();
        sb.AppendLine("| contender | what | passes per timing | CPU per pass: median | min-max | wall per pass: median | CPU ns per fact | allocated per fact |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var c in contenders)
        {
            var t = times[c.Name];
            var median = Median(t);
            sb.AppendLine($"| {c.Name} | {c.Description} | {passes[c.Name]} | {F(median, "F1")} ms | {F(t.Min(), "F1")}-{F(t.Max(), "F1")} ms | {F(Median(walls[c.Name]), "F1")} ms | {F(median * 1e6 / facts, "F0")} | {F(Median(allocated[c.Name].Select(a => (double)a)) / facts, "F0")} B |");
        }
        sb.AppendLine();
        sb.AppendLine("Ratios, pair by pair (row CPU time / column CPU time, the pair measured in the same repetition; median, and range over the repetitions):");
        sb.AppendLine();
        sb.AppendLine("| row / column | " + string.Join(" | ", contenders.Select(c => c.Name)) + " |");
        sb.AppendLine("|---|" + string.Concat(contenders.Select(_ => "---:|")));
        foreach (var a in contenders)
        {
            var cells = contenders.Select(b =>
            {
                if (a == b) return "1";
                var (median, min, max, _) = Ratio(times, a.Name, b.Name);
                return $"{R(median)}x ({R(min)}-{R(max)})";
            });
            sb.AppendLine($"| {a.Name} | " + string.Join(" | ", cells) + " |");
        }
        sb.AppendLine();
        sb.AppendLine("The pairs the issue tracks (median of the per-repetition ratios, their range, and the ratio of the two best times):");
        sb.AppendLine();
        sb.AppendLine("| pair | median | range | best / best |");
        sb.AppendLine("|---|---:|---:|---:|");
        foreach (var (a, b) in new[] { ("compiled", "hand"), ("batch", "hand"), ("batch", "nrules"), ("nrules", "rulesengine"), ("batch", "rulesengine") })
        {
            if (!times.ContainsKey(a) || !times.ContainsKey(b)) continue;
            var (median, min, max, best) = Ratio(times, a, b);
            sb.AppendLine($"| {a} / {b} | {R(median)}x | {R(min)}-{R(max)} | {R(best)}x |");
        }
        sb.AppendLine();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Runtime: {RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture}), {Environment.ProcessorCount} logical processors, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, runner chunk {chunk:N0} facts."));
        return sb.ToString();
    }
}
