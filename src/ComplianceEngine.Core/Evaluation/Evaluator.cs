using System.Collections.Immutable;
using ComplianceEngine.Core.Evaluation.Runners;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// Evaluates an estate against compiled rules as of a date: builds facts, judges them in chunks with a rule runner, turns verdicts
/// into findings and aggregates them per jurisdiction. Pure: no I/O, no clock.
/// </summary>
public sealed partial class Evaluator
{
    private readonly CompiledRuleSet _rules;
    private readonly FactBuilder _facts;
    private readonly FlowAnalyzer _flows;
    private readonly LocationResolver _resolver;

    /// <summary>Creates an evaluator.</summary>
    public Evaluator(CompiledRuleSet rules, LocationResolver resolver)
    {
        _rules = rules;
        _resolver = resolver;
        _facts = new FactBuilder(resolver);
        _flows = new FlowAnalyzer(resolver);
        // Onward hops of a regime no rule can judge them under would only ever be "not applicable": skip building them.
        _onwardRegimes = OnwardScope.Of(rules.Rules);
        var selection = new RuleSelection(rules);
        Selection = selection;
        _placementRules = selection.Placement;
        _transferRules = selection.Transfer;
        _batch = new BatchRunner(selection);
        _nrules = new NRulesRunner(selection);
        _summaries = [.. rules.Rules.Select(Summarize)];
        _ruleRanks = FindingFactory.RuleRanks(rules.Rules);
    }

    /// <summary>Each rule's place in the report's order (by jurisdiction, then id), by rule index.</summary>
    private readonly int[] _ruleRanks;

    private readonly ImmutableArray<RuleSummary> _summaries;

    /// <summary>The compiled rules this evaluator judges with.</summary>
    internal CompiledRuleSet Rules => _rules;

    /// <summary>Which rules a fact meets.</summary>
    internal RuleSelection Selection { get; private set; } = null!;

    private readonly BatchRunner _batch;
    private readonly NRulesRunner _nrules;

    /// <summary>The NRules runner (its pre-judging and condition-failure handling serve the incremental session too).</summary>
    internal NRulesRunner NRules => _nrules;

    /// <summary>The fact builder and the flow analyzer (the incremental evaluation derives one document's facts with them).</summary>
    internal (FactBuilder Facts, FlowAnalyzer Flows) Derivers => (_facts, _flows);

    /// <summary>Whether some rule is about placements and some about transfers (facts of a kind no rule is about are never built).</summary>
    internal (bool Placements, bool Transfers) Judges => (_placementRules.Length > 0, _transferRules.Length > 0);

    private readonly CompiledRule[] _placementRules;
    private readonly CompiledRule[] _transferRules;

    private readonly IReadOnlySet<string>? _onwardRegimes;

    /// <summary>Facts per rules session: big enough that a session's setup is noise, small enough that a chunk's facts stay young.</summary>
    internal const int DefaultChunkSize = 8192;

    /// <summary>Evaluates <paramref name="estate"/>.</summary>
    /// <param name="sources">When given, receives the rule and fact behind each finding id (for explanations).</param>
    /// <remarks>
    /// Every rule has one pattern over one fact, so facts are independent of each other: they are judged in chunks, each
    /// in its own rules session, in parallel, and a chunk's facts are dropped once its findings are built. Onward hops,
    /// the bulk of the facts in a large estate, are built while earlier chunks are judged. Findings are merged in chunk
    /// order, so the report does not depend on the number of threads.
    /// </remarks>
    public Report Evaluate(Estate estate, EvaluationOptions options, IEnumerable<Diagnostic>? diagnostics = null,
        IDictionary<string, (CompiledRule Rule, Fact Fact)>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(estate);
        ArgumentNullException.ThrowIfNull(options);
        var workers = Workers(options);
        var (resolved, chunks, coverage) = Judge(estate, options, workers, keepFacts: sources is not null);
        return BuildReport(chunks, resolved, options, diagnostics, sources, workers, coverage);
    }

