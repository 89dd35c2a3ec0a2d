using System.Collections.Immutable;
using System.Text.Json;

namespace ComplianceEngine.Reporting;

/// <summary>A finding read back from a JSON report, with its text whole (every <c>{path}</c> and fact filled in).</summary>
public sealed record ReportedFinding(
    string Id,
    string RuleId,
    string Jurisdiction,
    string Severity,
    string Status,
    string RootCause,
    ReportedSubject Subject,
    ImmutableArray<string> Path,
    string Citation,
    string Message,
    string Remediation,
    ImmutableArray<ReportedEvidence> Evidence);

/// <summary>The document a reported finding is about.</summary>
public sealed record ReportedSubject(string Kind, string Name, string File, int Line);

/// <summary>One fact of a reported finding's evidence; <see cref="File"/> is null where its location is not known.</summary>
public sealed record ReportedEvidence(string Fact, string Value, string? File, int Line);

/// <summary>
/// Reads the findings of a JSON report written by any schema version this tool has written (1, 2 and 3), streaming: one
/// finding is parsed at a time, so memory does not grow with the report (beyond schema 3's
/// <c>facts</c> table, which comes before the findings). A report of an unknown schema version, a finding that cites a
/// fact the report does not have, or JSON that is not a report is an <see cref="InvalidDataException"/>; bad
/// JSON is a <see cref="JsonException"/>.
/// </summary>
public static class JsonReportReader
{
    /// <summary>The schema versions this reader knows.</summary>
    public static IReadOnlyList<string> KnownSchemaVersions { get; } = ["1", "2", "3"];

    /// <summary>Every finding of the report in <paramref name="json"/>, in the report's order.</summary>
    public static IEnumerable<ReportedFinding> ReadFindings(Stream json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Read(json);
    }

