using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Core.Evaluation.Incremental;

/// <summary>
/// Store, cluster and recipient edits: only the direct facts of the documents an edit reaches are derived again (a store's
/// placement and implied copies, the transfers of the flows that read or write what moved, the DR copies of the clusters
/// that hold or target it, and the copies of copies), and only those are matched with their kept versions.
/// </summary>
public sealed partial class IncrementalEvaluation
{
    /// <summary>At most this many stores, clusters and recipients changed are patched per document; more derive every direct fact.</summary>
    internal const int MaxPatchedDocuments = 64;

    private Layout? _layout;

    /// <summary>
    /// Where each document's direct facts sit in the derivation order: the segments are the stores' placements, the flows'
    /// declared transfers, the clusters' DR copies, the stores' implied copies, then the copies of copies (one segment),
    /// in that order (the order <see cref="Evaluator.DeriveDirect"/> derives them in).
    /// </summary>
    private sealed class Layout(int stores, int flows, int clusters)
    {
        public int StoreCount { get; } = stores;
        public int FlowCount { get; } = flows;
        public int ClusterCount { get; } = clusters;

        /// <summary>Facts per segment (those some rule could be about: the kept ones).</summary>
        public int[] Lengths { get; } = new int[2 * stores + flows + clusters + 1];

        /// <summary>The data each cluster's and each store's copies put on another cluster (copied on by that cluster's DR).</summary>
        public FlowAnalyzer.Arrival[][] ClusterArrivals { get; } = new FlowAnalyzer.Arrival[clusters][];

        /// <summary>As <see cref="ClusterArrivals"/>, per store (replicas that name a cluster).</summary>
        public FlowAnalyzer.Arrival[][] StoreArrivals { get; } = new FlowAnalyzer.Arrival[stores][];

#pragma warning disable CA1822 // one of the segment indices, named beside the others
        public int Placement(int store) => store;
#pragma warning restore CA1822
        public int Declared(int flow) => StoreCount + flow;
        public int Cluster(int cluster) => StoreCount + FlowCount + cluster;
        public int Store(int store) => StoreCount + FlowCount + ClusterCount + store;
        public int Copies => Lengths.Length - 1;

        /// <summary>Where each segment starts in the derivation order.</summary>
        public int[] Offsets()
        {
            var offsets = new int[Lengths.Length + 1];
            for (var g = 0; g < Lengths.Length; g++) offsets[g + 1] = offsets[g] + Lengths[g];
            return offsets;
        }
    }

