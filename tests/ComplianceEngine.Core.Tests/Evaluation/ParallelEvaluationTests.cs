using System.Globalization;
using System.Text;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Loading;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Core.Tests.Evaluation;

/// <summary>
/// The evaluation judges chunks of facts in parallel and skips onward hops no rule could judge: neither may change a
/// single finding. These run every built-in pack over a seeded, densely connected estate.
/// </summary>
public sealed class ParallelEvaluationTests
{
    private static readonly Lazy<Estate> Dense = new(() => TestEngine.Estate(GeneratedEstate(seed: 7, clusters: 24, stores: 120, flows: 900)));

    private static readonly DateOnly AsOf = new(2026, 11, 25);

    private sealed class Counter : IEvaluationObserver
    {
        public long FactsJudged { get; private set; }

        public void PhaseCompleted(EvaluationPhase phase, long items)
        {
            if (phase == EvaluationPhase.Evaluate) FactsJudged = items;
        }
    }

    private static (Report Report, long FactsJudged) Run(int threads, int chunkSize, bool exhaustive = false)
    {
        var counter = new Counter();
        var report = TestEngine.AllPacks.Evaluate(Dense.Value, new EvaluationOptions
        {
            AsOf = AsOf,
            IncludePasses = true,
            MaxDegreeOfParallelism = threads,
            ChunkSize = chunkSize,
            Exhaustive = exhaustive,
            Observer = counter,
        });
        return (report, counter.FactsJudged);
    }

    private static void AssertSameReport(Report expected, Report actual)
    {
        Assert.Equal(expected.ByJurisdiction, actual.ByJurisdiction);
        Assert.Equal(expected.Findings.Length, actual.Findings.Length);
        for (var i = 0; i < expected.Findings.Length; i++) Assert.Equal(expected.Findings[i], actual.Findings[i]);
    }

    [Fact]
    public void Evaluate_AnyThreadCountAndChunkSize_SameFindingsInTheSameOrder()
    {
        var (one, _) = Run(threads: 1, chunkSize: 100_000);
        var (many, _) = Run(threads: 4, chunkSize: 37);

        Assert.True(one.Findings.Length > 500, $"the estate should make many findings, made {one.Findings.Length}");
        Assert.Contains(one.Findings, f => f.Path.Length > 4); // onward chains are part of it
        AssertSameReport(one, many);
    }

    [Fact]
    public void Evaluate_AnyThreadCountAndChunkSize_SameCoverage()
    {
        // Each chunk's subjects are listed in its thread's tally (emptied and reused for the thread's next chunk) and the
        // merge makes them sets: one chunk or many, the same counts and the same documents not judged.
        var (one, _) = Run(threads: 1, chunkSize: 100_000);
        var (many, _) = Run(threads: 4, chunkSize: 37);

        Assert.Contains(one.Coverage.ByJurisdiction.Values, c => c.Stores > 10 && c.Flows > 100);
        Assert.True(one.Coverage.ByJurisdiction.Count > 3);
        Assert.Equal(one.Coverage.ByJurisdiction, many.Coverage.ByJurisdiction);
        Assert.Equal(one.Coverage.NotJudged, many.Coverage.NotJudged);
        Assert.Equal(one.Coverage.Documents, many.Coverage.Documents);
    }

    [Fact]
    public void Evaluate_HopsAndRulesThatCannotApplyAreSkipped_WithoutChangingAFinding()
    {
        // The reference builds every onward hop and works out every rule on every fact.
        var (every, allFacts) = Run(threads: 2, chunkSize: 500, exhaustive: true);
        var (filtered, fewerFacts) = Run(threads: 2, chunkSize: 500);

        Assert.True(fewerFacts < allFacts, $"the filter should skip hops: {fewerFacts} facts judged of {allFacts}");
        AssertSameReport(every, filtered);
    }

    /// <summary>A seeded estate over real regions of three providers: stores on clusters, flows between any of them and SaaS recipients.</summary>
    internal static string GeneratedEstate(int seed, int clusters, int stores, int flows)
    {
        string[][] regions =
        [
            ["aws", "eu-central-1"], ["aws", "us-east-1"], ["aws", "sa-east-1"], ["aws", "ap-northeast-1"], ["aws", "eu-central-2"],
            ["aws", "eu-west-2"], ["aws", "ap-northeast-2"], ["aws", "ap-southeast-3"], ["azure", "brazilsouth"], ["azure", "westeurope"],
            ["gcp", "asia-south1"], ["aws", "ap-southeast-1"],
        ];
        string[][] categories = [["user.contact", "user.name"], ["user.behavior"], ["system.operations"], ["user.health_and_medical"], ["user.financial"]];
        string[][] mechanisms = [[], ["scc"], ["scc", "tia"], ["consent"], ["anpd-scc"], ["idta"]];
        var rng = new Random(seed);
        var yaml = new StringBuilder();
        for (var i = 0; i < clusters; i++)
        {
            var r = regions[i % regions.Length];
            var dr = rng.Next(4) == 0 ? $"  disasterRecovery:\n    strategy: warm-standby\n    targets: [c{(i + 1 + rng.Next(clusters - 1)) % clusters}]\n" : "";
            yaml.Append(Estates.Cluster($"c{i}", r[0], r[1], dr));
        }
        for (var i = 0; i < 4; i++) yaml.Append(Estates.Recipient($"saas{i}", i % 2 == 0 ? "US" : "IN", i == 0 ? "[dpf]" : "[]"));
        for (var i = 0; i < stores; i++)
        {
            var cats = categories[rng.Next(categories.Length)];
            var text = Estates.Store($"s{i}", $"c{rng.Next(clusters)}", rng.Next(10) == 0 ? $"  backups: [s{(i + 1) % stores}]\n" : "")
                .Replace("categories: [user.contact]", $"categories: [{string.Join(", ", cats)}]", StringComparison.Ordinal);
            yaml.Append(text);
        }
        for (var i = 0; i < flows; i++)
        {
            var from = rng.Next(6) == 0 ? $"c{rng.Next(clusters)}" : $"s{rng.Next(stores)}";
            var to = rng.Next(5) switch
            {
                0 => $"saas{rng.Next(4)}",
                1 => $"c{rng.Next(clusters)}",
                _ => $"s{rng.Next(stores)}",
            };
            if (from == to) continue;
            var m = mechanisms[rng.Next(mechanisms.Length)];
            yaml.Append(Estates.Flow(string.Create(CultureInfo.InvariantCulture, $"f{i}"), from, to, $"[{string.Join(", ", m)}]"));
        }
        return yaml.ToString();
    }
}
