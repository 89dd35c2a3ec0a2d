namespace ComplianceEngine.Core.Evaluation;

/// <summary>How to evaluate. Time is an input: the core never reads the clock.</summary>
public sealed record EvaluationOptions
{
    /// <summary>The date the law is applied as of.</summary>
    public required DateOnly AsOf { get; init; }

    /// <summary>When the report is made (the one field that differs between identical runs).</summary>
    public DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Keep pass outcomes as findings (JUnit needs them); otherwise passes are only counted.</summary>
    public bool IncludePasses { get; init; }

    /// <summary>Threads that judge chunks of facts at once; 0 (the default) for one per processor. The report is the same either way.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Facts per rules session (tests make it small to cross many chunk boundaries).</summary>
    internal int ChunkSize { get; init; } = Evaluator.DefaultChunkSize;

    /// <summary>
    /// Build every onward hop and work out every rule of a fact's kind, skipping nothing the onward-hop filter and the regime
    /// index would skip: the reference the optimised evaluation is tested against.
    /// </summary>
    internal bool Exhaustive { get; init; }

    /// <summary>Called on the onward search's thread before each regime's search, with the regime (tests: delays, to vary the schedule).</summary>
    internal Action<string>? BeforeOnwardSearch { get; init; }

    /// <summary>
    /// How facts are judged: <see cref="RuleRunner.Batch"/> (the default) calls each rule's compiled judgement directly;
    /// <see cref="RuleRunner.NRules"/> runs the same judgements as conditions of an NRules session. The report is the same.
    /// </summary>
    public RuleRunner Runner { get; init; } = RuleRunner.Batch;

    /// <summary>Told when each phase of the evaluation completes (benchmarks, tracing); null for none.</summary>
    public IEvaluationObserver? Observer { get; init; }
}

/// <summary>The runner that judges facts (see <see cref="EvaluationOptions.Runner"/>).</summary>
public enum RuleRunner
{
    /// <summary>The compiled judgement of each rule, called on each fact in parallel chunks, without a rules session.</summary>
    Batch,

    /// <summary>The same judgements as the conditions of NRules rules, one session per chunk.</summary>
    NRules,
}
