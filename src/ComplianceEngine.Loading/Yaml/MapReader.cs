using System.Collections.Immutable;
using System.Globalization;
using System.Xml;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Loading.Yaml;

/// <summary>
/// Reads the fields of one YAML mapping against a fixed schema. Each getter records the field as known;
/// <see cref="Finish"/> reports every other key as an unknown field with a "did you mean". Wrong types and
/// missing required fields are diagnostics, and getters return a fallback so reading can go on and collect more.
/// </summary>
public sealed class MapReader
{
    private readonly YamlMapping _map;
    private readonly DiagnosticBag _diagnostics;
    private readonly string _context;
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    /// <summary>Starts reading <paramref name="map"/>; <paramref name="context"/> names it in messages ("Cluster 'eu-1' spec").</summary>
    public MapReader(YamlMapping map, DiagnosticBag diagnostics, string context)
    {
        _map = map;
        _diagnostics = diagnostics;
        _context = context;
    }

    /// <summary>Where the mapping starts.</summary>
    public SourceLocation Location => _map.Location;

    /// <summary>The diagnostics this reader writes to.</summary>
    public DiagnosticBag Diagnostics => _diagnostics;

    /// <summary>Where <paramref name="key"/>'s value starts, or the mapping's position when absent.</summary>
    public SourceLocation LocationOf(string key) => _map.Get(key)?.Location ?? _map.Location;

    /// <summary>Where <paramref name="key"/> itself is written.</summary>
    public SourceLocation KeyLocationOf(string key)
    {
        foreach (var e in _map.Entries)
        {
            if (e.Key.Name == key) return e.Key.Location;
        }
        return _map.Location;
    }

    /// <summary>True when the key is present (and not null).</summary>
    public bool Has(string key)
    {
        _known.Add(key);
        var node = _map.Get(key);
        return node is not null && !(node is YamlScalar s && s.IsNull);
    }

    /// <summary>The raw node of a field, or null.</summary>
    public YamlNode? Node(string key)
    {
        _known.Add(key);
        var node = _map.Get(key);
        return node is YamlScalar s && s.IsNull ? null : node;
    }

