using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Loading.Documents;

/// <summary>A document whose envelope (apiVersion, kind, metadata) has been read; <see cref="Spec"/> is read by the kind's reader.</summary>
public sealed record RawDocument(DocumentInfo Info, MapReader Spec);

/// <summary>
/// One file read and parsed by <see cref="DocumentLoader.ParseFiles"/>: its documents' trees (null when the file could not
/// be read) and the diagnostics of reading and parsing it, kept apart so that files can be parsed at once and their
/// diagnostics still be added in file order.
/// </summary>
public sealed record ParsedFile(string Name, IReadOnlyList<YamlNode>? Nodes, DiagnosticBag Diagnostics);
