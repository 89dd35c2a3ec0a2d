using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using ComplianceEngine.Loading.FileSystem;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Loading.Documents;

/// <summary>
/// Finds YAML files under the given paths, reads them safely, and checks each document's envelope:
/// <c>apiVersion: compliance/v1</c>, a known <c>kind</c>, <c>metadata.name</c>, optional labels, and <c>spec</c>.
/// </summary>
public sealed partial class DocumentLoader
{
    /// <summary>The only API version of the contract.</summary>
    public const string ApiVersion = "compliance/v1";

    private readonly YamlLimits _limits;

    /// <summary>Creates a loader with the given caps, and the reader of source files (Terraform plans, Kubernetes objects...) if any.</summary>
    public DocumentLoader(YamlLimits? limits = null, Sources.ISourceReader? sources = null)
    {
        _limits = limits ?? YamlLimits.Default;
        _sources = sources;
    }

    /// <summary>The path that means standard input.</summary>
    public const string StandardInput = "-";

    /// <summary>
    /// Every <c>.yaml</c>/<c>.yml</c> file under <paramref name="paths"/>, sorted, deduplicated. Folders named in
    /// <paramref name="skipFolders"/> are not entered (e.g. a rule pack's <c>tests</c>).
    /// </summary>
    public static IReadOnlyList<string> FindFiles(IEnumerable<string> paths, DiagnosticBag diagnostics, IReadOnlyCollection<string>? skipFolders = null) =>
        FindFiles(paths, diagnostics, skipFolders, IsYaml);

