using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Loading.Documents;

/// <summary>A document whose envelope (apiVersion, kind, metadata) has been read; <see cref="Spec"/> is read by the kind's reader.</summary>
public sealed record RawDocument(DocumentInfo Info, MapReader Spec)
{
    /// <summary>
    /// The record when the document was read straight from parser events (a <see cref="Cluster"/>, <see cref="DataStore"/>,
    /// <see cref="DataFlow"/> or <see cref="Recipient"/> of a file that loads cleanly; <see cref="DocumentLoader.ReadRecordsFromEvents"/>):
    /// its <see cref="Spec"/> is then empty, and <see cref="InventoryReader"/> takes the record as it is. Null for documents
    /// read through the YAML tree.
    /// </summary>
    public object? Record { get; init; }
}

/// <summary>
/// One file read and parsed by <see cref="DocumentLoader.ParseFiles(IReadOnlyList{string}, Func{string, string}?)"/>: its documents' trees (null when the file could not
/// be read) and the diagnostics of reading and parsing it, kept apart so that files can be parsed at once and their
/// diagnostics still be added in file order.
/// </summary>
public sealed record ParsedFile(string Name, IReadOnlyList<YamlNode>? Nodes, DiagnosticBag Diagnostics)
{
    /// <summary>
    /// The file's documents in order, when it was read straight from parser events (then <see cref="Nodes"/> is null and
    /// <see cref="Diagnostics"/> empty): each a record, or the tree of a document read as the tree path reads it; null
    /// when the whole file was read through the tree.
    /// </summary>
    internal IReadOnlyList<EventDocument>? Documents { get; init; }
}

/// <summary>
/// One document of a file read from parser events (<see cref="InventoryEventReader"/>): its <see cref="Record"/> (a
/// document whose envelope and record were read from events), or its <see cref="Node"/> (the YAML tree of any other
/// document, whose envelope and spec are read as the tree path reads them).
/// </summary>
internal readonly record struct EventDocument(RawDocument? Record, YamlNode? Node);
