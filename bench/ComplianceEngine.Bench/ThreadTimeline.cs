using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ComplianceEngine.Bench;

/// <summary>
/// <c>bench once --timeline</c>: what each thread of the process did during a phase, from Linux's per-thread scheduler
/// statistics (<c>/proc/self/task/TID/schedstat</c>: nanoseconds on a CPU), sampled every few milliseconds by a thread of its
/// own. On standard error, per thread of the phase (the calling thread, each evaluation worker, the GC's and the JIT's
/// threads): its CPU time in the phase, the time it was runnable but waiting for a CPU (other threads', or other
/// processes', turn), the time it was blocked (the rest: waiting for work), and a strip of its share of a CPU in each 1/40
/// of the phase ("9" busy all of it, "." not at all), so a wait (workers blocked until the first onward hops) shows where
/// it is. Linux only; elsewhere it prints that it has nothing.
/// </summary>
internal sealed class ThreadTimeline : IDisposable
{
    private const int Strip = 40;
    private readonly Thread _sampler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<(long At, Dictionary<int, (long Cpu, long Waiting)> Cpu)> _samples = [];
    private readonly Dictionary<int, string> _names = [];
    private readonly List<(string Phase, long At)> _marks = [];
    private readonly int _pid = Environment.ProcessId;
    private readonly int _samplerTid;

    public ThreadTimeline(int intervalMs = 10)
    {
        var started = new ManualResetEventSlim();
        var tid = 0;
        _sampler = new Thread(() =>
        {
            tid = CurrentTid();
            started.Set();
            while (!_stop.IsCancellationRequested)
            {
                Sample();
                _stop.Token.WaitHandle.WaitOne(intervalMs);
            }
        })
        { IsBackground = true, Name = "bench timeline" };
        _sampler.Start();
        started.Wait();
        _samplerTid = tid;
    }

    /// <summary>Marks the end of a phase (its start is the previous mark's time).</summary>
    public void Mark(string phase)
    {
        Sample();
        lock (_lock) _marks.Add((phase, Stopwatch.GetTimestamp()));
    }

    /// <summary>Marks the start of the first phase.</summary>
    public void Start() => Mark("");

