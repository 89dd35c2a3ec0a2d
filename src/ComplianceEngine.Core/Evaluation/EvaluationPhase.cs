namespace ComplianceEngine.Core.Evaluation;

/// <summary>The stages of one evaluation, in the order they run.</summary>
public enum EvaluationPhase
{
    /// <summary>Clusters and recipients located (region -> country -> groups and regimes).</summary>
    Resolve,
    /// <summary>Placements of every store and transfers of every declared flow built.</summary>
    Facts,
    /// <summary>Implied transfers (DR, replicas, backups, geo-redundancy) and onward chains worked out.</summary>
    Flows,
    /// <summary>Facts inserted into the rules session (single-fact conditions run here).</summary>
    Insert,
    /// <summary>Rules fired: verdicts recorded.</summary>
    Fire,
    /// <summary>Verdicts turned into findings, counted per jurisdiction and sorted into the report.</summary>
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
}
