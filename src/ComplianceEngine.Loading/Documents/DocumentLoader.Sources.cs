using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Loading.Documents;

/// <summary>The seam to the source reader: files users already have, read beside native documents.</summary>
public sealed partial class DocumentLoader
{
    private readonly ISourceReader? _sources;

    /// <summary>The reader of source files, or null when only native documents are read.</summary>
    public ISourceReader? Sources => _sources;

    /// <summary>
    /// The input files under <paramref name="paths"/>: the YAML files of
    /// <see cref="FindFiles(IEnumerable{string}, DiagnosticBag, IReadOnlyCollection{string}?)"/>, plus <c>.json</c> files when a
    /// source reader is registered (Terraform plans, <c>kubectl -o json</c>), found by the same walk (once per real folder,
    /// regular files only).
    /// </summary>
    public IReadOnlyList<string> FindInputFiles(IEnumerable<string> paths, DiagnosticBag diagnostics, IReadOnlyCollection<string>? skipFolders = null) =>
        _sources is null
            ? FindFiles(paths, diagnostics, skipFolders)
            : FindFiles(paths, diagnostics, skipFolders, f => IsYaml(f) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Reads only the source documents of <paramref name="files"/> into native documents (<c>compliance import</c>).
    /// Native documents among them are left alone.
    /// </summary>
    public IReadOnlyList<ImportedDocument> ImportFiles(IEnumerable<string> files, DiagnosticBag diagnostics)
    {
        if (_sources is null) return [];
        var offered = new List<SourceDocument>();
        foreach (var parsed in ParseFiles([.. files]))
        {
            diagnostics.AddRange(parsed.Diagnostics);
            if (parsed.Nodes is not { } nodes) continue;
            var index = 0;
            foreach (var node in nodes)
            {
                if (node is YamlScalar { IsNull: true }) continue;
                Offer(node, parsed.Name, index++, offered, diagnostics);
            }
        }
        return offered.Count == 0 ? [] : _sources.Read(offered, diagnostics);
    }

    /// <summary>True when <paramref name="node"/> is not a native document and was taken (offered to the reader, or warned about).</summary>
    private bool Offer(YamlNode node, string file, int index, List<SourceDocument> offered, DiagnosticBag diagnostics)
    {
        if (_sources is null) return false;
        var map = node as YamlMapping;
        var api = (map?.Get("apiVersion") as YamlScalar)?.Value;
        var kind = (map?.Get("kind") as YamlScalar)?.Value;
        var isNativeApi = api is not null && api.StartsWith("compliance/", StringComparison.Ordinal);
        if (isNativeApi && kind is not null && DocumentKind.All.Contains(kind)) return false;

        var doc = new SourceDocument(file, index, node, file.EndsWith(".json", StringComparison.OrdinalIgnoreCase));
        if (_sources.Recognises(doc))
        {
            offered.Add(doc);
            return true;
        }
        if (isNativeApi) return false;
        if (_sources.DescribeUnread(doc) is { } what)
        {
            diagnostics.Warning(DiagnosticCodes.SourceNotRead, $"{what} is not a source the engine reads; it is ignored", node.Location);
            return true;
        }
        if (doc.IsJson)
        {
            diagnostics.Warning(DiagnosticCodes.SourceNotRead, $"this JSON file is neither a compliance/v1 document nor a source the engine reads (Terraform plan, Kubernetes object); it is ignored", node.Location);
            return true;
        }
        return false;
    }

    /// <summary>Turns the offered source documents into native documents, read like any other.</summary>
    private List<RawDocument> ReadSources(List<SourceDocument> offered, DiagnosticBag diagnostics)
    {
        var result = new List<RawDocument>();
        if (_sources is null || offered.Count == 0) return result;
        foreach (var imported in _sources.Read(offered, diagnostics))
        {
            var doc = ReadEnvelope(imported.Document, diagnostics);
            if (doc is not null) result.Add(doc);
        }
        return result;
    }
}