    private static int CurrentTid()
    {
        try
        {
            return int.Parse(Path.GetFileName(new DirectoryInfo("/proc/thread-self").LinkTarget ?? "0"), CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private readonly Dictionary<int, Microsoft.Win32.SafeHandles.SafeFileHandle> _handles = [];
    private readonly byte[] _buffer = new byte[256];
    private long _listedAt;

    /// <summary>
    /// Each thread's CPU time now. Light on allocation, not to disturb the GC it watches: each thread's schedstat file stays
    /// open and is read again from its start into one buffer; the threads are listed again every 50 ms (and a thread's
    /// name read when it is first seen; a thread that has ended is dropped, so an id reused by a new thread is named again).
    /// </summary>
    private void Sample()
    {
        var at = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            if (_listedAt == 0 || Stopwatch.GetElapsedTime(_listedAt, at).TotalMilliseconds >= 50) List(at);
            var cpu = new Dictionary<int, (long, long)>(_handles.Count);
            List<int>? ended = null;
            foreach (var (tid, handle) in _handles)
            {
                try
                {
                    var n = RandomAccess.Read(handle, _buffer, 0);
                    // "<ns on a CPU> <ns waiting on a run queue> <time slices>"
                    var line = _buffer.AsSpan(0, n);
                    if (System.Buffers.Text.Utf8Parser.TryParse(line, out long ns, out var used)
                        && System.Buffers.Text.Utf8Parser.TryParse(line[(used + 1)..], out long waiting, out _)) cpu[tid] = (ns, waiting);
                }
                catch (IOException)
                {
                    // The thread has ended (its id may be reused by a new thread: listed, opened and named again then).
                    (ended ??= []).Add(tid);
                }
            }
            foreach (var tid in ended ?? [])
            {
                _handles[tid].Dispose();
                _handles.Remove(tid);
            }
            _samples.Add((at, cpu));
        }
    }

    private void List(long at)
    {
        _listedAt = at;
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories("/proc/self/task");
        }
        catch (IOException)
        {
            return;
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }
        var live = new HashSet<int>();
        foreach (var dir in tasks)
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var tid)) continue;
            live.Add(tid);
            if (_handles.ContainsKey(tid)) continue;
            try
            {
                _handles[tid] = File.OpenHandle(Path.Combine(dir, "schedstat"));
                _names[tid] = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
            }
            catch (IOException)
            {
                // The thread ended between the listing and the open.
            }
        }
        foreach (var tid in _handles.Keys.Where(t => !live.Contains(t)).ToList())
        {
            _handles[tid].Dispose();
            _handles.Remove(tid);
        }
    }

    /// <summary>The per-thread view of <paramref name="phase"/> on standard error.</summary>
    public void Print(string phase)
    {
        lock (_lock)
        {
            var end = _marks.FindIndex(m => m.Phase == phase);
            if (end <= 0 || _samples.Count == 0)
            {
                Console.Error.WriteLine($"  [timeline] nothing sampled for {phase}");
                return;
            }
            var (from, to) = (_marks[end - 1].At, _marks[end].At);
            var wall = Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
            var inPhase = _samples.Where(s => s.At >= from && s.At <= to).ToList();
            if (inPhase.Count < 2) return;
            var tids = inPhase.SelectMany(s => s.Cpu.Keys).Distinct().Where(t => t != _samplerTid).ToList();
            var rows = new List<(string Group, string Name, int Tid, double Busy, double Waiting, string Strip)>();
            foreach (var tid in tids)
            {
                var at = new List<(double Ms, double CpuMs)>();
                var (waitFirst, waitLast) = (-1L, 0L);
                foreach (var s in inPhase)
                {
                    if (!s.Cpu.TryGetValue(tid, out var ns)) continue;
                    at.Add((Stopwatch.GetElapsedTime(from, s.At).TotalMilliseconds, ns.Cpu / 1e6));
                    if (waitFirst < 0) waitFirst = ns.Waiting;
                    waitLast = ns.Waiting;
                }
                if (at.Count < 2) continue;
                var busy = at[^1].CpuMs - at[0].CpuMs;
                var waiting = (waitLast - waitFirst) / 1e6;
                if (busy < 1) continue;
                var strip = new StringBuilder(Strip);
                for (var b = 0; b < Strip; b++)
                {
                    var (t0, t1) = (wall * b / Strip, wall * (b + 1) / Strip);
                    var share = (CpuAt(at, t1) - CpuAt(at, t0)) / (t1 - t0);
                    strip.Append(share < 0.05 ? '.' : (char)('0' + Math.Clamp((int)Math.Round(share * 9), 0, 9)));
                }
                var name = _names.GetValueOrDefault(tid, "?");
                rows.Add((GroupOf(tid, name), name, tid, busy, waiting, strip.ToString()));
            }
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  [timeline] {phase}: {wall:F0} ms wall, {inPhase.Count} samples; per thread: CPU ms, ms runnable but waiting for a CPU, blocked ms (the rest of the wall time), share of a CPU in each 1/{Strip} of the phase"));
            foreach (var r in rows.OrderBy(r => r.Group, StringComparer.Ordinal).ThenByDescending(r => r.Busy))
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  [timeline] {r.Group,-8} {r.Name,-16} {r.Tid,7} cpu {r.Busy,7:F0} runnable {r.Waiting,7:F0} blocked {wall - r.Busy - r.Waiting,7:F0} |{r.Strip}|"));
            }
            foreach (var g in rows.GroupBy(r => r.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  [timeline] total {g.Key,-8} cpu {g.Sum(r => r.Busy),7:F0} runnable {g.Sum(r => r.Waiting),7:F0} blocked {g.Sum(r => wall - r.Busy - r.Waiting),7:F0} ms over {g.Count()} threads"));
            }
        }
    }

    /// <summary>A thread's CPU at <paramref name="ms"/> into the phase, interpolated between samples.</summary>
    private static double CpuAt(List<(double Ms, double CpuMs)> at, double ms)
    {
        if (ms <= at[0].Ms) return at[0].CpuMs;
        for (var i = 1; i < at.Count; i++)
        {
            if (at[i].Ms < ms) continue;
            var (a, b) = (at[i - 1], at[i]);
            return b.Ms <= a.Ms ? b.CpuMs : a.CpuMs + ((b.CpuMs - a.CpuMs) * (ms - a.Ms) / (b.Ms - a.Ms));
        }
        return at[^1].CpuMs;
    }

    private string GroupOf(int tid, string name) => tid == _pid ? "calling"
        : name.StartsWith("ComplianceEngin", StringComparison.Ordinal) ? "workers"
        : name.StartsWith("Onward search", StringComparison.Ordinal) ? "search"
        : name.Contains("GC", StringComparison.Ordinal) || name.Contains("BGC", StringComparison.Ordinal) ? "gc"
        : name.Contains("Tiered", StringComparison.Ordinal) ? "jit"
        : name.Contains("TP Worker", StringComparison.Ordinal) ? "pool"
        : "other";

    public void Dispose()
    {
        _stop.Cancel();
        _sampler.Join();
        _stop.Dispose();
        foreach (var handle in _handles.Values) handle.Dispose();
    }
}
