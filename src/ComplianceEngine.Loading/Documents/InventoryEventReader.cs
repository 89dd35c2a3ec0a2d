using System.Collections.Immutable;
using System.Globalization;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ComplianceEngine.Loading.Documents;

/// <summary>
/// Reads the inventory documents that make up big estates (<c>Cluster</c>, <c>DataStore</c>, <c>DataFlow</c>,
/// <c>Recipient</c>) straight from YamlDotNet's parser events into records, without the <see cref="YamlNode"/> tree: a
/// position is made only where a record keeps one, and nothing else of a document outlives its events.
/// <para>
/// It writes no diagnostics. A document it does not read into a record (another kind such as <c>Organization</c>,
/// <c>Waiver</c> or <c>DataCategory</c>; anything that would be a diagnostic: an unknown field, a wrong type, a missing
/// field, a value out of range, annotations, a spec before its kind, a document that is not a mapping) comes back as its
/// own tree, built from the events already pulled and the rest of the document's, exactly as <see cref="SafeYamlReader"/>
/// builds it; the envelope and kind readers then read and report it as always. Only what the tree path reports at the
/// YAML level (a duplicate key, a key that is not a scalar, an anchor, alias or tag, a cap of <see cref="YamlLimits"/>
/// reached, malformed YAML) gives up on the whole file and returns null, and the caller reads the file through the tree
/// (<see cref="SafeYamlReader"/>), which reports it exactly as always. For every file, the documents, records and
/// diagnostics are those of the tree path (tested on every example and scenario, and on mistaken and hostile input).
/// </para>
/// </summary>
internal sealed class InventoryEventReader
{
    // Fields of a spec (bit flags, to find a duplicate key without a set).
    private const int Attributes = 1;

    // The source of events: YamlDotNet's parser, or the plain-subset parser (which never gives an anchor, tag or alias).
    private readonly Parser? _parser;
    private readonly PlainYamlParser? _plain;
    private readonly string _file;
    private readonly YamlLimits _limits;
    private readonly List<EventDocument> _documents = [];
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly List<string> _items = [];
    private readonly List<SourceLocation> _locations = [];
    private readonly SpecValues _spec = new();
    // The events of the document being read, from its root: replayed into a tree when its record cannot be read. Kept for
    // at most MaxBuffered events (a document of a huge list is not held twice, as events and as its record).
    private const int MaxBuffered = 4096;
    private readonly List<YamlEvent> _buffer = [];
    private bool _buffering;
    private readonly List<YamlFrame> _frames = [];
    private YamlEvent _current;
    // The document just read, kept once its DocumentEnd is read (a stop on that very event drops it, as in the tree path).
    private EventDocument _read;
    private int _events;
    private int _depth;
    // The diagnostic that stopped reading (a cap, an anchor, an alias, a tag, malformed YAML, a key that is not a name),
    // after any duplicate keys found before it, as SafeYamlReader reports them: the documents read before a stop stand, as
    // the tree path's do; a duplicate key (reading goes on, to report every one) leaves the file with no documents.
    private DiagnosticBag? _stop;
    private bool _stopped;
    private bool _duplicate;
    private Mark _lastStart;
    private bool _anyEvent;

    private InventoryEventReader(Parser? parser, PlainYamlParser? plain, string file, YamlLimits limits)
    {
        _parser = parser;
        _plain = plain;
        _file = file;
        _limits = limits;
    }

    /// <summary>
    /// The documents of a file written in the plain subset of YAML that <see cref="PlainYamlParser"/> reads (generated and
    /// exported inventories), read from its events as <see cref="TryRead"/> reads YamlDotNet's: the same events give the
    /// same documents. Null, with nothing written, for any file outside that subset, and for any file that would give a
    /// diagnostic or go through the tree: the caller then reads it with <see cref="TryRead"/> as before, so every
    /// diagnostic and position stays YamlDotNet's.
    /// </summary>
    public static List<EventDocument>? TryReadPlain(ArraySegment<byte> bytes, string file, YamlLimits limits)
    {
        var parser = new PlainYamlParser(bytes);
        var reader = new InventoryEventReader(null, parser, file, limits);
        var read = reader.ReadStream();
        if (!read || parser.Unsupported || reader._stopped || reader._duplicate) return null;
        return reader._documents;
    }

