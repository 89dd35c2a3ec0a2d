using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Loading.Yaml;

/// <summary>
/// One open mapping or list of a reader that builds <see cref="YamlNode"/> trees from parser events
/// (<see cref="SafeYamlReader"/>, and the event reader for the documents it does not read into records). Frames are
/// reused from one node to the next (a file of 5,000 documents opens some 100,000 mappings), so their lists are
/// allocated once per nesting level, not once per node.
/// </summary>
internal sealed class YamlFrame
{
    /// <summary>Mappings up to this many keys check duplicates by scanning their keys; larger ones a set.</summary>
    private const int ScanLimit = 16;

    private HashSet<string>? _keys;
    private bool _useSet;

    public YamlScalar? PendingKey { get; set; }
    public SourceLocation Start { get; private set; } = SourceLocation.None;
    public bool IsMapping { get; private set; }
    public List<YamlNode> Items { get; } = [];
    public List<KeyValuePair<YamlKey, YamlNode>> Entries { get; } = [];

    public void Open(SourceLocation start, bool isMapping)
    {
        Start = start;
        IsMapping = isMapping;
        PendingKey = null;
        Items.Clear();
        Entries.Clear();
        _useSet = false;
    }

    /// <summary>Records a key of this mapping; false when the mapping already has it.</summary>
    public bool AddKey(string key)
    {
        // Every earlier key has its entry by now (a key's value is attached before the next key is read).
        if (!_useSet)
        {
            foreach (var e in Entries)
            {
                if (string.Equals(e.Key.Name, key, StringComparison.Ordinal)) return false;
            }
            if (Entries.Count < ScanLimit) return true;
            _keys ??= new HashSet<string>(StringComparer.Ordinal);
            _keys.Clear();
            foreach (var e in Entries) _keys.Add(e.Key.Name);
            _useSet = true;
        }
        return _keys!.Add(key);
    }

    /// <summary>The finished node; the frame can be opened again.</summary>
    public YamlNode Close() => IsMapping
        ? new YamlMapping([.. Entries], Start)
        : new YamlSequence([.. Items], Start);
}
