using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ComplianceEngine.Loading.Yaml;

/// <summary>The kinds of <see cref="YamlEvent"/>: YamlDotNet's event types that the readers tell apart.</summary>
internal enum YamlEventKind : byte
{
    /// <summary>Any other event (an alias, a comment).</summary>
    Other,
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    MappingStart,
    MappingEnd,
    SequenceStart,
    SequenceEnd,
    Scalar,
}

/// <summary>
/// One parser event as <see cref="Documents.InventoryEventReader"/> reads it: its kind, where it starts, and for a scalar
/// its value and style; for a mapping or sequence whether it is written in flow style. A value, not an object: the
/// plain-subset parser (<see cref="PlainYamlParser"/>) makes these without allocating an event per node (YamlDotNet's
/// <see cref="Scalar"/> constructor also calls <see cref="string.IsInterned"/>), and YamlDotNet's events are read into
/// the same shape (<see cref="From"/>).
/// </summary>
internal readonly record struct YamlEvent(YamlEventKind Kind, Mark Start, string Value = "", ScalarStyle Style = ScalarStyle.Any, bool Flow = false)
{
    /// <summary>A quoted or block scalar (never null, whatever its text).</summary>
    public bool IsQuoted => Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded;

    /// <summary>A plain scalar that means null, as <see cref="YamlScalar.IsNull"/>.</summary>
    public bool IsNull => !IsQuoted && Value is "" or "~" or "null" or "Null" or "NULL";

    /// <summary>YamlDotNet's event in this shape.</summary>
    public static YamlEvent From(ParsingEvent ev) => ev switch
    {
        Scalar s => new YamlEvent(YamlEventKind.Scalar, s.Start, s.Value, s.Style),
        MappingStart m => new YamlEvent(YamlEventKind.MappingStart, m.Start, Flow: m.Style == MappingStyle.Flow),
        SequenceStart q => new YamlEvent(YamlEventKind.SequenceStart, q.Start, Flow: q.Style == SequenceStyle.Flow),
        MappingEnd => new YamlEvent(YamlEventKind.MappingEnd, ev.Start),
        SequenceEnd => new YamlEvent(YamlEventKind.SequenceEnd, ev.Start),
        DocumentStart => new YamlEvent(YamlEventKind.DocumentStart, ev.Start),
        DocumentEnd => new YamlEvent(YamlEventKind.DocumentEnd, ev.Start),
        StreamStart => new YamlEvent(YamlEventKind.StreamStart, ev.Start),
        StreamEnd => new YamlEvent(YamlEventKind.StreamEnd, ev.Start),
        _ => new YamlEvent(YamlEventKind.Other, ev.Start),
    };
}
