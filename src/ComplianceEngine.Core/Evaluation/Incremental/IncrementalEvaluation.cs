using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;
using NRules;

namespace ComplianceEngine.Core.Evaluation.Incremental;

/// <summary>
/// The incremental runner: one long-lived NRules session over the facts of one estate. Each new version of the estate is
/// derived into facts the way the batch path derives them; every fact is matched to its previous version by a stable key
/// (<see cref="FactKey"/>) and compared by value (<see cref="StructuralEquality"/>). Unchanged facts stay in the session
/// with their verdicts and findings; a changed fact's old version is retracted and its new version inserted (facts are
/// immutable objects rebuilt from the model, so an update is that pair); facts that are gone are retracted; new facts
/// are inserted. Only the inserted facts are judged and fire rules. The report is built from the session's facts by the
/// batch path's own code (<see cref="Evaluator.BuildReport"/>), in the batch path's fact order, so it is byte-identical
/// to a full evaluation of the same version.
/// </summary>
/// <remarks>
/// Thread-safety: one writer at a time (<see cref="Update"/> takes a lock); <see cref="Report"/> is an immutable snapshot
/// any thread may read while an update runs. After an update that derived every fact, what the next one patches is kept
/// on another thread (the next update waits for it): see <c>IncrementalEvaluation.Settle.cs</c>. A change of date, organisation or options starts a new session (every fact
/// depends on them).
/// </remarks>
public sealed partial class IncrementalEvaluation
{
    private readonly Evaluator _evaluator;
    private readonly Func<Estate, IEnumerable<Diagnostic>?, IEnumerable<Diagnostic>> _diagnose;
    private readonly Lock _writer = new();
    private readonly HashSet<(CompiledRule, Fact)> _failed = [];

    private ISession? _session;
    private EvaluationContext? _context;
    private EvaluationOptions? _options;
    private Dictionary<(long Key, int Occurrence), Entry> _entries = [];

    // What the last version left for the next update to patch (null after a restart): the estate and its resolution,
    // every fact in derivation order, each declared flow's facts, and the report's parts.
    private Estate? _estate;
    private ResolvedEstate? _resolved;
    private List<Entry>? _order;

    /// <summary>
    /// Whether <see cref="_order"/> lists the hops after its direct facts as <see cref="_hops"/> holds them; false after a
    /// patch that changed some regime's hops (the list's hops are then stale: <see cref="OrderNow"/> lists them again).
    /// </summary>
    private bool _hopsListed = true;
    private int _prefix;
    private OnwardIndex? _index;
    private Dictionary<string, Entry[]> _hops = new(StringComparer.Ordinal);
    private ExportVolumes? _volumes;

    /// <summary>The export volumes as exact sums, for the index version they sum (see <see cref="ExportTally"/>; stale when another).</summary>
    private ExportTally? _exportTally;
    private int _stamp;
    private Dictionary<string, FlowFacts>? _byFlow;
    private KeptReport? _kept;
    private Coverage? _coverage;
    private Diagnostic[] _given = [];
    private List<Diagnostic> _diagnosed = [];
    private OnwardRuleFilter? _edgeFilter;
    private CoverageCounters? _counters;

    /// <summary>At most this many changed flows are patched; more re-derive every fact (the patch is per flow).</summary>
    internal const int MaxPatchedFlows = 1024;

    /// <summary>Facts keyed and compared per task while the onward hops are built.</summary>
    private const int DiffChunkSize = 4096;
    private volatile Report? _report;

    internal IncrementalEvaluation(Engine engine, Evaluator evaluator, Func<Estate, IEnumerable<Diagnostic>?, IEnumerable<Diagnostic>> diagnose)
    {
        Engine = engine;
        _evaluator = evaluator;
        _diagnose = diagnose;
    }

    /// <summary>The engine whose rules this session judges with.</summary>
    public Engine Engine { get; }

    /// <summary>The report of the last version given to <see cref="Update"/>; null before the first.</summary>
    public Report? Report => _report;

    /// <summary>What the last <see cref="Update"/> did; null before the first.</summary>
    public IncrementalUpdate? LastUpdate { get; private set; }

    /// <summary>Facts in the session now (facts some rule applies to).</summary>
    public int SessionFacts { get; private set; }

