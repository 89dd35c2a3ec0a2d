using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Loading.Sources;

/// <summary>
/// One document of a file that is not a <c>compliance/v1</c> document: a Terraform plan, a Kubernetes object, a Fides
/// manifest... offered to the registered <see cref="ISourceReader"/>.
/// </summary>
/// <param name="File">The file, as shown in reports.</param>
/// <param name="Index">The document's position in its file (0-based), for stable ordering.</param>
/// <param name="Root">The parsed document. JSON files are read by the same safe reader (JSON is YAML), so every node has a line.</param>
/// <param name="IsJson">True when the file is JSON: positions then also carry a JSON pointer.</param>
public sealed record SourceDocument(string File, int Index, YamlNode Root, bool IsJson);

/// <summary>A native document built from a source file, and the position in the source it came from.</summary>
/// <param name="Document">An <c>apiVersion: compliance/v1</c> mapping whose nodes point into the source file.</param>
/// <param name="Source">Where the source object starts (with its JSON pointer for JSON files).</param>
/// <param name="Reader">The reader that built it (e.g. <c>terraform-plan</c>), named in <c>compliance import</c> comments.</param>
public sealed record ImportedDocument(YamlMapping Document, SourceLocation Source, string Reader);

/// <summary>
/// The seam between loading and the readers of files users already have (src/ComplianceEngine.Import). Loading offers
/// every document that is not native; the reader claims the ones it recognises by content, then turns all claimed
/// documents of one load into native documents at once, so references between files resolve.
/// </summary>
public interface ISourceReader
{
    /// <summary>True when <paramref name="document"/> is a source this reader reads (or one that looks like it and is malformed).</summary>
    bool Recognises(SourceDocument document);

    /// <summary>
    /// A short description of a document nobody recognised (e.g. <c>kind Service (v1)</c>) when it looks like a source
    /// of a type the engine does not read; null when it does not look like a source at all.
    /// </summary>
    string? DescribeUnread(SourceDocument document);

    /// <summary>Builds native documents from the recognised documents. Mistakes are positioned diagnostics.</summary>
    IReadOnlyList<ImportedDocument> Read(IReadOnlyList<SourceDocument> documents, DiagnosticBag diagnostics);
}