    /// <summary>
    /// Derives the facts of <paramref name="estate"/> and judges them in chunks: a tally per chunk, and the coverage merged
    /// from them. Its own method, so that nothing of the facts' derivation (the direct facts, the onward search's graph)
    /// is still held by a local of the caller's frame while the report is built.
    /// </summary>
    private (ResolvedEstate Resolved, List<VerdictTally> Chunks, CoverageTally Coverage) Judge(Estate estate, EvaluationOptions options, int workers, bool keepFacts)
    {
        var observer = options.Observer;
        var context = new EvaluationContext(options.AsOf, estate.Organization) { CoverageScope = CoverageScopeOn(options.AsOf) };
        var (resolved, all, ready) = DeriveOnceThrough(estate, context, options, workers);

        // Coverage is merged as each chunk is judged: the chunks' sets do not wait for the report.
        var coverage = new CoverageTally();
        // One finding builder and one coverage tally per thread, serving every chunk that thread judges: the builder's caches
        // (rule plans, sites, evidence, placeholder values) are made once per thread, not once per chunk, and the coverage
        // tally's lists of subjects keep their room from chunk to chunk (emptied as each chunk is merged). They go with the
        // threads when the phase ends.
        using var builders = new ThreadLocal<FindingBuilder>(() => new FindingBuilder());
        using var recorders = new ThreadLocal<CoverageTally>(() => new CoverageTally());
        // The direct facts are built already: their chunks are queued at once and one worker judges them while this thread sets
        // up the onward search (its graph, its filter, its first regimes' searches), instead of every worker waiting for its
        // first hops; the others join at the first chunk of hops (ChunkPipeline's ready items).
        var chunks = ChunkPipeline.Run(all, options.ChunkSize, workers, chunk =>
        {
            var tally = EvaluateChunk(chunk, options, keepFacts, builders.Value, recorders.Value!);
            tally.MergeCoverageInto(coverage);
            // The chunk's finding caches (per rule, site and fact) served its findings: they need not wait for the report.
            tally.ReleaseBuilder();
            return tally;
        }, readyItems: ready);
        observer?.Counted("verdicts", chunks.Sum(c => c.Verdicts));
        observer?.Counted("session-facts", chunks.Sum(c => (long)c.JudgedFacts));
        observer?.PhaseCompleted(EvaluationPhase.Evaluate, chunks.Sum(c => (long)c.Facts));
        return (resolved, chunks, coverage);
    }

    /// <summary>
    /// The batch path's facts, as <see cref="Derive"/> gives them, enumerated once and let go as they are handed out: a
    /// direct fact's slot in its list is cleared as the fact is taken, and the onward search (its graph, its lot tables and
    /// the direct transfers it walks) is dropped as soon as its last hop is taken. Judged facts are garbage then, instead of
    /// living until the last chunk is judged and the report is built.
    /// </summary>
    /// <remarks>Also gives how many of the facts are built already (the placements, declared and implied transfers: the list's).</remarks>
    private (ResolvedEstate Resolved, IEnumerable<Fact> Facts, int Ready) DeriveOnceThrough(Estate estate, EvaluationContext context, EvaluationOptions options, int workers)
    {
        var (resolved, all, direct, volumes) = DeriveDirect(estate, context, options, workers);
        var ready = all.Count;
        IEnumerable<Fact>? hops = null;
        if (OnwardHopFilter(options, workers) is (var follow, var filter))
        {
            // Each regime's search runs ahead on a thread of its own while this thread builds the hops of the regimes before it
            // (the same hops in the same order): the workers judge them instead of waiting for a search to end.
            hops = OnwardGraph.HopsSearchingAhead(direct, follow, filter, workers, options.BeforeOnwardSearch).Select(volumes.Apply);
        }
        return (resolved, new OnceThrough<Fact>(all, hops), ready);
    }

    /// <summary>The threads the options allow.</summary>
    internal static int Workers(EvaluationOptions options) => options.MaxDegreeOfParallelism is > 0 and var n ? n : Environment.ProcessorCount;

