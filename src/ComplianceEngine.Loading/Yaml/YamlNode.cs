using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Loading.Yaml;

/// <summary>A YAML node with the position it started at. Built by <see cref="SafeYamlReader"/>.</summary>
public abstract record YamlNode(SourceLocation Location)
{
    /// <summary>A short name of the node's type for "expected a list, got a mapping" messages.</summary>
    public abstract string TypeName { get; }
}

/// <summary>A scalar: its text, and whether it was quoted (a quoted "true" is a string).</summary>
public sealed record YamlScalar(string Value, bool Quoted, SourceLocation Location) : YamlNode(Location)
{
    /// <inheritdoc />
    public override string TypeName => "a scalar";

    /// <summary>True for the plain scalars that mean null: <c>~</c>, <c>null</c>, or nothing.</summary>
    public bool IsNull => !Quoted && Value is "" or "~" or "null" or "Null" or "NULL";
}

/// <summary>A sequence.</summary>
public sealed record YamlSequence(ImmutableArray<YamlNode> Items, SourceLocation Location) : YamlNode(Location)
{
    /// <inheritdoc />
    public override string TypeName => "a list";
}

/// <summary>
/// A key in a mapping, with its own position (diagnostics about a field point at its key). A value type: it lives inside
/// its mapping's entries, one object fewer per field of every document read.
/// </summary>
public readonly record struct YamlKey(string Name, SourceLocation Location);

/// <summary>A mapping with unique scalar keys, in document order.</summary>
public sealed record YamlMapping(ImmutableArray<KeyValuePair<YamlKey, YamlNode>> Entries, SourceLocation Location) : YamlNode(Location)
{
    /// <inheritdoc />
    public override string TypeName => "a mapping";

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public YamlNode? Get(string key)
    {
        foreach (var e in Entries)
        {
            if (e.Key.Name == key) return e.Value;
        }
        return null;
    }
}
