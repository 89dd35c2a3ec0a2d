using System.Diagnostics;
using System.Globalization;
using ComplianceEngine.Core;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Evaluation.Runners;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Bench;

/// <summary>
/// Building findings alone, as an evaluation's tally does (one <see cref="FindingBuilder"/> per thread, every verdict that
/// is not a pass): the facts of a generated estate are derived and judged once, then each round builds every finding on
/// one thread from a fresh builder. Prints wall and CPU time and allocation per round, and a checksum of what the findings
/// say (id, texts, evidence, confidence, citation, place), so two builds can be compared: the same checksum means the
/// same findings.
/// </summary>
internal static class FindingsBench
{
    public static int Run(Options o)
    {
        var rounds = o.Int("rounds", 5);
        if (Commands.EngineAndGeneratedEstate(o) is not var (engine, estate)) return 2;
        var options = new EvaluationOptions { AsOf = Commands.AsOf, MaxDegreeOfParallelism = 1 };
        var evaluator = new Evaluator(engine.Rules, engine.Resolver);
        var (_, derived) = evaluator.Derive(estate, new EvaluationContext(Commands.AsOf, estate.Organization), options, workers: 1);
        var facts = derived.ToList();
        var selection = new RuleSelection(engine.Rules);
        var verdicts = new List<(Fact Fact, CompiledRule Rule, Judgement Judgement, string? Error)>();
        var scratch = new List<(CompiledRule Rule, Judgement Judgement, string? Error)>();
        foreach (var fact in facts)
        {
            scratch.Clear();
            foreach (var rule in selection.For(fact, exhaustive: false).Candidates)
            {
                Judgement judgement;
                string? error = null;
                try
                {
                    judgement = rule.JudgeNow(fact);
                }
#pragma warning disable CA1031 // As the batch runner: a condition that throws is an indeterminate verdict.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    judgement = Judgement.Indeterminate;
                    error = RuleSelection.ConditionFailed(ex);
                }
                if (judgement is Judgement.NotApplicable or Judgement.Pass) continue;
                scratch.Add((rule, judgement, error));
            }
            scratch.Sort(static (a, b) => a.Rule.Index.CompareTo(b.Rule.Index));
            foreach (var (rule, judgement, error) in scratch) verdicts.Add((fact, rule, judgement, error));
        }
        var walls = new List<double>();
        var cpus = new List<double>();
        Finding[] findings = [];
        for (var r = 0; r < rounds; r++)
        {
            findings = new Finding[verdicts.Count];
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var builder = new FindingBuilder();
            for (var i = 0; i < verdicts.Count; i++)
            {
                var (fact, rule, judgement, error) = verdicts[i];
                findings[i] = builder.Create(rule, fact, judgement, error);
            }
            var wall = sw.Elapsed.TotalMilliseconds;
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
            var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
            walls.Add(wall);
            cpus.Add(cpuMs);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {r + 1}: {wall,8:F0} ms wall {cpuMs,8:F0} ms cpu {bytes / 1048576.0,7:F1} MiB allocated ({bytes / Math.Max(1, verdicts.Count),4} B per finding)"));
        }
        walls.Sort();
        cpus.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"FINDINGS facts {facts.Count} findings {findings.Length} median {walls[walls.Count / 2]:F0} ms wall {cpus[cpus.Count / 2]:F0} ms cpu (best {walls[0]:F0}) checksum {Checksum(findings):X16}"));
        return 0;
    }

    /// <summary>A hash of what the findings say, the same in every process (string hash codes are randomised per process).</summary>
    private static ulong Checksum(Finding[] findings)
    {
        var h = 14695981039346656037UL;
        void Add(string? text)
        {
            foreach (var c in text ?? "\u0000") h = unchecked((h ^ c) * 1099511628211UL);
            h = unchecked((h ^ 0x1f) * 1099511628211UL);
        }
        foreach (var f in findings)
        {
            Add(f.Id);
            Add(f.Status.ToName());
            Add(f.Confidence);
            Add(f.Citation);
            Add(f.Message);
            Add(f.Remediation);
            Add(f.MessageWithPathToken("{path}"));
            Add(f.RemediationWithPathToken("{path}"));
            foreach (var e in f.Evidence)
            {
                Add(e.Fact);
                Add(e.Value);
                Add(e.Location.ToString());
            }
            Add(f.Place?.ToString());
        }
        return h;
    }
}
