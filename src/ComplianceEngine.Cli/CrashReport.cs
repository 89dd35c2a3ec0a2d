using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Cli;

/// <summary>
/// The last line of defence: an unexpected exception (a bug) becomes one line on standard error naming
/// <see cref="DiagnosticCodes.InternalError"/> and a crash file in the temporary folder holding the stack trace,
/// and exit code <see cref="ExitCode"/>. Never a stack trace on the terminal, never an abort.
/// </summary>
public static class CrashReport
{
    /// <summary>The exit code of an internal error (EX_SOFTWARE of sysexits.h).</summary>
    public const int ExitCode = 70;

    /// <summary>Runs <paramref name="body"/>; an exception escaping it is reported and turned into <see cref="ExitCode"/>.</summary>
    public static int Run(Func<int> body, TextWriter stderr, string[] args, string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            return body();
        }
#pragma warning disable CA1031 // the top-level handler catches everything on purpose
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Report(ex, stderr, args, folder);
        }
    }

    /// <summary>Writes the crash file and the one line; returns <see cref="ExitCode"/>.</summary>
    public static int Report(Exception exception, TextWriter stderr, string[] args, string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(args);
        string where;
        try
        {
            var dir = folder ?? Path.GetTempPath();
            var file = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture,
                $"compliance-crash-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}.txt"));
            var text = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"compliance internal error {DiagnosticCodes.InternalError}")
                .AppendLine(CultureInfo.InvariantCulture, $"version: {typeof(CrashReport).Assembly.GetName().Version}")
                .AppendLine(CultureInfo.InvariantCulture, $"runtime: {RuntimeInformation.FrameworkDescription} on {RuntimeInformation.OSDescription} ({RuntimeInformation.ProcessArchitecture})")
                .AppendLine(CultureInfo.InvariantCulture, $"arguments: {string.Join(' ', args.Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"))}")
                .AppendLine()
                .AppendLine(exception.ToString())
                .ToString();
            using (var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            {
                writer.Write(text);
            }
            where = $"details in {file}";
        }
#pragma warning disable CA1031 // reporting must not fail in turn
        catch (Exception ex)
#pragma warning restore CA1031
        {
            where = $"the details could not be saved ({ex.GetType().Name}); the error was {exception.GetType().Name}: {OneLine(exception.Message)}";
        }
        try
        {
            stderr.WriteLine($"compliance: internal error {DiagnosticCodes.InternalError} ({exception.GetType().Name}), please report it; {where}");
            stderr.Flush();
        }
        catch (IOException)
        {
            // Nowhere left to say it.
        }
        return ExitCode;
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
