using System.Globalization;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Hosting.Pipeline;

namespace ComplianceEngine.Cli.Progress;

/// <summary>
/// Progress of a long check on standard error: nothing for the first <c>after</c> (2 s: most runs finish sooner), then
/// the step under way, then one line per step and evaluation phase as it completes, with its count and the time since
/// the start. Used only when standard error is a terminal and <c>--quiet</c> is not given (<see cref="For"/>), so
/// pipes, files and CI logs never see it.
/// </summary>
internal sealed class TerminalProgress : ICheckProgress, IDisposable
{
    private readonly TextWriter _error;
    private readonly TimeProvider _time;
    private readonly TimeSpan _after;
    private readonly long _started;
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private string _working = "reading rules";
    private bool _showing;
    private bool _disposed;

    public TerminalProgress(TextWriter error, TimeProvider time, TimeSpan after)
    {
        _error = error;
        _time = time;
        _after = after;
        _started = time.GetTimestamp();
        _timer = time.CreateTimer(_ => Show(), null, after, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Progress for a check, or null when it must not be shown (not a terminal, or <c>--quiet</c>).</summary>
    public static TerminalProgress? For(CliConsole console, bool quiet, TimeProvider time) =>
        console.ErrorIsTerminal && !quiet ? new TerminalProgress(console.Error, time, console.ProgressAfter) : null;

    public void StepCompleted(CheckStep step, long items) => Completed(step switch
    {
        CheckStep.Rules => ($"rules: {Count(items)} compiled", "reading inputs"),
        CheckStep.Read => ($"read: {Count(items)} documents", "building the estate"),
        CheckStep.Estate => ($"estate: {Count(items)} clusters, stores and flows", "locating clusters"),
        _ => ($"gate: {Count(items)} findings (not passes)", "writing the report"),
    });

    public void PhaseCompleted(EvaluationPhase phase, long items) => Completed(phase switch
    {
        EvaluationPhase.Resolve => ($"resolve: {Count(items)} sites located", "building facts"),
        EvaluationPhase.Facts => ($"facts: {Count(items)} placements and transfers", "working out implied transfers"),
        EvaluationPhase.Flows => ($"flows: {Count(items)} transfers with implied ones", "judging every fact against the rules"),
        EvaluationPhase.Evaluate => ($"evaluate: {Count(items)} facts judged", "sorting findings into the report"),
        _ => ($"report: {Count(items)} findings", "applying policy, waivers and baseline"),
    });

    public void Dispose()
    {
        lock (_lock) _disposed = true;
        _timer.Dispose();
    }

    private void Completed((string Done, string Next) step)
    {
        lock (_lock)
        {
            if (_disposed) return;
            _working = step.Next;
            if (_showing || Elapsed() >= _after)
            {
                _showing = true;
                Write(step.Done);
            }
        }
    }

    // The timer: the run has taken long enough to say what it is doing.
    private void Show()
    {
        lock (_lock)
        {
            if (_disposed || _showing) return;
            _showing = true;
            Write(_working + "...");
        }
    }

    private void Write(string text) =>
        _error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"compliance: [{Elapsed().TotalSeconds,5:F1} s] {text}"));

    private TimeSpan Elapsed() => _time.GetElapsedTime(_started);

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