    private static IEnumerable<ReportedFinding> Read(Stream json)
    {
        var scan = new Scan();
        var buffer = new byte[64 * 1024];
        var filled = 0;
        var final = false;
        var batch = new List<ReportedFinding>();
        while (!final)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, checked(buffer.Length * 2));
            var n = json.Read(buffer, filled, buffer.Length - filled);
            final = n == 0;
            filled += n;
            batch.Clear();
            var consumed = scan.Pump(buffer, filled, final, batch);
            foreach (var f in batch) yield return f;
            Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
            filled -= consumed;
        }
        if (!scan.SawFindings) throw new InvalidDataException("not a JSON report: it has no 'findings' list");
    }

    /// <summary>What the reader knows between buffers: where it is in the report and schema 3's tables.</summary>
    private sealed class Scan
    {
        private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 64 });
        private bool _started;
        private string? _property;   // the top-level property being read
        private string? _list;       // the top-level list being read: findings or facts
        private string? _version;
        private readonly List<(string Fact, string Value, string? File, int Line, bool AtSubject)> _facts = [];

        public bool SawFindings { get; private set; }

        /// <summary>Reads what <paramref name="buffer"/> holds; returns how many bytes were used (the rest is an unfinished value).</summary>
        public int Pump(byte[] buffer, int filled, bool final, List<ReportedFinding> found)
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(0, filled), final, _state);
            while (true)
            {
                var before = reader;
                if (!reader.Read()) break;
                if (!_started)
                {
                    if (reader.TokenType != JsonTokenType.StartObject) throw new InvalidDataException("not a JSON report: it is not an object");
                    _started = true;
                    continue;
                }
                var depth = reader.CurrentDepth;
                if (depth == 1)
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.PropertyName:
                            _property = reader.GetString();
                            break;
                        case JsonTokenType.String when _property == "schemaVersion":
                            _version = reader.GetString();
                            if (!KnownSchemaVersions.Contains(_version))
                                throw new InvalidDataException($"schema version '{_version}' is not one this reader knows ({string.Join(", ", KnownSchemaVersions)})");
                            break;
                        case JsonTokenType.StartArray when _property is "findings" or "facts":
                            _list = _property;
                            SawFindings |= _list == "findings";
                            break;
                        case JsonTokenType.EndArray:
                            _list = null;
                            break;
                    }
                    continue;
                }
                if (depth != 2 || _list is null || reader.TokenType != JsonTokenType.StartObject) continue;

                // One element of a list we read: parse it whole once all of it is in the buffer.
                var start = (int)reader.TokenStartIndex;
                var whole = reader;
                if (!whole.TrySkip())
                {
                    reader = before;
                    break;
                }
                using (var element = JsonDocument.Parse(buffer.AsMemory(start, (int)whole.BytesConsumed - start)))
                {
                    var e = element.RootElement;
                    switch (_list)
                    {
                        case "facts":
                            _facts.Add((Text(e, "fact"), Text(e, "value"), e.TryGetProperty("file", out var file) ? file.GetString() : null,
                                e.TryGetProperty("line", out var line) ? line.GetInt32() : 0, e.TryGetProperty("atSubject", out var at) && at.GetBoolean()));
                            break;
                        default:
                            found.Add(Finding(e));
                            break;
                    }
                }
                reader = whole;
            }
            _state = reader.CurrentState;
            return (int)reader.BytesConsumed;
        }

        private ReportedFinding Finding(JsonElement e)
        {
            var version = _version ?? throw new InvalidDataException("not a JSON report: 'schemaVersion' does not come before 'findings'");
            var id = Text(e, "id");
            var ruleId = Text(e, "ruleId");
            var s = Object(e, "subject");
            var subject = new ReportedSubject(Text(s, "kind"), Text(s, "name"), Text(s, "file"), Number(s, "line"));
            ImmutableArray<string> path = [.. Array(e, "path").EnumerateArray().Select(p => p.GetString() ?? throw Bad("a path name is not text"))];
            var tokens = version != "1";
            var joined = string.Join(" -> ", path);
            string Whole(string text) => tokens ? text.Replace(JsonReportWriter.PathToken, joined, StringComparison.Ordinal) : text;

            var remediation = Text(e, "remediation");

            var evidence = ImmutableArray.CreateBuilder<ReportedEvidence>();
            foreach (var item in Array(e, "evidence").EnumerateArray())
            {
                if (version == "3")
                {
                    if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var index) || index < 0 || index >= _facts.Count)
                        throw Bad($"finding {id} cites fact {item.GetRawText()}, which 'facts' (before the findings) does not have");
                    var fact = _facts[index];
                    evidence.Add(fact.AtSubject ? new ReportedEvidence(fact.Fact, Whole(fact.Value), subject.File, subject.Line)
                        : new ReportedEvidence(fact.Fact, Whole(fact.Value), fact.File, fact.Line));
                }
                else
                {
                    evidence.Add(new ReportedEvidence(Text(item, "fact"), Whole(Text(item, "value")),
                        item.TryGetProperty("file", out var file) ? file.GetString() : null, item.TryGetProperty("line", out var line) ? line.GetInt32() : 0));
                }
            }

            return new ReportedFinding(id, ruleId, Text(e, "jurisdiction"), Text(e, "severity"), Text(e, "status"),
                e.TryGetProperty("rootCause", out var root) && root.ValueKind == JsonValueKind.String ? root.GetString()! : id,
                subject, path, Text(e, "citation"), Whole(Text(e, "message")), Whole(remediation), evidence.ToImmutable());
        }

        private static string Text(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Bad($"'{name}' is missing or not text");

        private static int Number(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : throw Bad($"'{name}' is missing or not a whole number");

        private static JsonElement Object(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : throw Bad($"'{name}' is missing or not an object");

        private static JsonElement Array(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v : throw Bad($"'{name}' is missing or not a list");

        private static InvalidDataException Bad(string message) => new($"not a JSON report finding: {message}");
    }
}