    /// <summary>
    /// The documents of the YAML <paramref name="text"/>, in order: each a record, or the tree of a document this reader
    /// does not read itself (<see cref="EventDocument"/>). What stops the tree path stops this reader the same way: its
    /// diagnostic (the one <see cref="SafeYamlReader"/> writes) goes to <paramref name="diagnostics"/>, and the documents read
    /// before it are returned; a duplicate key is reported (with every later one) and leaves no documents, as in the tree
    /// path. Null, with nothing written, when the file must be read through the tree (nothing this reader meets today).
    /// </summary>
    public static List<EventDocument>? TryRead(TextReader text, string file, YamlLimits limits, DiagnosticBag diagnostics)
    {
        var reader = new InventoryEventReader(new Parser(text), null, file, limits);
        var read = reader.ReadStream();
        if (reader._stopped)
        {
            diagnostics.AddRange(reader._stop!);
            return reader._documents;
        }
        if (!read) return null;
        if (!reader._duplicate) return reader._documents;
        diagnostics.AddRange(reader._stop!);
        return [];
    }

    /// <summary>A spec mapping with no fields: the records read from events carry their values already.</summary>
    internal static MapReader EmptySpec { get; } = new(new YamlMapping([], SourceLocation.None), new DiagnosticBag(), "spec read from parser events");

    private bool ReadStream()
    {
        if (!Next() || _current.Kind != YamlEventKind.StreamStart) return false;
        while (true)
        {
            if (!Next()) return false;
            if (_current.Kind == YamlEventKind.StreamEnd) return _plain is null ? !_parser!.MoveNext() : !_plain.MoveNext();
            if (_current.Kind != YamlEventKind.DocumentStart) return false;
            _buffer.Clear();
            _buffering = true;
            if (!Next()) return false;
            if (_current.Kind == YamlEventKind.MappingStart && ReadDocument())
            {
                // read into a record (_read)
            }
            else
            {
                // Another kind, a mistake, a document that is not a mapping (or an empty one): its tree, read by the
                // envelope and kind readers as always. Only what stops the tree path (or malformed YAML) stops here.
                if (_stopped || BuildTree() is not { } node) return false;
                _read = new EventDocument(null, node);
            }
            if (!Next() || _current.Kind != YamlEventKind.DocumentEnd) return false;
            _documents.Add(_read);
            _depth = 0;
        }
    }