    /// <summary>
    /// Makes <paramref name="estate"/> the current version: re-judges the facts that changed since the last version and
    /// returns the new report (also <see cref="Report"/>) with what changed.
    /// </summary>
    /// <param name="diagnostics">The loader's diagnostics for this version (the report lists them, as a full evaluation does).</param>
    public IncrementalUpdate Update(Estate estate, EvaluationOptions options, IEnumerable<Diagnostic>? diagnostics = null)
    {
        ArgumentNullException.ThrowIfNull(estate);
        ArgumentNullException.ThrowIfNull(options);
        lock (_writer)
        {
            Settle();
            var fresh = _session is null || _context is null || _options is null || !SameSession(_options, options)
                || !StructuralEquality.Equal(_context.Organization, estate.Organization);
            NotPatchedBecause = null;
            if (fresh) Restart(estate, options);
            else if ((PatchChangedFlows(estate, options, diagnostics) ?? PatchDocuments(estate, options, diagnostics) ?? PatchDirectFacts(estate, options, diagnostics)) is { } patched)
            {
                _options = options;
                LastUpdate = patched;
                return patched;
            }
            _options = options;
            var session = _session!;
            var context = _context!;
            var workers = Evaluator.Workers(options);
            var observer = options.Observer;
            // The facts as the batch path derives them, with the onward hops kept in an index the next update re-searches.
            var (resolved, direct, edges, volumes, layout) = DeriveSegmented(estate, context, options, workers);
            OnwardIndex? index = null;
            IEnumerable<Fact> derived = direct;
            if (_evaluator.OnwardHopFilter(options, workers) is (var follow, var filter))
            {
                index = OnwardIndex.Build(edges, follow, filter, workers);
                KeepFilter(filter);
                derived = direct.Concat(index.Hops.Select(volumes.Apply));
            }

            var previous = _entries;
            // Keys and comparisons run on the workers while this thread builds the onward hops (the bulk of the facts);
            // each chunk only reads the previous version. The merge below is in derivation order.
            var exhaustive = options.Exhaustive;
            var candidates = ChunkPipeline.Run(derived, DiffChunkSize, workers, chunk => Match(chunk, previous, exhaustive));
            var next = new Dictionary<(long, int), Entry>(previous.Count);
            var order = new List<Entry>(previous.Count);
            var inserted = new List<Fact>();
            var retracted = new List<Fact>();
            var judged = new List<Entry>();
            int unchanged = 0, changed = 0, added = 0;
            foreach (var chunk in candidates)
            {
                foreach (var (fact, hash, match, applies) in chunk)
                {
                    var key = (hash, 1);
                    while (next.ContainsKey(key)) key.Item2++;
                    if (previous.Remove(key, out var old))
                    {
                        if ((key.Item2 == 1 && ReferenceEquals(match, old)) || (key.Item2 > 1 && SameFact(old.Fact, fact)))
                        {
                            next[key] = old;
                            old.Ordinal = order.Count;
                            order.Add(old);
                            unchanged++;
                            continue;
                        }
                        if (old.InSession) retracted.Add(old.Fact);
                        changed++;
                    }
                    else
                    {
                        added++;
                    }
                    var entry = new Entry(fact) { Key = key, Ordinal = order.Count };
                    if (applies ?? Prejudge(fact, options.Exhaustive))
                    {
                        entry.InSession = true;
                        inserted.Add(fact);
                        judged.Add(entry);
                    }
                    next[key] = entry;
                    order.Add(entry);
                }
            }
            var removed = previous.Count;
            foreach (var old in previous.Values)
            {
                if (old.InSession) retracted.Add(old.Fact);
            }
            observer?.PhaseCompleted(EvaluationPhase.Flows, order.Count);

            ApplyAndCount(session, retracted, inserted, judged, options);
            _entries = next;

            void Step(string name) => observer?.Counted("patch-step:" + name, 1);
            Step("start");
            var tally = new VerdictTally(options.IncludePasses, keepFacts: false) { Facts = order.Count, JudgedFacts = SessionFacts };
            foreach (var entry in order)
            {
                if (entry.Verdicts is { } verdicts) tally.Add(entry.Fact, verdicts, entry.Findings);
                else tally.Add(entry.Fact, ReadOnlySpan<RuleVerdict>.Empty); // coverage: a rule's scope may have excluded it
            }
            _given = [.. diagnostics ?? []];
            Step("tally");
            _diagnosed = [.. _diagnose(estate, _given)];
            Step("diagnose");
            var report = _evaluator.BuildReport([tally], resolved, options, _diagnosed, sources: null, workers);
            Step("build-report");
            _report = report;
            KeepInBackground(estate, resolved, order, direct.Count, index, volumes, report, options with { Observer = null }, layout);
            var update = new IncrementalUpdate(report, fresh, order.Count, unchanged, changed, added, removed, inserted.Count, retracted.Count)
            {
                NotPatchedBecause = fresh ? null : NotPatchedBecause,
            };
            LastUpdate = update;
            return update;
        }
    }

    /// <summary>Drops the session: the next <see cref="Update"/> judges every fact again (a new rule set needs a new engine and session anyway).</summary>
    public void Reset()
    {
        lock (_writer)
        {
            _keeping?.ContinueWith(static _ => { }, TaskScheduler.Default).Wait();
            _keeping = null;
            _session = null;
            _context = null;
            _options = null;
            _entries = [];
            SessionFacts = 0;
            Forget();
        }
    }

    /// <summary>Drops what an update would patch: the next update derives every fact.</summary>
    private void Forget()
    {
        _estate = null;
        _resolved = null;
        _order = null;
        _hopsListed = true;
        _prefix = 0;
        _index = null;
        _hops = new(StringComparer.Ordinal);
        _volumes = null;
        _byFlow = null;
        _kept = null;
        _coverage = null;
        _layout = null;
        _counters = null;
    }

    /// <summary>Keeps what the next update patches, after a version whose every fact was derived.</summary>
    private void Keep(Estate estate, ResolvedEstate resolved, List<Entry> order, int prefix, OnwardIndex? index, ExportVolumes volumes, Report report,
        EvaluationOptions options, Layout layout)
    {
        // The comparers the next update uses are compiled on first use: now, not while a change waits.
        if (!estate.Flows.IsEmpty) _ = StructuralEquality.Equal(estate.Flows[0], estate.Flows[0] with { });
        if (order.Count != prefix + (index?.Count ?? 0))
        {
            // Never expected: the facts are the direct ones and the index's hops. Without that, nothing is patched.
            Forget();
            return;
        }
        // Each direct transfer's edge in the index (the direct facts hold every transfer when an index is kept), and each
        // onward hop's regime and position there.
        var edge = 0;
        for (var i = 0; i < prefix; i++)
        {
            if (index is not null && order[i].Fact is TransferFact) order[i].Edge = edge++;
        }
        var hops = new Dictionary<string, Entry[]>(StringComparer.Ordinal);
        var at = prefix;
        foreach (var regime in index?.Regimes ?? [])
        {
            var entries = order.GetRange(at, index!.HopsOf(regime).Count).ToArray();
            for (var k = 0; k < entries.Length; k++)
            {
                entries[k].Regime = regime;
                entries[k].Position = k;
                entries[k].Ordinal = HopOrdinal(hops.Count, k);
            }
            hops[regime] = entries;
            at += entries.Length;
        }
        var byFlow = FlowsOf(estate, order);
        _estate = estate;
        _resolved = resolved;
        _order = order;
        _hopsListed = true;
        _prefix = prefix;
        _index = index;
        _hops = hops;
        _volumes = volumes;
        // The export volumes as exact sums, for the first moved flow (kept here, off the update's path).
        _exportTally = index is null ? null : ExportTally.Over(index.Direct.Select(ExportShare), index);
        _byFlow = byFlow;
        _kept = KeptReport.Of(report, order.Select(e => ((IFactPlace)e, e.Verdicts, e.Findings)), options.IncludePasses);
        _coverage = report.Coverage;
        _layout = layout.Lengths.Sum() == prefix ? layout : null;
        var counters = new CoverageCounters();
        foreach (var e in order)
        {
            counters.Record(e.Fact, e.Verdicts, +1);
        }
        counters.Reset(estate);
        counters.Seed(report.Coverage);
        _counters = counters;
    }

