using System.Collections.Immutable;
using System.Globalization;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import;

/// <summary>
/// A native document being built from a source: kind, name, spec fields in order, each value keeping the position of
/// the source value it came from. Built into a <c>compliance/v1</c> mapping read like any hand-written document.
/// </summary>
internal sealed class NativeDraft(string kind, string name, SourceLocation at, string reader)
{
    private readonly List<KeyValuePair<string, YamlNode>> _spec = [];
    private readonly SortedDictionary<string, (string Value, SourceLocation At)> _labels = new(StringComparer.Ordinal);

    public string Kind { get; } = kind;
    public string Name { get; set; } = name;
    public SourceLocation At { get; } = at;
    public string Reader { get; } = reader;

    /// <summary>The Kubernetes namespace the source object was in (workloads), for Velero and Istio joins.</summary>
    public string? Namespace { get; init; }

    /// <summary>The Kubernetes object a workload store came from, for Karmada and OCM joins.</summary>
    public (string Namespace, string Kind, string Name)? SourceKey { get; init; }

    /// <summary>The labels of the Kubernetes object a workload store came from (Karmada label selectors).</summary>
    public IReadOnlyDictionary<string, Cursor>? SourceLabels { get; init; }

    /// <summary>The Kubernetes object a workload store came from (its pod template and claim templates, for Velero's label selectors).</summary>
    public Cursor? SourceObject { get; init; }

    /// <summary>Sets a label.</summary>
    public NativeDraft Label(string key, string value, SourceLocation at)
    {
        _labels[key] = (value, at);
        return this;
    }

    /// <summary>Sets (or replaces) a spec field.</summary>
    public NativeDraft Set(string key, YamlNode value)
    {
        var i = _spec.FindIndex(e => e.Key == key);
        if (i >= 0) _spec[i] = new(key, value);
        else _spec.Add(new(key, value));
        return this;
    }

    /// <summary>The value of a spec field, or null.</summary>
    public YamlNode? Get(string key) => _spec.FirstOrDefault(e => e.Key == key).Value;

    /// <summary>Adds names to a list field (replicas, backups), keeping the ones already there.</summary>
    public NativeDraft Append(string key, IEnumerable<YamlNode> items)
    {
        var added = items.ToList();
        if (added.Count == 0) return this;
        var existing = Get(key) as YamlSequence;
        var list = (existing?.Items ?? []).AddRange(added);
        var distinct = list.GroupBy(n => (n as YamlScalar)?.Value ?? string.Empty, StringComparer.Ordinal).Select(g => g.First()).ToImmutableArray();
        return Set(key, new YamlSequence(distinct, existing?.Location ?? distinct.FirstOrDefault()?.Location ?? At));
    }

    /// <summary>The strings of a list field.</summary>
    public IReadOnlyList<string> Strings(string key) => (Get(key) as YamlSequence)?.Items.OfType<YamlScalar>().Select(s => s.Value).ToList() ?? [];

    /// <summary>The native mapping.</summary>
    public ImportedDocument Build()
    {
        var metadata = new List<KeyValuePair<YamlKey, YamlNode>> { Entry("name", Text(Name, At)) };
        if (_labels.Count > 0)
            metadata.Add(Entry("labels", new YamlMapping([.. _labels.Select(l => Entry(l.Key, Text(l.Value.Value, l.Value.At)))], At)));
        var root = new YamlMapping(
        [
            Entry("apiVersion", Text(DocumentLoader.ApiVersion, At)),
            Entry("kind", Text(Kind, At)),
            Entry("metadata", new YamlMapping([.. metadata], At)),
            Entry("spec", new YamlMapping([.. _spec.Select(e => Entry(e.Key, e.Value))], At)),
        ], At);
        return new ImportedDocument(root, At, Reader);

        KeyValuePair<YamlKey, YamlNode> Entry(string key, YamlNode value) => new(new YamlKey(key, value.Location), value);
    }

    /// <summary>A string value.</summary>
    public static YamlScalar Text(string value, SourceLocation at) => new(value, true, at);

    /// <summary>A whole number.</summary>
    public static YamlScalar Number(long value, SourceLocation at) => new(value.ToString(CultureInfo.InvariantCulture), false, at);

    /// <summary>A boolean.</summary>
    public static YamlScalar Flag(bool value, SourceLocation at) => new(value ? "true" : "false", false, at);

    /// <summary>A list of strings.</summary>
    public static YamlSequence List(IEnumerable<string> values, SourceLocation at) => new([.. values.Select(v => (YamlNode)Text(v, at))], at);
}
