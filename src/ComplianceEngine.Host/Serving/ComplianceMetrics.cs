using System.Diagnostics.Metrics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Server.Serving;

/// <summary>
/// The engine's instruments (meter <c>ComplianceEngine</c>), exported at <c>/metrics</c> in Prometheus format through
/// OpenTelemetry: evaluations by outcome, their duration, findings by jurisdiction and status, the rule-set version,
/// reload failures, and admission (evaluations waiting and running, memory reserved, requests turned away).
/// </summary>
public sealed class ComplianceMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ComplianceEngine";

    private readonly Meter _meter;
    private readonly Counter<long> _evaluations;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _findings;
    private readonly Counter<long> _reloadFailures;
    private readonly Counter<long> _refused;
    private string _version = "none";

    /// <summary>Creates the instruments.</summary>
    public ComplianceMetrics(IMeterFactory meters, EvaluationGate gate)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(gate);
        _meter = meters.Create(MeterName);
        _evaluations = _meter.CreateCounter<long>("compliance.evaluations", description: "Evaluations by outcome: pass, fail, rejected (bad input)");
        _duration = _meter.CreateHistogram<double>("compliance.evaluation.duration", "s", "Time to load, evaluate and store one evaluation");
        _findings = _meter.CreateCounter<long>("compliance.findings", description: "Findings reported, by jurisdiction and status");
        _reloadFailures = _meter.CreateCounter<long>("compliance.rules.reload.failures", description: "Rule reloads that failed (the last good set kept serving)");
        _meter.CreateObservableGauge("compliance.rules.info", () => new Measurement<int>(1, new KeyValuePair<string, object?>("version", _version)),
            description: "The rule-set version serving (content hash), as a label");
        _meter.CreateObservableGauge("compliance.admission.waiting", () => gate.Waiting, description: "Evaluations waiting to be admitted (slots and memory)");
        _meter.CreateObservableGauge("compliance.admission.running", () => gate.Running, description: "Evaluations admitted and not finished");
        _meter.CreateObservableGauge("compliance.admission.reserved", () => gate.ReservedBytes, "By",
            "Memory reserved by running evaluations, of EvaluationMemoryBudgetMegabytes");
        _refused = _meter.CreateCounter<long>("compliance.admission.refused", description: "Requests turned away: queue_full (429), over_budget (413)");
    }

    /// <summary>Counts a request the gate turned away (<c>queue_full</c> or <c>over_budget</c>).</summary>
    public void Refused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts a finished evaluation.</summary>
    public void Evaluated(Report report, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(report);
        _evaluations.Add(1, new KeyValuePair<string, object?>("outcome", report.Gate.Failed ? "fail" : "pass"));
        _duration.Record(elapsed.TotalSeconds);
        foreach (var (jurisdiction, counts) in report.ByJurisdiction)
        {
            Add(jurisdiction, "violation", counts.Violation);
            Add(jurisdiction, "warning", counts.Warning);
            Add(jurisdiction, "indeterminate", counts.Indeterminate);
            Add(jurisdiction, "waived", counts.Waived);
        }
    }

    /// <summary>Counts an evaluation whose inputs could not be read.</summary>
    public void Rejected() => _evaluations.Add(1, new KeyValuePair<string, object?>("outcome", "rejected"));

    /// <summary>Counts a failed reload.</summary>
    public void ReloadFailed() => _reloadFailures.Add(1);

    /// <summary>Records the version serving.</summary>
    public void RuleSetLoaded(string version) => Volatile.Write(ref _version, version);

    private void Add(string jurisdiction, string status, int count)
    {
        if (count > 0) _findings.Add(count, new("jurisdiction", jurisdiction), new("status", status));
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
