using YamlDotNet.Core;

namespace ComplianceEngine.Loading.Yaml;

/// <summary>
/// A parser for the plain subset of YAML that generated and exported inventories are written in, producing the very
/// events YamlDotNet's <see cref="Parser"/> produces for the same text (kinds, values, styles and start marks, as
/// <see cref="YamlEvent"/>s), at a fraction of its cost: no tokens, no look-ahead buffer, no event objects, no interning
/// through <see cref="string.IsInterned"/>.
/// <para>
/// The subset: ASCII text without tabs or carriage returns; documents separated by lines that are exactly <c>---</c>;
/// block mappings of <c>key: value</c> lines indented by spaces (a <c>key:</c> line opens a more indented mapping);
/// values that are plain scalars (a letter or digit first, then letters, digits, <c>. _ / -</c> and spaces
/// inside), flow sequences <c>[a, b]</c> and flow mappings <c>{k: v, k: {k: v}}</c> of such scalars (no spaces inside a
/// scalar there), written with exactly <c>", "</c> and <c>": "</c>; empty lines anywhere. Anything else (a comment, a
/// quote, a block list, a tab, a byte beyond ASCII, an empty document, a continuation line, a trailing space...) sets
/// <see cref="Unsupported"/> and ends the events: the caller then reads the file with YamlDotNet as before, so what
/// this parser accepts is read exactly as YamlDotNet reads it, and everything else is read by YamlDotNet itself.
/// </para>
/// </summary>
internal sealed class PlainYamlParser
{
    private const int MaxFlowDepth = 16;
    private const int MaxShared = 32;
    private const int MaxTable = 65_536;
    private const int MaxKey = 1000;

    private readonly byte[] _bytes;
    private readonly int _origin;
    private readonly int _end;
    private int _position;
    private int _line = 1;
    private int _lineStart;

    private readonly Queue<YamlEvent> _pending = new();
    private readonly List<int> _indents = [];
    private bool _started;
    private bool _finished;
    private bool _documentOpen;
    private bool _rootOpen;
    private bool _expectNested;
    private bool _anyDocument;

    // Short scalars repeat (keys, kinds, codes, references): one string each, found from the bytes without allocating.
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly char[] _chars = new char[MaxShared];