    /// <summary>
    /// The facts of <paramref name="estate"/> that some rule could be about, in the order the report depends on (placements
    /// and declared transfers, implied ones, then onward hops, built lazily as the result is enumerated). The batch path
    /// and the incremental evaluation both derive facts here.
    /// </summary>
    internal (ResolvedEstate Resolved, IEnumerable<Fact> Facts) Derive(Estate estate, EvaluationContext context, EvaluationOptions options, int workers)
    {
        var (resolved, all, direct, volumes) = DeriveDirect(estate, context, options, workers);
        if (OnwardHopFilter(options, workers) is (var follow, var filter))
        {
            var hops = filter is null ? FlowAnalyzer.OnwardHops(direct, follow) : FlowAnalyzer.OnwardHops(direct, follow, filter);
            return (resolved, all.Concat(hops.Select(volumes.Apply)));
        }
        return (resolved, all);
    }

    /// <summary>
    /// The facts of <paramref name="estate"/> before the onward search: the placements, declared and implied transfers some
    /// rule could be about (in the report's order), every direct transfer (the onward search's edges) and the export volumes
    /// (already set on the direct transfers; onward hops get them from it).
    /// </summary>
    internal (ResolvedEstate Resolved, List<Fact> Facts, List<TransferFact> Direct, ExportVolumes Volumes) DeriveDirect(Estate estate, EvaluationContext context,
        EvaluationOptions options, int workers)
    {
        var observer = options.Observer;
        var resolved = _facts.Resolve(estate);
        observer?.PhaseCompleted(EvaluationPhase.Resolve, resolved.Sites.Count);
        var facts = new List<Fact>(FactBuilder.Build(resolved, context, workers));
        observer?.PhaseCompleted(EvaluationPhase.Facts, facts.Count);
        facts.AddRange(_flows.Implied(resolved, context));
        var direct = facts.OfType<TransferFact>().ToList();
        var volumes = ExportVolumes.Of(direct);
        foreach (var t in direct) volumes.Apply(t);
        observer?.PhaseCompleted(EvaluationPhase.Flows, facts.Count);

        // Facts of a kind no rule is about could never match: they need not be built or judged.
        var placements = _placementRules.Length > 0;
        var transfers = _transferRules.Length > 0;
        if (!placements || !transfers) facts = facts.FindAll(f => f is PlacementFact ? placements : transfers);
        return (resolved, facts, direct, volumes);
    }

    /// <summary>
    /// How the onward search runs: the regimes it follows (null: every one) and the filter of the hops worth building (null
    /// when exhaustive); null when no rule is about transfers (no hop is built).
    /// </summary>
    internal (IReadOnlySet<string>? Follow, OnwardRuleFilter? Filter)? OnwardHopFilter(EvaluationOptions options, int workers) =>
        _transferRules.Length == 0 ? null : (_onwardRegimes, options.Exhaustive ? null : new OnwardRuleFilter(_transferRules, workers));

