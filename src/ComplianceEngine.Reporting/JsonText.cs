using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ComplianceEngine.Reporting;

/// <summary>The JSON settings every JSON-based format shares: indented, "\n" newlines, readable (not HTML-escaped) text.</summary>
internal static class JsonText
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NewLine = "\n",
    };

    /// <summary>Writes one JSON document built by <paramref name="write"/> to <paramref name="output"/>, then a newline.</summary>
    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Options)) write(w);
        output.Write(Encoding.UTF8.GetString(stream.ToArray()));
        output.Write('\n');
    }
}