    /// <summary>
    /// The direct facts of <paramref name="estate"/> as <see cref="Evaluator.DeriveDirect"/> derives them (the same facts in
    /// the same order), with where each document's facts sit (<see cref="Layout"/>).
    /// </summary>
    private (ResolvedEstate Resolved, List<Fact> Facts, List<TransferFact> Direct, ExportVolumes Volumes, Layout Layout) DeriveSegmented(Estate estate,
        EvaluationContext context, EvaluationOptions options, int workers)
    {
        var observer = options.Observer;
        var (builder, analyzer) = _evaluator.Derivers;
        var (placements, transfers) = _evaluator.Judges;
        bool Kept(Fact f) => f is PlacementFact ? placements : transfers;
        var resolved = builder.Resolve(estate);
        observer?.PhaseCompleted(EvaluationPhase.Resolve, resolved.Sites.Count);
        context.Sensitivity = resolved.Sensitivity;
        var (stores, flows, clusters) = (estate.Stores, estate.Flows, estate.Clusters);
        var layout = new Layout(stores.Length, flows.Length, clusters.Length);
        var all = new List<Fact>(2 * stores.Length + flows.Length);
        var facts = new List<Fact>(2 * stores.Length + flows.Length);
        void Add(int segment, Fact fact)
        {
            all.Add(fact);
            if (!Kept(fact)) return;
            facts.Add(fact);
            layout.Lengths[segment]++;
        }
        var copyTargets = CopyTargets(estate);
        for (var s = 0; s < stores.Length; s++) Add(layout.Placement(s), StorePlacement(resolved, context, stores[s], copyTargets));
        var orgMechanisms = FactBuilder.OrganizationMechanisms(resolved, context);
        var declared = new TransferFact?[flows.Length];
        if (workers <= 1 || flows.Length < 50_000)
        {
            for (var i = 0; i < flows.Length; i++) declared[i] = FactBuilder.Declared(resolved, context, flows[i], orgMechanisms);
        }
        else
        {
            foreach (var flow in flows) resolved.Warm(flow.From.Name, flow.To.Name);
            Parallel.For(0, flows.Length, new ParallelOptions { MaxDegreeOfParallelism = workers },
                i => declared[i] = FactBuilder.Declared(resolved, context, flows[i], orgMechanisms));
        }
        for (var i = 0; i < flows.Length; i++)
        {
            if (declared[i] is { } t) Add(layout.Declared(i), t);
        }
        observer?.PhaseCompleted(EvaluationPhase.Facts, all.Count);
        var scratch = new List<Fact>();
        var queue = new Queue<FlowAnalyzer.Arrival>();
        for (var c = 0; c < clusters.Length; c++)
        {
            analyzer.ImpliedByCluster(scratch, resolved, context, clusters[c], orgMechanisms, queue);
            layout.ClusterArrivals[c] = Drain(queue);
            foreach (var f in scratch) Add(layout.Cluster(c), f);
            scratch.Clear();
        }
        for (var s = 0; s < stores.Length; s++)
        {
            analyzer.ImpliedByStore(scratch, resolved, context, stores[s], orgMechanisms, queue);
            layout.StoreArrivals[s] = Drain(queue);
            foreach (var f in scratch) Add(layout.Store(s), f);
            scratch.Clear();
        }
        analyzer.CopiesOf(scratch, resolved, context, Arrivals(layout), orgMechanisms);
        foreach (var f in scratch) Add(layout.Copies, f);
        var direct = new List<TransferFact>(all.Count);
        foreach (var f in all)
        {
            if (f is TransferFact t) direct.Add(t);
        }
        var volumes = ExportVolumes.Of(direct);
        foreach (var t in direct) volumes.Apply(t);
        observer?.PhaseCompleted(EvaluationPhase.Flows, all.Count);
        return (resolved, facts, direct, volumes, layout);
    }

    private static FlowAnalyzer.Arrival[] Drain(Queue<FlowAnalyzer.Arrival> queue)
    {
        if (queue.Count == 0) return [];
        var arrivals = queue.ToArray();
        queue.Clear();
        return arrivals;
    }

    /// <summary>Every arrival, clusters' first then stores', in derivation order (the queue the copies of copies start from).</summary>
    private static Queue<FlowAnalyzer.Arrival> Arrivals(Layout layout, Dictionary<int, FlowAnalyzer.Arrival[]>? clusters = null,
        Dictionary<int, FlowAnalyzer.Arrival[]>? stores = null)
    {
        var queue = new Queue<FlowAnalyzer.Arrival>();
        for (var c = 0; c < layout.ClusterArrivals.Length; c++)
        {
            foreach (var x in clusters?.GetValueOrDefault(c) ?? layout.ClusterArrivals[c]) queue.Enqueue(x);
        }
        for (var s = 0; s < layout.StoreArrivals.Length; s++)
        {
            foreach (var x in stores?.GetValueOrDefault(s) ?? layout.StoreArrivals[s]) queue.Enqueue(x);
        }
        return queue;
    }

