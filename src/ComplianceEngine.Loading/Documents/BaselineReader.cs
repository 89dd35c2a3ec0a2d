using System.Text.Json;
using ComplianceEngine.Loading.FileSystem;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Loading.Documents;

/// <summary>
/// Reads a baseline: a JSON report written earlier (by <c>--format json</c> or <c>--write-baseline</c>). The file is
/// streamed through a fixed buffer and only the finding ids are kept, so memory does not grow with the report's text;
/// the bytes actually read are capped.
/// </summary>
public static class BaselineReader
{
    /// <summary>
    /// The largest baseline read, in bytes (4 GiB). A baseline is streamed, so this bounds time, not memory; the report of
    /// an estate of 100,000 flows is about 140 MB (schema 3; 700 MB in schema 1). Reports of every schema version (1, 2, 3)
    /// read: only <c>findings[*].id</c> is used. Any other <c>schemaVersion</c> is refused (CE5006): its ids may be made
    /// another way.
    /// </summary>
    public const long DefaultMaxBytes = 4L * 1024 * 1024 * 1024;

    private const int ChunkBytes = 64 * 1024;

    /// <summary>The report schema versions whose finding ids a baseline may hold (every version this engine has written).</summary>
    public static IReadOnlyList<string> SchemaVersions { get; } = ["1", "2", "3"];

    /// <summary>The fingerprints of the findings in the baseline, or null with a diagnostic.</summary>
    public static HashSet<string>? Read(string path, DiagnosticBag diagnostics) => Read(path, diagnostics, DefaultMaxBytes);

    /// <summary>The fingerprints of the findings in the baseline, reading at most <paramref name="maxBytes"/> bytes.</summary>
    public static HashSet<string>? Read(string path, DiagnosticBag diagnostics, long maxBytes) => ReadBaseline(path, diagnostics, maxBytes)?.Ids;

    /// <summary>
    /// The baseline: its findings' fingerprints and the rule-set version it was made under (the report's top-level
    /// <c>ruleSetVersion</c>; null in a report written before the field existed, or by an embedder), or null with a diagnostic.
    /// </summary>
    public static Baseline? ReadBaseline(string path, DiagnosticBag diagnostics) => ReadBaseline(path, diagnostics, DefaultMaxBytes);

    /// <summary>The baseline (see <see cref="ReadBaseline(string, DiagnosticBag)"/>), reading at most <paramref name="maxBytes"/> bytes.</summary>
    public static Baseline? ReadBaseline(string path, DiagnosticBag diagnostics, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var at = new SourceLocation(DocumentLoader.Normalize(path), 0, 0);
        try
        {
            using var stream = InputFile.Open(path, diagnostics, out _);
            if (stream is null) return null;
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var problem = Scan(stream, maxBytes, ids, out var ruleSetVersion);
            if (problem is not null)
            {
                diagnostics.Error(problem.Value.Code, problem.Value.Message, at);
                return null;
            }
            return new Baseline(ids, ruleSetVersion, at);
        }
        catch (JsonException ex)
        {
            diagnostics.Error(DiagnosticCodes.BaselineInvalid, $"the baseline is not valid JSON: {ex.Message}",
                new SourceLocation(at.File, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1));
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Error(DiagnosticCodes.FileUnreadable, $"cannot read the baseline: {ex.Message}", at);
            return null;
        }
    }

