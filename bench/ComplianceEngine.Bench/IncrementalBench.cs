using System.Diagnostics;
using System.Globalization;
using ComplianceEngine.Core;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Reporting;

namespace ComplianceEngine.Bench;

/// <summary>
/// <c>bench incremental --flows N [--reps R] [--edits mechanism,chain,status,reroute,store,cluster,recipient] [--seed S] [--rules DIR] [--threads N] [--verify] [--no-full] [--heap-every K] [--quiet] [--gap MS]</c>:
/// the watched-estate case. One generated estate is loaded into an incremental session; then, R times, each edit (a
/// one-flow change, made and undone in turn) is applied and the session updated, each interleaved with a full batch
/// evaluation of the same version. Prints p50 and max per edit, whether it was patched, the patched updates' phases
/// (resolve, facts, diff, session retract/insert/fire, report) and a RESULT line. <c>--verify</c> compares the two JSON
/// reports of each edit's first repetition (outside the timings; large at 100k flows). <c>--heap-every K</c> prints the
/// live heap every K repetitions (memory that creeps with successive edits), <c>--quiet</c> drops the line per edit.
/// </summary>
internal static class IncrementalBench
{
    public static int Run(Options o)
    {
        var flows = o.RequiredInt("flows");
        var reps = o.Int("reps", 5);
        var seed = o.Int("seed", Commands.DefaultSeed);
        // Checked before the estate is built: a gap that cannot be waited is rejected (exit 2), not read as none.
        var gapMs = o.Int("gap", 0);
        if (gapMs < 0) throw new ArgumentException($"--gap is milliseconds (0 or more), not {gapMs}");
        var rulesDir = o.Get("rules", "rules");
        var source = Commands.LoadRules(rulesDir, out var bag);
        if (source is null) return 2;
        var engine = Engine.Create(source.Packs, source.Regimes, source.Groups, source.Regions, bag, source.Vocabulary);
        if (bag.HasErrors) return 2;
        var estate = new EstateGenerator(new GeoCatalog(source, rulesDir), seed).Generate(EstateSize.ForFlows(flows));
        var phases = new PhaseClock();
        var options = new EvaluationOptions
        {
            AsOf = Commands.AsOf,
            GeneratedAt = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero),
            MaxDegreeOfParallelism = o.Int("threads", 0),
        };

        var noFull = o.Flag("no-full");
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var sw = Stopwatch.StartNew();
        var incremental = engine.StartIncremental();
        phases.Restart();
        var (gcPause, gen2) = (GC.GetTotalPauseDuration(), GC.CollectionCount(2));
        var first = incremental.Update(estate, options with { Observer = phases });
        var loadMs = sw.Elapsed.TotalMilliseconds;
        // What the next update patches is kept on another thread after the first report is out: ready to patch from here.
        incremental.WaitUntilKept();
        var keptMs = sw.Elapsed.TotalMilliseconds;
        (gcPause, gen2) = (GC.GetTotalPauseDuration() - gcPause, GC.CollectionCount(2) - gen2);
        var firstPhases = phases.Phases.ToList();
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{estate.Flows.Length:N0} flows, {first.Facts:N0} facts, {incremental.SessionFacts:N0} in the session, {first.Report.Findings.Length:N0} findings; first update (every fact judged) {loadMs:F0} ms, ready to patch at {keptMs:F0} ms ({string.Join(", ", firstPhases.Select(p => $"{p.Name} {p.Ms:F0}"))}; GC pauses {gcPause.TotalMilliseconds:F0} ms, {gen2} gen-2 collections)"));
        // What the watched estate costs to keep: the live heap with the estate alone, then with its session, facts and report.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"live heap: estate {heapBefore / 1048576.0:F0} MiB, with the incremental session {heapAfter / 1048576.0:F0} MiB (+{(heapAfter - heapBefore) / 1048576.0:F0} MiB); peak working set so far {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB"));

