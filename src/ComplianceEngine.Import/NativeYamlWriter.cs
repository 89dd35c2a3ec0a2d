using System.Text;
using System.Text.Json;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Loading.Yaml;

namespace ComplianceEngine.Import;

/// <summary>
/// Writes imported documents as native <c>compliance/v1</c> YAML (<c>compliance import</c>): one file per source file,
/// each document preceded by a comment naming its source file, line and JSON pointer. Strings are double-quoted (JSON
/// escaping, valid YAML), numbers and booleans plain, so reading the output gives the same values back.
/// </summary>
public static class NativeYamlWriter
{
    /// <summary>The output file name for a source file: <c>plans/prod.json</c> -> <c>plans-prod.json.yaml</c>.</summary>
    public static string OutputName(string sourceFile) =>
        sourceFile.Replace("../", "", StringComparison.Ordinal).Replace('/', '-').Replace('\\', '-').TrimStart('-', '.') + ".yaml";

    /// <summary>Groups documents by the source file they came from, in a stable order.</summary>
    public static IReadOnlyList<(string SourceFile, IReadOnlyList<ImportedDocument> Documents)> BySource(IEnumerable<ImportedDocument> documents) =>
        [.. documents.GroupBy(d => d.Source.File, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<ImportedDocument>)[.. g]))];

    /// <summary>Writes the documents of one source file.</summary>
    public static void Write(string sourceFile, IEnumerable<ImportedDocument> documents, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write($"# Imported by `compliance import` from {sourceFile}. Re-run the import after changing the source.\n");
        foreach (var doc in documents)
        {
            writer.Write("---\n");
            var s = doc.Source;
            writer.Write($"# source: {s.File}:{s.Line}:{s.Column}{(s.Pointer is { } p ? $" #{p}" : "")} ({doc.Reader})\n");
            WriteMapping(doc.Document, writer, 0);
        }
    }

    private static void WriteMapping(YamlMapping map, TextWriter w, int indent)
    {
        foreach (var (key, value) in map.Entries)
        {
            w.Write(new string(' ', indent));
            w.Write(Key(key.Name));
            w.Write(':');
            WriteValue(value, w, indent);
        }
    }

    private static void WriteValue(YamlNode value, TextWriter w, int indent)
    {
        switch (value)
        {
            case YamlScalar s:
                w.Write(' ');
                w.Write(Scalar(s));
                w.Write('\n');
                break;
            case YamlSequence { Items.Length: 0 }:
                w.Write(" []\n");
                break;
            case YamlMapping { Entries.Length: 0 }:
                w.Write(" {}\n");
                break;
            case YamlSequence seq when seq.Items.All(i => i is YamlScalar):
                w.Write(" [");
                w.Write(string.Join(", ", seq.Items.Cast<YamlScalar>().Select(Scalar)));
                w.Write("]\n");
                break;
            case YamlSequence seq:
                w.Write('\n');
                foreach (var item in seq.Items)
                {
                    w.Write(new string(' ', indent + 2));
                    w.Write("-");
                    if (item is YamlMapping m)
                    {
                        w.Write('\n');
                        WriteMapping(m, w, indent + 4);
                    }
                    else WriteValue(item, w, indent + 2);
                }
                break;
            case YamlMapping m:
                w.Write('\n');
                WriteMapping(m, w, indent + 2);
                break;
        }
    }

    private static string Scalar(YamlScalar s) => s.Quoted ? JsonSerializer.Serialize(s.Value) : s.Value;

    private static string Key(string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/') && char.IsAsciiLetter(key[0])
            ? key
            : JsonSerializer.Serialize(key);

    /// <summary>The YAML of one source file as a string (tests).</summary>
    public static string ToText(string sourceFile, IEnumerable<ImportedDocument> documents)
    {
        var sb = new StringBuilder();
        using var w = new StringWriter(sb);
        Write(sourceFile, documents, w);
        return sb.ToString();
    }
}
