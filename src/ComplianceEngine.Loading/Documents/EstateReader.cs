using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Model.Policy;

namespace ComplianceEngine.Loading.Documents;

/// <summary>
/// Reads an estate's documents batch by batch as <see cref="DocumentLoader.ReadFiles"/> hands them out: inventory
/// documents are read into records at once (so each file's YAML can be dropped), waivers are kept to be read at the end,
/// other kinds are left to the caller. <see cref="Finish()"/> gives what <see cref="WorkspaceLoader.ReadEstate"/> and
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
    public (Estate Estate, ImmutableArray<Waiver> Waivers) Finish() => Finish(alongside: null);

    /// <summary>
    /// <see cref="Finish()"/>, running <paramref name="alongside"/> over the estate on another thread while the estate is
    /// cross-checked, and returning once both are done: a further check of the estate (the vocabulary) that writes to a bag
    /// of its own, which the caller adds after these diagnostics as it would have after checking one step after the other.
    /// An exception of either is thrown (the cross-check's first).
    /// </summary>
    public (Estate Estate, ImmutableArray<Waiver> Waivers) Finish(Action<Estate>? alongside)
    {
        var waivers = PolicyReader.ReadWaivers(_waivers, _diagnostics);
        var estate = _inventory.Build();
        if (alongside is null)
        {
            EstateLinker.Check(estate, _diagnostics, _withErrors);
            return (estate, waivers);
        }
        var beside = Task.Run(() => alongside(estate));
        try
        {
            EstateLinker.Check(estate, _diagnostics, _withErrors);
        }
        catch
        {
            // Never left running behind the caller's back; the cross-check's failure is the one thrown.
            try
            {
                beside.Wait();
            }
            catch (AggregateException)
            {
            }
            throw;
        }
        beside.GetAwaiter().GetResult();
        return (estate, waivers);
    }
}