    /// <summary>
    /// The report from judged facts' tallies, in order: findings merged (the first of equal ids kept), counted per
    /// jurisdiction, coverage finished, sorted. The batch path passes one tally per chunk; the incremental evaluation one
    /// tally over its session's facts. <paramref name="merged"/>, when given, holds coverage already merged out of the
    /// tallies (<see cref="VerdictTally.MergeCoverageInto"/>); what the tallies still hold is added to it. The tallies are
    /// used up: their findings lists are let go as they are merged.
    /// </summary>
    internal Report BuildReport(IReadOnlyList<VerdictTally> chunks, ResolvedEstate resolved, EvaluationOptions options, IEnumerable<Diagnostic>? diagnostics,
        IDictionary<string, (CompiledRule Rule, Fact Fact)>? sources, int workers, CoverageTally? merged = null)
    {
        var tally = new Dictionary<string, int[]>(StringComparer.Ordinal);
        // Findings per rule and status, folded into jurisdictions once: one count per finding instead of a lookup per finding.
        var rules = _rules.Rules;
        var byRule = new int[rules.Length * StatusCount];
        var kept = TallyFindings.Kept(chunks);
        if (sources is null && RowRanks(chunks, kept) is { } rowRanks)
        {
            // The report keeps the rows: they are counted, sorted and linked here, and each finding is made only when read.
            foreach (var (t, r) in kept)
            {
                ref readonly var row = ref chunks[t].Findings.At(r);
                byRule[row.Rule.Index * StatusCount + (int)row.Status]++;
            }
            var rowCounts = CountsOf(tally, chunks, byRule);
            var rowCoverage = workers > 1 ? Task.Run(() => FinishCoverageOf(chunks, resolved, merged, rowCounts)) : null;
            var source = RowFindings.Sorted([.. chunks.Select(c => c.Findings)], kept, rowRanks, workers);
            return AssembleThen(rowCounts, FindingList.From(source), options, diagnostics,
                () => rowCoverage is null ? FinishCoverageOf(chunks, resolved, merged, rowCounts) : rowCoverage.GetAwaiter().GetResult());
        }
        // The chunks' rows (the first of equal ids kept) become findings here, on the workers: none lived through the evaluation as objects.
        var (findings, findingRules, facts) = TallyFindings.Findings(chunks, kept, workers, withFacts: sources is not null);
        var ranks = new int[findings.Length];
        for (var k = 0; k < findings.Length; k++)
        {
            var (finding, rule) = (findings[k], findingRules[k]);
            if (facts?[k] is { } fact) sources!.TryAdd(finding.Id, (rule, fact));
            // A rule of this evaluator's set (always, but checked: a stranger is ranked and counted by its names).
            var own = (uint)rule.Index < (uint)rules.Length && ReferenceEquals(rules[rule.Index], rule);
            if (own) byRule[rule.Index * StatusCount + (int)finding.Status]++;
            else Count(tally, finding.Jurisdiction, finding.Status, 1);
            ranks[k] = own ? _ruleRanks[rule.Index] : -1;
        }
        var counts = CountsOf(tally, chunks, byRule);

        // Coverage needs only the tallies and the estate (nothing else reads the estate meanwhile): it is finished on
        // another thread while the findings are sorted and linked.
        Coverage FinishCoverage() => FinishCoverageOf(chunks, resolved, merged, counts);
        var finishing = workers > 1 ? Task.Run(FinishCoverage) : null;

        // Rule ranks are known per rule: sorting ranks only the subjects (and falls back to comparing names for a stranger).
        var sorted = Array.IndexOf(ranks, -1) >= 0 ? FindingFactory.Sort(findings, workers) : FindingFactory.Sort(findings, ranks, workers);
        var ordered = RootCauses.Link(sorted, workers);
        return AssembleThen(counts, ordered, options, diagnostics, () => finishing is null ? FinishCoverage() : finishing.GetAwaiter().GetResult());
    }

    /// <summary>Adds <paramref name="delta"/> findings (or counted passes) of <paramref name="status"/> to a jurisdiction's tally (see <see cref="Counts"/>).</summary>
    internal static void Count(Dictionary<string, int[]> tally, string jurisdiction, FindingStatus status, int delta)
    {
        if (!tally.TryGetValue(jurisdiction, out var t)) tally[jurisdiction] = t = new int[StatusCount];
        t[(int)status] += delta;
    }

    /// <summary>The report's counts from a tally of findings and passes per jurisdiction: every rule's jurisdiction listed.</summary>
    internal ImmutableSortedDictionary<string, StatusCounts> Counts(Dictionary<string, int[]> tally)
    {
        var all = new Dictionary<string, int[]>(tally, StringComparer.Ordinal);
        foreach (var rule in _rules.Rules) all.TryAdd(rule.Definition.Jurisdiction, new int[StatusCount]);
        return all.ToImmutableSortedDictionary(kv => kv.Key, kv => new StatusCounts(
            kv.Value[(int)FindingStatus.Violation], kv.Value[(int)FindingStatus.Warning], kv.Value[(int)FindingStatus.Indeterminate],
            kv.Value[(int)FindingStatus.Waived], kv.Value[(int)FindingStatus.Pass]), StringComparer.Ordinal);
    }