    /// <summary>The names some store backs up or replicates to (their placements are copy targets).</summary>
    private static HashSet<string> CopyTargets(Estate estate)
    {
        var targets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in estate.Stores)
        {
            foreach (var b in s.Backups) targets.Add(b.Name);
            foreach (var r in s.Replicas) targets.Add(r.Name);
        }
        return targets;
    }

    /// <summary>A store's own placement, as <see cref="FactBuilder.Build(ResolvedEstate, EvaluationContext, int)"/> makes it.</summary>
    private static PlacementFact StorePlacement(ResolvedEstate resolved, EvaluationContext context, DataStore store, HashSet<string> copyTargets)
    {
        var info = resolved.Info(store);
        var site = info.Site;
        return FactBuilder.Placement(context, info, site, info.Subject, [store.Name, site.Name], copy: false, store.GeoRedundant,
            copyTarget: copyTargets.Contains(store.Name));
    }

    /// <summary>
    /// The update when only stores, clusters or recipients changed in place (the same names in the same order; flows and
    /// categories unchanged). The segments the edited documents reach are derived again: a store whose document or site
    /// changed (its placement and implied copies), the flows that read or write a name whose site or data changed, the DR
    /// copies of the clusters that hold such a store or target such a name, the replicas and backups that name one, and
    /// the copies of copies. Null (with the reason) for any other change.
    /// </summary>
    private IncrementalUpdate? PatchDocuments(Estate estate, EvaluationOptions options, IEnumerable<Diagnostic>? diagnostics)
    {
        var why = NotPatchedBecause;
        if (_estate is not { } before || _resolved is not { } resolvedBefore || _order is not { } order || _kept is not { } kept || _context is not { } context || _session is not { } session
            || _volumes is not { } volumesBefore || _index is not { } index || _layout is not { } layout || _counters is not { } counters)
            return NotPatched($"{why}; no kept layout");
        if (!SameDocuments(before.Flows, estate.Flows) || !SameDocuments(before.DataCategories, estate.DataCategories))
            return NotPatched($"{why}; flows or categories changed too");
        if (layout.StoreCount != estate.Stores.Length || layout.FlowCount != estate.Flows.Length || layout.ClusterCount != estate.Clusters.Length)
            return NotPatched($"{why}; documents were added or removed");
        var editedStores = Edited(before.Stores, estate.Stores, s => s.Name);
        var editedClusters = Edited(before.Clusters, estate.Clusters, c => c.Name);
        var editedRecipients = Edited(before.Recipients, estate.Recipients, r => r.Name);
        if (editedStores is null || editedClusters is null || editedRecipients is null) return NotPatched($"{why}; documents were added, removed or renamed");
        if (editedStores.Count + editedClusters.Count + editedRecipients.Count > MaxPatchedDocuments) return NotPatched($"{why}; too many documents changed");
        var observer = options.Observer;
        void Step(string name) => observer?.Counted("patch-step:" + name, 1);
        Step("start");

        var (builder, analyzer) = _evaluator.Derivers;
        var (placements, transfers) = _evaluator.Judges;
        bool Kept(Fact f) => f is PlacementFact ? placements : transfers;

        // What moved: names whose site may be another (edited clusters and recipients, and every store edited or resting on
        // one), and clusters whose stores changed (a flow from a cluster carries all of them; its DR copies each).
        var homes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in editedClusters) homes.Add(estate.Clusters[c].Name);
        foreach (var r in editedRecipients) homes.Add(estate.Recipients[r].Name);
        var sited = new HashSet<string>(homes, StringComparer.Ordinal);
        var holding = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in editedClusters) holding.Add(estate.Clusters[c].Name);
        var movedStores = new SortedSet<int>(editedStores);
        for (var s = 0; s < estate.Stores.Length; s++)
        {
            var store = estate.Stores[s];
            if ((store.Cluster ?? store.Recipient) is { } home && homes.Contains(home.Name)) movedStores.Add(s);
        }
        foreach (var s in editedStores)
        {
            foreach (var version in new[] { before.Stores[s], estate.Stores[s] })
            {
                if (version.Cluster is { } c) holding.Add(c.Name);
            }
        }
        foreach (var s in movedStores) sited.Add(estate.Stores[s].Name);
        // Located again: the edited clusters and recipients only; the stores that moved have their data worked out again.
        var resolved = builder.Resolve(estate, resolvedBefore, homes, movedStores.Select(s => estate.Stores[s].Name).ToHashSet(StringComparer.Ordinal));
        context.Sensitivity = resolved.Sensitivity;
        var orgMechanisms = FactBuilder.OrganizationMechanisms(resolved, context);
        observer?.PhaseCompleted(EvaluationPhase.Resolve, editedStores.Count + editedClusters.Count + editedRecipients.Count);

        var segments = new SortedSet<int>();
        foreach (var s in movedStores)
        {
            segments.Add(layout.Placement(s));
            segments.Add(layout.Store(s));
        }
        // A store another store backs up or replicates to is a copy target: its placement says so.
        var targetsBefore = editedStores.Any(s => !before.Stores[s].Backups.SequenceEqual(estate.Stores[s].Backups)
            || !before.Stores[s].Replicas.SequenceEqual(estate.Stores[s].Replicas)) ? CopyTargets(before) : null;
        var copyTargets = CopyTargets(estate);
        if (targetsBefore is not null)
        {
            for (var s = 0; s < estate.Stores.Length; s++)
            {
                if (targetsBefore.Contains(estate.Stores[s].Name) != copyTargets.Contains(estate.Stores[s].Name)) segments.Add(layout.Placement(s));
            }
        }
        foreach (var name in sited.Concat(holding))
        {
            foreach (var i in counters.FlowsAt(name)) segments.Add(layout.Declared(i));
        }
        for (var c = 0; c < estate.Clusters.Length; c++)
        {
            var cluster = estate.Clusters[c];
            if (holding.Contains(cluster.Name) || (cluster.DisasterRecovery?.Targets.Any(t => sited.Contains(t.Name)) ?? false)) segments.Add(layout.Cluster(c));
        }
        for (var s = 0; s < estate.Stores.Length; s++)
        {
            var store = estate.Stores[s];
            if (store.Replicas.Any(r => sited.Contains(r.Name)) || store.Backups.Any(b => sited.Contains(b.Name))) segments.Add(layout.Store(s));
        }
        segments.Add(layout.Copies);

        // The reached segments derived again (the copies of copies last: they start from every segment's arrivals).
        var offsets = layout.Offsets();
        var fresh = new Dictionary<int, List<Fact>>();
        var all = new List<Fact>();
        var queue = new Queue<FlowAnalyzer.Arrival>();
        var clusterArrivals = new Dictionary<int, FlowAnalyzer.Arrival[]>();
        var storeArrivals = new Dictionary<int, FlowAnalyzer.Arrival[]>();
        foreach (var g in segments)
        {
            var list = new List<Fact>();
            if (g < layout.Declared(0))
            {
                list.Add(StorePlacement(resolved, context, estate.Stores[g], copyTargets));
            }
            else if (g < layout.Cluster(0))
            {
                if (FactBuilder.Declared(resolved, context, estate.Flows[g - layout.Declared(0)], orgMechanisms) is { } t) list.Add(t);
            }
            else if (g < layout.Store(0))
            {
                var c = g - layout.Cluster(0);
                analyzer.ImpliedByCluster(list, resolved, context, estate.Clusters[c], orgMechanisms, queue);
                clusterArrivals[c] = Drain(queue);
            }
            else if (g < layout.Copies)
            {
                var s = g - layout.Store(0);
                analyzer.ImpliedByStore(list, resolved, context, estate.Stores[s], orgMechanisms, queue);
                storeArrivals[s] = Drain(queue);
            }
            else
            {
                analyzer.CopiesOf(list, resolved, context, Arrivals(layout, clusterArrivals, storeArrivals), orgMechanisms);
            }
            all.AddRange(list);
            fresh[g] = list.FindAll(Kept);
        }
        observer?.Counted("direct-facts-derived", all.Count);
        Step("direct-facts");

        // Every direct transfer in derivation order (the onward search's edges): the kept ones, and the fresh ones where
        // segments were derived again. The export volumes are sums over them: when a country's changed, every transfer from
        // there changes, and every fact is derived again.
        var edges = new List<TransferFact>(index.Direct.Count);
        for (var g = 0; g < layout.Lengths.Length; g++)
        {
            if (fresh.TryGetValue(g, out var list))
            {
                foreach (var f in list)
                {
                    if (f is TransferFact t) edges.Add(t);
                }
                continue;
            }
            for (var k = offsets[g]; k < offsets[g + 1]; k++)
            {
                if (order[k].Fact is TransferFact t) edges.Add(t);
            }
        }
        if (!transfers) return NotPatched($"{why}; no rule is about transfers");
        // The same shares leave and come (the usual case: the edit moved no exported individuals): the same totals, exactly.
        // Otherwise the totals are summed again, in order, as a full evaluation sums them.
        var volumes = volumesBefore;
        var leaving = new List<(string, double?, double?)>();
        var coming = new List<(string, double?, double?)>();
        foreach (var (g, list) in fresh)
        {
            for (var k = offsets[g]; k < offsets[g + 1]; k++)
            {
                if (order[k].Fact is TransferFact t && ExportShare(t) is { } share) leaving.Add(share);
            }
            foreach (var f in list)
            {
                if (f is TransferFact t && ExportShare(t) is { } share) coming.Add(share);
            }
        }
        leaving.Sort();
        coming.Sort();
        if (!leaving.SequenceEqual(coming))
        {
            volumes = ExportVolumes.Of(edges);
            if (!volumes.SameTotals(volumesBefore)) return NotPatched($"{why}; the export volumes changed (every transfer from a country changes)");
        }
        foreach (var f in all)
        {
            if (f is TransferFact t) volumes.Apply(t);
        }
        foreach (var (c, arrivals) in clusterArrivals) layout.ClusterArrivals[c] = arrivals;
        foreach (var (s, arrivals) in storeArrivals) layout.StoreArrivals[s] = arrivals;
        Step("volumes");

        // Each fresh fact matched with its segment's kept facts by key, in order, and compared by value.
        var inserted = new List<Fact>();
        var retracted = new List<Fact>();
        var judged = new List<Entry>();
        var comings = new List<Entry>();
        var goings = new List<Entry>();
        var scratch = new byte[_evaluator.Rules.Rules.Length];
        var exhaustive = options.Exhaustive;
        Entry Judge(Fact fact)
        {
            // Ordinal -1: new in this update (the renumbering below tells kept facts from new ones by it).
            var entry = new Entry(fact) { Fresh = true, Ordinal = -1 };
            var (all, some) = _evaluator.Selection.For(fact, exhaustive);
            if (Runners.NRulesRunner.Prejudge(fact, all, some, scratch))
            {
                entry.InSession = true;
                inserted.Add(fact);
                judged.Add(entry);
            }
            return entry;
        }
        var prefix = new List<Entry>(_prefix + 16);
        var matched = 0;
        for (var g = 0; g < layout.Lengths.Length; g++)
        {
            if (!fresh.TryGetValue(g, out var list))
            {
                for (var k = offsets[g]; k < offsets[g + 1]; k++) prefix.Add(order[k]);
                continue;
            }
            var olds = new Dictionary<long, Queue<Entry>>();
            for (var k = offsets[g]; k < offsets[g + 1]; k++)
            {
                var e = order[k];
                var key = FactKey.Of(e.Fact);
                if (!olds.TryGetValue(key, out var q)) olds[key] = q = new Queue<Entry>(1);
                q.Enqueue(e);
            }
            foreach (var fact in list)
            {
                matched++;
                if (olds.TryGetValue(FactKey.Of(fact), out var q) && q.Count > 0 && SameFact(q.Peek().Fact, fact))
                {
                    prefix.Add(q.Dequeue());
                    continue;
                }
                var entry = Judge(fact);
                comings.Add(entry);
                prefix.Add(entry);
            }
            foreach (var q in olds.Values)
            {
                foreach (var e in q)
                {
                    goings.Add(e);
                    if (e.InSession) retracted.Add(e.Fact);
                }
            }
            layout.Lengths[g] = list.Count;
        }
        var edge = 0;
        foreach (var e in prefix) e.Edge = e.Fact is TransferFact ? edge++ : -1;
        observer?.PhaseCompleted(EvaluationPhase.Facts, matched);
        Step("match");

        var update = index.Update(edges);
        TrimFilter();
        Step("onward-index");
        var hopsReordered = PatchHops(update, volumes, Judge, comings, goings, inserted, judged, retracted);
        Step("hop-entries");
        observer?.PhaseCompleted(EvaluationPhase.Flows, comings.Count + goings.Count);

        ApplyAndCount(session, retracted, inserted, judged, options);

        var dirty = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in goings) TakeOut(e, kept, counters, dirty);
        var prefixCount = prefix.Count;
        order = prefix;
        foreach (var regime in _index!.Regimes) order.AddRange(_hops[regime]);
        // Facts kept in the same relative order (segments spliced in place, hops kept in order) keep which of them is first
        // for every finding id they share: only when kept facts changed order are the shared ids looked at again.
        // (The hops' order is PatchHops's to tell: it numbers the hops of the regimes it searched for the new order.)
        var reordered = hopsReordered;
        var last = -1L;
        for (var k = 0; k < prefixCount; k++)
        {
            var e = order[k];
            if (e.Ordinal < 0) continue;
            if (e.Ordinal <= last) reordered = true;
            last = e.Ordinal;
        }
        Renumber(order, prefixCount);
        if (reordered) kept.Reordered(dirty);
        foreach (var e in comings)
        {
            Rekey(null, e);
            kept.Add(e, e.Verdicts, e.Findings, dirty);
            counters.Record(e.Fact, e.Verdicts, +1);
        }
        kept.Publish(dirty);
        Step("publish");
        // The documents whose not-judged entry may read what changed: the edited ones, what moved, and the flows at them.
        foreach (var s in editedStores) counters.StoreChanged(before.Stores[s], estate.Stores[s]);
        foreach (var c in editedClusters) counters.ClusterChanged(before.Clusters[c], estate.Clusters[c]);
        foreach (var r in editedRecipients) counters.Changed(estate.Recipients[r].Name);
        foreach (var name in sited.Concat(holding))
        {
            counters.Changed(name);
            foreach (var i in counters.FlowsAt(name)) counters.Changed(estate.Flows[i].Name);
        }
        var counts = kept.Counts(_evaluator);
        var coverage = counters.Coverage(resolved, counts, _evaluator);
        Step("coverage");
        var report = Publish(estate, resolved, kept, counts, coverage, options, diagnostics, estateChanged: true);
        _order = order;
        _hopsListed = true;
        _prefix = prefixCount;
        _volumes = volumes;
        _byFlow = FlowsOf(estate, order);
        NotPatchedBecause = null;
        return new IncrementalUpdate(report, false, order.Count, order.Count - comings.Count, 0, comings.Count, goings.Count, inserted.Count, retracted.Count)
        {
            Patched = true,
            RegimesSearched = update.RegimesSearched.Count,
            DirectFactsDerived = all.Count,
        };
    }

    /// <summary>The indices of the documents that changed in place (null when any was added, removed or renamed).</summary>
    private static List<int>? Edited<T>(System.Collections.Immutable.ImmutableArray<T> before, System.Collections.Immutable.ImmutableArray<T> after, Func<T, string> name)
        where T : class
    {
        if (before.Length != after.Length) return null;
        var edited = new List<int>();
        if (before == after) return edited;
        for (var i = 0; i < after.Length; i++)
        {
            if (ReferenceEquals(before[i], after[i])) continue;
            if (!string.Equals(name(before[i]), name(after[i]), StringComparison.Ordinal)) return null;
            if (!StructuralEquality.Equal(before[i], after[i])) edited.Add(i);
        }
        return edited;
    }
}
