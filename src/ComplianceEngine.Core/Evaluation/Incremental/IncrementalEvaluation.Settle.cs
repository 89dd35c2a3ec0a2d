using System.Runtime.ExceptionServices;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Core.Evaluation.Incremental;

/// <summary>
/// After an update that derived every fact (the first one after start, a restart, a change the patch does not cover):
/// the report is published as soon as it is built, and what the next update patches (the kept report's index, the
/// coverage counters, each flow's facts) is kept on another thread while the caller writes, stores or serves that report.
/// The next update (or reset) waits for it. That thread then rehearses the patch path once, on values that do not change
/// anything (comparers of every document and fact type compiled, one flow's transfer derived again and compared, the kept
/// report's bookkeeping run), so the first edit after start costs what later ones do instead of the JIT's and the
/// comparers' first use.
/// </summary>
public sealed partial class IncrementalEvaluation
{
    private Task? _keeping;

    /// <summary>Waits until what the last update keeps for the next one is kept (see <see cref="Settle"/>).</summary>
    internal void WaitUntilKept()
    {
        lock (_writer) Settle();
    }

    /// <summary>Waits for the kept state of the last full update; rethrows what failed there. Called under the writer's lock.</summary>
    private void Settle()
    {
        if (_keeping is not { } keeping) return;
        _keeping = null;
        try
        {
            keeping.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            // Nothing half-kept is patched: the next update derives every fact.
            Forget();
            ExceptionDispatchInfo.Capture(ex).Throw();
        }
    }

    /// <summary>Keeps what the next update patches on another thread, then rehearses the patch path (see the type's remarks).</summary>
    private void KeepInBackground(Estate estate, ResolvedEstate resolved, List<Entry> order, int prefix, OnwardIndex? index, ExportVolumes volumes,
        Model.Findings.Report report, EvaluationOptions options, Layout layout)
    {
        _keeping = Task.Run(() =>
        {
            Keep(estate, resolved, order, prefix, index, volumes, report, options, layout);
            Rehearse(estate, resolved);
        });
    }

    /// <summary>
    /// Runs the in-place patch's steps once on values that change nothing: the comparers of every document type compiled
    /// (each compiles on first use, tens of milliseconds), one flow's transfer and first onward hop derived again and
    /// compared with the kept ones, and one fact's findings taken out of the kept report and put back.
    /// </summary>
    private void Rehearse(Estate estate, ResolvedEstate resolved)
    {
        if (estate.Organization is { } org) _ = StructuralEquality.Equal(org, org with { });
        if (!estate.Clusters.IsEmpty) _ = SameDocuments(estate.Clusters[..1], [estate.Clusters[0] with { }]);
        if (!estate.Stores.IsEmpty) _ = SameDocuments(estate.Stores[..1], [estate.Stores[0] with { }]);
        if (!estate.Recipients.IsEmpty) _ = SameDocuments(estate.Recipients[..1], [estate.Recipients[0] with { }]);
        if (!estate.DataCategories.IsEmpty) _ = SameDocuments(estate.DataCategories[..1], [estate.DataCategories[0] with { }]);
        if (_byFlow is not { } byFlow || _context is not { } context || _kept is not { } kept) return;
        foreach (var flow in estate.Flows)
        {
            if (!byFlow.TryGetValue(flow.Name, out var facts) || facts.Ambiguous || facts.Declared?.Fact is not TransferFact old) continue;
            var again = resolved.WithEstate(estate);
            if (FactBuilder.Declared(again, context, flow, FactBuilder.OrganizationMechanisms(again, context)) is not { } declared) break;
            _ = SamePlaceInGraph(old, declared) && EdgeFilter.SameEdgeRules(old, declared);
            declared.ExportedIndividuals = old.ExportedIndividuals;
            declared.ExportedSensitiveIndividuals = old.ExportedSensitiveIndividuals;
            _ = SameFact(old, declared);
            if (facts.Hops.Count > 0 && facts.Hops[0].Fact is TransferFact hop) _ = SameFact(hop, RegimeSearch.Rebase(hop, declared));
            break;
        }
        RehearseReroute(estate, resolved, context, byFlow);
        // The same findings out and back in: the kept report is unchanged (the shown finding is the same object).
        if (OrderNow()?.Find(e => e.Findings.Length > 0) is { } entry)
        {
            var dirty = new HashSet<string>(StringComparer.Ordinal);
            kept.Remove(entry, entry.Verdicts, entry.Findings, dirty);
            kept.Add(entry, entry.Verdicts, entry.Findings, dirty);
            kept.Publish(dirty);
        }
    }

