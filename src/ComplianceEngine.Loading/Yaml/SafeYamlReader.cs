using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ComplianceEngine.Loading.Yaml;

/// <summary>
/// Reads YAML text into <see cref="YamlNode"/> documents with YamlDotNet's parser, treating the text as hostile:
/// anchors, aliases and explicit tags are rejected, nesting depth and event count are capped, duplicate keys are
/// errors. Every problem is a diagnostic with file, line and column; nothing throws, and nothing recurses.
/// </summary>
public static class SafeYamlReader
{
    private sealed class Frame(YamlNode? key, SourceLocation start, bool isMapping)
    {
        public YamlNode? PendingKey { get; set; } = key;
        public SourceLocation Start { get; } = start;
        public bool IsMapping { get; } = isMapping;
        public List<YamlNode> Items { get; } = [];
        public List<KeyValuePair<YamlKey, YamlNode>> Entries { get; } = [];
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Parses every document in <paramref name="text"/>. Returns the documents read before the first error.</summary>
    public static IReadOnlyList<YamlNode> Read(string text, string file, DiagnosticBag diagnostics, YamlLimits? limits = null)
    {
        limits ??= YamlLimits.Default;
        var documents = new List<YamlNode>();
        var parser = new Parser(new StringReader(text));
        var stack = new Stack<Frame>();
        YamlNode? root = null;
        var events = 0;
        var last = new SourceLocation(file, 1, 1);
        var duplicateSeen = false;
        // Short values repeat (keys, codes, booleans): one string each keeps a file's nodes small.
        var strings = new Dictionary<string, string>(StringComparer.Ordinal);
        string Share(string value)
        {
            if (value.Length > 32) return value;
            if (strings.TryGetValue(value, out var shared)) return shared;
            if (strings.Count < 65_536) strings[value] = value;
            return value;
        }

        SourceLocation At(Mark m) => new(file, (int)m.Line, (int)m.Column);

        try
        {
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                last = At(ev.Start);
                if (++events > limits.MaxEvents)
                {
                    diagnostics.Error(DiagnosticCodes.YamlTooManyNodes, $"more than {limits.MaxEvents:N0} YAML nodes in one file; split the file", last);
                    return documents;
                }

                if (ev is NodeEvent node)
                {
                    if (!node.Anchor.IsEmpty)
                    {
                        diagnostics.Error(DiagnosticCodes.YamlAliasRejected, $"anchor '&{node.Anchor}' is not allowed: write the value out in full", last);
                        return documents;
                    }
                    if (!node.Tag.IsEmpty && !IsPlainTag(node))
                    {
                        diagnostics.Error(DiagnosticCodes.YamlTagRejected, $"tag '{node.Tag}' is not allowed", last);
                        return documents;
                    }
                }

                switch (ev)
                {
                    case AnchorAlias alias:
                        diagnostics.Error(DiagnosticCodes.YamlAliasRejected, $"alias '*{alias.Value}' is not allowed: write the value out in full", last);
                        return documents;
                    case DocumentStart:
                        root = null;
                        break;
                    case DocumentEnd:
                        if (root is not null) documents.Add(root);
                        root = null;
                        break;
                    case Scalar scalar:
                        var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded;
                        if (!Attach(new YamlScalar(Share(scalar.Value), quoted, last))) return documents;
                        break;
                    case SequenceStart:
                    case MappingStart:
                        if (stack.Count >= limits.MaxDepth)
                        {
                            diagnostics.Error(DiagnosticCodes.YamlTooDeep, $"nesting deeper than {limits.MaxDepth} levels", last);
                            return documents;
                        }
                        stack.Push(new Frame(null, last, ev is MappingStart));
                        break;
                    case SequenceEnd:
                    case MappingEnd:
                        var frame = stack.Pop();
                        YamlNode built = frame.IsMapping
                            ? new YamlMapping([.. frame.Entries], frame.Start)
                            : new YamlSequence([.. frame.Items], frame.Start);
                        if (!Attach(built)) return documents;
                        break;
                }
            }
        }
        catch (YamlException ex)
        {
            var at = ex.Start.Line > 0 ? At(ex.Start) : last;
            diagnostics.Error(DiagnosticCodes.YamlSyntax, Clean(ex.Message), at);
            return documents;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            // YamlDotNet's scanner throws raw exceptions on some malformed inputs (e.g. an unclosed '[').
            diagnostics.Error(DiagnosticCodes.YamlSyntax, $"malformed YAML after this point ({Clean(ex.Message)})", last);
            return documents;
        }

        return duplicateSeen ? [] : documents;

        bool Attach(YamlNode value)
        {
            if (stack.Count == 0)
            {
                root = value;
                return true;
            }
            var parent = stack.Peek();
            if (!parent.IsMapping)
            {
                parent.Items.Add(value);
                return true;
            }
            if (parent.PendingKey is null)
            {
                if (value is not YamlScalar keyScalar)
                {
                    diagnostics.Error(DiagnosticCodes.YamlSyntax, "mapping keys must be plain names, not lists or mappings", value.Location);
                    return false;
                }
                if (!parent.Keys.Add(keyScalar.Value))
                {
                    diagnostics.Error(DiagnosticCodes.YamlDuplicateKey, $"duplicate key '{keyScalar.Value}' in the same mapping", value.Location);
                    duplicateSeen = true;
                }
                parent.PendingKey = value;
                return true;
            }
            var key = (YamlScalar)parent.PendingKey;
            parent.PendingKey = null;
            parent.Entries.Add(new(new YamlKey(key.Value, key.Location), value));
            return true;
        }
    }

    private static bool IsPlainTag(NodeEvent node) =>
        // The parser reports the implicit "!" non-specific tag on quoted scalars; that is not a user tag.
        node.Tag.Value is "!" ;

    private static string Clean(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 1, Col: 2, Idx: 1) - (Line: ...): "; we print our own position.
        var i = message.LastIndexOf("): ", StringComparison.Ordinal);
        var text = i >= 0 && message.StartsWith('(') ? message[(i + 3)..] : message;
        return text.TrimEnd('.');
    }
}