    /// <summary>The finished coverage of what <paramref name="coverage"/> recorded, for the jurisdictions of <paramref name="counts"/>.</summary>
    internal Coverage CoverageOf(CoverageTally coverage, ResolvedEstate resolved, ImmutableSortedDictionary<string, StatusCounts> counts) =>
        coverage.Finish(resolved, counts.Keys, RegimesOfSubject);

    /// <summary>The report from its parts: counts, findings (sorted, root causes linked), diagnostics and coverage.</summary>
    internal Report Assemble(ImmutableSortedDictionary<string, StatusCounts> counts, FindingList ordered, EvaluationOptions options,
        IEnumerable<Diagnostic>? diagnostics, Coverage coverage) => AssembleThen(counts, ordered, options, diagnostics, () => coverage);

    /// <summary>
    /// The report from its parts, with coverage asked for once the report phase has ended (it is never part of the
    /// phase, so the phase's timings compare with earlier runs).
    /// </summary>
    private Report AssembleThen(ImmutableSortedDictionary<string, StatusCounts> counts, FindingList ordered, EvaluationOptions options,
        IEnumerable<Diagnostic>? diagnostics, Func<Coverage> coverage)
    {
        options.Observer?.PhaseCompleted(EvaluationPhase.Report, ordered.Length);
        return new Report(
            Report.CurrentSchemaVersion,
            options.AsOf,
            options.GeneratedAt,
            counts,
            ordered,
            _summaries,
            [.. (diagnostics ?? []).Order()])
        {
            Coverage = coverage(),
        };
    }

    /// <summary>Which jurisdictions' rules look at a fact on <paramref name="asOf"/> even where none applies (see <see cref="CoverageScope"/>).</summary>
    internal CoverageScope CoverageScopeOn(DateOnly asOf) => CoverageScope.Of(_rules.Rules, asOf, RegimesOfSubject);

    /// <summary>The regimes that protect data subjects of <paramref name="code"/>: the regime of that code, or the regimes of that country.</summary>
    internal ImmutableArray<string> RegimesOfSubject(string code) =>
        _rules.Rules.Any(r => r.Definition.Jurisdiction == code) ? [code, .. _resolver.RegimesOf(code)] : _resolver.RegimesOf(code);

    /// <summary>Judges a chunk with the runner the options ask for and turns its verdicts into findings (passes only counted unless asked).</summary>
    private VerdictTally EvaluateChunk(List<Fact> chunk, EvaluationOptions options, bool keepFacts, FindingBuilder? builder, CoverageTally coverage)
    {
        var tally = new VerdictTally(options.IncludePasses, keepFacts) { Facts = chunk.Count, Builder = builder, CoverageInto = coverage };
        if (options.Runner != RuleRunner.NRules)
        {
            // The batch runner's verdicts go straight into the tally: no verdict objects, no list per fact.
            _batch.JudgeInto(chunk, options.Exhaustive, tally);
            return tally;
        }
        var judged = _nrules.Judge(chunk, options.Exhaustive);
        tally.JudgedFacts = judged.Count;
        foreach (var fact in chunk)
        {
            // Coverage: a rule may have looked at a fact none applied to (its scope excluded it).
            if (fact.Verdicts is null) tally.Add(fact, ReadOnlySpan<RuleVerdict>.Empty);
        }
        foreach (var fact in judged)
        {
            if (fact.Verdicts is not { } recorded) continue;
            fact.Verdicts = null;
            tally.Add(fact, VerdictTally.InRuleOrder(recorded));
        }
        return tally;
    }

    private static RuleSummary Summarize(CompiledRule rule)
    {
        var d = rule.Definition;
        return new RuleSummary(d.Id, d.Title, d.Jurisdiction, d.Severity.ToName(), d.CitationText,
            d.Citations.Select(c => c.Url).FirstOrDefault(u => u is not null), d.Remediation, d.Confidence);
    }

    private static readonly int StatusCount = Enum.GetValues<FindingStatus>().Length;
}
