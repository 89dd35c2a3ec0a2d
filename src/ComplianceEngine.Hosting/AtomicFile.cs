using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using ComplianceEngine.Loading.FileSystem;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Hosting;

/// <summary>An output that is refused: it is not a regular file or a new path, or it would replace an input.</summary>
public sealed class OutputRefusedException(string message) : IOException(message);

/// <summary>
/// Writes files atomically: to a temporary file beside the target, named <c>.NAME.compliance-tmp-PID-XXXXXXXX</c>, then
/// renamed over it. A crash never leaves half a report. The temporary file is removed on every exit path the process
/// sees (an exception, SIGINT, SIGTERM, SIGHUP, a normal exit); one left by a killed run (SIGKILL, power loss) is removed
/// by the next write to the same target. Only a new path or an existing regular file is written: a device, FIFO, socket,
/// folder or symbolic link is refused.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>What every temporary file's name holds after the target's name.</summary>
    public const string TempMarker = ".compliance-tmp-";

    private static readonly ConcurrentDictionary<string, byte> InFlight = new(StringComparer.Ordinal);
    private static readonly Lock HookLock = new();
    private static List<PosixSignalRegistration>? s_signals;

    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>.</summary>
    public static void Write(string path, Action<TextWriter> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var facts = FileProbe.Stat(full, followLinks: false);
        if (facts.Kind is not (EntryKind.Missing or EntryKind.Regular))
            throw new OutputRefusedException($"{DiagnosticCodes.OutputRefused}: refusing to write {path}: it is {facts.Describe()}; only a new path or a regular file is written ('-' writes to standard output)");
        var dir = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        Directory.CreateDirectory(dir);
        RemoveStale(dir, name);
        HookExit();
        var unique = Guid.NewGuid().ToString("N")[..8];
        var temp = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $".{name}{TempMarker}{Environment.ProcessId}-{unique}"));
        InFlight[temp] = 0;
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            {
                writer.NewLine = "\n";
                write(writer);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
            InFlight.TryRemove(temp, out _);
        }
    }

    /// <summary>
    /// Removes temporary files of earlier writes to <paramref name="name"/> in <paramref name="dir"/> whose process is gone
    /// (or is this process, which is not writing them). Files of a live process writing the same target are left alone.
    /// </summary>
    public static void RemoveStale(string dir, string name)
    {
        ArgumentNullException.ThrowIfNull(dir);
        ArgumentNullException.ThrowIfNull(name);
        IEnumerable<string> candidates;
        try
        {
            candidates = [.. Directory.EnumerateFiles(dir, "." + name + ".*")];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var file in candidates)
        {
            var rest = Path.GetFileName(file)[(name.Length + 1)..];
            int? pid = null;
            if (rest.StartsWith(TempMarker, StringComparison.Ordinal))
            {
                var digits = rest[TempMarker.Length..].Split('-')[0];
                if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var p)) pid = p;
            }
            else if (LegacyTemp().Match(rest) is { Success: true } legacy)
            {
                // Temporary files of version 0.1 (".NAME.PID.GUID.tmp").
                pid = int.Parse(legacy.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture);
            }
            if (pid is not { } owner || InFlight.ContainsKey(file)) continue;
            if (owner != Environment.ProcessId && IsAlive(owner)) continue;
            if (FileProbe.Stat(file, followLinks: false).Kind == EntryKind.Regular) TryDelete(file);
        }
    }

    [GeneratedRegex(@"^\.([0-9]+)\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex LegacyTemp();

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static void HookExit()
    {
        lock (HookLock)
        {
            if (s_signals is not null) return;
            s_signals = [];
            AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveInFlight();
            if (OperatingSystem.IsWindows()) return;
            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
            {
                // Not cancelled: the signal's usual handling (ending the process) goes on after the files are removed.
                s_signals.Add(PosixSignalRegistration.Create(signal, _ => RemoveInFlight()));
            }
        }
    }

    private static void RemoveInFlight()
    {
        foreach (var temp in InFlight.Keys) TryDelete(temp);
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Removed by the next write to the same target.
        }
    }
}
