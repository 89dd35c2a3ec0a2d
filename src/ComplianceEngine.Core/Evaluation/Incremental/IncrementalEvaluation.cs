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
/// any thread may read while an update runs. A change of date, organisation or options starts a new session (every fact
/// depends on them).
/// </remarks>
public sealed class IncrementalEvaluation
{
    private readonly Evaluator _evaluator;
    private readonly Func<Estate, IEnumerable<Diagnostic>?, IEnumerable<Diagnostic>> _diagnose;
    private readonly Lock _writer = new();
    private readonly HashSet<(CompiledRule, Fact)> _failed = [];

    private ISession? _session;
    private EvaluationContext? _context;
    private EvaluationOptions? _options;
    private Dictionary<(long Key, int Occurrence), Entry> _entries = [];

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
            var fresh = _session is null || _context is null || _options is null || !SameSession(_options, options)
                || !StructuralEquality.Equal(_context.Organization, estate.Organization);
            if (fresh) Restart(estate, options);
            _options = options;
            var session = _session!;
            var context = _context!;
            var workers = Evaluator.Workers(options);
            var observer = options.Observer;
            var (resolved, derived) = _evaluator.Derive(estate, context, options, workers);

            var previous = _entries;
            // Keys and comparisons run on the workers while this thread builds the onward hops (the bulk of the facts);
            // each chunk only reads the previous version. The merge below is in derivation order.
            var candidates = ChunkPipeline.Run(derived, DiffChunkSize, workers, chunk => Match(chunk, previous));
            var next = new Dictionary<(long, int), Entry>(previous.Count);
            var order = new List<Entry>(previous.Count);
            var inserted = new List<Fact>();
            var retracted = new List<Fact>();
            var judged = new List<Entry>();
            var scratch = new byte[_evaluator.Rules.Rules.Length];
            int unchanged = 0, changed = 0, added = 0;
            foreach (var chunk in candidates)
            {
                foreach (var (fact, hash, match) in chunk)
                {
                    var key = (hash, 1);
                    while (next.ContainsKey(key)) key.Item2++;
                    if (previous.Remove(key, out var old))
                    {
                        if ((key.Item2 == 1 && ReferenceEquals(match, old)) || (key.Item2 > 1 && SameFact(old.Fact, fact)))
                        {
                            next[key] = old;
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
                    var entry = new Entry(fact);
                    var (all, some) = _evaluator.Selection.For(fact, options.Exhaustive);
                    if (Runners.NRulesRunner.Prejudge(fact, all, some, scratch))
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

            // Retract first: a changed fact's old version leaves the session before its new version comes in.
            if (retracted.Count > 0) session.RetractAll(retracted);
            if (inserted.Count > 0) session.InsertAll(inserted);
            session.Fire();
            _failed.Clear();
            foreach (var entry in judged)
            {
                var fact = entry.Fact;
                if (fact.Verdicts is { } recorded)
                {
                    fact.Verdicts = null;
                    entry.Verdicts = VerdictTally.InRuleOrder(recorded);
                    entry.Findings = VerdictTally.FindingsOf(entry.Verdicts, options.IncludePasses);
                }
            }
            _entries = next;
            SessionFacts += inserted.Count - retracted.Count;
            observer?.Counted("session-facts", SessionFacts);
            observer?.PhaseCompleted(EvaluationPhase.Evaluate, inserted.Count + retracted.Count);

            var tally = new VerdictTally(options.IncludePasses, keepFacts: false) { Facts = order.Count, JudgedFacts = SessionFacts };
            foreach (var entry in order)
            {
                if (entry.Verdicts is { } verdicts) tally.Add(entry.Fact, verdicts, entry.Findings);
            }
            var report = _evaluator.BuildReport([tally], resolved, options, _diagnose(estate, diagnostics), sources: null, workers);
            _report = report;
            var update = new IncrementalUpdate(report, fresh, order.Count, unchanged, changed, added, removed, inserted.Count, retracted.Count);
            LastUpdate = update;
            return update;
        }
    }

    /// <summary>Drops the session: the next <see cref="Update"/> judges every fact again (a new rule set needs a new engine and session anyway).</summary>
    public void Reset()
    {
        lock (_writer)
        {
            _session = null;
            _context = null;
            _options = null;
            _entries = [];
            SessionFacts = 0;
        }
    }

    private void Restart(Estate estate, EvaluationOptions options)
    {
        _context = new EvaluationContext(options.AsOf, estate.Organization);
        _entries = [];
        SessionFacts = 0;
        _session = _evaluator.Rules.Factory.CreateSession();
        _session.Events.LhsExpressionFailedEvent += (_, e) => _evaluator.NRules.OnConditionFailed(e, _failed);
    }

    /// <summary>Whether a session judged with <paramref name="before"/> still judges the same under <paramref name="after"/>.</summary>
    private static bool SameSession(EvaluationOptions before, EvaluationOptions after) =>
        before.AsOf == after.AsOf && before.IncludePasses == after.IncludePasses && before.Exhaustive == after.Exhaustive;

    /// <summary>
    /// Each fact of <paramref name="chunk"/> with its key and, when the previous version's first fact of that key holds the
    /// same values, that entry (read only: chunks run in parallel).
    /// </summary>
    private static List<(Fact Fact, long Key, Entry? Same)> Match(List<Fact> chunk, Dictionary<(long, int), Entry> previous)
    {
        var result = new List<(Fact, long, Entry?)>(chunk.Count);
        foreach (var fact in chunk)
        {
            var key = FactKey.Of(fact);
            result.Add((fact, key, previous.TryGetValue((key, 1), out var old) && SameFact(old.Fact, fact) ? old : null));
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
    private sealed class Entry(Fact fact)
    {
        public Fact Fact { get; } = fact;
        public bool InSession { get; set; }
        public List<Verdict>? Verdicts { get; set; }
        public Finding[] Findings { get; set; } = [];
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
public sealed record IncrementalUpdate(Report Report, bool Restarted, int Facts, int Unchanged, int Changed, int Added, int Removed, int Inserted, int Retracted);
