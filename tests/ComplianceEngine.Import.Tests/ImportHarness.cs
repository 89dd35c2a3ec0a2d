using ComplianceEngine.Core;
using ComplianceEngine.Hosting;
using ComplianceEngine.Loading;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Import.Tests;

/// <summary>Loads sources through the importer as <c>compliance check</c> does.</summary>
internal static class ImportHarness
{
    public static readonly Lazy<Engine> BuiltIn = new(() =>
    {
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules")], bag);
        var engine = Engine.Create(source.Packs, source.Regimes, source.Groups, source.Regions, bag, source.Vocabulary);
        Assert.False(bag.HasErrors, string.Join("\n", bag.Sorted()));
        return engine;
    });

    public static WorkspaceLoader Loader() => new(null, new EstateImporter());

    /// <summary>Reads YAML/JSON text named <paramref name="file"/> with the importer; returns the estate and every diagnostic.</summary>
    public static (Estate Estate, IReadOnlyList<Diagnostic> Diagnostics) Load(string file, string text)
    {
        var bag = new DiagnosticBag();
        var docs = Loader().Documents.LoadText(text, file, bag);
        var estate = WorkspaceLoader.ReadEstate(docs, bag);
        return (estate, bag.Sorted());
    }

    /// <summary>The imported documents of <paramref name="text"/>.</summary>
    public static (IReadOnlyList<ImportedDocument> Documents, IReadOnlyList<Diagnostic> Diagnostics) Import(string file, string text)
    {
        using var dir = new TempDir();
        var path = dir.Write(file, text);
        var bag = new DiagnosticBag();
        var docs = Loader().Documents.ImportFiles([path], bag);
        return (docs, bag.Sorted());
    }

    public static Diagnostic Single(IReadOnlyList<Diagnostic> diagnostics, string code) => Assert.Single(diagnostics, d => d.Code == code);
}
