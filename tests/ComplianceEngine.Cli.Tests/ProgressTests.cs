using ComplianceEngine.Cli;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary>Progress of long runs on standard error: only on a terminal, only after a while, never with --quiet.</summary>
public sealed class ProgressTests
{
    private static readonly string[] Check = ["check", Repo.Path("examples", "estate"), "--as-of", "2026-11-25", "--format", "json"];

    private static (int Exit, string Out, string Err) Run(bool terminal, TimeSpan after, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = CliApp.Run(args, new CliConsole(stdout, stderr) { ErrorIsTerminal = terminal, ProgressAfter = after });
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string[] ProgressLines(string err) =>
        [.. err.Split('\n').Where(l => l.StartsWith("compliance: [", StringComparison.Ordinal))];

    [Fact]
    public void Check_OnATerminal_PastTheDelay_ShowsEveryStepAndPhaseWithCounts()
    {
        var (exit, stdout, err) = Run(true, TimeSpan.Zero, Check);
        Assert.Equal(1, exit);
        // With no delay the timer may also say what is under way ("...") before the first step completes.
        var lines = ProgressLines(err).Where(l => !l.EndsWith("...", StringComparison.Ordinal)).ToArray();
        Assert.True(ProgressLines(err).Length - lines.Length <= 1);
        string[] steps = ["rules:", "read:", "estate:", "resolve:", "facts:", "flows:", "evaluate:", "report:", "gate:"];
        Assert.Equal(steps.Length, lines.Length);
        for (var i = 0; i < steps.Length; i++) Assert.Contains("] " + steps[i] + " ", lines[i], StringComparison.Ordinal);
        Assert.Matches(@"\] read: \d+ documents", lines[1]);
        Assert.DoesNotContain("compliance: [", stdout, StringComparison.Ordinal); // the report stays clean
    }

    [Fact]
    public void Check_OnATerminal_Quiet_ShowsNothing()
    {
        var (exit, _, err) = Run(true, TimeSpan.Zero, [.. Check, "--quiet"]);
        Assert.Equal(1, exit);
        Assert.Empty(ProgressLines(err));
        Assert.Empty(ProgressLines(Run(true, TimeSpan.Zero, [.. Check, "-q"]).Err));
    }

    [Fact]
    public void Check_NotATerminal_ShowsNothing()
    {
        var (exit, _, err) = Run(false, TimeSpan.Zero, Check);
        Assert.Equal(1, exit);
        Assert.Empty(ProgressLines(err));
    }

    [Fact]
    public void Check_OnATerminal_FasterThanTheDelay_ShowsNothing()
    {
        var (_, _, err) = Run(true, TimeSpan.FromMinutes(10), Check);
        Assert.Empty(ProgressLines(err));
    }

    [Fact]
    public void Progress_DelayPassesMidStep_SaysWhatIsUnderWay_ThenEachStep()
    {
        using var err = new StringWriter();
        var time = new ManualTime();
        using (var progress = new ComplianceEngine.Cli.Progress.TerminalProgress(err, time, TimeSpan.FromSeconds(2)))
        {
            progress.StepCompleted(Hosting.Pipeline.CheckStep.Rules, 56);
            time.Advance(TimeSpan.FromSeconds(3)); // the timer fires while the inputs are read
            progress.StepCompleted(Hosting.Pipeline.CheckStep.Read, 1234);
        }
        var lines = ProgressLines(err.ToString());
        Assert.Equal(["compliance: [  3.0 s] reading inputs...", "compliance: [  3.0 s] read: 1,234 documents"], lines);
    }

    /// <summary>A clock the test moves; its one-shot timers fire when it passes their time.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private readonly List<(TimeSpan Due, TimerCallback Callback, object? State)> _timers = [];
        private TimeSpan _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now.Ticks;

        public void Advance(TimeSpan by)
        {
            _now += by;
            foreach (var t in _timers.Where(t => t.Due <= _now).ToList())
            {
                _timers.Remove(t);
                t.Callback(t.State);
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _timers.Add((_now + dueTime, callback, state));
            return new NoTimer();
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
