using System.Diagnostics.Tracing;
using System.Globalization;

namespace ComplianceEngine.Bench;

/// <summary>
/// <c>bench once --gc-log</c>: one line per garbage collection on standard error (seconds since the start, index,
/// generation, blocking/background, reason, the pause, and the heap's generation sizes after it), from the runtime's own
/// GC events, so a phase's GC pauses can be told apart (a gen-1 collection promoting a chunk's findings, a background
/// gen-2, a blocking gen-2 compaction) without a trace file and a tool to read it.
/// </summary>
internal sealed class GcLog : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly DateTime _start0 = DateTime.UtcNow;
    private readonly Lock _lock = new();
    private DateTime? _suspendedAt;
    private string _start = "";

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Informational, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        lock (_lock)
        {
            switch (e.EventName)
            {
                case "GCSuspendEEBegin_V1":
                    // Events reach a listener later, in batches: times are the events' own.
                    _suspendedAt = e.TimeStamp;
                    break;
                case "GCStart_V2":
                    _start = string.Create(CultureInfo.InvariantCulture,
                        $"gc {Payload(e, "Count")} gen{Payload(e, "Depth")} {Type(Payload(e, "Type"))} reason {Reason(Payload(e, "Reason"))}");
                    break;
                case "GCRestartEEEnd_V1" when _suspendedAt is { } suspended:
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  [gc-log {At(e),7:F2} s] pause {(e.TimeStamp - suspended).TotalMilliseconds,7:F1} ms {_start}"));
                    _suspendedAt = null;
                    break;
                case "GCHeapStats_V2":
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  [gc-log {At(e),7:F2} s] after: gen0 {Mib(e, "GenerationSize0")} gen1 {Mib(e, "GenerationSize1")} gen2 {Mib(e, "GenerationSize2")} loh {Mib(e, "GenerationSize3")} poh {Mib(e, "GenerationSize4")} MiB; promoted gen0 {Mib(e, "TotalPromotedSize0")} gen1 {Mib(e, "TotalPromotedSize1")} MiB"));
                    break;
            }
        }
    }

    private double At(EventWrittenEventArgs e) => (e.TimeStamp.ToUniversalTime() - _start0).TotalSeconds;

    private static object? Payload(EventWrittenEventArgs e, string name)
    {
        var i = e.PayloadNames?.IndexOf(name) ?? -1;
        return i >= 0 ? e.Payload![i] : null;
    }

    private static string Mib(EventWrittenEventArgs e, string name) =>
        Payload(e, name) is { } v ? (Convert.ToDouble(v, CultureInfo.InvariantCulture) / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) : "?";

    private static string Type(object? type) => Convert.ToInt32(type, CultureInfo.InvariantCulture) switch
    {
        0 => "blocking",
        1 => "background",
        2 => "foreground",
        var t => $"type{t}",
    };

    private static string Reason(object? reason) => Convert.ToInt32(reason, CultureInfo.InvariantCulture) switch
    {
        0 => "alloc-small",
        1 => "induced",
        2 => "low-memory",
        3 => "empty",
        4 => "alloc-large",
        5 => "oos-small",
        6 => "oos-large",
        7 => "induced-noforce",
        8 => "stress",
        9 => "low-memory-host",
        10 => "induced-compacting",
        11 => "low-memory-host-blocking",
        12 => "bgc-tuning-soh",
        13 => "bgc-tuning-loh",
        14 => "bgc-stepping",
        15 => "induced-aggressive",
        var r => $"r{r}",
    };
}
