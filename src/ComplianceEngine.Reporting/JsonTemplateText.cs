using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Reporting;

/// <summary>
/// Writes a finding's message or remediation as a JSON string straight from its rule's template and the finding's values,
/// the path placeholder as <c>{path}</c>: the template's literal text is escaped once per template, the values as they
/// come, and no string of the whole text is built. JSON escaping goes character by character, so the pieces escaped one
/// by one give the bytes of the whole text escaped at once; a piece that starts or ends inside a surrogate pair is the one
/// case where that would not hold, and such a text is left to the caller to write whole.
/// </summary>
internal static class JsonTemplateText
{
    /// <summary>A template's literals, escaped (null: a literal starts or ends inside a surrogate pair).</summary>
    private sealed class Pieces(byte[][]? escaped)
    {
        public byte[][]? Escaped { get; } = escaped;
    }

    private static readonly ConditionalWeakTable<TextTemplate, Pieces> Cache = new();

    /// <summary>
    /// Writes the text of <paramref name="template"/> with <paramref name="values"/> from <paramref name="offset"/> (a null
    /// value is <paramref name="pathToken"/>) as a JSON string; false, having written nothing, when it must be written whole.
    /// </summary>
    public static bool TryWrite(JsonLine w, TextTemplate template, ImmutableArray<string?> values, int offset, string pathToken)
    {
        var placeholders = template.Placeholders.Count;
        if (placeholders == 0 || values.IsDefault || values.Length < offset + placeholders) return false;
        var literals = Cache.GetValue(template, Escape).Escaped;
        if (literals is null) return false;
        for (var i = 0; i < placeholders; i++)
            if (!Whole(values[offset + i] ?? pathToken)) return false;
        w.Raw((byte)'"');
        for (var i = 0; i < placeholders; i++)
        {
            w.Raw(literals[i]);
            w.Content(values[offset + i] ?? pathToken);
        }
        w.Raw(literals[placeholders]);
        w.Raw((byte)'"');
        return true;
    }

    private static Pieces Escape(TextTemplate template)
    {
        var literals = template.Literals;
        if (literals.Any(l => !Whole(l))) return new Pieces(null);
        using var line = new JsonLine(256);
        var escaped = new byte[literals.Count][];
        for (var i = 0; i < literals.Count; i++)
        {
            line.Clear();
            line.Content(literals[i]);
            escaped[i] = line.Written.ToArray();
        }
        return new Pieces(escaped);
    }

    /// <summary>True when <paramref name="piece"/> neither starts nor ends inside a surrogate pair.</summary>
    private static bool Whole(string piece) => piece.Length == 0 || (!char.IsLowSurrogate(piece[0]) && !char.IsHighSurrogate(piece[^1]));
}
