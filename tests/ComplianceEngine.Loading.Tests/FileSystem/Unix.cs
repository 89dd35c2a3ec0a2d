using System.Diagnostics;

namespace ComplianceEngine.Loading.Tests.FileSystem;

/// <summary>Makes the file system objects .NET cannot: FIFOs and names that are not UTF-8.</summary>
internal static class Unix
{
    public static void MakeFifo(string path) => Shell($"mkfifo '{path}'");

    /// <summary>Creates an empty file named <paramref name="prefix"/> + the byte 0xFF + <paramref name="suffix"/> in <paramref name="dir"/>.</summary>
    public static void TouchInvalidUtf8(string dir, string prefix, string suffix) => Shell($"cd '{dir}' && touch \"{prefix}$(printf '\\377'){suffix}\"");

    public static void Shell(string command)
    {
        using var p = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command]) { RedirectStandardError = true })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{command}: {err}");
    }
}
