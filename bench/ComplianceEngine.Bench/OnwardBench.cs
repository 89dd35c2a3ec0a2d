using System.Diagnostics;
using System.Globalization;
using ComplianceEngine.Core;
using ComplianceEngine.Core.Evaluation.Runners;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;

namespace ComplianceEngine.Bench;

/// <summary>
/// The onward (lineage) search alone, as an evaluation runs it (every pack's regimes, the onward rule filter), over the direct
/// transfers of a generated estate: wall and CPU time per round, allocation, the hops built and a checksum of what they carry
/// (so two builds can be compared: the same checksum means the same hops, data and chains).
/// </summary>
internal static class OnwardBench
{
    public static int Run(Options o)
    {
        var rounds = o.Int("rounds", 5);
        if (Commands.EngineAndGeneratedEstate(o) is not var (engine, estate)) return 2;
        var context = new EvaluationContext(Commands.AsOf, estate.Organization);
        var resolved = new FactBuilder(engine.Resolver).Resolve(estate);
        var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(engine.Resolver).Implied(resolved, context)).OfType<TransferFact>().ToList();
        var regimes = OnwardScope.Of(engine.Rules.Rules);
        var transferRules = new RuleSelection(engine.Rules).Transfer;
        var paths = o.Flag("paths");
        var walls = new List<double>();
        var cpus = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            long hops = 0, checksum = 0;
            foreach (var hop in FlowAnalyzer.OnwardHops(direct, regimes, new OnwardRuleFilter(transferRules, workers: 1)))
            {
                hops++;
                checksum = unchecked((checksum * 31) + Checksum(hop, paths));
            }
            var wall = sw.Elapsed.TotalMilliseconds;
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            walls.Add(wall);
            cpus.Add(cpuMs);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {r + 1}: {wall,8:F0} ms wall {cpuMs,8:F0} ms cpu {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0,7:F0} MiB allocated {hops:N0} hops checksum {checksum:X16}"));
        }
        if (o.Flag("phases")) Phases(direct, regimes, transferRules, fullReach: !o.Flag("no-full"));
        if (o.Flag("update")) Update(direct, regimes, transferRules, rounds);
        if (o.Flag("reroute")) OnwardRerouteBench.Run(engine, estate, o.Int("reroutes", 6));
        if (o.Get("edit") is { } edit) OnwardRerouteBench.RunEdit(engine, estate, edit, o.Int("reroutes", 6), o.Int("threads", 1));
        if (rounds == 0) return 0;
        walls.Sort();
        cpus.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ONWARD flows {estate.Flows.Length} direct {direct.Count} median {walls[walls.Count / 2]:F0} ms wall {cpus[cpus.Count / 2]:F0} ms cpu (best {walls[0]:F0})"));
        return 0;
    }

    /// <summary>
    /// The onward index (issue 12) kept between versions: built once, then each round one declared flow's transfer removed
    /// (the other transfers the same objects) and the index updated, against a full search of the same transfers.
    /// </summary>
    private static void Update(List<TransferFact> direct, IReadOnlySet<string>? regimes, CompiledRule[] transferRules, int rounds)
    {
        var index = OnwardIndex.Build(direct, regimes, new OnwardRuleFilter(transferRules, workers: 1));
        for (var r = 0; r < rounds; r++)
        {
            var changed = direct.Where((_, i) => i != 1000 + (r * 7919)).ToList();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var update = index.Update(changed);
            var wall = sw.Elapsed.TotalMilliseconds;
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  update {r + 1}: {wall,8:F0} ms wall {cpuMs,8:F0} ms cpu, {update.RegimesSearched.Count} of {update.Index.Graph.Regimes.Count} regimes searched, {update.Removed.Count:N0} hops removed, {update.Added.Count:N0} added, {update.Index.Count:N0} hops"));
        }
    }

    /// <summary>Where one round's time goes: the graph, each regime's search, its hops (one thread, CPU time).</summary>
    private static void Phases(List<TransferFact> direct, IReadOnlySet<string>? regimes, CompiledRule[] transferRules, bool fullReach)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        long lapAllocated = 0;
        double Lap()
        {
            var now = Process.GetCurrentProcess().TotalProcessorTime;
            var ms = (now - cpu).TotalMilliseconds;
            cpu = now;
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            lapAllocated = bytes - allocated;
            allocated = bytes;
            return ms;
        }
        var graph = new OnwardGraph(direct, regimes);
        var build = Lap();
        var buildBytes = lapAllocated;
        var filter = new OnwardRuleFilter(transferRules, workers: 1);
        filter.Prepare(direct);
        var prepare = Lap();
        var prepareBytes = lapAllocated;
        var scratch = new SearchScratch();
        double search = 0, hops = 0;
        long searchBytes = 0, hopsBytes = 0;
        long count = 0;
        foreach (var regime in graph.Regimes)
        {
            var s = graph.SearchFor(regime, scratch, filter);
            var searched = Lap();
            search += searched;
            searchBytes += lapAllocated;
            var f = scratch.Lots.Footprint;
            var info = GC.GetGCMemoryInfo();
            // The full search's reach, for comparison (outside the timings).
            var full = fullReach ? graph.Search(regime, new SearchScratch()).Order.Length : -1;
            Lap();
            long regimeHops = 0;
            foreach (var _ in s.Hops(filter)) regimeHops++;
            var built = Lap();
            hops += built;
            hopsBytes += lapAllocated;
            count += regimeHops;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {regime,-8} search {searched,6:F0} ms, {regimeHops,9:N0} hops in {built,6:F0} ms; reached {s.Order.Length:N0} (full search {full:N0}) lots {f.Lots:N0} slots {f.SlotsUsed:N0}/{f.Slots:N0} index {f.IndexUsed:N0}/{f.Index:N0} heap {GC.GetTotalMemory(false) / 1048576.0:F0} MiB gc-heap {info.HeapSizeBytes / 1048576.0:F0} MiB peak ws {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB"));
        }
        GC.KeepAlive(graph);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  phases (cpu, allocated on this thread): graph {build:F0} ms {buildBytes / 1048576.0:F1} MiB, filter prepare {prepare:F0} ms {prepareBytes / 1048576.0:F1} MiB, searches {search:F0} ms {searchBytes / 1048576.0:F1} MiB, hops {hops:F0} ms {hopsBytes / 1048576.0:F1} MiB ({count:N0})"));
    }

    /// <summary>A hash of what a hop carries, the same in every process (string hash codes are randomised per process).</summary>
    private static long Checksum(TransferFact hop, bool paths)
    {
        var h = 14695981039346656037UL;
        void Add(string? text)
        {
            foreach (var c in text ?? "\u0000") h = unchecked((h ^ c) * 1099511628211UL);
            h = unchecked((h ^ 0x1f) * 1099511628211UL);
        }
        Add(hop.FromNode);
        Add(hop.ToNode);
        Add(hop.Subject.Name);
        Add(hop.OnwardRegime);
        Add(hop.Hop.ToString(CultureInfo.InvariantCulture));
        Add(hop.Origin?.Name);
        Add(hop.Individuals?.ToString(CultureInfo.InvariantCulture));
        Add(hop.SensitiveIndividuals?.ToString(CultureInfo.InvariantCulture));
        Add(hop.Data.SensitiveIndividualsInferred);
        Add(hop.Data.SensitiveIndividualsUnknown);
        foreach (var list in new[] { hop.Categories, hop.Subjects, hop.SubjectTypes, hop.Designations })
        {
            foreach (var c in list) Add(c);
            Add("|");
        }
        if (paths)
        {
            foreach (var p in hop.Path) Add(p);
        }
        return unchecked((long)h);
    }
}