    /// <summary>
    /// Pulls the next event, enforcing the caps and refusing anchors, aliases and tags as <see cref="SafeYamlReader"/> does
    /// (false, with <see cref="_stop"/> set to its diagnostic), or false at the end of the stream.
    /// </summary>
    private bool Next()
    {
        YamlEvent ev;
        if (_plain is not null)
        {
            if (!_plain.MoveNext()) return false;
            ev = _plain.Current;
        }
        else
        {
            bool moved;
            try
            {
                moved = _parser!.MoveNext();
            }
            catch (YamlException ex)
            {
                SafeYamlReader.SyntaxError(Stop(), ex, _file, Last());
                return false;
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
            {
                SafeYamlReader.Malformed(Stop(), ex, Last());
                return false;
            }
            if (!moved) return false;
            var parsed = _parser.Current!;
            _lastStart = parsed.Start;
            _anyEvent = true;
            if (Refused(parsed)) return false;
            ev = YamlEvent.From(parsed);
        }
        _lastStart = ev.Start;
        _anyEvent = true;
        if (_buffering && _buffer.Count <= MaxBuffered) _buffer.Add(ev);
        if (++_events > _limits.MaxEvents)
        {
            SafeYamlReader.TooManyNodes(Stop(), _limits, Last());
            return false;
        }
        if (ev.Kind is YamlEventKind.MappingStart or YamlEventKind.SequenceStart)
        {
            if (_depth >= _limits.MaxDepth)
            {
                SafeYamlReader.TooDeep(Stop(), _limits, Last());
                return false;
            }
            _depth++;
        }
        else if (ev.Kind is YamlEventKind.MappingEnd or YamlEventKind.SequenceEnd)
        {
            _depth--;
        }
        _current = ev;
        return true;
    }

    /// <summary>
    /// Whether YamlDotNet's <paramref name="ev"/> is refused as <see cref="SafeYamlReader"/> refuses it (an anchor, a tag, an
    /// alias), with <see cref="_stop"/> set to its diagnostic; the event cap comes first, as there.
    /// </summary>
    private bool Refused(ParsingEvent ev)
    {
        if (_events + 1 > _limits.MaxEvents) return false; // counted, and stopped, by the caller
        if (ev is NodeEvent node)
        {
            if (!node.Anchor.IsEmpty)
            {
                SafeYamlReader.AnchorRejected(Stop(), node, Last());
                return true;
            }
            if (!node.Tag.IsEmpty && node.Tag.Value != "!")
            {
                SafeYamlReader.TagRejected(Stop(), node, Last());
                return true;
            }
        }
        else if (ev is AnchorAlias alias)
        {
            SafeYamlReader.AliasRejected(Stop(), alias, Last());
            return true;
        }
        return false;
    }

    /// <summary>The bag for the diagnostic that stops reading (one at most: nothing is read after it).</summary>
    private DiagnosticBag Stop()
    {
        _stopped = true;
        return _stop ??= new DiagnosticBag();
    }

    /// <summary>Where the last event read starts (the file's start before any), as <see cref="SafeYamlReader"/> places a stop.</summary>
    private SourceLocation Last() => _anyEvent ? At(_lastStart) : new SourceLocation(_file, 1, 1);

    private SourceLocation Here() => At(_current.Start);

    private SourceLocation At(Mark mark) => new(_file, (int)mark.Line, (int)mark.Column);

    /// <summary>Short values repeat (names, categories, codes): one string each keeps the records small.</summary>
    private string Share(string value)
    {
        if (value.Length > 32) return value;
        if (_strings.TryGetValue(value, out var shared)) return shared;
        if (_strings.Count < 65_536) _strings[value] = value;
        return value;
    }

    /// <summary>The next key of the open mapping (false at its end, or when the key is not a scalar: <paramref name="end"/> tells which).</summary>
    private bool NextKey(out string key, out bool end)
    {
        key = string.Empty;
        end = false;
        if (!Next()) return false;
        if (_current.Kind == YamlEventKind.MappingEnd)
        {
            end = true;
            return false;
        }
        if (_current.Kind != YamlEventKind.Scalar) return false;
        key = _current.Value;
        return true;
    }

    /// <summary>Marks <paramref name="flag"/> as seen; false when it was (a duplicate key).</summary>
    private static bool See(ref int seen, int flag)
    {
        if ((seen & flag) != 0) return false;
        seen |= flag;
        return true;
    }

    /// <summary>A scalar value (null for the null scalars) and where it is written; false for a list or mapping.</summary>
    private bool Scalar(out string? value, out SourceLocation location)
    {
        value = null;
        location = SourceLocation.None;
        if (!Next() || _current.Kind != YamlEventKind.Scalar) return false;
        location = Here();
        if (!_current.IsNull) value = _current.Value;
        return true;
    }

    /// <summary>A string field that is not kept with a position (shared with equal values of the file, unless <paramref name="share"/> is false).</summary>
    private bool String(out string? value, bool share = true)
    {
        value = null;
        if (!Next() || _current.Kind != YamlEventKind.Scalar) return false;
        if (!_current.IsNull) value = share ? Share(_current.Value) : _current.Value;
        return true;
    }

    /// <summary>An enum field: its value must be one of <paramref name="allowed"/> (the list's own string is kept).</summary>
    private bool Enum(IReadOnlyList<string> allowed, out string? value)
    {
        value = null;
        if (!Next() || _current.Kind != YamlEventKind.Scalar) return false;
        if (_current.IsNull) return true;
        foreach (var a in allowed)
        {
            if (a == _current.Value)
            {
                value = a;
                return true;
            }
        }
        return false;
    }

    /// <summary>A boolean field, as <see cref="MapReader.Bool"/>.</summary>
    private bool Bool(ref bool value)
    {
        if (!Next() || _current.Kind != YamlEventKind.Scalar) return false;
        if (_current.IsNull) return true;
        if (_current.IsQuoted || !bool.TryParse(_current.Value, out var b)) return false;
        value = b;
        return true;
    }

    /// <summary>A whole number field, as <see cref="MapReader.Long"/>.</summary>
    private bool Long(out long? value)
    {
        value = null;
        if (!Next() || _current.Kind != YamlEventKind.Scalar) return false;
        if (_current.IsNull) return true;
        if (_current.IsQuoted || !long.TryParse(_current.Value.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
        value = n;
        return true;
    }

    /// <summary>A duration field, as <see cref="MapReader.Duration"/>.</summary>
    private bool Duration(out TimeSpan? value)
    {
        value = null;
        if (!Next() || _current.Kind != YamlEventKind.Scalar) return false;
        if (_current.IsNull) return true;
        if (!MapReader.TryParseDuration(_current.Value, out var t)) return false;
        value = t;
        return true;
    }

    /// <summary>A list of strings (null: empty); every item a non-null scalar, as <see cref="MapReader.StringItems"/>.</summary>
    private bool Items(out ImmutableArray<string> values, out ImmutableArray<SourceLocation> locations, bool withLocations)
    {
        values = [];
        locations = [];
        if (!Next()) return false;
        if (_current.Kind == YamlEventKind.Scalar) return _current.IsNull;
        if (_current.Kind != YamlEventKind.SequenceStart) return false;
        _items.Clear();
        _locations.Clear();
        while (true)
        {
            if (!Next()) return false;
            if (_current.Kind == YamlEventKind.SequenceEnd) break;
            if (_current.Kind != YamlEventKind.Scalar || _current.IsNull) return false;
            _items.Add(Share(_current.Value));
            if (withLocations) _locations.Add(Here());
        }
        values = [.. _items];
        if (withLocations) locations = [.. _locations];
        return true;
    }

    private bool References(out ImmutableArray<Reference> references)
    {
        references = [];
        if (!Items(out var names, out var locations, withLocations: true)) return false;
        var result = ImmutableArray.CreateBuilder<Reference>(names.Length);
        for (var i = 0; i < names.Length; i++) result.Add(new Reference(names[i], locations[i]));
        references = result.MoveToImmutable();
        return true;
    }

    /// <summary>A reference field: the name and where its value is written (null when absent or null).</summary>
    private bool Reference(out Reference? reference)
    {
        reference = null;
        if (!Scalar(out var name, out var at)) return false;
        if (name is not null) reference = new Reference(Share(name), at);
        return true;
    }

    /// <summary>
    /// A mapping of names to scalar values (labels, attributes), as <see cref="MapReader.ScalarMapWithLocations"/>: a null
    /// value is empty text; a list or mapping as a value, or a key twice, gives up.
    /// </summary>
    private bool ScalarMap(out ImmutableSortedDictionary<string, string> values, out ImmutableSortedDictionary<string, SourceLocation> locations, bool withLocations)
    {
        values = ImmutableSortedDictionary<string, string>.Empty;
        locations = ImmutableSortedDictionary<string, SourceLocation>.Empty;
        if (!Next()) return false;
        if (_current.Kind == YamlEventKind.Scalar) return _current.IsNull;
        if (_current.Kind != YamlEventKind.MappingStart) return false;
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var at = ImmutableSortedDictionary.CreateBuilder<string, SourceLocation>(StringComparer.Ordinal);
        while (true)
        {
            if (!NextKey(out var key, out var end)) return end && Done(builder, at, out values, out locations);
            if (builder.ContainsKey(key)) return false;
            var keyLocation = withLocations ? Here() : null;
            if (!Next() || _current.Kind != YamlEventKind.Scalar) return false;
            key = Share(key);
            builder[key] = _current.IsNull ? "" : Share(_current.Value);
            if (keyLocation is not null) at[key] = keyLocation;
        }

        static bool Done(ImmutableSortedDictionary<string, string>.Builder b, ImmutableSortedDictionary<string, SourceLocation>.Builder l,
            out ImmutableSortedDictionary<string, string> values, out ImmutableSortedDictionary<string, SourceLocation> locations)
        {
            values = b.ToImmutable();
            locations = l.ToImmutable();
            return true;
        }
    }

    /// <summary>Reads one document from its MappingStart to its MappingEnd; false to give up on the file.</summary>
    private bool ReadDocument()
    {
        var location = Here();
        string? api = null, kind = null, name = null;
        var labels = ImmutableSortedDictionary<string, string>.Empty;
        var seen = 0;
        SpecValues? spec = null;
        while (true)
        {
            if (!NextKey(out var key, out var end))
            {
                if (!end) return false;
                break;
            }
            switch (key)
            {
                case "apiVersion":
                    if (!See(ref seen, 1) || !String(out api) || api != DocumentLoader.ApiVersion) return false;
                    break;
                case "kind":
                    // Other kinds (Organization, Waiver, DataCategory, ...) are read from the document's tree.
                    if (!See(ref seen, 2) || !String(out kind) || kind is not (DocumentKind.Cluster or DocumentKind.DataStore or DocumentKind.DataFlow or DocumentKind.Recipient)) return false;
                    break;
                case "metadata":
                    if (!See(ref seen, 4) || !ReadMetadata(out name, out labels)) return false;
                    break;
                case "spec":
                    // The spec is read by kind: a spec written before the kind is left to the tree path.
                    if (!See(ref seen, 8) || kind is null) return false;
                    if (!Next() || _current.Kind != YamlEventKind.MappingStart) return false;
                    spec = _spec.Reset(Here());
                    if (!ReadSpec(kind, spec)) return false;
                    break;
                default:
                    return false;
            }
        }
        if (seen != 15 || kind is null || name is null || spec is null) return false;
        var info = new DocumentInfo(kind, name, labels, spec.Attributes, location) { AttributeLocations = spec.AttributeLocations };
        object? record = kind switch
        {
            DocumentKind.Cluster => spec.ToCluster(info),
            DocumentKind.DataStore => spec.ToStore(info),
            DocumentKind.DataFlow => spec.ToFlow(info),
            DocumentKind.Recipient => spec.ToRecipient(info),
            _ => null,
        };
        if (record is null) return false;
        _read = new EventDocument(new RawDocument(info, EmptySpec) { Record = record }, null);
        return true;
    }

    /// <summary>metadata: a mapping with a non-empty name and optional labels (annotations are left to the tree path).</summary>
    private bool ReadMetadata(out string? name, out ImmutableSortedDictionary<string, string> labels)
    {
        name = null;
        labels = ImmutableSortedDictionary<string, string>.Empty;
        if (!Next() || _current.Kind != YamlEventKind.MappingStart) return false;
        var seen = 0;
        while (true)
        {
            if (!NextKey(out var key, out var end)) return end && name is { Length: > 0 };
            switch (key)
            {
                case "name":
                    // A name is its document's own: not shared (a lookup and a table entry per document for nothing).
                    if (!See(ref seen, 1) || !String(out name, share: false)) return false;
                    break;
                case "labels":
                    if (!See(ref seen, 2) || !ScalarMap(out labels, out _, withLocations: false)) return false;
                    break;
                default:
                    return false;
            }
        }
    }

    private bool ReadSpec(string kind, SpecValues v)
    {
        var seen = 0;
        while (true)
        {
            if (!NextKey(out var key, out var end)) return end && v.Complete(kind);
            var ok = key == "attributes"
                ? See(ref seen, Attributes) && ScalarMap(out v.Attributes, out v.AttributeLocations, withLocations: true)
                : kind switch
                {
                    DocumentKind.Cluster => ClusterField(key, v, ref seen),
                    DocumentKind.DataStore => StoreField(key, v, ref seen),
                    DocumentKind.DataFlow => FlowField(key, v, ref seen),
                    _ => RecipientField(key, v, ref seen),
                };
            if (!ok) return false;
        }
    }

    private bool ClusterField(string key, SpecValues v, ref int seen) => key switch
    {
        "provider" => See(ref seen, 2) && Enum(InventoryReader.Providers, out v.Provider),
        "region" => See(ref seen, 4) && RegionField(v),
        "country" => See(ref seen, 8) && CountryField(v),
        "environment" => See(ref seen, 16) && String(out v.Environment),
        "role" => See(ref seen, 32) && Enum(InventoryReader.Roles, out v.Role),
        "operator" => See(ref seen, 64) && String(out v.Operator),
        "disasterRecovery" => See(ref seen, 128) && DisasterRecovery(v),
        "agreements" => See(ref seen, 256) && Items(out v.Agreements, out v.AgreementLocations, withLocations: true),
        _ => false,
    };

    private bool RegionField(SpecValues v)
    {
        if (!Scalar(out var region, out var at)) return false;
        v.Region = region is null ? null : Share(region);
        v.RegionLocation = region is null ? SourceLocation.None : at;
        return true;
    }

    private bool CountryField(SpecValues v)
    {
        if (!Scalar(out var country, out v.CountryLocation)) return false;
        v.Country = country is null ? null : Share(country);
        return true;
    }

    private bool DisasterRecovery(SpecValues v)
    {
        if (!Next()) return false;
        if (_current.Kind == YamlEventKind.Scalar) return _current.IsNull;
        if (_current.Kind != YamlEventKind.MappingStart) return false;
        var location = Here();
        string? strategy = null;
        ImmutableArray<Reference>? targets = null;
        var seen = 0;
        while (true)
        {
            if (!NextKey(out var key, out var end))
            {
                if (!end) return false;
                break;
            }
            var ok = key switch
            {
                "strategy" => See(ref seen, 1) && Enum(InventoryReader.DrStrategies, out strategy),
                "targets" => See(ref seen, 2) && TargetsField(out targets),
                _ => false,
            };
            if (!ok) return false;
        }
        // targets is required (and a null value counts as missing).
        if (targets is not { } t) return false;
        v.DisasterRecovery = new DisasterRecovery(strategy ?? "active-passive", t, location);
        return true;
    }

    private bool TargetsField(out ImmutableArray<Reference>? targets)
    {
        targets = null;
        if (!Next()) return false;
        if (_current.Kind == YamlEventKind.Scalar) return false; // null (missing) or a scalar (wrong type): both are diagnostics
        if (_current.Kind != YamlEventKind.SequenceStart) return false;
        var result = ImmutableArray.CreateBuilder<Reference>();
        while (true)
        {
            if (!Next()) return false;
            if (_current.Kind == YamlEventKind.SequenceEnd) break;
            if (_current.Kind != YamlEventKind.Scalar || _current.IsNull) return false;
            result.Add(new Reference(Share(_current.Value), Here()));
        }
        targets = result.ToImmutable();
        return true;
    }

    private bool StoreField(string key, SpecValues v, ref int seen) => key switch
    {
        "cluster" => See(ref seen, 2) && Reference(out v.ClusterRef),
        "recipient" => See(ref seen, 4) && Reference(out v.RecipientRef),
        "encryption" => See(ref seen, 8) && Encryption(v),
        "categories" => See(ref seen, 16) && Items(out v.Categories, out v.CategoryLocations, withLocations: true),
        "subjects" => See(ref seen, 32) && Items(out v.Subjects, out v.SubjectLocations, withLocations: true),
        "subjectTypes" => See(ref seen, 64) && Items(out v.SubjectTypes, out v.SubjectTypeLocations, withLocations: true),
        "designations" => See(ref seen, 128) && Items(out v.Designations, out v.DesignationLocations, withLocations: true),
        "individuals" => See(ref seen, 256) && Long(out v.Individuals),
        "sensitiveIndividuals" => See(ref seen, 512) && Long(out v.SensitiveIndividuals),
        "primary" => See(ref seen, 1024) && Bool(ref v.Primary),
        "replicas" => See(ref seen, 2048) && References(out v.Replicas),
        "backups" => See(ref seen, 4096) && References(out v.Backups),
        "geoRedundant" => See(ref seen, 8192) && Bool(ref v.GeoRedundant),
        _ => false,
    };

    private bool Encryption(SpecValues v)
    {
        if (!Next()) return false;
        if (_current.Kind == YamlEventKind.Scalar) return _current.IsNull;
        if (_current.Kind != YamlEventKind.MappingStart) return false;
        var location = Here();
        bool atRest = false, endToEnd = false;
        string? keyCountry = null;
        SourceLocation? keyCountryLocation = null;
        var seen = 0;
        while (true)
        {
            if (!NextKey(out var key, out var end))
            {
                if (!end) return false;
                break;
            }
            bool ok;
            switch (key)
            {
                case "atRest":
                    ok = See(ref seen, 1) && Bool(ref atRest);
                    break;
                case "keyCountry":
                    ok = See(ref seen, 2) && Scalar(out keyCountry, out var at) && (keyCountryLocation = at) is not null;
                    break;
                case "endToEnd":
                    ok = See(ref seen, 4) && Bool(ref endToEnd);
                    break;
                default:
                    ok = false;
                    break;
            }
            if (!ok) return false;
        }
        v.Encryption = new Encryption(atRest, keyCountry is null ? null : Share(keyCountry), endToEnd) { KeyCountryLocation = keyCountryLocation ?? location };
        return true;
    }

    private bool FlowField(string key, SpecValues v, ref int seen) => key switch
    {
        "from" => See(ref seen, 2) && Reference(out v.From),
        "to" => See(ref seen, 4) && Reference(out v.To),
        "categories" => See(ref seen, 8) && Items(out v.Categories, out v.CategoryLocations, withLocations: true),
        "purpose" => See(ref seen, 16) && Enum(InventoryReader.Purposes, out v.Purpose),
        "mechanisms" => See(ref seen, 32) && Items(out v.Mechanisms, out v.MechanismLocations, withLocations: true),
        "individuals" => See(ref seen, 64) && Long(out v.Individuals),
        "sensitiveIndividuals" => See(ref seen, 128) && Long(out v.SensitiveIndividuals),
        "encryptedInTransit" => See(ref seen, 256) && Bool(ref v.EncryptedInTransit),
        "pseudonymised" => See(ref seen, 512) && Bool(ref v.Pseudonymised),
        "retention" => See(ref seen, 1024) && Duration(out v.Retention),
        _ => false,
    };

    private bool RecipientField(string key, SpecValues v, ref int seen) => key switch
    {
        "country" => See(ref seen, 2) && CountryField(v),
        "role" => See(ref seen, 4) && Enum(InventoryReader.RecipientRoles, out v.Role),
        "certifications" => See(ref seen, 8) && Items(out v.Certifications, out v.CertificationLocations, withLocations: true),
        "agreements" => See(ref seen, 16) && Items(out v.Agreements, out v.AgreementLocations, withLocations: true),
        _ => false,
    };

    /// <summary>
    /// The tree of the document whose events are in <see cref="_buffer"/> (from its root), pulling the rest of its events:
    /// the nodes <see cref="SafeYamlReader"/> makes of them, positions and shared strings alike, and its duplicate keys
    /// reported as it reports them. Null when reading stops (a key that is not a name, a refused event, malformed YAML).
    /// </summary>
    private YamlNode? BuildTree()
    {
        // A document too long to keep its events (see MaxBuffered) cannot be replayed: the file goes to the tree path.
        if (_buffer.Count == 0 || _buffer.Count > MaxBuffered) return null;
        var depth = 0;
        YamlNode? root = null;
        var replay = _buffer.Count;
        _buffering = false;
        for (var i = 0; ; i++)
        {
            YamlEvent ev;
            if (i < replay)
            {
                ev = _buffer[i];
            }
            else
            {
                if (!Next()) return null;
                ev = _current;
            }
            switch (ev.Kind)
            {
                case YamlEventKind.Scalar:
                    if (!Attach(new YamlScalar(Share(ev.Value), ev.IsQuoted, At(ev.Start)))) return null;
                    break;
                case YamlEventKind.MappingStart or YamlEventKind.SequenceStart:
                    if (depth == _frames.Count) _frames.Add(new YamlFrame());
                    _frames[depth++].Open(At(ev.Start), ev.Kind == YamlEventKind.MappingStart);
                    break;
                case YamlEventKind.MappingEnd or YamlEventKind.SequenceEnd:
                    if (depth == 0) return null;
                    if (!Attach(_frames[--depth].Close())) return null;
                    break;
                default:
                    return null;
            }
            if (depth == 0 && root is not null) return root;
        }

        bool Attach(YamlNode value)
        {
            if (depth == 0)
            {
                root = value;
                return true;
            }
            var parent = _frames[depth - 1];
            if (!parent.IsMapping)
            {
                parent.Items.Add(value);
                return true;
            }
            if (parent.PendingKey is not { } key)
            {
                if (value is not YamlScalar keyScalar)
                {
                    SafeYamlReader.KeyNotAName(Stop(), value.Location);
                    return false;
                }
                if (!parent.AddKey(keyScalar.Value))
                {
                    // Reported, and reading goes on (every duplicate is reported); the file then gives no documents.
                    SafeYamlReader.DuplicateKey(_stop ??= new DiagnosticBag(), keyScalar);
                    _duplicate = true;
                }
                parent.PendingKey = keyScalar;
                return true;
            }
            parent.PendingKey = null;
            parent.Entries.Add(new(new YamlKey(key.Value, key.Location), value));
            return true;
        }
    }

    /// <summary>
    /// The values of one spec as the kind's reader in <see cref="InventoryReader"/> reads them, with the same defaults; a
    /// field left out keeps its default. Fields, not properties: the readers fill them through <c>out</c> and <c>ref</c>.
    /// </summary>
    private sealed class SpecValues
    {
#pragma warning disable CA1051 // A private scratch object filled by ref: fields on purpose.
        public SourceLocation Location = SourceLocation.None;
        public ImmutableSortedDictionary<string, string> Attributes = ImmutableSortedDictionary<string, string>.Empty;
        public ImmutableSortedDictionary<string, SourceLocation> AttributeLocations = ImmutableSortedDictionary<string, SourceLocation>.Empty;

        // Cluster and Recipient
        public string? Provider, Region, Country, Environment, Role, Operator;
        public SourceLocation? CountryLocation;
        public SourceLocation RegionLocation = SourceLocation.None;
        public ImmutableArray<SourceLocation> AgreementLocations = [], CertificationLocations = [], MechanismLocations = [];
        public DisasterRecovery? DisasterRecovery;
        public ImmutableArray<string> Agreements = [], Certifications = [];

        // DataStore and DataFlow
        public Reference? ClusterRef, RecipientRef, From, To;
        public Encryption Encryption = Model.Inventory.Encryption.None;
        public ImmutableArray<string> Categories = [], Subjects = [], SubjectTypes = [], Designations = [], Mechanisms = [];
        public ImmutableArray<SourceLocation> CategoryLocations = [], SubjectLocations = [], SubjectTypeLocations = [], DesignationLocations = [];
        public long? Individuals, SensitiveIndividuals;
        public bool Primary, GeoRedundant, EncryptedInTransit, Pseudonymised;
        public ImmutableArray<Reference> Replicas = [], Backups = [];
        public string? Purpose;
        public TimeSpan? Retention;
#pragma warning restore CA1051

        /// <summary>Every field back to its default, for the next spec (one object serves a whole file).</summary>
        public SpecValues Reset(SourceLocation location)
        {
            Location = location;
            Attributes = ImmutableSortedDictionary<string, string>.Empty;
            AttributeLocations = ImmutableSortedDictionary<string, SourceLocation>.Empty;
            Provider = Region = Country = Environment = Role = Operator = Purpose = null;
            CountryLocation = null;
            RegionLocation = SourceLocation.None;
            AgreementLocations = CertificationLocations = MechanismLocations = [];
            DisasterRecovery = null;
            Agreements = Certifications = Categories = Subjects = SubjectTypes = Designations = Mechanisms = [];
            CategoryLocations = SubjectLocations = SubjectTypeLocations = DesignationLocations = [];
            ClusterRef = RecipientRef = From = To = null;
            Encryption = Model.Inventory.Encryption.None;
            Individuals = SensitiveIndividuals = null;
            Primary = GeoRedundant = EncryptedInTransit = Pseudonymised = false;
            Replicas = Backups = [];
            Retention = null;
            return this;
        }

        /// <summary>False when a required field is missing (the tree path reports it).</summary>
        public bool Complete(string kind) => kind switch
        {
            DocumentKind.Cluster => Provider is not null,
            DocumentKind.DataFlow => From is not null && To is not null,
            DocumentKind.Recipient => Country is not null,
            _ => true,
        };

        public Cluster ToCluster(DocumentInfo info) =>
            new(info, Provider!, Region, Country, Environment ?? "production", Role ?? "primary", Operator ?? string.Empty, DisasterRecovery)
            {
                Agreements = Agreements,
                AgreementLocations = AgreementLocations,
                CountryLocation = CountryLocation ?? Location,
                RegionLocation = RegionLocation,
            };

        public DataStore ToStore(DocumentInfo info) =>
            new(info, ClusterRef, RecipientRef, Categories, Subjects, SubjectTypes, Designations, Individuals, SensitiveIndividuals, Primary,
                Replicas, Backups, GeoRedundant, Encryption)
            {
                CategoryLocations = CategoryLocations,
                SubjectLocations = SubjectLocations,
                SubjectTypeLocations = SubjectTypeLocations,
                DesignationLocations = DesignationLocations,
            };

        public DataFlow ToFlow(DocumentInfo info) =>
            new(info, From!, To!, Categories, Purpose ?? "processing", Mechanisms, Individuals, SensitiveIndividuals, EncryptedInTransit, Pseudonymised, Retention)
            {
                CategoryLocations = CategoryLocations,
                MechanismLocations = MechanismLocations,
            };

        public Recipient ToRecipient(DocumentInfo info) =>
            new(info, Country!, Role ?? "processor", Certifications, Agreements)
            {
                CountryLocation = CountryLocation ?? Location,
                CertificationLocations = CertificationLocations,
                AgreementLocations = AgreementLocations,
            };
    }
}
