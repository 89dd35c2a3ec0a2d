using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ComplianceEngine.Reporting;

/// <summary>
/// A growable UTF-8 buffer for one list item of a JSON report, written by hand: property names as literal bytes, numbers,
/// and strings escaped exactly as <see cref="Utf8JsonWriter"/> with <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>
/// escapes them (the bytes of the reports must not change with the writer). A string of ASCII characters the encoder
/// leaves alone (asked of the encoder itself, once) is copied as is; any other string goes through a
/// <see cref="Utf8JsonWriter"/> of its own, so the rare escaped string is written by the same code as before.
/// </summary>
internal sealed class JsonLine : IDisposable
{
    private static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The ASCII characters the report's encoder writes as themselves (asked of the encoder, not assumed).</summary>
    private static readonly SearchValues<char> Plain = SearchValues.Create([.. Enumerable.Range(0, 128).Select(c => (char)c)
        .Where(c => JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(c.ToString()) == c.ToString() && c != '"' && c != '\\' && !char.IsControl(c))]);

    private byte[] _bytes;
    private int _length;
    private ArrayBufferWriter<byte>? _scratch;
    private Utf8JsonWriter? _escaper;

    public JsonLine(int capacity = 64 * 1024) => _bytes = ArrayPool<byte>.Shared.Rent(capacity);

    /// <summary>The bytes written since the last <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _length);

    /// <summary>The number of bytes written.</summary>
    public int Length => _length;

    public void Clear() => _length = 0;

    /// <summary>Bytes as they are (property names, punctuation, pre-escaped fragments).</summary>
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>One byte as it is.</summary>
    public void Raw(byte b)
    {
        Ensure(1);
        _bytes[_length++] = b;
    }

    /// <summary>A JSON number.</summary>
    public void Number(int value)
    {
        Ensure(11);
        Utf8Formatter.TryFormat(value, _bytes.AsSpan(_length), out var written);
        _length += written;
    }

    /// <summary>A JSON string of <paramref name="value"/>'s 16 lower-case hex digits (a finding id kept as a number).</summary>
    public void Hex16(ulong value)
    {
        Ensure(18);
        _bytes[_length++] = (byte)'"';
        Utf8Formatter.TryFormat(value, _bytes.AsSpan(_length), out var written, new StandardFormat('x', 16));
        _length += written;
        _bytes[_length++] = (byte)'"';
    }

    /// <summary>A JSON string (quoted and escaped), or <c>null</c> for a null string, as <see cref="Utf8JsonWriter"/> writes it.</summary>
    public void String(string? value)
    {
        if (value is null)
        {
            Raw("null"u8);
            return;
        }
        if (value.AsSpan().ContainsAnyExcept(Plain))
        {
            Escaped(value);
            return;
        }
        Ensure(value.Length + 2);
        _bytes[_length++] = (byte)'"';
        Encoding.ASCII.GetBytes(value, _bytes.AsSpan(_length));
        _length += value.Length;
        _bytes[_length++] = (byte)'"';
    }

    /// <summary>The escaped characters of a string without its quotes (a piece of a longer JSON string).</summary>
    public void Content(string value)
    {
        if (value.AsSpan().ContainsAnyExcept(Plain))
        {
            var from = _length;
            Escaped(value);
            // Drop the quotes the writer put around it.
            _bytes.AsSpan(from + 1, _length - from - 2).CopyTo(_bytes.AsSpan(from));
            _length -= 2;
            return;
        }
        Ensure(value.Length);
        Encoding.ASCII.GetBytes(value, _bytes.AsSpan(_length));
        _length += value.Length;
    }

    private void Escaped(string value)
    {
        _scratch ??= new ArrayBufferWriter<byte>(256);
        _scratch.ResetWrittenCount();
        if (_escaper is null) _escaper = new Utf8JsonWriter(_scratch, Options);
        else _escaper.Reset(_scratch);
        _escaper.WriteStringValue(value);
        _escaper.Flush();
        Raw(_scratch.WrittenSpan);
    }

    private void Ensure(int more)
    {
        if (_length + more <= _bytes.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, _length + more));
        _bytes.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = bigger;
    }

    public void Dispose()
    {
        _escaper?.Dispose();
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = [];
        _length = 0;
    }
}

/// <summary>
/// Writes a long list of a JSON report, one compact item per line, rendering the items in parallel chunks (each worker into
/// a buffer of its own) and copying the chunks to the output in order: the bytes are those of writing the items one by
/// one. At most a few chunks are held at once, so memory does not grow with the list.
/// </summary>
internal static class JsonLines
{
    /// <summary>Items per chunk of work.</summary>
    internal const int ChunkSize = 512;