    /// <summary>Each declared flow's facts: its transfer and the onward hops along it (for the in-place patch).</summary>
    private static Dictionary<string, FlowFacts> FlowsOf(Estate estate, List<Entry> order)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var flow in estate.Flows) names[flow.Name] = names.GetValueOrDefault(flow.Name) + 1;
        var byFlow = new Dictionary<string, FlowFacts>(StringComparer.Ordinal);
        foreach (var entry in order)
        {
            if (entry.Fact is not TransferFact { Subject.Kind: DocumentKind.DataFlow } t) continue;
            if (!byFlow.TryGetValue(t.Subject.Name, out var facts))
                byFlow[t.Subject.Name] = facts = new FlowFacts { Ambiguous = names.GetValueOrDefault(t.Subject.Name) != 1 };
            if (t.OnwardRegime is not null)
            {
                facts.Hops.Add(entry);
            }
            else if (!t.Implied && t.Hop == 1 && facts.Declared is null)
            {
                facts.Declared = entry;
            }
            else
            {
                facts.Ambiguous = true;
            }
        }
        return byFlow;
    }

    /// <summary>
    /// The update when only flows changed, in place (the same flows by name, in the same order, no other document changed).
    /// A flow that keeps its place in the graph (the same endpoints, data and categories, so every onward search runs the
    /// same) has its transfer and the onward hops along it derived again (<see cref="RegimeSearch.Rebase"/>). A flow that
    /// moved in the graph (rerouted, other categories or data) goes through the onward index: only the regimes its change
    /// reaches are searched again, and only the hops whose values changed (their lots, origin, chain or edge) are retracted
    /// and inserted. The kept report is patched either way. Null when the change is anything else: the caller derives every
    /// fact (<see cref="NotPatchedBecause"/> says why).
    /// </summary>
    private IncrementalUpdate? PatchChangedFlows(Estate estate, EvaluationOptions options, IEnumerable<Diagnostic>? diagnostics)
    {
        if (_estate is not { } before || _resolved is not { } resolvedBefore || _order is not { } order || _byFlow is not { } byFlow
            || _kept is not { } kept || _coverage is not { } coverage || _context is not { } context || _session is not { } session
            || _volumes is not { } volumes || _counters is not { } counters)
            return NotPatched("no kept version");
        if (!SameDocuments(before.Clusters, estate.Clusters) || !SameDocuments(before.Stores, estate.Stores)
            || !SameDocuments(before.Recipients, estate.Recipients) || !SameDocuments(before.DataCategories, estate.DataCategories))
            return NotPatched("documents other than flows changed");
        if (before.Flows.Length != estate.Flows.Length) return NotPatched("flows were added or removed");
        var observer = options.Observer;
        var changedFlows = new List<int>();
        var flowsBefore = before.Flows.AsSpan();
        var flowsNow = estate.Flows.AsSpan();
        for (var i = 0; i < flowsNow.Length; i++)
        {
            // A flow read again from its file is a new object: only a flow whose values changed is derived again.
            if (ReferenceEquals(flowsBefore[i], flowsNow[i]) || StructuralEquality.Equal(flowsBefore[i], flowsNow[i])) continue;
            if (changedFlows.Count == MaxPatchedFlows) return NotPatched("too many flows changed");
            changedFlows.Add(i);
        }
        var resolved = resolvedBefore.WithEstate(estate);
        observer?.PhaseCompleted(EvaluationPhase.Resolve, changedFlows.Count);
        // Where a patch's time goes: each step's end, for an observer that keeps time (the benchmark).
        void Step(string name) => observer?.Counted("patch-step:" + name, 1);
        Step("start");

        var orgMechanisms = FactBuilder.OrganizationMechanisms(resolved, context);
        var derived = new List<(Entry Old, Fact New)>();
        var moved = new List<(Entry Old, TransferFact New)>();
        var movedFlows = new List<string>();
        foreach (var i in changedFlows)
        {
            var was = before.Flows[i];
            var flow = estate.Flows[i];
            if (!string.Equals(was.Name, flow.Name, StringComparison.Ordinal)) return NotPatched($"flow '{was.Name}' became '{flow.Name}'");
            if (!byFlow.TryGetValue(flow.Name, out var facts) || facts.Ambiguous || facts.Declared?.Fact is not TransferFact old)
                return NotPatched($"flow '{flow.Name}' has no transfer of its own, or shares its name");
            var declared = FactBuilder.Declared(resolved, context, flow, orgMechanisms);
            if (declared is null) return NotPatched($"flow '{flow.Name}' no longer has a transfer (its source does not resolve)");
            if (!StructuralEquality.Equal(was.Info.Location, flow.Info.Location)) movedFlows.Add(flow.Name);
            // The onward filter keeps the hops along an edge by the edge's fields: an edge it keeps other hops along moves too.
            if (SamePlaceInGraph(old, declared) && (options.Exhaustive || EdgeFilter.SameEdgeRules(old, declared)))
            {
                // The same exporter, importer and data: the same export volumes (the sums over every direct transfer).
                declared.ExportedIndividuals = old.ExportedIndividuals;
                declared.ExportedSensitiveIndividuals = old.ExportedSensitiveIndividuals;
                derived.Add((facts.Declared, declared));
                foreach (var hop in facts.Hops) derived.Add((hop, RegimeSearch.Rebase((TransferFact)hop.Fact, declared)));
                continue;
            }
            if (_index is null || facts.Declared.Edge < 0) return NotPatched($"flow '{flow.Name}' moved in the graph, and no onward index is kept");
            moved.Add((facts.Declared, declared));
        }
        // The export tally of the index version patched (null: none kept for it), and of the next version.
        var tallyBefore = _exportTally is { } tallied && ReferenceEquals(tallied.Of, _index) ? tallied : null;
        var nextTally = tallyBefore;
        if (moved.Count > 0)
        {
            // Export volumes are sums over every direct transfer, in order: the same unless a moved flow adds something else to
            // its country's. Otherwise every transfer from there (and the onward filter's edge test) changes.
            var shares = moved.SelectMany(m => new[] { ExportShare((TransferFact)m.Old.Fact), ExportShare(m.New) }).ToList();
            if (moved.Exists(m => ExportShare((TransferFact)m.Old.Fact) != ExportShare(m.New)))
            {
                // Only the countries whose shares moved can change: each country's exact sums with the moved shares taken out
                // and put in (ExportTally), or summed again alone, in order, where they are not exact (as a full evaluation sums it).
                // A tally of another version (a store or cluster edit since the last full update) is not built again here: that
                // sums every direct transfer, which costs more than summing the moved countries alone.
                nextTally = tallyBefore?.Moved(moved.Select(m => ExportShare((TransferFact)m.Old.Fact)), moved.Select(m => ExportShare(m.New)), of: null);
                TransferFact[]? edges = null;
                foreach (var country in shares.Where(s => s is not null).Select(s => s!.Value.Country).Distinct(StringComparer.Ordinal))
                {
                    (double? All, double? Sensitive) totals = default;
                    if (nextTally is null || !nextTally.Totals(country, out totals))
                    {
                        if (edges is null)
                        {
                            edges = _index!.Direct.ToArray();
                            foreach (var (old, fact) in moved) edges[old.Edge] = fact;
                        }
                        totals = ExportVolumes.TotalsOf(edges, country);
                    }
                    if (totals != volumes.TotalsOf(country))
                        return NotPatched($"the export volumes of {country} changed (every transfer from there is judged again)");
                }
            }
            foreach (var (_, fact) in moved) volumes.Apply(fact);
            Step("volumes");
        }
        observer?.PhaseCompleted(EvaluationPhase.Facts, derived.Count + moved.Count);

        var inserted = new List<Fact>();
        var retracted = new List<Fact>();
        var judged = new List<Entry>();
        var changes = new List<(Entry Old, Entry New)>();
        var scratch = new byte[_evaluator.Rules.Rules.Length];
        var unchanged = 0;
        Entry Judge(Fact fact)
        {
            var entry = new Entry(fact) { Fresh = true };
            var (all, some) = _evaluator.Selection.For(fact, options.Exhaustive);
            if (Runners.NRulesRunner.Prejudge(fact, all, some, scratch))
            {
                entry.InSession = true;
                inserted.Add(fact);
                judged.Add(entry);
            }
            return entry;
        }
        foreach (var (old, fact) in derived)
        {
            if (SameFact(old.Fact, fact))
            {
                unchanged++;
                continue;
            }
            if (old.InSession) retracted.Add(old.Fact);
            var entry = Judge(fact);
            entry.Ordinal = old.Ordinal;
            entry.Edge = old.Edge;
            entry.Regime = old.Regime;
            entry.Position = old.Position;
            changes.Add((old, entry));
        }
        foreach (var (old, fact) in moved)
        {
            if (old.InSession) retracted.Add(old.Fact);
            var entry = Judge(fact);
            entry.Ordinal = old.Ordinal;
            entry.Edge = old.Edge;
            changes.Add((old, entry));
        }

        // The index follows the facts: a transfer re-derived at its place in the graph, and the hops along it, take their old
        // ones' places there (every search runs the same).
        var index = _index;
        foreach (var (_, entry) in changes)
        {
            if (entry.Regime is { } regime)
            {
                index!.ReplaceHop(regime, entry.Position, (TransferFact)entry.Fact);
                _hops[regime][entry.Position] = entry;
            }
            else if (entry.Edge >= 0 && !moved.Exists(m => m.Old.Edge == entry.Edge))
            {
                index!.ReplaceEdge(entry.Edge, (TransferFact)entry.Fact);
            }
        }
        var comings = new List<Entry>();
        var goings = new List<Entry>();
        var searched = 0;
        var hopsBefore = _hops;
        var hopsReordered = false;
        if (moved.Count > 0)
        {
            // The moved flows' new edges: only the regimes they reach are searched again, and only hops that changed come and go.
            // (Given as the edges they replace: the index compares only those, not every edge.)
            var update = index!.UpdateReplacing([.. moved.Select(m => (m.Old.Edge, m.New))]);
            TrimFilter();
            Step("onward-index");
            searched = update.RegimesSearched.Count;
            hopsBefore = _hops;
            hopsReordered = PatchHops(update, volumes, Judge, comings, goings, inserted, judged, retracted);
            // The moved shares' tally now sums the new version's transfers.
            _exportTally = nextTally?.Moved([], [], _index);
            Step("hop-entries");
        }
        observer?.PhaseCompleted(EvaluationPhase.Flows, derived.Count + moved.Count + comings.Count + goings.Count);

        ApplyAndCount(session, retracted, inserted, judged, options);

        var dirty = new HashSet<string>(StringComparer.Ordinal);
        var sameCoverage = moved.Count == 0 && comings.Count == 0 && goings.Count == 0
            && (movedFlows.Count == 0 || !coverage.NotJudged.Any(n => n.Kind == DocumentKind.DataFlow && movedFlows.Contains(n.Name)));
        foreach (var (old, entry) in changes)
        {
            Rekey(old, entry);
            // A direct fact's ordinal is its place in the order; a hop's place there is rebuilt below from its regime on.
            if (entry.Regime is null) order[(int)entry.Ordinal] = entry;
            var facts = byFlow[entry.Fact.Subject.Name];
            if (ReferenceEquals(facts.Declared, old)) facts.Declared = entry;
            else facts.Hops[facts.Hops.IndexOf(old)] = entry;
            kept.Remove(old, old.Verdicts, old.Findings, dirty);
            kept.Add(entry, entry.Verdicts, entry.Findings, dirty);
            counters.Record(old.Fact, old.Verdicts, -1);
            counters.Record(entry.Fact, entry.Verdicts, +1);
            sameCoverage &= SameApplicability(old.Verdicts, entry.Verdicts) && CoverageCounters.SameScope(old.Fact, entry.Fact);
        }
        // The order's hops are listed again only when something reads the whole order (OrderNow): a reroute changes only the
        // hop arrays of the regimes it searched, and an in-place edit writes its hops into them.
        if (_index is { } patchedIndex && (changes.Exists(c => c.New.Regime is not null)
            || patchedIndex.Regimes.Any(regime => !hopsBefore.TryGetValue(regime, out var had) || !ReferenceEquals(had, _hops[regime]))))
        {
            _hopsListed = false;
        }
        if (comings.Count > 0 || goings.Count > 0 || hopsReordered)
        {
            // Each flow's hops gone taken out of its list in one pass (a flow along a hub can have thousands of hops).
            var gone = new HashSet<Entry>(goings);
            var leftBy = new HashSet<FlowFacts>();
            foreach (var e in goings)
            {
                Rekey(e, null);
                if (e.Fact.Subject.Kind == DocumentKind.DataFlow && byFlow.TryGetValue(e.Fact.Subject.Name, out var facts)) leftBy.Add(facts);
                kept.Remove(e, e.Verdicts, e.Findings, dirty);
                counters.Record(e.Fact, e.Verdicts, -1);
            }
            foreach (var facts in leftBy) facts.Hops.RemoveAll(gone.Contains);
            foreach (var e in comings)
            {
                Rekey(null, e);
                if (e.Fact.Subject.Kind == DocumentKind.DataFlow && byFlow.TryGetValue(e.Fact.Subject.Name, out var facts)) facts.Hops.Add(e);
            }
            // Hops came and went mid-order (which fact is first matters only where facts share a finding id: the kept report
            // looks at those again). A hop's ordinal is its regime's place and its position there (HopOrdinal), set by
            // PatchHops for the regimes searched again: the other regimes' hops keep theirs, so nothing is numbered again.
            kept.Reordered(dirty);
            foreach (var e in comings)
            {
                kept.Add(e, e.Verdicts, e.Findings, dirty);
                counters.Record(e.Fact, e.Verdicts, +1);
            }
            Step("reorder");
        }
        // The coverage's documents by endpoint follow a flow sent somewhere else; its entry is looked at again.
        foreach (var i in changedFlows) counters.FlowChanged(i, before.Flows[i], estate.Flows[i]);
        kept.Publish(dirty);
        Step("publish");
        var counts = kept.Counts(_evaluator);
        if (!sameCoverage)
        {
            // Which jurisdictions judged a fact, or which facts there are, changed: the coverage comes from the counters.
            coverage = counters.Coverage(resolved, counts, _evaluator);
            Step("coverage");
        }
        var report = Publish(estate, resolved, kept, counts, coverage, options, diagnostics, estateChanged: false);
        var factCount = FactCount();
        return new IncrementalUpdate(report, false, factCount, factCount - changes.Count - comings.Count, changes.Count, comings.Count, goings.Count,
            inserted.Count, retracted.Count)
        {
            Patched = true,
            RegimesSearched = searched,
        };
    }

    /// <summary>
    /// The update for any other change of the estate's documents (stores, clusters, recipients, flows added, removed or
    /// renamed), under the same date, organisation and options: the direct facts (placements, declared and implied transfers)
    /// are derived again and matched with the kept ones by key and value; the onward hops come from the onward index, which
    /// searches again only the regimes the changed transfers reach; only facts that changed are judged, and the kept report
    /// is patched. Null (with the reason) when the export volumes changed (every transfer from a country would change).
    /// </summary>
    private IncrementalUpdate? PatchDirectFacts(Estate estate, EvaluationOptions options, IEnumerable<Diagnostic>? diagnostics)
    {
        var why = NotPatchedBecause;
        if (_order is not { } order || _kept is not { } kept || _context is not { } context || _session is not { } session
            || _volumes is not { } volumesBefore || _index is not { } index || _counters is not { } counters)
            return NotPatched($"{why}; no onward index is kept");
        var observer = options.Observer;
        var workers = Evaluator.Workers(options);
        void Step(string name) => observer?.Counted("patch-step:" + name, 1);
        Step("start");
        var (resolved, direct, edges, volumes, layout) = DeriveSegmented(estate, context, options, workers);
        if (!volumes.SameTotals(volumesBefore)) return NotPatched($"{why}; the export volumes changed (every transfer from a country changes)");
        Step("direct-facts");

        // The direct facts matched with the kept ones by key (and pre-judged when new) on the workers.
        var exhaustive = options.Exhaustive;
        var previous = _entries;
        var matched = ChunkPipeline.Run(direct, DiffChunkSize, workers, chunk => Match(chunk, previous, exhaustive));
        var inserted = new List<Fact>();
        var retracted = new List<Fact>();
        var judged = new List<Entry>();
        var comings = new List<Entry>();
        var goings = new List<Entry>();
        var stamp = ++_stamp;
        var seen = new HashSet<(long, int)>();
        var prefix = new List<Entry>(direct.Count);
        var edge = 0;
        foreach (var chunk in matched)
        {
            foreach (var (fact, hash, same, applies) in chunk)
            {
                var key = (hash, 1);
                while (!seen.Add(key)) key.Item2++;
                var old = key.Item2 == 1 ? same : previous.GetValueOrDefault(key) is { } o && SameFact(o.Fact, fact) ? o : null;
                // Only a direct fact of the last version (not a hop whose key collides), once.
                if (old is not null && (old.Regime is not null || old.Ordinal >= _prefix || old.Stamp == stamp)) old = null;
                Entry entry;
                if (old is not null)
                {
                    entry = old;
                }
                else
                {
                    entry = new Entry(fact) { Fresh = true };
                    if (applies ?? Prejudge(fact, exhaustive))
                    {
                        entry.InSession = true;
                        inserted.Add(fact);
                        judged.Add(entry);
                    }
                    comings.Add(entry);
                }
                entry.Stamp = stamp;
                entry.Edge = fact is TransferFact ? edge++ : -1;
                prefix.Add(entry);
            }
        }
        for (var i = 0; i < _prefix; i++)
        {
            var e = order[i];
            if (e.Stamp == stamp) continue;
            goings.Add(e);
            if (e.InSession) retracted.Add(e.Fact);
        }
        observer?.PhaseCompleted(EvaluationPhase.Facts, prefix.Count);
        Step("match");

        var scratch = new byte[_evaluator.Rules.Rules.Length];
        Entry Judge(Fact fact)
        {
            var entry = new Entry(fact) { Fresh = true };
            var (all, some) = _evaluator.Selection.For(fact, exhaustive);
            if (Runners.NRulesRunner.Prejudge(fact, all, some, scratch))
            {
                entry.InSession = true;
                inserted.Add(fact);
                judged.Add(entry);
            }
            return entry;
        }
        var update = index.Update(edges);
        TrimFilter();
        Step("onward-index");
        PatchHops(update, volumes, Judge, comings, goings, inserted, judged, retracted);
        Step("hop-entries");
        observer?.PhaseCompleted(EvaluationPhase.Flows, comings.Count + goings.Count);

        ApplyAndCount(session, retracted, inserted, judged, options);

        // The new order, numbered; the kept report and the keys follow.
        var dirty = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in goings) TakeOut(e, kept, counters, dirty);
        var prefixCount = prefix.Count;
        order = prefix;
        foreach (var regime in _index!.Regimes) order.AddRange(_hops[regime]);
        Renumber(order, prefixCount);
        kept.Reordered(dirty);
        foreach (var e in comings)
        {
            Rekey(null, e);
            kept.Add(e, e.Verdicts, e.Findings, dirty);
            counters.Record(e.Fact, e.Verdicts, +1);
        }
        kept.Publish(dirty);
        Step("publish");
        var counts = kept.Counts(_evaluator);
        counters.Reset(estate);
        var coverage = counters.Coverage(resolved, counts, _evaluator);
        Step("coverage");
        var report = Publish(estate, resolved, kept, counts, coverage, options, diagnostics, estateChanged: !ReferenceEquals(_estate, estate));
        _order = order;
        _hopsListed = true;
        _prefix = prefixCount;
        _volumes = volumes;
        _byFlow = FlowsOf(estate, order);
        _layout = layout.Lengths.Sum() == prefixCount ? layout : null;
        NotPatchedBecause = null;
        return new IncrementalUpdate(report, false, order.Count, order.Count - comings.Count, 0, comings.Count, goings.Count, inserted.Count, retracted.Count)
        {
            Patched = true,
            RegimesSearched = update.RegimesSearched.Count,
            DirectFactsDerived = direct.Count,
        };
    }

    /// <summary>
    /// The last step of a patch: the estate's diagnostics worked out again when the given ones or (for a document edit)
    /// the estate changed, the kept findings assembled into the report, and the new state kept.
    /// </summary>
    private Report Publish(Estate estate, ResolvedEstate resolved, KeptReport kept, ImmutableSortedDictionary<string, StatusCounts> counts,
        Coverage coverage, EvaluationOptions options, IEnumerable<Diagnostic>? diagnostics, bool estateChanged)
    {
        var given = diagnostics?.ToArray() ?? [];
        if (estateChanged || !given.SequenceEqual(_given))
        {
            _given = given;
            _diagnosed = [.. _diagnose(estate, given)];
        }
        var report = _evaluator.Assemble(counts, kept.Findings(), options, _diagnosed, coverage);
        _report = report;
        _estate = estate;
        _resolved = resolved;
        _coverage = coverage;
        return report;
    }

    /// <summary>
    /// The kept hops after <paramref name="update"/>: a regime not searched again keeps its entries; in a searched one each hop
    /// kept by the index keeps its entry (at its new position), each new hop is judged (<paramref name="judge"/>) and comes,
    /// and every entry not kept goes (retracted, or taken back out of this update's insertions).
    /// </summary>
    private bool PatchHops(OnwardUpdate update, ExportVolumes volumes, Func<Fact, Entry> judge, List<Entry> comings, List<Entry> goings,
        List<Fact> inserted, List<Entry> judged, List<Fact> retracted)
    {
        var hops = new Dictionary<string, Entry[]>(StringComparer.Ordinal);
        var next = update.Index;
        // Per regime searched again: the runs of its previous hops' entries that are kept, as (first position, length) (the others go).
        var stays = new Dictionary<string, List<(int From, int Length)>>(StringComparer.Ordinal);
        // Whether kept hops changed their relative order, read from their ordinals before they are numbered for the new order
        // (a regime kept as it is: its hops in order, from its first to its last).
        var reordered = false;
        var last = -1L;
        void Kept(long was, long to)
        {
            reordered |= was <= last;
            last = to;
        }
        for (var r = 0; r < next.Regimes.Count; r++)
        {
            var regime = next.Regimes[r];
            var now = next.HopsOf(regime);
            var had = _hops.GetValueOrDefault(regime);
            if (had is not null && !update.RegimesSearched.Contains(regime))
            {
                // Kept as they are (only the searched regimes' entries are looked at for hops gone, below), so a reroute
                // does not write every kept hop's entry.
                hops[regime] = had;
                if (had.Length > 0) Kept(had[0].Ordinal, had[^1].Ordinal);
                continue;
            }
            var from = had is null ? null : update.Previous.GetValueOrDefault(regime);
            var entries = new Entry[now.Count];
            var staying = had is null ? null : stays[regime] = [];
            for (var k = 0; k < entries.Length; k++)
            {
                var j = from is null ? -1 : from[k];
                if (j < 0)
                {
                    var e = judge(volumes.Apply(now[k]));
                    comings.Add(e);
                    e.Regime = regime;
                    e.Position = k;
                    e.Ordinal = HopOrdinal(r, k);
                    entries[k] = e;
                    continue;
                }
                // A run of kept hops in the same order is copied at once. A regime's entries are numbered together (entry p
                // of a regime's hops has position p and ordinal HopOrdinal(r', p), r' the regime's place when they were
                // numbered), so a run whose first entry already has its new ordinal has them all: only runs that moved
                // (hops came or went before them) are numbered again.
                var length = 1;
                while (k + length < entries.Length && from![k + length] == j + length) length++;
                Array.Copy(had!, j, entries, k, length);
                staying!.Add((j, length));
                var first = had![j];
                Kept(first.Ordinal, had[j + length - 1].Ordinal);
                if (first.Ordinal != HopOrdinal(r, k) || !string.Equals(first.Regime, regime, StringComparison.Ordinal))
                {
                    for (var i = k; i < k + length; i++)
                    {
                        var e = entries[i];
                        e.Regime = regime;
                        e.Position = i;
                        e.Ordinal = HopOrdinal(r, i);
                    }
                }
                k += length - 1;
            }
            hops[regime] = entries;
        }
        foreach (var (regime, had) in _hops)
        {
            // A regime whose hops are kept as they were (not searched) has none gone: only the searched regimes' are walked.
            if (hops.TryGetValue(regime, out var kept) && ReferenceEquals(kept, had)) continue;
            // The kept runs in their old order: the entries between them go.
            var staying = stays.GetValueOrDefault(regime) ?? [];
            staying.Sort();
            var run = 0;
            for (var j = 0; j < had.Length; j++)
            {
                if (run < staying.Count && j == staying[run].From)
                {
                    j += staying[run++].Length - 1;
                    continue;
                }
                var e = had[j];
                goings.Add(e);
                if (!e.InSession) continue;
                // A hop re-derived along an in-place edit and gone with the search: never inserted.
                if (e.Fresh)
                {
                    inserted.Remove(e.Fact);
                    judged.Remove(e);
                    e.InSession = false;
                }
                else
                {
                    retracted.Add(e.Fact);
                }
            }
        }
        _index = next;
        _hops = hops;
        return reordered;
    }

    /// <summary>
    /// The ordinal of the hop at <paramref name="position"/> among the hops of the index's regime <paramref name="regime"/>
    /// (its place in the index's regimes): after every direct fact and every hop of an earlier regime, before every hop of a
    /// later one, whatever their counts; so a reroute that changes one regime's hops renumbers no other regime's.
    /// </summary>
    internal static long HopOrdinal(int regime, int position) => ((long)(regime + 1) << 32) | (uint)position;

    /// <summary>The kept facts in derivation order, each as its regime (null: a direct fact) and ordinal (for tests).</summary>
    internal IReadOnlyList<(string? Regime, long Ordinal)> Places()
    {
        lock (_writer)
        {
            Settle();
            return OrderNow()?.Select(e => (e.Regime, e.Ordinal)).ToList() ?? [];
        }
    }

    /// <summary>The kept facts in derivation order: the direct facts, then each regime's hops (listed again when a patch changed them).</summary>
    private List<Entry>? OrderNow()
    {
        if (_order is not { } order || _hopsListed) return _order;
        order.RemoveRange(_prefix, order.Count - _prefix);
        foreach (var regime in _index!.Regimes) order.AddRange(_hops[regime]);
        _hopsListed = true;
        return order;
    }

    /// <summary>How many facts are kept: the direct ones and every regime's hops.</summary>
    private int FactCount()
    {
        var count = _prefix;
        foreach (var hops in _hops.Values) count += hops.Length;
        return count;
    }

    /// <summary>Numbers <paramref name="order"/> (<paramref name="prefix"/> direct facts, then each regime's hops in the index's order) as the updates read it.</summary>
    private void Renumber(List<Entry> order, int prefix)
    {
        for (var k = 0; k < prefix; k++) order[k].Ordinal = k;
        var at = prefix;
        var regimes = _index!.Regimes;
        for (var r = 0; r < regimes.Count; r++)
        {
            var hops = _hops[regimes[r]];
            for (var k = 0; k < hops.Length; k++) order[at + k].Ordinal = HopOrdinal(r, k);
            at += hops.Length;
        }
    }

    private static int IndexOf(IReadOnlyList<string> regimes, string regime)
    {
        for (var r = 0; r < regimes.Count; r++)
        {
            if (string.Equals(regimes[r], regime, StringComparison.Ordinal)) return r;
        }
        throw new InvalidOperationException($"regime {regime} is not the index's");
    }

    /// <summary>Pre-judges one fact on this thread (<see cref="Runners.NRulesRunner.Prejudge"/>): whether any rule applies.</summary>
    private bool Prejudge(Fact fact, bool exhaustive)
    {
        var (all, some) = _evaluator.Selection.For(fact, exhaustive);
        return Runners.NRulesRunner.Prejudge(fact, all, some, new byte[_evaluator.Rules.Rules.Length]);
    }

    /// <summary>Moves a fact's key in the session's index from <paramref name="old"/> (gone or replaced) to <paramref name="entry"/> (new).</summary>
    private void Rekey(Entry? old, Entry? entry)
    {
        if (old is not null && _entries.TryGetValue(old.Key, out var there) && ReferenceEquals(there, old)) _entries.Remove(old.Key);
        if (entry is null) return;
        var key = (FactKey.Of(entry.Fact), 1);
        while (_entries.ContainsKey(key)) key.Item2++;
        entry.Key = key;
        _entries[key] = entry;
    }

    /// <summary>What a direct transfer adds to its exporting country's export volumes (see <see cref="ExportVolumes.Of"/>); null: nothing.</summary>
    internal static (string Country, double? All, double? Sensitive)? ExportShare(TransferFact t) =>
        t.Hop != 1 || t.CrossBorder != true || t.Source.Country is not { } c ? null
            : (c, t.Individuals, t.SensitiveIndividuals ?? (t.Individuals is null ? null : 0));

    /// <summary>Why the last update derived every fact (null when it was patched, or restarted).</summary>
    internal string? NotPatchedBecause { get; private set; }

    private IncrementalUpdate? NotPatched(string reason)
    {
        NotPatchedBecause = reason;
        return null;
    }

    /// <summary>The onward filter's edge test (built once).</summary>
    private OnwardRuleFilter EdgeFilter => _edgeFilter ??= new OnwardRuleFilter(_evaluator.Selection.Transfer, workers: 1);

    /// <summary>The same documents: the same array, or the same values.</summary>
    private static bool SameDocuments<T>(ImmutableArray<T> before, ImmutableArray<T> after) =>
        before == after || StructuralEquality.Equal(before, after);

    /// <summary>
    /// Whether two versions of a declared transfer sit at the same place in the graph every onward search runs over: the
    /// same endpoints and sites, the same data held and carried, the same categories (so the same lots move the same way).
    /// A declared transfer holds what rests at its source (shared by every flow from there), so the same source node is the
    /// same lot for the searches' counts. Sites are compared by value: a fact kept from an earlier version holds the sites
    /// of that version's resolution.
    /// </summary>
    private static bool SamePlaceInGraph(TransferFact before, TransferFact after) =>
        string.Equals(before.FromNode, after.FromNode, StringComparison.Ordinal) && string.Equals(before.ToNode, after.ToNode, StringComparison.Ordinal)
        && StructuralEquality.Equal(before.Source, after.Source) && StructuralEquality.Equal(before.Destination, after.Destination)
        && StructuralEquality.Equal(before.Held, after.Held) && before.CarriesOnlyItsCategories == after.CarriesOnlyItsCategories
        && StructuralEquality.Equal(before.Data, after.Data) && before.Path.AsSpan().SequenceEqual(after.Path.AsSpan());

    /// <summary>Whether two verdict lists (in rule order) have the same rules, applicable or not: the fact counts toward the same coverage.</summary>
    private static bool SameApplicability(List<Verdict>? before, List<Verdict>? after)
    {
        if (before is null || after is null) return before is null && after is null;
        if (before.Count != after.Count) return false;
        for (var i = 0; i < before.Count; i++)
        {
            if (!ReferenceEquals(before[i].Rule, after[i].Rule)
                || (before[i].Judgement == Judgement.NotApplicable) != (after[i].Judgement == Judgement.NotApplicable))
                return false;
        }
        return true;
    }

    private void Restart(Estate estate, EvaluationOptions options)
    {
        _context = new EvaluationContext(options.AsOf, estate.Organization) { CoverageScope = _evaluator.CoverageScopeOn(options.AsOf) };
        _entries = [];
        SessionFacts = 0;
        Forget();
        _session = _evaluator.Rules.Factory.CreateSession();
        _session.Events.LhsExpressionFailedEvent += (_, e) => _evaluator.NRules.OnConditionFailed(e, _failed);
    }

    /// <summary>Whether a session judged with <paramref name="before"/> still judges the same under <paramref name="after"/>.</summary>
    private static bool SameSession(EvaluationOptions before, EvaluationOptions after) =>
        before.AsOf == after.AsOf && before.IncludePasses == after.IncludePasses && before.Exhaustive == after.Exhaustive;

    /// <summary>
    /// Each fact of <paramref name="chunk"/> with its key and, when the previous version's first fact of that key holds the
    /// same values, that entry (read only: chunks run in parallel); a fact without one is pre-judged here (on the workers:
    /// the rules' judgements are most of a first update's work), with whether any rule applies (null: not pre-judged; a fact
    /// that turns out new all the same, a later one of its key, is pre-judged by the caller).
    /// </summary>
    private List<(Fact Fact, long Key, Entry? Same, bool? Applies)> Match(List<Fact> chunk, Dictionary<(long, int), Entry> previous, bool exhaustive)
    {
        var result = new List<(Fact, long, Entry?, bool?)>(chunk.Count);
        var scratch = new byte[_evaluator.Rules.Rules.Length];
        foreach (var fact in chunk)
        {
            var key = FactKey.Of(fact);
            var same = previous.TryGetValue((key, 1), out var old) && SameFact(old.Fact, fact) ? old : null;
            bool? applies = null;
            if (same is null)
            {
                var (all, some) = _evaluator.Selection.For(fact, exhaustive);
                applies = Runners.NRulesRunner.Prejudge(fact, all, some, scratch);
            }
            result.Add((fact, key, same, applies));
        }
        return result;
    }

    private static bool SameFact(Fact a, Fact b) => (a, b) switch
    {
        (TransferFact x, TransferFact y) => StructuralEquality.Equal(x, y),
        (PlacementFact x, PlacementFact y) => StructuralEquality.Equal(x, y),
        _ => false,
    };

    /// <summary>One fact of the current version, with the verdicts and findings it received when it was inserted.</summary>
    /// <summary>
    /// Applies a change to the session (retract first: a changed fact's old version leaves before its new version comes
    /// in), fires the rules, and keeps each judged entry's verdicts and findings.
    /// </summary>
    private void Apply(ISession session, List<Fact> retracted, List<Fact> inserted, List<Entry> judged, EvaluationOptions options)
    {
        // Where a session's time goes, for an observer that keeps time (the benchmark).
        void Step(string name) => options.Observer?.Counted("patch-step:" + name, 1);
        Step("start");
        if (retracted.Count > 0) session.RetractAll(retracted);
        Step("retract");
        if (inserted.Count > 0) session.InsertAll(inserted);
        Step("insert");
        session.Fire();
        Step("fire");
        _failed.Clear();
        // Each entry's findings are its own: made on the workers when there are many (a first update).
        void Finish(Entry entry)
        {
            entry.Fresh = false;
            var fact = entry.Fact;
            // The judgements served the session's conditions while it was inserted; the verdicts are kept on the entry.
            fact.Judgements = null;
            if (fact.Verdicts is not { } recorded) return;
            fact.Verdicts = null;
            entry.Verdicts = VerdictTally.InRuleOrder(recorded);
            entry.Findings = VerdictTally.FindingsOf(entry.Verdicts, options.IncludePasses);
        }
        if (judged.Count < ParallelFindings)
        {
            foreach (var entry in judged) Finish(entry);
            return;
        }
        Parallel.For(0, judged.Count, new ParallelOptions { MaxDegreeOfParallelism = Evaluator.Workers(options) }, i => Finish(judged[i]));
    }

    /// <summary><see cref="Apply"/>, then the session's fact count kept and reported to the observer.</summary>
    private void ApplyAndCount(ISession session, List<Fact> retracted, List<Fact> inserted, List<Entry> judged, EvaluationOptions options)
    {
        Apply(session, retracted, inserted, judged, options);
        SessionFacts += inserted.Count - retracted.Count;
        options.Observer?.Counted("session-facts", SessionFacts);
        options.Observer?.PhaseCompleted(EvaluationPhase.Evaluate, inserted.Count + retracted.Count);
    }

    /// <summary>An entry that goes: unkeyed, its findings taken out of the kept report and its verdicts out of the counters.</summary>
    private void TakeOut(Entry e, KeptReport kept, CoverageCounters counters, HashSet<string> dirty)
    {
        Rekey(e, null);
        kept.Remove(e, e.Verdicts, e.Findings, dirty);
        counters.Record(e.Fact, e.Verdicts, -1);
    }

    /// <summary>Judged facts from which their findings are made on the workers.</summary>
    private const int ParallelFindings = 4096;

    private sealed class Entry(Fact fact) : IFactPlace
    {
        public Fact Fact { get; } = fact;
        public (long, int) Key { get; set; }
        /// <summary>The fact's place in the derivation order: a direct fact's index there, a hop's <see cref="HopOrdinal"/>.</summary>
        public long Ordinal { get; set; }
        public bool InSession { get; set; }
        public List<Verdict>? Verdicts { get; set; }
        public Finding[] Findings { get; set; } = [];

        /// <summary>A direct transfer's edge in the onward index (-1: none).</summary>
        public int Edge { get; set; } = -1;

        /// <summary>An onward hop's regime in the onward index (null: not a hop), and its position among that regime's hops.</summary>
        public string? Regime { get; set; }

        /// <summary>An onward hop's position among its regime's hops.</summary>
        public int Position { get; set; }

        /// <summary>The update that last kept this hop (the others of a regime searched again are gone).</summary>
        public int Stamp { get; set; }

        /// <summary>Made by the update running now (not in the session yet).</summary>
        public bool Fresh { get; set; }
    }

    /// <summary>The facts of one declared flow: its transfer and the onward hops along it.</summary>
    private sealed class FlowFacts
    {
        public Entry? Declared { get; set; }
        public List<Entry> Hops { get; } = [];

        /// <summary>More than one flow of the name, or a fact of it that is neither: not patched per flow.</summary>
        public bool Ambiguous { get; set; }
    }
}

