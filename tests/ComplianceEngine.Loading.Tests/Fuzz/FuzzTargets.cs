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
    public static IReadOnlyList<IFuzzTarget> All { get; } = [new YamlDocumentsTarget()];

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
