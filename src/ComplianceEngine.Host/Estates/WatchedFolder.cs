using System.Collections.Concurrent;
using System.Security.Cryptography;
using ComplianceEngine.Core.Evaluation.Incremental;
using ComplianceEngine.Hosting;
using ComplianceEngine.Hosting.Pipeline;
using ComplianceEngine.Loading;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Server.Estates;

/// <summary>
/// One watched folder in memory: each file's documents (and the diagnostics reading it gave), the files touched since the
/// last read, and the incremental session of its facts. <see cref="Read"/> lists the folder and re-reads only the files
/// that are new or were touched; the documents it returns are what reading the whole folder would give.
/// </summary>
internal sealed class WatchedFolder(string folder, Timer timer)
{
    private readonly Dictionary<string, FilePart> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _touched = new(StringComparer.Ordinal);
    private int _everything;

    /// <summary>The folder (a full path).</summary>
    public string Folder { get; } = folder;

    /// <summary>Fires when the files have settled after a change.</summary>
    public Timer Timer { get; } = timer;

    /// <summary>One evaluation at a time.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The session of the folder's facts, for the engine that made it (null before the first evaluation).</summary>
    public IncrementalEvaluation? Incremental { get; set; }

    /// <summary>How many files the last <see cref="Read"/> read again (the rest were kept).</summary>
    public int LastReread { get; private set; }

    /// <summary>Notes that <paramref name="path"/> changed (a file event). A path that is not a YAML file (a folder) makes the next read re-read everything.</summary>
    public void Touched(string path)
    {
        var full = Path.GetFullPath(path);
        if (DocumentLoader.IsYaml(full) && !Directory.Exists(full)) _touched[full] = 0;
        else Interlocked.Exchange(ref _everything, 1);
    }

    /// <summary>
    /// The folder's documents now, and the content hash of its files (for history): files that are new or were touched
    /// since the last read are read again, the others' documents are kept. Called under <see cref="Gate"/>.
    /// </summary>
    public (LoadedDocuments Loaded, string Hash) Read(WorkspaceLoader loader)
    {
        // Touches are taken before the files are read: a file written while it is read is touched again and read next time.
        var everything = Interlocked.Exchange(ref _everything, 0) == 1;
        var touched = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in _touched.Keys)
        {
            if (_touched.TryRemove(path, out _)) touched.Add(path);
        }

        var bag = new DiagnosticBag();
        var files = loader.Documents.FindInputFiles([Folder], bag);
        var parts = new List<FilePart>(files.Count);
        var present = new HashSet<string>(StringComparer.Ordinal);
        var reread = 0;
        foreach (var file in files)
        {
            var full = Path.GetFullPath(file);
            present.Add(full);
            if (!everything && !touched.Contains(full) && _files.TryGetValue(full, out var kept) && kept.File == file)
            {
                parts.Add(kept);
                continue;
            }
            var fileBag = new DiagnosticBag();
            var hash = HashOf(full);
            var (native, offered) = loader.Documents.LoadFilePart(file, fileBag);
            var part = new FilePart(file, native, offered, fileBag.Sorted(), hash);
            _files[full] = part;
            parts.Add(part);
            reread++;
        }
        foreach (var gone in _files.Keys.Where(k => !present.Contains(k)).ToList()) _files.Remove(gone);
        LastReread = reread;

        var documents = new List<RawDocument>(parts.Sum(p => p.Native.Count));
        foreach (var part in parts) documents.AddRange(part.Native);
        documents.AddRange(loader.Documents.ReadOffered(parts.SelectMany(p => p.Offered), bag));
        var diagnostics = parts.SelectMany(p => p.Diagnostics).Concat(bag.Sorted()).ToList();
        return (new LoadedDocuments(documents, diagnostics), RuleSetVersion.OfContent(parts.Select(p => p.Hash)));
    }

    private static byte[] HashOf(string file)
    {
        try
        {
            return SHA256.HashData(File.ReadAllBytes(file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>What one file gave: its native documents, its offers to the source readers, its diagnostics and its content hash.</summary>
    private sealed record FilePart(string File, IReadOnlyList<RawDocument> Native, IReadOnlyList<Loading.Sources.SourceDocument> Offered,
        IReadOnlyList<Diagnostic> Diagnostics, byte[] Hash);
}
