using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Loading.FileSystem;

/// <summary>Opens inputs for reading: regular files only, or standard input when the path is <c>-</c>.</summary>
public static class InputFile
{
    /// <summary>
    /// A stream over <paramref name="path"/>, or null with a diagnostic: a missing path (CE1001), a name that is not
    /// valid UTF-8 or holds control characters (CE1007), a device, FIFO or socket (CE1004), or an unreadable path (CE1002).
    /// The file is examined before it is opened, so a FIFO never blocks and a device is never read.
    /// </summary>
    /// <param name="sizeHint">The size the file system reports: a hint for buffers, never a bound.</param>
    public static Stream? Open(string path, DiagnosticBag diagnostics, out long sizeHint)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(diagnostics);
        sizeHint = 0;
        var at = new SourceLocation(InputNames.Printable(path), 0, 0);
        if (path == "-") return Console.OpenStandardInput();
        if (InputNames.Problem(path) is { } problem)
        {
            diagnostics.Error(DiagnosticCodes.BadFileName, $"the path {problem}: {InputNames.Printable(path)}", at);
            return null;
        }
        var facts = FileProbe.Stat(path, followLinks: true);
        switch (facts.Kind)
        {
            case EntryKind.Regular:
                break;
            case EntryKind.Missing:
                diagnostics.Error(DiagnosticCodes.FileNotFound, $"no such file: {path}", at);
                return null;
            case EntryKind.Unreadable:
                diagnostics.Error(DiagnosticCodes.FileUnreadable, $"cannot read {path}: {facts.Error}", at);
                return null;
            default:
                diagnostics.Error(DiagnosticCodes.NotRegularFile, NotRegularMessage(path, facts), at);
                return null;
        }
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        try
        {
            sizeHint = stream.Length;
        }
        catch (IOException)
        {
            sizeHint = 0;
        }
        return stream;
    }

    /// <summary>The message for an input that is not a regular file.</summary>
    public static string NotRegularMessage(string path, FileFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return facts.Kind == EntryKind.Directory
            ? $"{path} is a folder, not a file"
            : $"{path} is {facts.Describe()}, not a regular file; only regular files are read (use '-' to read standard input)";
    }
}
