using System.CommandLine;
using System.Globalization;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Cli.Commands;

/// <summary>Options shared by several commands, and their parsing.</summary>
internal static class CommonOptions
{
    public static Option<string?> AsOf() => new("--as-of")
    {
        Description = "Apply the law as of this date (YYYY-MM-DD); default: today (UTC)",
    };

    /// <summary>The --as-of date, or today from the clock (SOURCE_DATE_EPOCH honoured for reproducible runs).</summary>
    public static bool TryGetAsOf(string? text, TimeProvider clock, TextWriter error, out DateOnly asOf)
    {
        if (text is null)
        {
            asOf = DateOnly.FromDateTime(Now(clock).UtcDateTime);
            return true;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out asOf)) return true;
        error.WriteLine($"compliance: error {DiagnosticCodes.InvalidParameter}: --as-of '{text}' is not a date like 2026-01-26");
        return false;
    }

    /// <summary>The current time; <c>SOURCE_DATE_EPOCH</c> (seconds since 1970) pins it for reproducible reports.</summary>
    public static DateTimeOffset Now(TimeProvider clock) => Hosting.ComplianceClock.Now(clock);

    /// <summary>
    /// Writes a report atomically; an operating-system failure (a folder, no permission, a full disk) is one line with a
    /// code and the path, never the runtime's exception text. False when nothing was written.
    /// </summary>
    public static bool TryWrite(string path, Action<TextWriter> write, TextWriter error)
    {
        string? problem;
        try
        {
            Hosting.AtomicFile.Write(path, write);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            problem = Directory.Exists(path) ? "it is a folder" : "permission denied";
        }
        catch (DirectoryNotFoundException)
        {
            problem = "its folder does not exist";
        }
        catch (PathTooLongException)
        {
            problem = "the path is too long";
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            problem = "no space left on the device";
        }
        catch (IOException)
        {
            problem = Directory.Exists(path) ? "it is a folder" : "the file system refused the write";
        }
        error.WriteLine($"compliance: error {DiagnosticCodes.OutputUnwritable}: cannot write {path}: {problem}");
        return false;
    }

    // ENOSPC (28) on Unix, ERROR_DISK_FULL (112) and ERROR_HANDLE_DISK_FULL (39) on Windows.
    private static bool IsDiskFull(IOException ex) => (ex.HResult & 0xFFFF) is 28 or 39 or 112;

    /// <summary>Prints diagnostics as <c>file:line:col: error CODE: message</c>.</summary>
    public static void Print(IEnumerable<Diagnostic> diagnostics, TextWriter error)
    {
        foreach (var d in diagnostics) error.WriteLine(d.ToString());
    }
}