    /// <summary>
    /// Every file under <paramref name="paths"/> whose name satisfies <paramref name="match"/> (files named directly are
    /// always taken), sorted. Folders are walked once per real folder: a symbolic link loop or a second path to a folder or
    /// file already seen is a warning (CE1005), said once per link, and nothing is read twice. Names that are not valid
    /// UTF-8 or hold control characters (CE1007), entries that are not regular files (CE1004) and folders that cannot be
    /// listed (CE1002) are errors with the path. <c>-</c> stands for standard input.
    /// </summary>
    public static IReadOnlyList<string> FindFiles(IEnumerable<string> paths, DiagnosticBag diagnostics, IReadOnlyCollection<string>? skipFolders, Func<string, bool> match)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(diagnostics);
        ArgumentNullException.ThrowIfNull(match);
        var walker = new InputWalker(diagnostics, skipFolders ?? [], match);
        foreach (var path in paths) walker.Add(path);
        return walker.Files;
    }

    /// <summary>Whether a file name is a YAML document file.</summary>
    public static bool IsYaml(string f) =>
        f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);

    /// <summary>Paths are shown relative to the working directory with forward slashes, so reports do not depend on the machine.</summary>
    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == StandardInput) return path;
        if (path.Contains('\0', StringComparison.Ordinal)) return InputNames.Printable(path); // no such path can exist
        var full = Path.GetFullPath(path);
        var rel = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        if (rel.StartsWith("..", StringComparison.Ordinal) && Path.IsPathRooted(rel)) rel = full;
        return rel.Replace('\\', '/');
    }

    /// <summary>
    /// How many files are read and parsed at once (default: one per processor; 1 reads them one after another). Documents
    /// and diagnostics come out in the order of the files whatever the value.
    /// </summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Whether <see cref="ReadFiles"/>, <see cref="LoadFiles"/> and <see cref="LoadText(string, string, DiagnosticBag)"/>
    /// read <c>Cluster</c>, <c>DataStore</c>, <c>DataFlow</c> and <c>Recipient</c> documents straight from parser events
    /// into records, without a YAML tree of the whole file (default true). Any other document (or one with a mistake in
    /// it) is read from a tree of that document alone; a file with a YAML-level problem (syntax, duplicate key, anchor,
    /// alias, tag, a cap reached) is read through the tree as before. The documents, records and diagnostics are the same
    /// either way (false: always the tree).
    /// </summary>
    public bool ReadRecordsFromEvents { get; init; } = true;

    /// <summary>
    /// With <see cref="ReadRecordsFromEvents"/>, whether a file written in the plain subset of YAML that generated and
    /// exported inventories use (see <see cref="PlainYamlParser"/>) is parsed by the engine's own parser for that subset,
    /// which gives the events YamlDotNet gives at a fraction of the cost (default true). Any other file, and any file with
    /// something to report, is parsed by YamlDotNet as before: the documents, records and diagnostics are the same either way.
    /// </summary>
    public bool ReadPlainYaml { get; init; } = true;

    /// <summary>
    /// When set, receives the SHA-256 of every file this loader reads, from the bytes it parses (the rule-set version of
    /// what was compiled; <see cref="FileDigests"/>). Null (the default): nothing is hashed.
    /// </summary>
    public FileDigests? Digests { get; init; }

    /// <summary>Reads the files into documents; problems go to <paramref name="diagnostics"/>.</summary>
    public IReadOnlyList<RawDocument> LoadFiles(IEnumerable<string> files, DiagnosticBag diagnostics) =>
        [.. ReadFiles([.. files], diagnostics).SelectMany(batch => batch)];

    /// <summary>
    /// Reads the files' documents one file at a time, in file order, while the next files are parsed on other threads (at
    /// most <see cref="MaxDegreeOfParallelism"/> files parsed or waiting ahead of the one handed out; 1: one after
    /// another on the calling thread); the documents the source reader takes come last, as one more batch. Each file's
    /// diagnostics are added to <paramref name="diagnostics"/> as its batch is handed out, exactly as
    /// <see cref="LoadFiles"/> adds them. A caller that reads each batch and lets it go never holds the YAML of every
    /// file at once; one that stops early leaves no file parsing behind it beyond those already started.
    /// </summary>
    public IEnumerable<IReadOnlyList<RawDocument>> ReadFiles(IReadOnlyList<string> files, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(diagnostics);
        return Batches();

        IEnumerable<IReadOnlyList<RawDocument>> Batches()
        {
            var offered = new List<Sources.SourceDocument>();
            var records = ReadRecordsFromEvents;
            var ahead = Math.Max(1, MaxDegreeOfParallelism);
            // No barrier between groups of files: as each file is handed out, the file `ahead` places after it starts,
            // so a small file beside a large one never leaves a core waiting for the group to end.
            // A file is parsed by whoever claims it first: a pool thread, or this thread when it needs the file and no pool
            // thread has begun it (so a caller on a busy pool never waits for a task that has not started).
            var parsing = new Task<ParsedFile?>?[files.Count];
            var claimed = new int[files.Count];
            var stopped = 0;
            void Start(int i)
            {
                if (ahead > 1 && i < files.Count)
                    parsing[i] = Task.Run(() => Volatile.Read(ref stopped) == 0 && Interlocked.Exchange(ref claimed[i], 1) == 0 ? ParseOne(files[i], files[i], records) : null);
            }
            try
            {
                for (var i = 0; i < ahead; i++) Start(i);
                for (var i = 0; i < files.Count; i++)
                {
                    var parsed = Interlocked.Exchange(ref claimed[i], 1) == 0 ? ParseOne(files[i], files[i], records) : parsing[i]!.GetAwaiter().GetResult()!;
                    parsing[i] = null;
                    Start(i + ahead);
                    diagnostics.AddRange(parsed.Diagnostics);
                    if (parsed.Documents is { } read) yield return ReadDocuments(read, parsed.Name, diagnostics, offered);
                    else if (parsed.Nodes is { } nodes) yield return ReadDocuments(nodes, parsed.Name, diagnostics, offered);
                }
            }
            finally
            {
                // Stopped early (or failed): files not yet begun are not parsed.
                Volatile.Write(ref stopped, 1);
            }
            var sourced = ReadSources(offered, diagnostics);
            if (sourced.Count > 0) yield return sourced;
        }
    }

    /// <summary>
    /// Reads and parses <paramref name="files"/>, several at once (<see cref="MaxDegreeOfParallelism"/>), each into a bag of
    /// its own; the results are in the order of <paramref name="files"/>. <paramref name="displayName"/> names a file in
    /// positions (default: as given); a file that cannot be read has no nodes, and its diagnostic names the path as given.
    /// </summary>
    public IReadOnlyList<ParsedFile> ParseFiles(IReadOnlyList<string> files, Func<string, string>? displayName = null) =>
        ParseFiles(files, displayName, records: false);

    /// <summary>
    /// <see cref="ParseFiles(IReadOnlyList{string}, Func{string, string}?)"/>; with <paramref name="records"/>, a file that
    /// <see cref="InventoryEventReader"/> reads cleanly comes back as its documents with their records instead of trees.
    /// </summary>
    private ParsedFile[] ParseFiles(IReadOnlyList<string> files, Func<string, string>? displayName, bool records)
    {
        ArgumentNullException.ThrowIfNull(files);
        var results = new ParsedFile[files.Count];
        void Parse(int i) => results[i] = ParseOne(files[i], displayName is null ? files[i] : displayName(files[i]), records);
        if (files.Count < 2 || MaxDegreeOfParallelism < 2)
        {
            for (var i = 0; i < files.Count; i++) Parse(i);
            return results;
        }
        try
        {
            Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = MaxDegreeOfParallelism }, Parse);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            // A bug while parsing surfaces as itself, as it would one file at a time.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
        }
        return results;
    }

    /// <summary>
    /// Reads and parses one file into a bag of its own, named <paramref name="name"/> in positions; with
    /// <paramref name="records"/>, a file that <see cref="InventoryEventReader"/> reads cleanly comes back as its documents
    /// with their records. A file that cannot be read has no nodes, and its diagnostic names the path as given.
    /// </summary>
    private ParsedFile ParseOne(string file, string name, bool records)
    {
        var bag = new DiagnosticBag();
        // The bytes are rented and given back once the file is parsed: nothing parsed from them keeps them.
        if (ReadBytes(file, bag, _limits.MaxFileBytes, ArrayPool<byte>.Shared) is not { } read) return new ParsedFile(name, null, bag);
        try
        {
            Digests?.Add(file, read);
            if (records && bag.Count == 0)
            {
                // Generated and exported inventories: read by the plain-subset parser, straight from the bytes (the same
                // events as YamlDotNet's); any other file, or one with anything to report, is read by YamlDotNet below.
                if (ReadPlainYaml && InventoryEventReader.TryReadPlain(read, name, _limits) is { } plain)
                    return new ParsedFile(name, null, SaidIfEmpty(plain, name, bag, 0)) { Documents = plain };
                // Parsed from the bytes as they are decoded: no string of the whole file.
                using var reader = Reader(read);
                if (InventoryEventReader.TryRead(reader, name, _limits, bag) is { } documents)
                    return new ParsedFile(name, null, SaidIfEmpty(documents, name, bag, 0)) { Documents = documents };
            }
            var nodes = SafeYamlReader.Read(Decode(read), name, bag, _limits);
            return new ParsedFile(name, nodes, SaidIfEmpty(nodes, name, bag, 0));
        }
        finally
        {
            BoundedInput.Return(read, ArrayPool<byte>.Shared);
        }
    }

    /// <summary>
    /// The documents of one parsed file, as <see cref="LoadText(string, string, DiagnosticBag)"/> reads them: its
    /// diagnostics go to <paramref name="diagnostics"/> first, then those of its documents.
    /// </summary>
    public IReadOnlyList<RawDocument> LoadParsed(ParsedFile parsed, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(diagnostics);
        diagnostics.AddRange(parsed.Diagnostics);
        var offered = new List<Sources.SourceDocument>();
        if (parsed.Documents is { } read) return [.. ReadDocuments(read, parsed.Name, diagnostics, offered), .. ReadSources(offered, diagnostics)];
        if (parsed.Nodes is not { } nodes) return [];
        return [.. ReadDocuments(nodes, parsed.Name, diagnostics, offered), .. ReadSources(offered, diagnostics)];
    }

    /// <summary>
    /// One file's part of <see cref="LoadFiles"/>: its native documents, and the documents it offers the source readers
    /// (which read every file's offers together, <see cref="ReadOffered"/>). For a caller that keeps each file's documents
    /// and re-reads only the file that changed: the parts of the files in order, then <see cref="ReadOffered"/> over all
    /// their offers, are what <see cref="LoadFiles"/> returns.
    /// </summary>
    public (IReadOnlyList<RawDocument> Native, IReadOnlyList<Sources.SourceDocument> Offered) LoadFilePart(string file, DiagnosticBag diagnostics)
    {
        var offered = new List<Sources.SourceDocument>();
        var text = ReadText(file, diagnostics);
        return text is null ? ([], []) : (LoadText(text, file, diagnostics, offered), offered);
    }

    /// <summary>The documents the source readers make of the files' offers (see <see cref="LoadFilePart"/>).</summary>
    public IReadOnlyList<RawDocument> ReadOffered(IEnumerable<Sources.SourceDocument> offered, DiagnosticBag diagnostics) =>
        ReadSources([.. offered], diagnostics);

    /// <summary>
    /// Reads the text of one file, capped at <see cref="YamlLimits.MaxFileBytes"/> bytes actually read. Only regular files
    /// are opened (a device, FIFO or socket is CE1004); <c>-</c> reads standard input, under the same cap.
    /// </summary>
    public string? ReadText(string file, DiagnosticBag diagnostics)
    {
        if (ReadBytes(file, diagnostics, _limits.MaxFileBytes) is not { } bytes) return null;
        Digests?.Add(file, bytes);
        return Decode(bytes);
    }

    /// <summary>Reads the text of one file, capped at <paramref name="maxBytes"/> bytes actually read.</summary>
    public static string? ReadText(string file, DiagnosticBag diagnostics, long maxBytes) =>
        ReadBytes(file, diagnostics, maxBytes) is { } bytes ? Decode(bytes) : null;

    /// <summary>The bytes of one file, capped at <paramref name="maxBytes"/> bytes actually read; null with a diagnostic when it cannot be read.</summary>
    private static ArraySegment<byte>? ReadBytes(string file, DiagnosticBag diagnostics, long maxBytes, ArrayPool<byte>? pool = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var at = new SourceLocation(file, 0, 0);
        try
        {
            using var stream = InputFile.Open(file, diagnostics, out var sizeHint);
            if (stream is null) return null;
            var bytes = BoundedInput.ReadAll(stream, maxBytes, sizeHint, pool);
            if (bytes is null)
            {
                diagnostics.Error(DiagnosticCodes.FileTooLarge, $"file is larger than the limit of {maxBytes:N0} bytes", at);
                return null;
            }
            return bytes;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(DiagnosticCodes.FileUnreadable, $"cannot read file: {ex.Message}", at);
            return null;
        }
    }

    /// <summary>The text of a file's bytes: UTF-8, or the encoding its byte order mark names.</summary>
    private static StreamReader Reader(ArraySegment<byte> read) =>
        new(new MemoryStream(read.Array!, read.Offset, read.Count, writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);

    private static string Decode(ArraySegment<byte> read)
    {
        using var reader = Reader(read);
        return reader.ReadToEnd();
    }

    /// <summary>Reads documents from YAML text named <paramref name="file"/>.</summary>
    public IReadOnlyList<RawDocument> LoadText(string text, string file, DiagnosticBag diagnostics)
    {
        var offered = new List<Sources.SourceDocument>();
        return [.. LoadText(text, file, diagnostics, offered), .. ReadSources(offered, diagnostics)];
    }

    /// <summary>
    /// Reads native documents; documents for the source reader are added to <paramref name="offered"/>. Read from parser
    /// events where the text allows it (<see cref="ReadRecordsFromEvents"/>), else through the tree: the same documents,
    /// records and diagnostics either way, under the same caps.
    /// </summary>
    private List<RawDocument> LoadText(string text, string file, DiagnosticBag diagnostics, List<Sources.SourceDocument> offered)
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = diagnostics.ErrorCount;
        if (ReadRecordsFromEvents)
        {
            using var reader = new StringReader(text);
            if (InventoryEventReader.TryRead(reader, file, _limits, diagnostics) is { } read)
                return ReadDocuments(read, file, SaidIfEmpty(read, file, diagnostics, errors), offered);
        }
        var nodes = SafeYamlReader.Read(text, file, diagnostics, _limits);
        return ReadDocuments(nodes, file, SaidIfEmpty(nodes, file, diagnostics, errors), offered);
    }

    /// <summary>
    /// A file that parsed cleanly (no error in <paramref name="diagnostics"/> past <paramref name="errorsBefore"/>) but holds no
    /// document at all, only comments, blank lines or '---' markers, is said (CE1016) rather than read as "nothing here":
    /// a truncated export or a half-saved file would otherwise take its documents out of the check without a word.
    /// </summary>
    private static DiagnosticBag SaidIfEmpty(IReadOnlyList<EventDocument> documents, string file, DiagnosticBag diagnostics, int errorsBefore)
    {
        foreach (var d in documents)
            if (d.Record is not null || d.Node is not YamlScalar { IsNull: true }) return diagnostics;
        return SayEmpty(file, diagnostics, errorsBefore);
    }

    private static DiagnosticBag SaidIfEmpty(IReadOnlyList<YamlNode> nodes, string file, DiagnosticBag diagnostics, int errorsBefore)
    {
        foreach (var node in nodes)
            if (node is not YamlScalar { IsNull: true }) return diagnostics;
        return SayEmpty(file, diagnostics, errorsBefore);
    }

    private static DiagnosticBag SayEmpty(string file, DiagnosticBag diagnostics, int errorsBefore)
    {
        if (diagnostics.ErrorCount == errorsBefore)
            diagnostics.Warning(DiagnosticCodes.FileHoldsNoDocuments,
                "the file holds no document (it is empty, or only comments and '---' markers): nothing in it is read or judged",
                new SourceLocation(file, 1, 1));
        return diagnostics;
    }

    /// <summary>
    /// The documents of a file read from parser events, as <see cref="ReadDocuments(IReadOnlyList{YamlNode}, string, DiagnosticBag, List{Sources.SourceDocument})"/>
    /// reads its trees: records as they are, every other document's tree through the same envelope (and source reader).
    /// </summary>
    private List<RawDocument> ReadDocuments(IReadOnlyList<EventDocument> documents, string file, DiagnosticBag diagnostics, List<Sources.SourceDocument> offered)
    {
        var result = new List<RawDocument>(documents.Count);
        var index = 0;
        foreach (var d in documents)
        {
            if (d.Record is { } record)
            {
                // A native document of a known kind: never offered to the source reader, but counted as the tree path counts it.
                index++;
                result.Add(record);
                continue;
            }
            ReadDocument(d.Node!, file, ref index, diagnostics, offered, result);
        }
        return result;
    }

    /// <summary>Reads the envelopes of a file's parsed documents; documents for the source reader are added to <paramref name="offered"/>.</summary>
    private List<RawDocument> ReadDocuments(IReadOnlyList<YamlNode> nodes, string file, DiagnosticBag diagnostics, List<Sources.SourceDocument> offered)
    {
        var result = new List<RawDocument>();
        var index = 0;
        foreach (var node in nodes) ReadDocument(node, file, ref index, diagnostics, offered, result);
        return result;
    }

    /// <summary>One document's tree: skipped when empty, offered to the source reader, or its envelope read into <paramref name="result"/>.</summary>
    private void ReadDocument(YamlNode node, string file, ref int index, DiagnosticBag diagnostics, List<Sources.SourceDocument> offered, List<RawDocument> result)
    {
        if (node is YamlScalar { IsNull: true }) return; // an empty document between '---' markers
        if (Offer(node, file, index++, offered, diagnostics)) return;
        if (node is not YamlMapping map)
        {
            diagnostics.Error(DiagnosticCodes.NotADocument, $"a document must be a mapping with apiVersion, kind, metadata and spec; got {node.TypeName}", node.Location);
            return;
        }
        var doc = ReadEnvelope(map, diagnostics);
        if (doc is not null) result.Add(doc);
    }

    private static RawDocument? ReadEnvelope(YamlMapping map, DiagnosticBag diagnostics)
    {
        var root = new MapReader(map, diagnostics, "document");
        var api = root.String("apiVersion", required: true);
        var kind = root.String("kind", required: true);
        var metadata = root.Map("metadata", required: true);
        var specNode = root.Node("spec");
        root.Finish();

        if (api is not null && api != ApiVersion)
        {
            diagnostics.Error(DiagnosticCodes.UnsupportedApiVersion, $"apiVersion '{api}' is not supported; use '{ApiVersion}'", root.LocationOf("apiVersion"));
        }
        if (kind is null || metadata is null) return null;
        if (!DocumentKind.All.Contains(kind))
        {
            diagnostics.Error(DiagnosticCodes.UnknownKind, $"unknown kind '{kind}'{MapReader.Suggest(kind, DocumentKind.All)}", root.LocationOf("kind"));
            return null;
        }

        var name = metadata.String("name", required: true);
        var labels = metadata.ScalarMap("labels");
        metadata.Accept("annotations");
        metadata.Finish();
        if (name is null) return null;
        if (name.Length == 0)
        {
            diagnostics.Error(DiagnosticCodes.InvalidValue, "metadata.name must not be empty", metadata.LocationOf("name"));
            return null;
        }

        var context = $"{kind} '{name}'";
        MapReader spec;
        if (specNode is YamlMapping specMap)
        {
            spec = new MapReader(specMap, diagnostics, context);
        }
        else
        {
            if (specNode is not null)
                diagnostics.Error(DiagnosticCodes.WrongType, $"{context}: 'spec' must be a mapping, got {specNode.TypeName}", specNode.Location);
            else
                diagnostics.Error(DiagnosticCodes.MissingField, $"{context}: missing required field 'spec'", map.Location);
            return null;
        }
        // A RulePack's spec.attributes declares the attributes its rules read (RuleReader); a DataCategory has none
        // (no rule reads them, so one written there is an unknown field); other kinds carry values.
        var (attributes, attributeLocations) = kind is DocumentKind.RulePack or DocumentKind.DataCategory
            ? (ImmutableSortedDictionary<string, string>.Empty, ImmutableSortedDictionary<string, SourceLocation>.Empty)
            : spec.ScalarMapWithLocations("attributes");
        var info = new DocumentInfo(kind, name, labels, attributes, map.Location) { AttributeLocations = attributeLocations };
        return new RawDocument(info, spec);
    }
}