        // The edits, each a one-flow change made and undone in turn (so every rep changes the estate):
        // - mechanism: flow N/2 gets a mechanism no rule names (the case measured since the first round);
        // - chain: the same on the flow whose destination other flows read from with the most findings (onward hops run along it);
        // - status: the flow with one mechanism and the most findings loses it (its verdicts change; the onward filter may then keep other hops);
        // - reroute: a flow is sent to another store (its place in the graph moves: every fact is derived again).
        var kinds = (o.Get("edits") ?? "mechanism,chain,status,reroute").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sources = estate.Flows.Select(f => f.From.Name).ToHashSet(StringComparer.Ordinal);
        int Pick(Func<DataFlow, bool> wanted)
        {
            for (var k = 0; k < estate.Flows.Length; k++)
            {
                var i = (flows / 2 + k) % estate.Flows.Length;
                if (wanted(estate.Flows[i])) return i;
            }
            throw new InvalidOperationException("no flow fits the edit");
        }
        // The flows the first report has the most findings about (their transfers are judged, and onward hops run along them).
        var findingsPerFlow = first.Report.Findings.Where(f => f.Subject.Kind == DocumentKind.DataFlow)
            .GroupBy(f => f.Subject.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        int Heaviest(Func<DataFlow, bool> wanted) => estate.Flows.Select((f, i) => (f, i)).Where(x => wanted(x.f))
            .OrderByDescending(x => findingsPerFlow.GetValueOrDefault(x.f.Name)).ThenBy(x => x.i).First().i;
        var chainIndex = Heaviest(f => sources.Contains(f.To.Name) && f.Name != estate.Flows[flows / 2].Name);
        var statusIndex = Heaviest(f => f.Mechanisms.Length == 1 && f.Name != estate.Flows[chainIndex].Name && f.Name != estate.Flows[flows / 2].Name);
        var rerouteIndex = Pick(f => estate.Stores.Any(s => s.Name == f.To.Name) && f.Name != estate.Flows[flows / 2].Name
            && f.Name != estate.Flows[chainIndex].Name && f.Name != estate.Flows[statusIndex].Name);
        var otherStore = estate.Stores[estate.Stores.Length / 3].Name;
        var originals = estate.Flows;
        var originalStores = estate.Stores;
        var originalClusters = estate.Clusters;
        // store: a store on a cluster moves to another cluster; cluster: a cluster moves to another cluster's region.
        var storeIndex = Enumerable.Range(0, estate.Stores.Length).Select(k => (estate.Stores.Length / 2 + k) % estate.Stores.Length)
            .FirstOrDefault(k => estate.Stores[k].Cluster is not null, -1);
        var clusterIndex = estate.Clusters.Length / 2;
        // recipient: the recipient most flows send to loses its certifications (and gets them back).
        var received = estate.Flows.GroupBy(f => f.To.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var recipientIndex = estate.Recipients.IsEmpty ? -1
            : Enumerable.Range(0, estate.Recipients.Length).OrderByDescending(k => received.GetValueOrDefault(estate.Recipients[k].Name)).ThenBy(k => k).First();
        var originalRecipients = estate.Recipients;
        var otherCluster = estate.Clusters[(clusterIndex + 1) % estate.Clusters.Length];
        DataFlow Toggle(int i, Func<DataFlow, DataFlow> edit) => ReferenceEquals(estate.Flows[i], originals[i]) ? edit(originals[i]) : originals[i];
        Estate Edit(string kind) => kind switch
        {
            "mechanism" => estate with { Flows = estate.Flows.SetItem(flows / 2, Toggle(flows / 2, f => f with { Mechanisms = f.Mechanisms.Add("bench-mechanism") })) },
            "chain" => estate with { Flows = estate.Flows.SetItem(chainIndex, Toggle(chainIndex, f => f with { Mechanisms = f.Mechanisms.Add("bench-mechanism") })) },
            "status" => estate with { Flows = estate.Flows.SetItem(statusIndex, Toggle(statusIndex, f => f with { Mechanisms = [] })) },
            "reroute" => estate with
            {
                Flows = estate.Flows.SetItem(rerouteIndex, Toggle(rerouteIndex, f => f with { To = new Reference(otherStore, f.To.Location) })),
            },
            "store" when storeIndex >= 0 => estate with
            {
                Stores = estate.Stores.SetItem(storeIndex, ReferenceEquals(estate.Stores[storeIndex], originalStores[storeIndex])
                    ? originalStores[storeIndex] with { Cluster = new Reference(otherCluster.Name, originalStores[storeIndex].Cluster!.Location) }
                    : originalStores[storeIndex]),
            },
            "cluster" => estate with
            {
                Clusters = estate.Clusters.SetItem(clusterIndex, ReferenceEquals(estate.Clusters[clusterIndex], originalClusters[clusterIndex])
                    ? originalClusters[clusterIndex] with { Provider = otherCluster.Provider, Region = otherCluster.Region, Country = otherCluster.Country }
                    : originalClusters[clusterIndex]),
            },
            "recipient" when recipientIndex >= 0 => estate with
            {
                Recipients = estate.Recipients.SetItem(recipientIndex, ReferenceEquals(estate.Recipients[recipientIndex], originalRecipients[recipientIndex])
                    ? originalRecipients[recipientIndex] with { Certifications = [] }
                    : originalRecipients[recipientIndex]),
            },
            _ => throw new ArgumentException($"unknown edit '{kind}' (mechanism, chain, status, reroute, store, cluster, recipient)"),
        };

        var incrementalMs = kinds.ToDictionary(k => k, _ => new List<double>(), StringComparer.Ordinal);
        var fullMs = new List<double>();
        var patchedCount = kinds.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
        var phaseMs = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        // --heap-every K: the live heap after every K repetitions (a full collection, outside the timings), so memory that
        // creeps with successive edits shows; --quiet: no line per edit (long runs).
        var heapEvery = o.Int("heap-every", 0);
        var quiet = o.Flag("quiet");
        // --gap MS: a pause before each edit, outside the timings, as between two saves in a watched folder (the host waits
        // ReloadDelayMilliseconds, 250 ms by default, after a file's last change before it updates): what an update leaves
        // to finish in the background (a rerouted flow's next search log) is then done before the next edit, as in serving.
        // Without it edits come back to back, and an edit may wait for the one before it.
        var heaps = new List<(int Rep, double MiB)>();
        if (heapEvery > 0) heaps.Add((0, GC.GetTotalMemory(forceFullCollection: true) / 1048576.0));
        for (var rep = 0; rep < reps; rep++)
        {
            if (heapEvery > 0 && rep > 0 && rep % heapEvery == 0)
            {
                heaps.Add((rep, GC.GetTotalMemory(forceFullCollection: true) / 1048576.0));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"live heap after {rep} reps ({rep * kinds.Length} edits): {heaps[^1].MiB:F1} MiB"));
            }
            foreach (var kind in kinds)
            {
                if (gapMs > 0) Thread.Sleep(gapMs);
                estate = Edit(kind);
                phases.Restart();
                sw.Restart();
                var update = incremental.Update(estate, options with { Observer = phases });
                incrementalMs[kind].Add(sw.Elapsed.TotalMilliseconds);
                if (update.Patched)
                {
                    patchedCount[kind]++;
                    foreach (var (name, ms) in phases.Phases) (phaseMs.TryGetValue(name, out var l) ? l : phaseMs[name] = []).Add(ms);
                }

                sw.Restart();
                // --no-full: the incremental runner alone (its memory, at sizes where a full evaluation beside it would not fit).
                var full = noFull ? null : engine.Evaluate(estate, options);
                if (full is not null) fullMs.Add(sw.Elapsed.TotalMilliseconds);
                if (!quiet) Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"rep {rep + 1} {kind} ({kind switch { "store" => estate.Stores[storeIndex].Name, "cluster" => estate.Clusters[clusterIndex].Name, "recipient" => estate.Recipients[recipientIndex].Name, _ => estate.Flows[kind switch { "chain" => chainIndex, "status" => statusIndex, "reroute" => rerouteIndex, _ => flows / 2 }].Name }}): incremental {incrementalMs[kind][^1]:F1} ms ({(update.Patched ? "patched" : "every fact derived: " + incremental.NotPatchedBecause)}; changed {update.Changed}, added {update.Added}, removed {update.Removed}, inserted {update.Inserted}, retracted {update.Retracted}, regimes searched {update.RegimesSearched}, direct facts derived {update.DirectFactsDerived}; {string.Join(", ", phases.Phases.Select(p => $"{p.Name} {p.Ms:F1}"))}), full {(full is null ? "skipped" : fullMs[^1].ToString("F0", CultureInfo.InvariantCulture))} ms"));
                if (rep == 0 && o.Flag("verify") && full is not null)
                {
                    var same = Json(update.Report) == Json(full);
                    Console.WriteLine(same ? $"verify {kind}: the incremental and full JSON reports are byte-identical" : $"verify {kind}: THE REPORTS DIFFER");
                    if (!same) return 1;
                }
            }
        }
        if (heapEvery > 0)
        {
            heaps.Add((reps, GC.GetTotalMemory(forceFullCollection: true) / 1048576.0));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"live heap after {reps} reps ({reps * kinds.Length} edits): {heaps[^1].MiB:F1} MiB; growth from the first edit {heaps[^1].MiB - heaps[0].MiB:+0.0;-0.0} MiB ({(heaps[^1].MiB - heaps[0].MiB) * 1024 / Math.Max(1, reps * kinds.Length):F1} KiB per edit)"));
        }
        var medianFull = Median(fullMs);
        if (fullMs.Count == 0) fullMs.Add(0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"live heap at the end {GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:F0} MiB; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB"));
        foreach (var kind in kinds)
        {
            var times = incrementalMs[kind];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind}: {patchedCount[kind]} of {times.Count} patched; incremental p50 {Median(times):F1} ms, max {times.Max():F1} ms; full p50 {medianFull:F0} ms"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"phases of the patched updates (p50): {string.Join(", ", phaseMs.Select(p => $"{p.Key} {Median(p.Value):F2} ms"))}"));
        Console.WriteLine("RESULT " + System.Text.Json.JsonSerializer.Serialize(new
        {
            flows = estate.Flows.Length,
            facts = first.Facts,
            sessionFacts = incremental.SessionFacts,
            findings = first.Report.Findings.Length,
            firstUpdateMs = loadMs,
            readyToPatchMs = keptMs,
            fullP50Ms = medianFull,
            fullMaxMs = fullMs.Max(),
            edits = kinds.ToDictionary(k => k, k => new { patched = patchedCount[k], p50Ms = Median(incrementalMs[k]), maxMs = incrementalMs[k].Max() }),
            patchedPhases = phaseMs.ToDictionary(p => p.Key, p => Median(p.Value)),
        }, Commands.Json));
        return 0;
    }

    private static string Json(Model.Findings.Report report)
    {
        using var text = new StringWriter();
        new JsonReportWriter().Write(report, text);
        return text.ToString();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The time between consecutive phases of one update.</summary>
    private sealed class PhaseClock : IEvaluationObserver
    {
        private readonly Stopwatch _clock = new();
        private double _last;

        public List<(string Name, double Ms)> Phases { get; } = [];

        public void Restart()
        {
            Phases.Clear();
            _last = 0;
            _clock.Restart();
        }

        private double _step;

        /// <summary>The steps of a patch the incremental evaluation marks (the time since the last mark), listed as phases of their own.</summary>
        public void Counted(string name, long value)
        {
            if (!name.StartsWith("patch-step:", StringComparison.Ordinal)) return;
            var now = _clock.Elapsed.TotalMilliseconds;
            var step = name["patch-step:".Length..];
            if (step != "start") Phases.Add(("(" + step + ")", now - _step));
            _step = now;
        }

        public void PhaseCompleted(EvaluationPhase phase, long items)
        {
            var now = _clock.Elapsed.TotalMilliseconds;
            var name = phase switch
            {
                EvaluationPhase.Flows => "hops+diff",
                EvaluationPhase.Evaluate => "session",
                _ => phase.ToString().ToLowerInvariant(),
            };
            // The batch path reports Flows before the onward hops; the incremental one reports it again after the diff.
            if (Phases.Count > 0 && Phases[^1].Name == name) Phases[^1] = (name, Phases[^1].Ms + now - _last);
            else Phases.Add((name, now - _last));
            _last = now;
        }
    }
}
