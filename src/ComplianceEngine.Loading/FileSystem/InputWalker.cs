using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Loading.FileSystem;

/// <summary>
/// Walks input paths once per real file and folder. Folders are identified by device and inode where the platform
/// gives them, else by real path, so a symbolic link loop ends at the link and a second path to a folder or file is
/// read once. Every problem is a diagnostic with the path.
/// </summary>
internal sealed class InputWalker(DiagnosticBag diagnostics, IReadOnlyCollection<string> skipFolders, Func<string, bool> match)
{
    private readonly SortedSet<string> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<object, string> _seen = [];
    private readonly HashSet<string> _given = new(StringComparer.Ordinal);

    /// <summary>The files found, sorted, shown as <see cref="Documents.DocumentLoader.Normalize"/> gives them.</summary>
    public IReadOnlyList<string> Files => [.. _files];

    /// <summary>Adds a path named by the user (a file, a folder, or <c>-</c>).</summary>
    public void Add(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == "-")
        {
            _files.Add(path);
            return;
        }
        if (InputNames.Problem(path) is { } problem)
        {
            var printable = InputNames.Printable(path);
            diagnostics.Error(DiagnosticCodes.BadFileName, $"the path {problem}: {printable}", new SourceLocation(printable, 0, 0));
            return;
        }
        var shown = Documents.DocumentLoader.Normalize(path);
        if (!_given.Add(shown)) return; // the same path twice on the command line
        var at = new SourceLocation(shown, 0, 0);
        var facts = FileProbe.Stat(path, followLinks: true);
        switch (facts.Kind)
        {
            case EntryKind.Missing:
                diagnostics.Error(DiagnosticCodes.FileNotFound, $"no such file or folder: {path}", at);
                break;
            case EntryKind.Unreadable:
                diagnostics.Error(DiagnosticCodes.FileUnreadable, $"cannot read {path}: {facts.Error}", at);
                break;
            case EntryKind.Regular:
                AddFile(path, shown, facts);
                break;
            case EntryKind.Directory:
                Walk(path, facts);
                break;
            default:
                diagnostics.Error(DiagnosticCodes.NotRegularFile, InputFile.NotRegularMessage(path, facts), at);
                break;
        }
    }

    private void AddFile(string path, string shown, FileFacts facts)
    {
        if (FirstVisit(path, shown, facts, "file")) _files.Add(shown);
    }

    private bool FirstVisit(string path, string shown, FileFacts facts, string what)
    {
        object key = facts.Id is { } id ? id : FileProbe.RealPath(path);
        if (_seen.TryGetValue(key, out var first))
        {
            diagnostics.Warning(DiagnosticCodes.ReachedTwice,
                $"the {what} {shown} is {first} again (a symbolic link loop or a second path to it); it is read once", new SourceLocation(shown, 0, 0));
            return false;
        }
        _seen[key] = shown;
        return true;
    }

    private void Walk(string root, FileFacts rootFacts)
    {
        if (!FirstVisit(root, Documents.DocumentLoader.Normalize(root), rootFacts, "folder")) return;
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            var shownDir = Documents.DocumentLoader.Normalize(dir);
            List<string> names;
            try
            {
                names = [.. Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                diagnostics.Error(DiagnosticCodes.FileUnreadable, $"cannot read the folder {shownDir}: {ex.Message}", new SourceLocation(shownDir, 0, 0));
                continue;
            }
            var folders = new List<string>();
            foreach (var name in names)
            {
                if (name.StartsWith('.')) continue;
                var full = Path.Combine(dir, name);
                var facts = FileProbe.Stat(full, followLinks: true);
                var isFolder = facts.Kind == EntryKind.Directory;
                if (InputNames.Problem(name) is { } problem)
                {
                    // A name that is not valid UTF-8 cannot even be opened again through .NET: say so rather than skip it.
                    if (facts.Kind == EntryKind.Regular && !match(name)) continue;
                    var printable = InputNames.Printable(Path.Combine(shownDir, name));
                    diagnostics.Error(DiagnosticCodes.BadFileName, $"the name {problem}: {printable}; rename it", new SourceLocation(printable, 0, 0));
                    continue;
                }
                if (isFolder && skipFolders.Contains(name)) continue;
                if (!isFolder && !match(name)) continue;
                var shown = Documents.DocumentLoader.Normalize(full);
                var at = new SourceLocation(shown, 0, 0);
                switch (facts.Kind)
                {
                    case EntryKind.Directory:
                        if (FirstVisit(full, shown, facts, "folder")) folders.Add(full);
                        break;
                    case EntryKind.Regular:
                        AddFile(full, shown, facts);
                        break;
                    case EntryKind.Missing:
                        diagnostics.Error(DiagnosticCodes.FileNotFound, $"{shown} is a symbolic link to nothing", at);
                        break;
                    case EntryKind.Unreadable:
                        diagnostics.Error(DiagnosticCodes.FileUnreadable, $"cannot read {shown}: {facts.Error}", at);
                        break;
                    default:
                        diagnostics.Error(DiagnosticCodes.NotRegularFile, InputFile.NotRegularMessage(shown, facts), at);
                        break;
                }
            }
            for (var i = folders.Count - 1; i >= 0; i--) pending.Push(folders[i]);
        }
    }
}
