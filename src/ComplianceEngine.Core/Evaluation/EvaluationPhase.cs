namespace ComplianceEngine.Core.Evaluation;

/// <summary>The stages of one evaluation, in the order they run.</summary>
public enum EvaluationPhase
{
    /// <summary>Clusters and recipients located (region -> country -> groups and regimes).</summary>
    Resolve,
    /// <summary>Placements of every store and transfers of every declared flow built.</summary>
    Facts,
    /// <summary>Implied transfers (DR, replicas, backups, geo-redundancy) worked out.</summary>
    Flows,
    /// <summary>
    /// Onward hops built and every fact judged, in chunks and in parallel: each chunk's rules session fires and its
    /// verdicts become findings (items: verdicts).
    /// </summary>
    Evaluate,
    /// <summary>Findings merged, counted per jurisdiction and sorted into the report.</summary>
    Report,
}

/// <summary>
/// Told when each <see cref="EvaluationPhase"/> of an evaluation completes, with how many items it produced. For
/// benchmarks and tracing: the core itself never reads a clock, so an observer takes its own timestamps.
/// </summary>
public interface IEvaluationObserver
{
    /// <summary>Called when <paramref name="phase"/> completes; <paramref name="items"/> is what it produced (sites, facts, verdicts, findings).</summary>
    void PhaseCompleted(EvaluationPhase phase, long items);

    /// <summary>A count worked out along the way (<c>verdicts</c>, <c>session-facts</c>: facts some rule applies to).</summary>
    void Counted(string name, long value)
    {
    }
}