    /// <summary>The onward index the next update patches (for tests).</summary>
    internal OnwardIndex? KeptIndex => _index;

    /// <summary>
    /// Whether some regime's data reaches the node edge <paramref name="e"/> of <paramref name="index"/> leaves without the
    /// regime binding the edge (its data comes there onward): a reroute of it is a cut-off replay of that regime's search.
    /// </summary>
    private static bool Followed(OnwardIndex index, int e)
    {
        var graph = index.Graph;
        var from = graph.From[e];
        for (var r = 0; r < graph.Regimes.Count; r++)
        {
            var reached = index.SearchOf(graph.Regimes[r]).Trace.ReachedBy;
            if (from < reached.Length && reached[from] != RegimeTrace.Unreached && !graph.BindsAt(r, e)) return true;
        }
        return false;
    }

    /// <summary>How many flows a rehearsal of a reroute tries before it gives up finding one whose data some regime follows.</summary>
    private const int RerouteRehearsals = 4;

    /// <summary>
    /// A reroute through the onward index and back, on versions of it that are dropped: the graph patched, the cut-off replays
    /// (<see cref="OnwardGraph.ReplayCut"/>) and the hops compared run once, and the kept searches' logs are indexed, so the
    /// first reroute after start is not a cold one. A flow is sent to another store (the first flow, from the middle of the
    /// estate on, that leaves a node some regime's data reaches onward; at most <see cref="RerouteRehearsals"/> tried) and back: the kept index is not
    /// changed, and the way back prepares the onward filter for the kept edges again.
    /// </summary>
    private void RehearseReroute(Estate estate, ResolvedEstate resolved, EvaluationContext context, Dictionary<string, FlowFacts> byFlow)
    {
        if (_index is not { } index || estate.Stores.Length < 2) return;
        var tried = 0;
        for (var k = 0; k < estate.Flows.Length && tried < RerouteRehearsals; k++)
        {
            var i = (estate.Flows.Length / 2 + k) % estate.Flows.Length;
            var flow = estate.Flows[i];
            if (!byFlow.TryGetValue(flow.Name, out var facts) || facts.Ambiguous || facts.Declared is not { Edge: >= 0 } entry || entry.Fact is not TransferFact
                || !Followed(index, entry.Edge)
                || !estate.Stores.Any(s => string.Equals(s.Name, flow.To.Name, StringComparison.Ordinal))
                || estate.Stores.FirstOrDefault(s => s.Name != flow.To.Name && s.Name != flow.From.Name) is not { } other)
            {
                continue;
            }
            tried++;
            var flows = estate.Flows.SetItem(i, flow with { To = new Reference(other.Name, flow.To.Location) });
            var again = resolved.WithEstate(estate with { Flows = flows });
            if (FactBuilder.Declared(again, context, flows[i], FactBuilder.OrganizationMechanisms(again, context)) is not { } declared) continue;
            var there = index.UpdateReplacing([(entry.Edge, declared)]);
            index.PrepareFilterAfter(there.Index.UpdateReplacing([(entry.Edge, index.Direct[entry.Edge])]).Index, [entry.Edge]);
            if (there.Patched && there.RegimesSearched.Count > 0) return;
        }
    }
}
