using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ComplianceEngine.Bench.SideBySide;

/// <summary>
/// CPU time of the whole process (every thread: the contender's, and the GC's it makes work), in nanoseconds. On a
/// machine shared with other work, wall time also counts the time the benchmark waits for a core; CPU time does not.
/// Linux: <c>clock_gettime(CLOCK_PROCESS_CPUTIME_ID)</c>; elsewhere <see cref="Process.TotalProcessorTime"/>.
/// </summary>
internal static class CpuClock
{
    private const int ClockProcessCpuTimeId = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    public static long NowNanoseconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockProcessCpuTimeId, out var t) == 0) return t.Seconds * 1_000_000_000 + t.Nanoseconds;
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime.Ticks * 100;
    }
}
