using ComplianceEngine.Core.Evaluation;

namespace ComplianceEngine.Hosting.Pipeline;

/// <summary>The steps of <see cref="ComplianceService.Check"/> around the evaluation itself, in the order they run.</summary>
public enum CheckStep
{
    /// <summary>Rules loaded and compiled (or taken from the cache); items: rules.</summary>
    Rules,
    /// <summary>Input files found and parsed; items: documents.</summary>
    Read,
    /// <summary>The estate built from the documents and checked; items: clusters, stores and flows.</summary>
    Estate,
    /// <summary>Policy, waivers and baseline applied and the gate held; items: findings that are not passes.</summary>
    Gate,
}

/// <summary>
/// Told as a check moves on: its own steps (<see cref="CheckStep"/>) and, through <see cref="IEvaluationObserver"/>,
/// the phases of the evaluation. For progress on a terminal and for tracing; calls come from the thread running the
/// check (and, for counts, possibly from evaluation workers).
/// </summary>
public interface ICheckProgress : IEvaluationObserver
{
    /// <summary>Called when <paramref name="step"/> completes; <paramref name="items"/> is what it produced.</summary>
    void StepCompleted(CheckStep step, long items);
}