    /// <summary>A string field.</summary>
    public string? String(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required) Missing(key);
            return null;
        }
        if (node is YamlScalar scalar) return scalar.Value;
        WrongType(key, node, "a string");
        return null;
    }

    /// <summary>A string field with one of <paramref name="allowed"/> values.</summary>
    public string? Enum(string key, IReadOnlyCollection<string> allowed, bool required = false, string? fallback = null) =>
        Enum(key, allowed, alias: null, required, fallback);

    /// <summary>
    /// An enum field whose values have other names users write (a display name, an alias): <paramref name="alias"/> gives the
    /// value such a name stands for, offered as the "did you mean" of the error. The name is never read as that value.
    /// </summary>
    public string? Enum(string key, IReadOnlyCollection<string> allowed, Func<string, string?>? alias, bool required = false, string? fallback = null)
    {
        var value = String(key, required);
        if (value is null) return fallback;
        if (allowed.Contains(value)) return value;
        var hint = alias?.Invoke(value) is { } meant && allowed.Contains(meant) ? $", did you mean '{meant}'?" : Suggest(value, allowed);
        _diagnostics.Error(DiagnosticCodes.InvalidValue,
            $"{_context}: '{key}' is '{value}', expected one of {string.Join(", ", allowed)}{hint}", LocationOf(key));
        return fallback;
    }

    /// <summary>A boolean field (YAML true/false).</summary>
    public bool Bool(string key, bool fallback = false)
    {
        var node = Node(key);
        if (node is null) return fallback;
        if (node is YamlScalar { Quoted: false } s && bool.TryParse(s.Value, out var b)) return b;
        WrongType(key, node, "true or false");
        return fallback;
    }

    /// <summary>A non-negative whole number field.</summary>
    public long? Long(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required) Missing(key);
            return null;
        }
        if (node is YamlScalar { Quoted: false } s &&
            long.TryParse(s.Value.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }
        WrongType(key, node, "a whole number of 0 or more");
        return null;
    }

    /// <summary>A date field in ISO form (YYYY-MM-DD).</summary>
    public DateOnly? Date(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required) Missing(key);
            return null;
        }
        if (node is YamlScalar s && DateOnly.TryParseExact(s.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }
        WrongType(key, node, "a date like 2026-01-26");
        return null;
    }

    /// <summary>An ISO 8601 duration field (PT20H, P1D).</summary>
    public TimeSpan? Duration(string key)
    {
        var node = Node(key);
        if (node is null) return null;
        if (node is YamlScalar s && TryParseDuration(s.Value, out var t)) return t;
        WrongType(key, node, "an ISO 8601 duration like PT20H or P30D");
        return null;
    }

    /// <summary>A list of strings; a single scalar is not accepted (write <c>[x]</c>).</summary>
    public ImmutableArray<string> StringList(string key, bool required = false) =>
        [.. StringItems(key, required).Select(i => i.Value)];

    /// <summary>A list of strings, each with the position it is written at (for diagnostics about one item).</summary>
    public ImmutableArray<(string Value, SourceLocation Location)> StringItems(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required) Missing(key);
            return [];
        }
        if (node is not YamlSequence seq)
        {
            WrongType(key, node, "a list of strings");
            return [];
        }
        var result = ImmutableArray.CreateBuilder<(string, SourceLocation)>(seq.Items.Length);
        foreach (var item in seq.Items)
        {
            if (item is YamlScalar s && !s.IsNull) result.Add((s.Value, s.Location));
            else _diagnostics.Error(DiagnosticCodes.WrongType, $"{_context}: items of '{key}' must be strings, got {item.TypeName}", item.Location);
        }
        return result.ToImmutable();
    }

    /// <summary>A list of names, each with its position (references to other documents).</summary>
    public ImmutableArray<(string Name, SourceLocation Location)> NameList(string key)
    {
        var node = Node(key);
        if (node is null) return [];
        if (node is not YamlSequence seq)
        {
            WrongType(key, node, "a list of names");
            return [];
        }
        var result = ImmutableArray.CreateBuilder<(string, SourceLocation)>();
        foreach (var item in seq.Items)
        {
            if (item is YamlScalar s && !s.IsNull) result.Add((s.Value, s.Location));
            else _diagnostics.Error(DiagnosticCodes.WrongType, $"{_context}: items of '{key}' must be names, got {item.TypeName}", item.Location);
        }
        return result.ToImmutable();
    }

    /// <summary>A nested mapping read with its own reader, or null when absent or of the wrong type.</summary>
    public MapReader? Map(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required) Missing(key);
            return null;
        }
        if (node is YamlMapping m) return new MapReader(m, _diagnostics, $"{_context}.{key}");
        WrongType(key, node, "a mapping");
        return null;
    }

    /// <summary>A list of mappings, each with its own reader.</summary>
    public IReadOnlyList<MapReader> MapList(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required) Missing(key);
            return [];
        }
        if (node is not YamlSequence seq)
        {
            WrongType(key, node, "a list of mappings");
            return [];
        }
        var result = new List<MapReader>();
        for (var i = 0; i < seq.Items.Length; i++)
        {
            if (seq.Items[i] is YamlMapping m) result.Add(new MapReader(m, _diagnostics, $"{_context}.{key}[{i}]"));
            else _diagnostics.Error(DiagnosticCodes.WrongType, $"{_context}: items of '{key}' must be mappings, got {seq.Items[i].TypeName}", seq.Items[i].Location);
        }
        return result;
    }

    /// <summary>A map of scalar values (labels, attributes). Booleans and numbers keep their text.</summary>
    public ImmutableSortedDictionary<string, string> ScalarMap(string key) => ScalarMapWithLocations(key).Values;

    /// <summary>A map of scalar values, with where each key is written.</summary>
    public (ImmutableSortedDictionary<string, string> Values, ImmutableSortedDictionary<string, SourceLocation> Locations) ScalarMapWithLocations(string key)
    {
        var node = Node(key);
        if (node is null) return (ImmutableSortedDictionary<string, string>.Empty, ImmutableSortedDictionary<string, SourceLocation>.Empty);
        if (node is not YamlMapping m)
        {
            WrongType(key, node, "a mapping of names to scalar values");
            return (ImmutableSortedDictionary<string, string>.Empty, ImmutableSortedDictionary<string, SourceLocation>.Empty);
        }
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var locations = ImmutableSortedDictionary.CreateBuilder<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var e in m.Entries)
        {
            if (e.Value is YamlScalar s)
            {
                builder[e.Key.Name] = s.IsNull ? "" : s.Value;
                locations[e.Key.Name] = e.Key.Location;
            }
            else _diagnostics.Error(DiagnosticCodes.WrongType, $"{_context}.{key}: '{e.Key.Name}' must be a scalar value, got {e.Value.TypeName}", e.Value.Location);
        }
        return (builder.ToImmutable(), locations.ToImmutable());
    }

    /// <summary>Reports every key no getter asked for as an unknown field.</summary>
    public void Finish()
    {
        foreach (var e in _map.Entries)
        {
            if (_known.Contains(e.Key.Name)) continue;
            var hint = Suggest(e.Key.Name, _known);
            _diagnostics.Error(DiagnosticCodes.UnknownField, $"{_context}: unknown field '{e.Key.Name}'{hint}", e.Key.Location);
        }
    }

    /// <summary>Marks keys as known without reading them (read elsewhere).</summary>
    public void Accept(params string[] keys)
    {
        foreach (var k in keys) _known.Add(k);
    }

    /// <summary>The keys present in the mapping.</summary>
    public IEnumerable<string> Keys => _map.Entries.Select(e => e.Key.Name);

    /// <summary>The keys a reader asked for (or accepted) so far: after reading, every field this mapping may have.</summary>
    public IReadOnlyCollection<string> KnownKeys => _known;

    private void Missing(string key) =>
        _diagnostics.Error(DiagnosticCodes.MissingField, $"{_context}: missing required field '{key}'", _map.Location);

    private void WrongType(string key, YamlNode node, string expected) =>
        _diagnostics.Error(DiagnosticCodes.WrongType, $"{_context}: '{key}' must be {expected}, got {Describe(node)}", node.Location);

    private static string Describe(YamlNode node) => node is YamlScalar s ? $"'{s.Value}'" : node.TypeName;

    /// <summary>", did you mean 'x'?" when a candidate is close to <paramref name="word"/>, else empty.</summary>
    public static string Suggest(string word, IEnumerable<string> candidates) => Suggestions.DidYouMean(word, candidates);

    /// <summary>Parses an ISO 8601 duration (PnYnMnDTnHnMnS; years and months are not accepted: they have no fixed length).</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        if (text.Length < 3 || text[0] != 'P' || text.Contains('Y', StringComparison.Ordinal)) return false;
        var datePart = text.Split('T')[0];
        if (datePart.Length > 1 && datePart.EndsWith('M')) return false;
        try
        {
            value = XmlConvert.ToTimeSpan(text);
            return value >= TimeSpan.Zero;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
