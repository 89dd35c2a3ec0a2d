using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Model.Policy;

namespace ComplianceEngine.Loading.Documents;

/// <summary>
/// Reads an estate's documents batch by batch as <see cref="DocumentLoader.ReadFiles"/> hands them out: inventory
/// documents are read into records at once (so each file's YAML can be dropped), waivers are kept to be read at the end,
/// other kinds are left to the caller. <see cref="Finish"/> gives what <see cref="WorkspaceLoader.ReadEstate"/> and
/// <see cref="PolicyReader.ReadWaivers"/> give for all the documents in the same order, with the same diagnostics.
/// </summary>
public sealed class EstateReader
{
    private readonly DiagnosticBag _diagnostics;
    private readonly HashSet<DocumentInfo> _withErrors = new(ReferenceEqualityComparer.Instance);
    private readonly InventoryReader.Builder _inventory;
    private readonly List<RawDocument> _waivers = [];

    /// <summary>Reads into a new estate; problems go to <paramref name="diagnostics"/>.</summary>
    public EstateReader(DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        _diagnostics = diagnostics;
        _inventory = new InventoryReader.Builder(diagnostics, _withErrors);
    }

    /// <summary>Reads the inventory documents of <paramref name="batch"/> and keeps its waivers.</summary>
    public void Add(IEnumerable<RawDocument> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var doc in batch)
        {
            if (doc.Info.Kind == DocumentKind.Waiver) _waivers.Add(doc);
            else _inventory.Add(doc);
        }
    }

    /// <summary>The estate, cross-checked (<see cref="EstateLinker"/>), and the waivers among the documents.</summary>
    public (Estate Estate, ImmutableArray<Waiver> Waivers) Finish()
    {
        var waivers = PolicyReader.ReadWaivers(_waivers, _diagnostics);
        var estate = _inventory.Build();
        EstateLinker.Check(estate, _diagnostics, _withErrors);
        return (estate, waivers);
    }
}