    /// <summary>Streams the JSON and collects <c>findings[*].id</c>; returns the first problem, if any.</summary>
    private static (string Code, string Message)? Scan(Stream stream, long maxBytes, HashSet<string> ids, out string? ruleSetVersion)
    {
        ruleSetVersion = null;
        const string NotAReport = "a baseline is a JSON report with a 'findings' list";
        var buffer = new byte[ChunkBytes];
        var filled = 0;
        long total = 0;
        var final = false;
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 32 });
        var started = false;
        var findingsNext = false;   // the property name 'findings' was just read at the top level
        var versionNext = false;    // the property name 'schemaVersion' was just read at the top level
        var ruleSetNext = false;    // the property name 'ruleSetVersion' was just read at the top level
        var inFindings = false;     // inside the top-level findings list
        var sawFindings = false;
        var idNext = false;         // the property name 'id' was just read inside a finding
        var findingHasId = false;
        while (true)
        {
            if (!final)
            {
                if (filled == buffer.Length)
                {
                    // One token longer than the buffer: grow it, within the cap.
                    if (buffer.Length >= maxBytes) return (DiagnosticCodes.FileTooLarge, $"the baseline is larger than the limit of {maxBytes:N0} bytes");
                    Array.Resize(ref buffer, (int)Math.Min(Math.Min((long)buffer.Length * 2, maxBytes + 1), Array.MaxLength));
                }
                var n = stream.Read(buffer, filled, buffer.Length - filled);
                if (n == 0) final = true;
                filled += n;
                total += n;
                if (total > maxBytes) return (DiagnosticCodes.FileTooLarge, $"the baseline is larger than the limit of {maxBytes:N0} bytes");
            }
            var reader = new Utf8JsonReader(buffer.AsSpan(0, filled), final, state);
            while (reader.Read())
            {
                var depth = reader.CurrentDepth;
                var token = reader.TokenType;
                if (!started)
                {
                    if (token != JsonTokenType.StartObject) return (DiagnosticCodes.BaselineInvalid, NotAReport);
                    started = true;
                    continue;
                }
                if (findingsNext)
                {
                    findingsNext = false;
                    if (token != JsonTokenType.StartArray) return (DiagnosticCodes.BaselineInvalid, NotAReport);
                    inFindings = true;
                    sawFindings = true;
                    continue;
                }
                if (versionNext)
                {
                    versionNext = false;
                    if (token != JsonTokenType.String)
                        return (DiagnosticCodes.BaselineInvalid, $"the baseline's schemaVersion must be a string, one of {string.Join(", ", SchemaVersions)}");
                    var version = reader.GetString()!;
                    if (!SchemaVersions.Contains(version))
                        return (DiagnosticCodes.BaselineInvalid,
                            $"the baseline is a report of schema version '{version}', which this engine does not read (it reads {string.Join(", ", SchemaVersions)}): " +
                            "write the baseline again with this version (--write-baseline)");
                    continue;
                }
                if (ruleSetNext)
                {
                    ruleSetNext = false;
                    // Fail closed: a version that is not a string cannot be compared, so it is not read as "the same rules".
                    if (token == JsonTokenType.String) ruleSetVersion = reader.GetString();
                    else if (token != JsonTokenType.Null) return (DiagnosticCodes.BaselineInvalid, "the baseline's ruleSetVersion must be a string (or null)");
                    continue;
                }
                if (depth == 1 && token == JsonTokenType.PropertyName && !inFindings)
                {
                    findingsNext = reader.ValueTextEquals("findings"u8);
                    versionNext = reader.ValueTextEquals("schemaVersion"u8);
                    ruleSetNext = reader.ValueTextEquals("ruleSetVersion"u8);
                    continue;
                }
                if (!inFindings) continue;
                if (depth == 1 && token == JsonTokenType.EndArray)
                {
                    inFindings = false;
                    continue;
                }
                if (depth == 2)
                {
                    if (token == JsonTokenType.StartObject) findingHasId = false;
                    else if (token == JsonTokenType.EndObject && !findingHasId) return (DiagnosticCodes.BaselineInvalid, "every baseline finding needs a string 'id'");
                    else if (token is not (JsonTokenType.StartObject or JsonTokenType.EndObject)) return (DiagnosticCodes.BaselineInvalid, "every baseline finding needs a string 'id'");
                    continue;
                }
                if (idNext)
                {
                    idNext = false;
                    if (token != JsonTokenType.String) return (DiagnosticCodes.BaselineInvalid, "every baseline finding needs a string 'id'");
                    ids.Add(reader.GetString()!);
                    findingHasId = true;
                    continue;
                }
                if (depth == 3 && token == JsonTokenType.PropertyName) idNext = reader.ValueTextEquals("id"u8);
            }
            state = reader.CurrentState;
            var consumed = (int)reader.BytesConsumed;
            if (final) break;
            Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
            filled -= consumed;
        }
        return sawFindings ? null : (DiagnosticCodes.BaselineInvalid, NotAReport);
    }
}

/// <summary>
/// A baseline: the fingerprints of the findings it holds, the rule-set version of the run that wrote it (null when it
/// does not say), and where it was read from.
/// </summary>
public sealed record Baseline(HashSet<string> Ids, string? RuleSetVersion, SourceLocation Location);
