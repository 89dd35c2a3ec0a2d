using System.Diagnostics;
using System.Globalization;
using ComplianceEngine.Core;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Reporting;

namespace ComplianceEngine.Bench;

/// <summary>
/// <c>bench incremental --flows N [--reps R] [--seed S] [--rules DIR] [--threads N] [--verify]</c>: the watched-estate case.
/// One generated estate is loaded into an incremental session; then, R times, one flow is changed (a mechanism added,
/// then removed again) and the session is updated, interleaved with a full batch evaluation of the same version. Prints
/// the medians of both, the incremental update's phases (resolve, declared/implied facts, onward hops + diff, session
/// retract/insert/fire, report) and a RESULT line. <c>--verify</c> compares the two JSON reports of the first repetition
/// (outside the timings; large at 100k flows).
/// </summary>
internal static class IncrementalBench
{
    public static int Run(Options o)
    {
        var flows = o.RequiredInt("flows");
        var reps = o.Int("reps", 7);
        var seed = o.Int("seed", Commands.DefaultSeed);
        var rulesDir = o.Get("rules", "rules");
        var source = Commands.LoadRules(rulesDir, out var bag);
        if (source is null) return 2;
        var engine = Engine.Create(source.Packs, source.Regimes, source.Groups, source.Regions, bag, source.Vocabulary);
        if (bag.HasErrors) return 2;
        var estate = new EstateGenerator(new GeoCatalog(source, rulesDir), seed).Generate(EstateSize.ForFlows(flows));
        var phases = new PhaseClock();
        var options = new EvaluationOptions
        {
            AsOf = Commands.AsOf,
            GeneratedAt = new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero),
            MaxDegreeOfParallelism = o.Int("threads", 0),
        };

        var sw = Stopwatch.StartNew();
        var incremental = engine.StartIncremental();
        var first = incremental.Update(estate, options);
        var loadMs = sw.Elapsed.TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{estate.Flows.Length:N0} flows, {first.Facts:N0} facts, {incremental.SessionFacts:N0} in the session, {first.Report.Findings.Length:N0} findings; first update (every fact judged) {loadMs:F0} ms"));

        var incrementalMs = new List<double>();
        var fullMs = new List<double>();
        var phaseMs = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var index = flows / 2;
        for (var rep = 0; rep < reps; rep++)
        {
            var flow = estate.Flows[index];
            var edited = flow.Mechanisms.Contains("bench-mechanism")
                ? flow with { Mechanisms = flow.Mechanisms.Remove("bench-mechanism") }
                : flow with { Mechanisms = flow.Mechanisms.Add("bench-mechanism") };
            estate = estate with { Flows = estate.Flows.SetItem(index, edited) };

            phases.Restart();
            sw.Restart();
            var update = incremental.Update(estate, options with { Observer = phases });
            incrementalMs.Add(sw.Elapsed.TotalMilliseconds);
            foreach (var (name, ms) in phases.Phases) (phaseMs.TryGetValue(name, out var l) ? l : phaseMs[name] = []).Add(ms);

            sw.Restart();
            var full = engine.Evaluate(estate, options);
            fullMs.Add(sw.Elapsed.TotalMilliseconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rep {rep + 1}: incremental {incrementalMs[^1]:F1} ms (changed {update.Changed}, added {update.Added}, removed {update.Removed}, inserted {update.Inserted}, retracted {update.Retracted}; {string.Join(", ", phases.Phases.Select(p => $"{p.Name} {p.Ms:F1}"))}), full {fullMs[^1]:F0} ms"));
            if (rep == 0 && o.Flag("verify"))
            {
                var same = Json(update.Report) == Json(full);
                Console.WriteLine(same ? "verify: the incremental and full JSON reports are byte-identical" : "verify: THE REPORTS DIFFER");
                if (!same) return 1;
            }
        }
        var medianIncremental = Median(incrementalMs);
        var medianFull = Median(fullMs);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median of {reps}: incremental {medianIncremental:F1} ms, full {medianFull:F0} ms ({medianFull / medianIncremental:F0}x); phases: {string.Join(", ", phaseMs.Select(p => $"{p.Key} {Median(p.Value):F1} ms"))}"));
        Console.WriteLine("RESULT " + System.Text.Json.JsonSerializer.Serialize(new
        {
            flows = estate.Flows.Length,
            facts = first.Facts,
            sessionFacts = incremental.SessionFacts,
            findings = first.Report.Findings.Length,
            firstUpdateMs = loadMs,
            incrementalMs = medianIncremental,
            fullMs = medianFull,
            phases = phaseMs.ToDictionary(p => p.Key, p => Median(p.Value)),
        }, Commands.Json));
        return 0;
    }

    private static string Json(Model.Findings.Report report)
    {
        using var text = new StringWriter();
        new JsonReportWriter().Write(report, text);
        return text.ToString();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The time between consecutive phases of one update.</summary>
    private sealed class PhaseClock : IEvaluationObserver
    {
        private readonly Stopwatch _clock = new();
        private double _last;

        public List<(string Name, double Ms)> Phases { get; } = [];

        public void Restart()
        {
            Phases.Clear();
            _last = 0;
            _clock.Restart();
        }

        public void PhaseCompleted(EvaluationPhase phase, long items)
        {
            var now = _clock.Elapsed.TotalMilliseconds;
            var name = phase switch
            {
                EvaluationPhase.Flows => "hops+diff",
                EvaluationPhase.Evaluate => "session",
                _ => phase.ToString().ToLowerInvariant(),
            };
            // The batch path reports Flows before the onward hops; the incremental one reports it again after the diff.
            if (Phases.Count > 0 && Phases[^1].Name == name) Phases[^1] = (name, Phases[^1].Ms + now - _last);
            else Phases.Add((name, now - _last));
            _last = now;
        }
    }
}