    /// <summary>
    /// Writes <paramref name="count"/> items as the array <paramref name="name"/> of <paramref name="w"/> (which writes to
    /// <paramref name="output"/>): item <c>i</c> is rendered by <paramref name="render"/>, compact, on a line of its own.
    /// <paramref name="render"/> is called from several threads at once (for different items).
    /// </summary>
    public static void Write(Utf8JsonWriter w, Stream output, string name, int count, Action<JsonLine, int> render, int parallelism)
    {
        w.WriteStartArray(name);
        if (count > 0)
        {
            var itemBreak = ItemBreaks[Math.Min(w.CurrentDepth, ItemBreaks.Length - 1)];
            // The first item through the writer (it then knows the array is not empty and closes it on a line of its own),
            // the rest straight to the output after it, each after a comma.
            using (var first = new JsonLine(4096))
            {
                first.Raw(itemBreak);
                render(first, 0);
                w.WriteRawValue(first.Written, skipInputValidation: true);
            }
            w.Flush();
            WriteRest(output, count, itemBreak, render, parallelism);
        }
        w.WriteEndArray();
    }

    private static void WriteRest(Stream output, int count, byte[] itemBreak, Action<JsonLine, int> render, int parallelism)
    {
        var chunks = (count - 1 + ChunkSize - 1) / ChunkSize;
        void Render(JsonLine line, int chunk)
        {
            line.Clear();
            var start = 1 + chunk * ChunkSize;
            var end = Math.Min(count, start + ChunkSize);
            for (var i = start; i < end; i++)
            {
                line.Raw((byte)',');
                line.Raw(itemBreak);
                render(line, i);
            }
        }

        if (parallelism <= 1 || chunks <= 2)
        {
            using var line = new JsonLine();
            for (var c = 0; c < chunks; c++)
            {
                Render(line, c);
                output.Write(line.Written);
            }
            return;
        }

        // Chunks are claimed in order by this thread and parallelism - 1 helpers, at most `ahead` beyond the last one
        // written (so memory stays a few chunks); this thread writes them in order and renders one itself whenever the
        // next to write is not done yet and there is room, instead of waiting.
        var ahead = parallelism + 1;
        var room = new SemaphoreSlim(ahead, ahead);
        var results = new JsonLine?[chunks];
        var failures = new Exception?[chunks];
        var free = new System.Collections.Concurrent.ConcurrentBag<JsonLine>();
        var gate = new object();
        var next = -1;
        using var stop = new CancellationTokenSource();

        // Renders the next chunk not yet claimed (its place ahead already taken); false when there are none left.
        bool RenderNext()
        {
            var chunk = Interlocked.Increment(ref next);
            if (chunk >= chunks)
            {
                room.Release();
                return false;
            }
            var line = free.TryTake(out var l) ? l : new JsonLine();
            Exception? failure = null;
            try
            {
                Render(line, chunk);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            lock (gate)
            {
                results[chunk] = line;
                failures[chunk] = failure;
                Monitor.PulseAll(gate);
            }
            // After a failure the helpers stop; this thread throws it when it comes to that chunk.
            if (failure is not null) stop.Cancel();
            return true;
        }

        var helpers = Enumerable.Range(0, parallelism - 1).Select(_ => Task.Run(() =>
        {
            try
            {
                do room.Wait(stop.Token);
                while (!stop.IsCancellationRequested && RenderNext());
            }
            catch (OperationCanceledException)
            {
                // The writer stopped (a failure); nothing more to render.
            }
        })).ToArray();
        try
        {
            var claimedAll = false;
            for (var c = 0; c < chunks; c++)
            {
                JsonLine? line;
                while (true)
                {
                    lock (gate) line = results[c];
                    if (line is not null) break;
                    if (!claimedAll && room.Wait(0))
                    {
                        claimedAll = !RenderNext();
                        continue;
                    }
                    // Every place ahead is taken (or every chunk claimed), so this chunk is claimed: wait for it.
                    lock (gate)
                    {
                        while (results[c] is null) Monitor.Wait(gate);
                    }
                }
                if (failures[c] is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
                output.Write(line.Written);
                results[c] = null;
                free.Add(line);
                room.Release();
            }
        }
        finally
        {
            stop.Cancel();
            Task.WaitAll(helpers);
            foreach (var line in results) line?.Dispose();
            foreach (var line in free) line.Dispose();
            room.Dispose();
        }
    }

    /// <summary>What goes before each item of a list written one item per line, by the list's depth: a line break and the indentation.</summary>
    internal static readonly byte[][] ItemBreaks = [.. Enumerable.Range(0, 8).Select(depth => Encoding.ASCII.GetBytes("\n" + new string(' ', depth * 2)))];
}
