using System.Runtime;
using ComplianceEngine.Tests;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Reporting;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Cli.Tests;

/// <summary>The GC's latency mode is process-wide: these tests run alone, so that no other test's `check` switches it meanwhile.</summary>
[CollectionDefinition(nameof(GarbageCollectionMode), DisableParallelization = true)]
public sealed class GarbageCollectionMode;

[Collection(nameof(GarbageCollectionMode))]
public sealed class BatchGarbageCollectionTests
{
    private static readonly string Examples = Repo.Path("examples", "estate");

    [Fact]
    public void Check_EvaluatesAndWrites_WithBatchCollections_AndRestoresTheModeAfter()
    {
        var before = GCSettings.LatencyMode;
        Assert.NotEqual(GCLatencyMode.Batch, before);
        var probe = new ModeProbe();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = CliApp.Run(["check", Examples, "--format", ModeProbe.Name, "--fail-on", "none", "--as-of", "2026-11-25", "-q"], stdout, stderr,
            services => services.AddSingleton<IReportWriter>(probe));

        Assert.True(exit == ExitCodes.Ok, stderr.ToString());
        Assert.Equal(GCLatencyMode.Batch, probe.Seen);
        Assert.Equal(before, GCSettings.LatencyMode);
    }

    [Fact]
    public void Enter_Nested_SwitchesWithTheFirst_AndBackWithTheLast_OnceEach()
    {
        var before = GCSettings.LatencyMode;
        var outer = BatchGarbageCollection.Enter();
        var inner = BatchGarbageCollection.Enter();
        Assert.Equal(GCLatencyMode.Batch, GCSettings.LatencyMode);

        outer.Dispose();
        outer.Dispose(); // a second dispose counts nothing
        Assert.Equal(GCLatencyMode.Batch, GCSettings.LatencyMode);

        inner.Dispose();
        Assert.Equal(before, GCSettings.LatencyMode);
    }

    /// <summary>A report writer that records the GC's latency mode while the report is written.</summary>
    private sealed class ModeProbe : IReportWriter
    {
        public const string Name = "gc-mode-probe";

        public GCLatencyMode? Seen { get; private set; }

        public string Format => Name;

        public string Extension => ".txt";

        public void Write(Report report, TextWriter output)
        {
            Seen = GCSettings.LatencyMode;
            output.Write(report.Findings.Length);
        }
    }
}
