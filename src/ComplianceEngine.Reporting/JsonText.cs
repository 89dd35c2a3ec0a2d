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

    /// <summary>
    /// Writes one JSON document built by <paramref name="write"/> to <paramref name="output"/>, then a newline. The
    /// writer streams: call <see cref="Utf8JsonWriter.Flush"/> now and then (e.g. after each finding) so a large report
    /// never sits in memory twice.
    /// </summary>
    public static void Write(TextWriter output, Action<Utf8JsonWriter> write) => Write(output, (w, _) => write(w));

    /// <summary>
    /// Writes one JSON document built by <paramref name="write"/> to <paramref name="output"/>, then a newline;
    /// <paramref name="write"/> also gets the stream the JSON writer writes to, for UTF-8 written around the writer (after
    /// <see cref="Utf8JsonWriter.Flush"/>). A <see cref="StreamWriter"/> that writes UTF-8 (a file, a counted or compressed
    /// stream; no byte order mark) gets the bytes straight on its stream, with no round trip through characters; any other writer gets them
    /// decoded.
    /// </summary>
    public static void Write(TextWriter output, Action<Utf8JsonWriter, Stream> write)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(write);
        if (output is StreamWriter { Encoding.CodePage: 65001 } utf8 && utf8.Encoding.Preamble.IsEmpty)
        {
            // What the writer holds goes first; then the bytes, buffered.
            utf8.Flush();
            using (var buffered = new BufferedStream(new KeepOpen(utf8.BaseStream), 1 << 16))
            {
                using (var w = new Utf8JsonWriter(buffered, Options))
                {
                    write(w, buffered);
                    w.Flush();
                }
                buffered.WriteByte((byte)'\n');
            }
            return;
        }
        using (var stream = new TextWriterStream(output))
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            write(w, stream);
            w.Flush();
        }
        output.Write('\n');
    }

    /// <summary>A stream over another that leaves it open when disposed (the caller owns it).</summary>
    private sealed class KeepOpen(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    }

    /// <summary>Writes a finding's evidence as <c>"evidence": [{fact, value, file?, line?}]</c> (JSON report and SARIF properties).</summary>
    public static void WriteEvidence(Utf8JsonWriter w, IEnumerable<Model.Findings.Evidence> evidence, Func<string, string>? value = null)
    {
        w.WriteStartArray("evidence");
        foreach (var e in evidence)
        {
            w.WriteStartObject();
            w.WriteString("fact", e.Fact);
            w.WriteString("value", value is null ? e.Value : value(e.Value));
            if (e.Location.IsKnown)
            {
                w.WriteString("file", e.Location.File);
                w.WriteNumber("line", e.Location.Line);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>A write-only stream that decodes UTF-8 onto a <see cref="TextWriter"/> (multi-byte characters may span writes).</summary>
    internal sealed class TextWriterStream(TextWriter output) : Stream
    {
        private readonly Decoder _decoder = new UTF8Encoding(false, true).GetDecoder();
        private char[] _chars = new char[4096];

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => output.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var needed = _decoder.GetCharCount(buffer, flush: false);
            if (needed > _chars.Length) _chars = new char[Math.Max(needed, _chars.Length * 2)];
            var n = _decoder.GetChars(buffer, _chars, flush: false);
            output.Write(_chars, 0, n);
        }
    }
}