    public PlainYamlParser(ArraySegment<byte> text)
    {
        _bytes = text.Array ?? [];
        _origin = text.Offset;
        _position = text.Offset;
        _end = text.Offset + text.Count;
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>True once the text turned out to hold something outside the subset; the events then stop (MoveNext is false).</summary>
    public bool Unsupported { get; private set; }

    /// <summary>The event read by the last <see cref="MoveNext"/> that returned true.</summary>
    public YamlEvent Current { get; private set; }

    /// <summary>Reads the next event: false at the end of the stream, or when the text turned out to be outside the subset.</summary>
    public bool MoveNext()
    {
        while (_pending.Count == 0)
        {
            if (Unsupported || _finished) return false;
            Produce();
        }
        if (Unsupported)
        {
            _pending.Clear();
            Current = default;
            return false;
        }
        Current = _pending.Dequeue();
        return true;
    }

    private Mark MarkAt(int position, int line) => new(position - _origin, line, position - _lineStart + 1);

    private bool Fail()
    {
        Unsupported = true;
        return false;
    }

    /// <summary>Reads the next line (or the end) into events.</summary>
    private void Produce()
    {
        if (!_started)
        {
            _started = true;
            var zero = new Mark(0, 1, 1);
            _pending.Enqueue(new YamlEvent(YamlEventKind.StreamStart, zero));
            return;
        }
        // Skip empty lines.
        while (_position < _end && _bytes[_position] == (byte)'\n')
        {
            _position++;
            _line++;
        }
        _lineStart = _position;
        if (_position >= _end)
        {
            Finish();
            return;
        }
        var lineEnd = Array.IndexOf(_bytes, (byte)'\n', _position, _end - _position);
        if (lineEnd < 0) lineEnd = _end;
        for (var i = _position; i < lineEnd; i++)
        {
            var b = _bytes[i];
            if (b is < 0x20 or > 0x7E)
            {
                Fail();
                return;
            }
        }
        if (!Line(lineEnd)) Fail();
        _position = lineEnd < _end ? lineEnd + 1 : lineEnd;
        if (lineEnd < _end) _line++;
    }

    private bool Line(int lineEnd)
    {
        var start = _position;
        var indent = 0;
        while (start + indent < lineEnd && _bytes[start + indent] == (byte)' ') indent++;
        if (start + indent == lineEnd) return false; // spaces alone
        var at = MarkAt(start + indent, _line);
        if (lineEnd - start == 3 && _bytes[start] == (byte)'-' && _bytes[start + 1] == (byte)'-' && _bytes[start + 2] == (byte)'-')
        {
            if (_documentOpen)
            {
                // The document before must have content, and no key may wait for its value.
                if (!_rootOpen || _expectNested) return false;
                CloseDocument(at);
            }
            else if (_anyDocument)
            {
                return false;
            }
            _pending.Enqueue(new YamlEvent(YamlEventKind.DocumentStart, at));
            _documentOpen = true;
            _anyDocument = true;
            return true;
        }
        if (!_documentOpen)
        {
            if (_anyDocument) return false;
            _pending.Enqueue(new YamlEvent(YamlEventKind.DocumentStart, at));
            _documentOpen = true;
            _anyDocument = true;
        }
        if (!_rootOpen)
        {
            if (indent != 0) return false;
            OpenBlock(indent, at);
            _rootOpen = true;
        }
        else if (_expectNested)
        {
            if (indent <= _indents[^1]) return false;
            OpenBlock(indent, at);
            _expectNested = false;
        }
        else
        {
            if (indent > _indents[^1]) return false; // a continuation line, or a mistake: YamlDotNet decides
            while (_indents.Count > 0 && _indents[^1] > indent)
            {
                _indents.RemoveAt(_indents.Count - 1);
                _pending.Enqueue(new YamlEvent(YamlEventKind.MappingEnd, at));
            }
            if (_indents.Count == 0 || _indents[^1] != indent) return false;
        }

        // key: value | key:
        var p = start + indent;
        var keyEnd = ScalarEnd(p, lineEnd, spaces: false);
        // An implicit key longer than YAML allows (1024) is YamlDotNet's to report.
        if (keyEnd == p || keyEnd - p > MaxKey || keyEnd >= lineEnd || _bytes[keyEnd] != (byte)':') return false;
        Enqueue(p, keyEnd);
        p = keyEnd + 1;
        if (p == lineEnd)
        {
            _expectNested = true;
            return true;
        }
        if (_bytes[p] != (byte)' ') return false;
        while (p < lineEnd && _bytes[p] == (byte)' ') p++;
        if (p == lineEnd) return false; // trailing spaces
        switch (_bytes[p])
        {
            case (byte)'[':
            case (byte)'{':
                return Flow(ref p, lineEnd, 0) && p == lineEnd;
            default:
                var valueEnd = ScalarEnd(p, lineEnd, spaces: true);
                if (valueEnd != lineEnd || valueEnd == p || _bytes[valueEnd - 1] == (byte)' ') return false;
                Enqueue(p, valueEnd);
                return true;
        }
    }

    /// <summary>A flow sequence or mapping starting at <paramref name="p"/>, moved past its closing bracket.</summary>
    private bool Flow(ref int p, int lineEnd, int depth)
    {
        if (depth >= MaxFlowDepth) return false;
        var mapping = _bytes[p] == (byte)'{';
        var open = MarkAt(p, _line);
        _pending.Enqueue(new YamlEvent(mapping ? YamlEventKind.MappingStart : YamlEventKind.SequenceStart, open, Flow: true));
        p++;
        var close = mapping ? (byte)'}' : (byte)']';
        if (p < lineEnd && _bytes[p] == close)
        {
            CloseFlow(mapping, p);
            p++;
            return true;
        }
        while (true)
        {
            if (p >= lineEnd) return false;
            if (mapping)
            {
                var keyEnd = ScalarEnd(p, lineEnd, spaces: false);
                if (keyEnd == p || keyEnd - p > MaxKey || keyEnd + 1 >= lineEnd || _bytes[keyEnd] != (byte)':' || _bytes[keyEnd + 1] != (byte)' ') return false;
                Enqueue(p, keyEnd);
                p = keyEnd + 2;
                if (p >= lineEnd) return false;
            }
            if (_bytes[p] is (byte)'[' or (byte)'{')
            {
                if (!Flow(ref p, lineEnd, depth + 1)) return false;
            }
            else
            {
                var valueEnd = ScalarEnd(p, lineEnd, spaces: false);
                if (valueEnd == p) return false;
                Enqueue(p, valueEnd);
                p = valueEnd;
            }
            if (p >= lineEnd) return false;
            if (_bytes[p] == close)
            {
                CloseFlow(mapping, p);
                p++;
                return true;
            }
            if (_bytes[p] != (byte)',' || p + 2 >= lineEnd || _bytes[p + 1] != (byte)' ') return false;
            p += 2;
        }
    }

    private void CloseFlow(bool mapping, int p)
    {
        var at = MarkAt(p, _line);
        _pending.Enqueue(new YamlEvent(mapping ? YamlEventKind.MappingEnd : YamlEventKind.SequenceEnd, at));
    }

    /// <summary>
    /// Where the plain scalar starting at <paramref name="p"/> ends: its first character a letter or digit, then letters,
    /// digits, <c>. _ / -</c> (and spaces inside, in block context, when <paramref name="spaces"/>). <paramref name="p"/>
    /// itself when no scalar starts there.
    /// </summary>
    private int ScalarEnd(int p, int lineEnd, bool spaces)
    {
        if (p >= lineEnd || !char.IsAsciiLetterOrDigit((char)_bytes[p])) return p;
        var q = p + 1;
        while (q < lineEnd)
        {
            var c = (char)_bytes[q];
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '/' or '-' || (spaces && c == ' ')) q++;
            else break;
        }
        return q;
    }

