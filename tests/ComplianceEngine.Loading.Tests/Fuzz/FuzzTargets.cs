using System.Text;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Loading.Tests.Fuzz;

/// <summary>
/// A reader of untrusted bytes under fuzzing: it must end, and it must never throw (every problem is a diagnostic).
/// Add a target (an importer, say) by implementing this and listing it in <see cref="FuzzTargets.All"/> with a seed folder
/// under <c>Fuzz/corpus/</c>.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>The target's name and the name of its corpus folder.</summary>
    string Name { get; }

    /// <summary>Reads <paramref name="input"/>; throws only on a bug.</summary>
    void Run(byte[] input);
}

/// <summary>The targets fuzzed in CI.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new YamlDocumentsTarget(),
        new ImporterTarget("terraform", ".json"),
        new ImporterTarget("kubernetes", ".yaml"),
        new ImporterTarget("karmada", ".yaml"),
        new ImporterTarget("ocm", ".yaml"),
        new ImporterTarget("velero", ".yaml"),
        new ImporterTarget("fides", ".yml"),
        new ImporterTarget("istio", ".yaml"),
    ];

    public static IFuzzTarget ByName(string name) => All.Single(t => t.Name == name);
}

/// <summary>The hardened YAML reader, the document envelope, and the inventory readers and cross-checks after it.</summary>
internal sealed class YamlDocumentsTarget : IFuzzTarget
{
    public string Name => "yaml";

    public void Run(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var bag = new DiagnosticBag();
        var docs = new DocumentLoader().LoadText(text, "fuzz.yaml", bag);
        WorkspaceLoader.ReadEstate(docs, bag);
        PolicyReader.ReadPolicies(docs, bag);
        PolicyReader.ReadWaivers(docs, bag);
        RuleReader.Read(docs);
        _ = bag.Sorted();
    }
}

/// <summary>
/// The readers of the files users already have (ComplianceEngine.Import), recognised by content as <c>compliance check</c>
/// reads them, then the inventory readers and cross-checks over what they produce. One target per source, each with
/// its own seeds (the import scenarios' fixtures) under <c>Fuzz/corpus/NAME</c>.
/// </summary>
internal sealed class ImporterTarget(string name, string extension) : IFuzzTarget
{
    public string Name => name;

    public void Run(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var bag = new DiagnosticBag();
        var loader = new WorkspaceLoader(null, new Import.EstateImporter());
        var docs = loader.Documents.LoadText(text, "fuzz-cluster." + name + extension, bag);
        WorkspaceLoader.ReadEstate(docs, bag);
        _ = bag.Sorted();
    }
}
