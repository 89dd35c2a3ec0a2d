using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace ComplianceEngine.Bench;

/// <summary>
/// <c>bench once --alloc-log</c>: what each phase allocated, by type, from the runtime's allocation ticks (one event about
/// every 100 KB a heap allocates, naming the type of the object that crossed it: a sample, not a count), large-object
/// allocations apart with their size (they are what start background gen-2 collections). Printed after the phase lines.
/// </summary>
internal sealed class AllocLog : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<(int Phase, string Type), long> _bytes = new();
    private readonly List<DateTime> _ends = [];
    private readonly Lock _lock = new();
    private DateTime _start = DateTime.MinValue;

    /// <summary>Allocations from now on belong to the first phase (those before are not counted).</summary>
    public void Start()
    {
        lock (_lock) _start = DateTime.UtcNow;
    }

    /// <summary>The current phase ends now (events arrive later, in batches: each is placed by its own time stamp).</summary>
    public void NextPhase()
    {
        lock (_lock) _ends.Add(DateTime.UtcNow);
    }

    private int PhaseAt(DateTime at)
    {
        lock (_lock)
        {
            if (at < _start) return -1;
            var i = 0;
            while (i < _ends.Count && at >= _ends[i]) i++;
            return i;
        }
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is not { } names || e.Payload is not { } payload) return;
        var type = names.IndexOf("TypeName") is >= 0 and var t ? payload[t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is >= 0 and var a ? Convert.ToInt64(payload[a], CultureInfo.InvariantCulture) : 100_000;
        var large = names.IndexOf("AllocationKind") is >= 0 and var k && Convert.ToInt32(payload[k], CultureInfo.InvariantCulture) == 1;
        if (large && names.IndexOf("ObjectSize") is >= 0 and var z)
            type = string.Create(CultureInfo.InvariantCulture, $"LOH {type} ({Convert.ToInt64(payload[z], CultureInfo.InvariantCulture):N0} B each)");
        var phase = PhaseAt(e.TimeStamp.ToUniversalTime());
        if (phase >= 0) _bytes.AddOrUpdate((phase, type), amount, (_, v) => v + amount);
    }

    /// <summary>The top types of each phase (names by index, in the order they completed).</summary>
    public void Print(IReadOnlyList<string> phases, int top = 30)
    {
        foreach (var g in _bytes.GroupBy(kv => kv.Key.Phase).OrderBy(g => g.Key))
        {
            var phase = g.Key < phases.Count ? phases[g.Key] : "after";
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [alloc-log] {phase}: {g.Sum(kv => kv.Value) / 1048576.0:F1} MiB sampled"));
            foreach (var kv in g.OrderByDescending(kv => kv.Value).Take(top))
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [alloc-log]   {kv.Value / 1048576.0,7:F1} MiB {kv.Key.Type}"));
        }
    }
}