    private void OpenBlock(int indent, Mark at)
    {
        _indents.Add(indent);
        _pending.Enqueue(new YamlEvent(YamlEventKind.MappingStart, at));
    }

    private void CloseDocument(Mark at)
    {
        for (var i = 0; i < _indents.Count; i++) _pending.Enqueue(new YamlEvent(YamlEventKind.MappingEnd, at));
        _indents.Clear();
        _pending.Enqueue(new YamlEvent(YamlEventKind.DocumentEnd, at));
        _documentOpen = false;
        _rootOpen = false;
    }

    private void Finish()
    {
        _finished = true;
        if (!_anyDocument || !_rootOpen || _expectNested)
        {
            Fail();
            return;
        }
        // The end of the stream: YamlDotNet places it at the start of the line after the last one, with or without a final line break.
        var endsWithBreak = _bytes[_end - 1] == (byte)'\n';
        var at = new Mark(_end - _origin, endsWithBreak ? _line : _line + 1, 1);
        CloseDocument(at);
        _pending.Enqueue(new YamlEvent(YamlEventKind.StreamEnd, at));
    }

    private void Enqueue(int from, int to) =>
        _pending.Enqueue(new YamlEvent(YamlEventKind.Scalar, MarkAt(from, _line), Text(from, to), ScalarStyle.Plain));

    /// <summary>The text of the ASCII bytes [from, to): shared for short values.</summary>
    private string Text(int from, int to)
    {
        var length = to - from;
        if (length > MaxShared) return System.Text.Encoding.ASCII.GetString(_bytes, from, length);
        var chars = _chars.AsSpan(0, length);
        for (var i = 0; i < length; i++) chars[i] = (char)_bytes[from + i];
        if (_lookup.TryGetValue(chars, out var shared)) return shared;
        var text = new string(chars);
        if (_strings.Count < MaxTable) _strings[text] = text;
        return text;
    }
}
