using System.Diagnostics;
using ComplianceEngine.Core.Evaluation;

namespace ComplianceEngine.Bench;

/// <summary>One measured phase: wall time, bytes allocated during it, and what it produced.</summary>
internal sealed record PhaseResult(string Name, double Milliseconds, double CpuMilliseconds, double GcPauseMilliseconds, int Gen0, int Gen1, int Gen2,
    long AllocatedBytes, long Items, long? LiveHeapBytes);

/// <summary>What one <c>bench once</c> run measured (written as one JSON line for the parent harness).</summary>
internal sealed record RunResult
{
    public required string Mode { get; init; }
    public required int Flows { get; init; }
    public required int Clusters { get; init; }
    public required int Stores { get; init; }
    public required int Recipients { get; init; }
    public required double RulesMilliseconds { get; init; }
    public required int Rules { get; init; }
    public double GenerateMilliseconds { get; init; }
    public required List<PhaseResult> Phases { get; init; }
    public required long Findings { get; init; }
    public required long Facts { get; init; }
    public required long Verdicts { get; init; }
    public long SessionFacts { get; init; }
    public required long JsonBytes { get; init; }
    public required long PeakWorkingSetBytes { get; init; }
    public long PeakBeforeJsonBytes { get; init; }
    public required long AllocatedBytes { get; init; }
    public required bool PeakResetBeforeEvaluation { get; init; }

    /// <summary>The GC latency mode the evaluation ran in (<c>--gc</c>): Batch as <c>compliance check</c> runs, else the runtimeconfig's.</summary>
    public string? GcLatencyMode { get; init; }
    public required string Summary { get; init; }

    public double Measured(params string[] names) => Phases.Where(p => names.Contains(p.Name)).Sum(p => p.Milliseconds);
    public double MeasuredCpu(params string[] names) => Phases.Where(p => names.Contains(p.Name)).Sum(p => p.CpuMilliseconds);
    public double TotalMilliseconds => Phases.Sum(p => p.Milliseconds);
}

/// <summary>
/// Times phases with a stopwatch and counts allocations. It is also the engine's <see cref="IEvaluationObserver"/>:
/// the core reports when each phase completes and never reads a clock itself. With <c>live</c>, a full collection
/// after each phase measures the heap that phase leaves behind (outside the timed window).
/// </summary>
internal sealed class PhaseRecorder : IEvaluationObserver
{
    private readonly bool _live;
    private long _start;
    private long _allocatedAtStart;
    private TimeSpan _cpuAtStart;
    private TimeSpan _pauseAtStart;
    private int _gen0, _gen1, _gen2;

    public PhaseRecorder(bool live)
    {
        _live = live;
        Restart();
    }

    public List<PhaseResult> Phases { get; } = [];

    /// <summary>Told when each phase completes (<c>--alloc-log</c>), so its allocations are the next phase's.</summary>
    public AllocLog? AllocLog { get; init; }

    /// <summary>Told where each phase starts and ends (<c>--timeline</c>).</summary>
    public ThreadTimeline? Timeline { get; init; }

    /// <summary>A phase after which to wait for a line on standard input (<c>--pause-after</c>), e.g. to take a heap dump.</summary>
    public string? PauseAfter { get; init; }

    /// <summary>Starts timing the next phase now.</summary>
    public void Restart()
    {
        if (Phases.Count == 0)
        {
            AllocLog?.Start();
            Timeline?.Start();
        }
        _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
        _pauseAtStart = GC.GetTotalPauseDuration();
        (_gen0, _gen1, _gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        _cpuAtStart = Cpu();
        _start = Stopwatch.GetTimestamp();
    }

    /// <summary>CPU time of the whole process (all threads, GC included), less sensitive than wall time to other load on the machine.</summary>
    private static TimeSpan Cpu()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime;
    }

    /// <summary>Ends the current phase and starts the next.</summary>
    public void Complete(string name, long items)
    {
        var elapsed = Stopwatch.GetElapsedTime(_start);
        var cpu = Cpu() - _cpuAtStart;
        var pause = GC.GetTotalPauseDuration() - _pauseAtStart;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocatedAtStart;
        var (g0, g1, g2) = (GC.CollectionCount(0) - _gen0, GC.CollectionCount(1) - _gen1, GC.CollectionCount(2) - _gen2);
        long? live = _live ? GC.GetTotalMemory(forceFullCollection: true) : null;
        AllocLog?.NextPhase();
        Timeline?.Mark(name);
        Phases.Add(new PhaseResult(name, elapsed.TotalMilliseconds, cpu.TotalMilliseconds, pause.TotalMilliseconds, g0, g1, g2, allocated, items, live));
        if (PauseAfter == name)
        {
            // Outside the timings: a heap dump (dotnet-gcdump collect -p PID) can be taken now; a line on standard input goes on.
            Console.Error.WriteLine($"paused after {name}: process {Environment.ProcessId}; a line on standard input goes on");
            Console.In.ReadLine();
        }
        Restart();
    }

    public void PhaseCompleted(EvaluationPhase phase, long items) => Complete(phase.ToString().ToLowerInvariant(), items);

    /// <summary>Counts the evaluation reports along the way (verdicts, facts that entered a rules session).</summary>
    public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

    public void Counted(string name, long value) => Counts[name] = value;
}

/// <summary>Reads and resets the process's peak resident set (Linux: VmHWM, reset through /proc/self/clear_refs).</summary>
internal static class PeakMemory
{
    public static long Read()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.PeakWorkingSet64;
    }

    /// <summary>
    /// Collects the generator's garbage and resets the peak to the current resident set, so the next peak is about what
    /// runs from now on. (Not an aggressive collection: returning every free page to the OS would make the evaluation pay
    /// page faults that a real run, which reuses the memory its YAML loading freed, does not.)
    /// </summary>
    public static bool Reset()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        try
        {
            // "5" resets the peak resident set size (VmHWM) to the current RSS (Linux 4.0+).
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }
}
