using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Evaluation.Incremental;
using ComplianceEngine.Core.Evaluation.Runners;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Reporting;

namespace ComplianceEngine.Core.Tests.Properties;

/// <summary>
/// The onward search run ahead on a thread of its own (<see cref="OnwardGraph.HopsSearchingAhead"/>): whatever the number of
/// workers and however the searches are delayed, the same hops in the same order, and the same report bytes.
/// </summary>
public sealed class SearchAheadProperties
{
    private static readonly Lazy<(Estate Estate, List<TransferFact> Direct)> Estate = new(() =>
    {
        var estate = GeneratedEstates.Generate(seed: 5, flows: 10_000);
        return (estate, Direct(estate));
    });

    private static IReadOnlySet<string>? Follow => OnwardScope.Of(GeneratedEstates.Engine.Rules.Rules);

    private static OnwardRuleFilter Filter() => new(new RuleSelection(GeneratedEstates.Engine.Rules).Transfer, workers: 1);

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void HopsSearchingAhead_RandomDelays_TheSingleThreadedSearchsHopsInItsOrder(int seed)
    {
        var direct = Estate.Value.Direct;
        var expected = FlowAnalyzer.OnwardHops(direct, Follow, Filter()).ToList();
        var random = new Random(seed);
        var searched = new List<string>();

        var actual = OnwardGraph.HopsSearchingAhead(direct, Follow, Filter(), workers: 2, beforeSearch: regime =>
        {
            lock (searched) searched.Add(regime);
            int delay;
            lock (random) delay = random.Next(30);
            Thread.Sleep(delay);
        }).Select(hop =>
        {
            // The taker is slow at random too: the search thread is sometimes ahead, sometimes behind.
            int pause;
            lock (random) pause = random.Next(2000) == 0 ? random.Next(20) : 0;
            if (pause > 0) Thread.Sleep(pause);
            return hop;
        }).ToList();

        Assert.True(expected.Count > 1000, $"the estate should have many onward hops, has {expected.Count}");
        Assert.True(searched.Count > 3, $"several regimes searched ahead: {string.Join(", ", searched)}");
        Assert.Equal(searched.Order(StringComparer.Ordinal).Where(r => r != FlowAnalyzer.UnknownOrigin), searched.Where(r => r != FlowAnalyzer.UnknownOrigin));
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(StructuralEquality.Equal(expected[i], actual[i]), $"hop {i} differs: {actual[i].Subject.Reference} under {actual[i].OnwardRegime}, expected {expected[i].Subject.Reference} under {expected[i].OnwardRegime}");
            Assert.Equal<string>(expected[i].Path, actual[i].Path);
        }
    }

    [Fact]
    public void HopsSearchingAhead_TheNextRegimeIsSearchedWhileTheLastOnesHopsAreTaken()
    {
        // The first hop is taken and no more: the second regime's search starts all the same (on another thread).
        var callingThread = Environment.CurrentManagedThreadId;
        using var secondSearch = new ManualResetEventSlim();
        var threads = new List<int>();
        var calls = 0;
        using var hops = OnwardGraph.HopsSearchingAhead(Estate.Value.Direct, Follow, Filter(), workers: 2, beforeSearch: _ =>
        {
            lock (threads) threads.Add(Environment.CurrentManagedThreadId);
            if (Interlocked.Increment(ref calls) == 2) secondSearch.Set();
        }).GetEnumerator();

        Assert.True(hops.MoveNext());

        Assert.True(secondSearch.Wait(TimeSpan.FromSeconds(30)), "the second regime's search did not start while the first one's hops were being taken");
        lock (threads) Assert.DoesNotContain(callingThread, threads);
    }

    [Fact]
    public void HopsSearchingAhead_OneWorker_SearchesOnTheCallingThreadAsBefore()
    {
        var calls = 0;

        var hops = OnwardGraph.HopsSearchingAhead(Estate.Value.Direct, Follow, Filter(), workers: 1, beforeSearch: _ => calls++).Count();

        Assert.Equal(FlowAnalyzer.OnwardHops(Estate.Value.Direct, Follow, Filter()).Count(), hops);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void HopsSearchingAhead_ASearchFails_TheFailureReachesTheTaker()
    {
        var regimes = new OnwardGraph(Estate.Value.Direct, Follow).Regimes;
        var failing = regimes[2];

        var ex = Assert.Throws<InvalidOperationException>(() =>
            OnwardGraph.HopsSearchingAhead(Estate.Value.Direct, Follow, Filter(), workers: 2,
                beforeSearch: r => { if (r == failing) throw new InvalidOperationException($"search of {r} failed"); }).Count());

        Assert.Equal($"search of {failing} failed", ex.Message);
    }

    [Fact]
    public void HopsSearchingAhead_TakerStopsEarly_TheSearchThreadStops()
    {
        var calls = 0;
        var hops = OnwardGraph.HopsSearchingAhead(Estate.Value.Direct, Follow, Filter(), workers: 2, beforeSearch: _ => Interlocked.Increment(ref calls));

        Assert.Single(hops.Take(1));
        var afterDispose = Volatile.Read(ref calls);
        Thread.Sleep(200);

        // Disposing the enumeration joined the search thread: no search starts after it.
        Assert.Equal(afterDispose, Volatile.Read(ref calls));
        Assert.True(afterDispose < new OnwardGraph(Estate.Value.Direct, Follow).Regimes.Count, $"{afterDispose} searches started for one hop");
    }

    [Fact]
    public void Evaluate_OneTwoOrFourWorkers_RandomSearchDelays_TheSameReportBytes()
    {
        var estate = Estate.Value.Estate;
        string Report(int workers, int chunkSize, int seed)
        {
            var random = new Random(seed);
            var report = GeneratedEstates.Engine.Evaluate(estate, GeneratedEstates.Options with
            {
                MaxDegreeOfParallelism = workers,
                ChunkSize = chunkSize,
                IncludePasses = true,
                BeforeOnwardSearch = _ =>
                {
                    int delay;
                    lock (random) delay = random.Next(40);
                    Thread.Sleep(delay);
                },
            });
            using var text = new StringWriter();
            new JsonReportWriter().Write(report, text);
            return text.ToString();
        }

        var one = Report(workers: 1, chunkSize: 1_000_000, seed: 1);

        Assert.True(one.Length > 100_000, $"the report should be large, is {one.Length} characters");
        Assert.Equal(one, Report(workers: 2, chunkSize: 97, seed: 2));
        Assert.Equal(one, Report(workers: 4, chunkSize: 500, seed: 3));
        Assert.Equal(one, Report(workers: 2, chunkSize: 8192, seed: 4));
    }

    /// <summary>The direct transfers the evaluation builds (declared and implied, with the exporting countries' totals).</summary>
    private static List<TransferFact> Direct(Estate estate)
    {
        var engine = GeneratedEstates.Engine;
        var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
        var resolved = new FactBuilder(engine.Resolver).Resolve(estate);
        var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(engine.Resolver).Implied(resolved, context)).OfType<TransferFact>().ToList();
        var volumes = ExportVolumes.Of(direct);
        foreach (var t in direct) volumes.Apply(t);
        return direct;
    }
}
