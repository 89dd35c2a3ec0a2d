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
    /// <summary>Parses every document in <paramref name="text"/>. Returns the documents read before the first error.</summary>
    public static IReadOnlyList<YamlNode> Read(string text, string file, DiagnosticBag diagnostics, YamlLimits? limits = null)
    {
        limits ??= YamlLimits.Default;
        var documents = new List<YamlNode>();
        var parser = new Parser(new StringReader(text));
        // Open frames are stack[0 .. depth - 1]; frames beyond are kept for reuse.
        var stack = new List<YamlFrame>();
        var depth = 0;
        YamlNode? root = null;
        var events = 0;
        // The position of the last event, made into a SourceLocation only where a node or a diagnostic needs it.
        Mark? lastMark = null;
        SourceLocation? lastLocation = null;
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

        SourceLocation Last() => lastLocation ??= lastMark is { } m ? new(file, (int)m.Line, (int)m.Column) : new(file, 1, 1);

        try
        {
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                lastMark = ev.Start;
                lastLocation = null;
                if (++events > limits.MaxEvents)
                {
                    TooManyNodes(diagnostics, limits, Last());
                    return documents;
                }

                if (ev is NodeEvent node)
                {
                    if (!node.Anchor.IsEmpty)
                    {
                        AnchorRejected(diagnostics, node, Last());
                        return documents;
                    }
                    if (!node.Tag.IsEmpty && !IsPlainTag(node))
                    {
                        TagRejected(diagnostics, node, Last());
                        return documents;
                    }
                }

                switch (ev)
                {
                    case AnchorAlias alias:
                        AliasRejected(diagnostics, alias, Last());
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
                        if (!Attach(new YamlScalar(Share(scalar.Value), quoted, Last()))) return documents;
                        break;
                    case SequenceStart:
                    case MappingStart:
                        if (depth >= limits.MaxDepth)
                        {
                            TooDeep(diagnostics, limits, Last());
                            return documents;
                        }
                        if (depth == stack.Count) stack.Add(new YamlFrame());
                        stack[depth++].Open(Last(), ev is MappingStart);
                        break;
                    case SequenceEnd:
                    case MappingEnd:
                        if (!Attach(stack[--depth].Close())) return documents;
                        break;
                }
            }
        }
        catch (YamlException ex)
        {
            SyntaxError(diagnostics, ex, file, Last());
            return documents;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            // YamlDotNet's scanner throws raw exceptions on some malformed inputs (e.g. an unclosed '[').
            Malformed(diagnostics, ex, Last());
            return documents;
        }

        return duplicateSeen ? [] : documents;

        bool Attach(YamlNode value)
        {
            if (depth == 0)
            {
                root = value;
                return true;
            }
            var parent = stack[depth - 1];
            if (!parent.IsMapping)
            {
                parent.Items.Add(value);
                return true;
            }
            if (parent.PendingKey is not { } key)
            {
                if (value is not YamlScalar keyScalar)
                {
                    KeyNotAName(diagnostics, value.Location);
                    return false;
                }
                if (!parent.AddKey(keyScalar.Value))
                {
                    DuplicateKey(diagnostics, keyScalar);
                    duplicateSeen = true;
                }
                parent.PendingKey = keyScalar;
                return true;
            }
            parent.PendingKey = null;
            parent.Entries.Add(new(new YamlKey(key.Value, key.Location), value));
            return true;
        }
    }

    // The diagnostics that stop reading a file, shared with InventoryEventReader so that both say the same.

    internal static void TooManyNodes(DiagnosticBag diagnostics, YamlLimits limits, SourceLocation at) =>
        diagnostics.Error(DiagnosticCodes.YamlTooManyNodes, $"more than {limits.MaxEvents:N0} YAML nodes in one file; split the file", at);

    internal static void AnchorRejected(DiagnosticBag diagnostics, NodeEvent node, SourceLocation at) =>
        diagnostics.Error(DiagnosticCodes.YamlAliasRejected, $"anchor '&{node.Anchor}' is not allowed: write the value out in full", at);

    internal static void TagRejected(DiagnosticBag diagnostics, NodeEvent node, SourceLocation at) =>
        diagnostics.Error(DiagnosticCodes.YamlTagRejected, $"tag '{node.Tag}' is not allowed", at);

    internal static void AliasRejected(DiagnosticBag diagnostics, AnchorAlias alias, SourceLocation at) =>
        diagnostics.Error(DiagnosticCodes.YamlAliasRejected, $"alias '*{alias.Value}' is not allowed: write the value out in full", at);

    internal static void TooDeep(DiagnosticBag diagnostics, YamlLimits limits, SourceLocation at) =>
        diagnostics.Error(DiagnosticCodes.YamlTooDeep, $"nesting deeper than {limits.MaxDepth} levels", at);

    internal static void DuplicateKey(DiagnosticBag diagnostics, YamlScalar key) =>
        diagnostics.Error(DiagnosticCodes.YamlDuplicateKey, $"duplicate key '{key.Value}' in the same mapping", key.Location);

    internal static void KeyNotAName(DiagnosticBag diagnostics, SourceLocation at) =>
        diagnostics.Error(DiagnosticCodes.YamlSyntax, "mapping keys must be plain names, not lists or mappings", at);

    /// <summary>A parser error at its own position (where it has one), else at <paramref name="last"/>, the last event read.</summary>
    internal static void SyntaxError(DiagnosticBag diagnostics, YamlException ex, string file, SourceLocation last) =>
        diagnostics.Error(DiagnosticCodes.YamlSyntax, Clean(ex.Message), ex.Start.Line > 0 ? new SourceLocation(file, (int)ex.Start.Line, (int)ex.Start.Column) : last);

    /// <summary>YamlDotNet's scanner throws raw exceptions on some malformed inputs (e.g. an unclosed '[').</summary>
    internal static void Malformed(DiagnosticBag diagnostics, Exception ex, SourceLocation last) =>
        diagnostics.Error(DiagnosticCodes.YamlSyntax, $"malformed YAML after this point ({Clean(ex.Message)})", last);

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