/// <summary>What one <see cref="IncrementalEvaluation.Update"/> did.</summary>
/// <param name="Report">The report of the new version.</param>
/// <param name="Restarted">True when a new session was started (first version, or the date, organisation or options changed): every fact was judged.</param>
/// <param name="Facts">Facts of the new version (facts some rule may be about).</param>
/// <param name="Unchanged">Facts equal to their previous version, kept with their verdicts.</param>
/// <param name="Changed">Facts whose values changed (their old version retracted, the new one judged).</param>
/// <param name="Added">Facts with no previous version.</param>
/// <param name="Removed">Previous facts with no new version.</param>
/// <param name="Inserted">Facts inserted into the session (changed or added, and some rule applies).</param>
/// <param name="Retracted">Facts retracted from the session.</param>
public sealed record IncrementalUpdate(Report Report, bool Restarted, int Facts, int Unchanged, int Changed, int Added, int Removed, int Inserted, int Retracted)
{
    /// <summary>
    /// True when only the changed documents' facts were derived again and the kept report was patched; false when every
    /// fact was derived again (a restart, or a change the patch does not cover) and the report built from all of them.
    /// </summary>
    public bool Patched { get; init; }

    /// <summary>Why every fact was derived again although the session went on (null when patched or restarted).</summary>
    public string? NotPatchedBecause { get; init; }

    /// <summary>How many regimes' onward searches a patched update ran again (a flow that moved in the graph; 0 otherwise).</summary>
    public int RegimesSearched { get; init; }

    /// <summary>
    /// How many direct facts (placements, declared and implied transfers) a patched document edit derived again: only the
    /// edited documents' and those they reach (0 for an in-place flow edit, which derives that flow's facts only).
    /// </summary>
    public int DirectFactsDerived { get; init; }
}
