using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Loading.Documents;

/// <summary>A document whose envelope (apiVersion, kind, metadata) has been read; <see cref="Spec"/> is read by the kind's reader.</summary>
public sealed record RawDocument(DocumentInfo Info, MapReader Spec);
