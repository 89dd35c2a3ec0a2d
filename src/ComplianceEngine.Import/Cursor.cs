using System.Globalization;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import;

/// <summary>
/// A position inside a source document: the node, and its JSON pointer (RFC 6901). Navigation never throws: a missing
/// field is a cursor with no node, so readers decide what a miss means (diagnostic or indeterminate fact).
/// </summary>
internal readonly record struct Cursor(YamlNode? Node, string Pointer, bool IsJson, SourceLocation Fallback)
{
    /// <summary>A cursor at the root of <paramref name="root"/>.</summary>
    public static Cursor Root(YamlNode root, bool isJson) => new(root, string.Empty, isJson, root.Location);

    /// <summary>True when the node exists and is not null.</summary>
    public bool Exists => Node is not null && Node is not YamlScalar { IsNull: true };

    /// <summary>The field <paramref name="name"/> of a mapping.</summary>
    public Cursor this[string name] =>
        new((Node as YamlMapping)?.Get(name), Pointer + "/" + name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal), IsJson, Location);

    /// <summary>The items of a list (none when this is not a list).</summary>
    public IEnumerable<Cursor> Items
    {
        get
        {
            if (Node is not YamlSequence seq) yield break;
            for (var i = 0; i < seq.Items.Length; i++) yield return new Cursor(seq.Items[i], Pointer + "/" + i.ToString(CultureInfo.InvariantCulture), IsJson, Location);
        }
    }

    /// <summary>The entries of a mapping, as (key, value) cursors.</summary>
    public IEnumerable<(string Key, Cursor Value)> Entries
    {
        get
        {
            if (Node is not YamlMapping map) yield break;
            foreach (var e in map.Entries) yield return (e.Key.Name, this[e.Key.Name]);
        }
    }

    /// <summary>The scalar text, or null when missing, null or not a scalar.</summary>
    public string? String => Node is YamlScalar { IsNull: false } s ? s.Value : null;

    /// <summary>A JSON/YAML boolean <c>true</c>.</summary>
    public bool IsTrue => Node is YamlScalar { Quoted: false } s && s.Value is "true" or "True";

    /// <summary>A JSON/YAML boolean <c>false</c> (not a missing value, which is neither true nor false).</summary>
    public bool IsFalse => Node is YamlScalar { Quoted: false } s && s.Value is "false" or "False";

    /// <summary>The strings of a list of scalars.</summary>
    public IReadOnlyList<string> Strings => [.. Items.Select(i => i.String).OfType<string>()];

    /// <summary>A flat map of scalar values (labels, annotations, tags).</summary>
    public IReadOnlyDictionary<string, Cursor> ScalarMap =>
        Entries.Where(e => e.Value.String is not null).GroupBy(e => e.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);

    /// <summary>Where this value is (its node's position; the parent's when missing), with the JSON pointer for JSON files.</summary>
    public SourceLocation Location
    {
        get
        {
            var at = Node?.Location ?? Fallback;
            return IsJson ? at with { Pointer = Pointer.Length == 0 ? "/" : Pointer } : at;
        }
    }

    /// <summary>A short form for messages: the pointer for JSON files, else the line.</summary>
    public string Describe => IsJson ? $"#{(Pointer.Length == 0 ? "/" : Pointer)}" : $"line {Location.Line}";
}

/// <summary>Lookups in label/annotation/tag maps.</summary>
internal static class ScalarMaps
{
    /// <summary>The text of <paramref name="key"/>, or null.</summary>
    public static string? Text(this IReadOnlyDictionary<string, Cursor> map, string key) => map.TryGetValue(key, out var c) ? c.String : null;
}
