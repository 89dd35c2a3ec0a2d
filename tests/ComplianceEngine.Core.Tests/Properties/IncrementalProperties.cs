using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Reporting;
using CsCheck;

namespace ComplianceEngine.Core.Tests.Properties;

/// <summary>
/// Issue 12, item 6: over generated estates and random sequences of edits (add, remove or change a flow, move a store to
/// another cluster, move a cluster to another region, add a mechanism), the incremental runner's report after every edit
/// is byte for byte the report of a fresh full evaluation of the edited estate. Fixed seed, small budget.
/// </summary>
public sealed class IncrementalProperties
{
    /// <summary>Twelve cases of (estate seed, eight edits of (kind, pick, pick)), drawn from a fixed seed: the same cases every run.</summary>
    private static readonly Gen<(int Seed, (int Kind, int A, int B)[] Edits)[]> Cases =
        Gen.Select(Gen.Int[1, 1_000_000], Gen.Select(Gen.Int[0, 5], Gen.Int[0, 100_000], Gen.Int[0, 100_000]).Array[8]).Array[12];

    private static readonly string[] Mechanisms = ["scc", "bcr", "consent", "certification", "security-assessment", "standard-contract", "idta", "contract"];
    private static readonly string[] Purposes = ["analytics", "processing", "support-access", "telemetry", "ml-training", "api", "sync"];

    private static string Json(Report report)
    {
        using var text = new StringWriter();
        new JsonReportWriter().Write(report, text);
        return text.ToString();
    }

    [Fact]
    public void AfterEveryEdit_TheIncrementalReport_EqualsAFullEvaluation()
    {
        var engine = GeneratedEstates.Engine;
        var options = GeneratedEstates.Options with { IncludePasses = true };
        var kinds = new int[6];
        long kept = 0, judged = 0;
        Cases.Sample(cases =>
        {
            foreach (var (seed, edits) in cases)
            {
                var estate = GeneratedEstates.Generate(seed, 120);
                var incremental = engine.StartIncremental();
                Assert.Equal(Json(engine.Evaluate(estate, options)), Json(incremental.Update(estate, options).Report));
                var step = 0;
                foreach (var (kind, a, b) in edits)
                {
                    var edited = Edit(estate, kind, a, b, ++step);
                    if (edited is null) continue;
                    kinds[kind]++;
                    estate = edited;
                    var update = incremental.Update(estate, options);
                    kept += update.Unchanged;
                    judged += update.Inserted;
                    Assert.True(Json(engine.Evaluate(estate, options)) == Json(update.Report),
                        $"estate seed {seed}, edit {step} (kind {kind}, picks {a}, {b}): the incremental report differs from a full evaluation");
                }
            }
        }, iter: 1, seed: "0N0XIzNsQ0O2", threads: 1);

        // Not vacuous: every kind of edit happened, and the session kept most facts instead of judging them again.
        Assert.All(kinds, n => Assert.True(n > 0));
        Assert.True(kept > 10 * judged, $"kept {kept} facts, judged {judged}");
    }

    [Fact]
    public void ChangingOneFlow_JudgesOnlyTheFactsItAffects()
    {
        var engine = GeneratedEstates.Engine;
        var estate = GeneratedEstates.Generate(7, 400);
        var incremental = engine.StartIncremental();
        var first = incremental.Update(estate, GeneratedEstates.Options);
        var flow = estate.Flows[3];
        var edited = estate with { Flows = estate.Flows.SetItem(3, flow with { Mechanisms = flow.Mechanisms.Add("zz-new-mechanism") }) };

        var update = incremental.Update(edited, GeneratedEstates.Options);

        Assert.False(update.Restarted);
        Assert.True(update.Changed > 0);
        Assert.True(update.Changed + update.Added + update.Removed < first.Facts / 10, $"{update} of {first.Facts} facts");
        Assert.Equal(Json(engine.Evaluate(edited, GeneratedEstates.Options)), Json(update.Report));
    }

    [Fact]
    public void AReport_IsASnapshot_ThatAnUpdateDoesNotChange()
    {
        var engine = GeneratedEstates.Engine;
        var estate = GeneratedEstates.Generate(5, 200);
        var incremental = engine.StartIncremental();
        var before = incremental.Update(estate, GeneratedEstates.Options).Report;
        var text = Json(before);

        incremental.Update(estate with { Flows = estate.Flows.RemoveRange(0, 50) }, GeneratedEstates.Options);

        Assert.Equal(text, Json(before));
        Assert.NotSame(before, incremental.Report);
    }

    /// <summary>The estate after one edit of <paramref name="kind"/>, or null when the estate has nothing to edit that way.</summary>
    private static Estate? Edit(Estate estate, int kind, int a, int b, int step)
    {
        switch (kind)
        {
            case 0: // add a flow
            {
                var sources = estate.Stores.Where(s => !s.Categories.IsEmpty).ToList();
                if (sources.Count == 0) return null;
                var from = sources[a % sources.Count];
                var targets = estate.Stores.Where(s => s.Name != from.Name).Select(s => s.Name).Concat(estate.Recipients.Select(r => r.Name)).ToList();
                var to = targets[b % targets.Count];
                var flow = new DataFlow(DocumentInfo.Of(DocumentKind.DataFlow, $"added-{step}-{a}", new SourceLocation("added.yaml", step, 1)),
                    new Reference(from.Name, SourceLocation.None), new Reference(to, SourceLocation.None), [from.Categories[b % from.Categories.Length]],
                    Purposes[a % Purposes.Length], b % 3 == 0 ? [Mechanisms[a % Mechanisms.Length]] : [], b % 5 == 0 ? null : a * 10L, null, b % 2 == 0, false, null);
                return estate with { Flows = estate.Flows.Add(flow) };
            }
            case 1: // remove a flow
                return estate.Flows.IsEmpty ? null : estate with { Flows = estate.Flows.RemoveAt(a % estate.Flows.Length) };
            case 2: // change a flow: its purpose, volume and encryption
            {
                if (estate.Flows.IsEmpty) return null;
                var i = a % estate.Flows.Length;
                var f = estate.Flows[i];
                return estate with { Flows = estate.Flows.SetItem(i, f with { Purpose = Purposes[b % Purposes.Length], Individuals = b * 100L, EncryptedInTransit = !f.EncryptedInTransit }) };
            }
            case 3: // move a store to another cluster
            {
                var onClusters = estate.Stores.Select((s, i) => (s, i)).Where(x => x.s.Cluster is not null).ToList();
                if (onClusters.Count == 0 || estate.Clusters.Length < 2) return null;
                var (store, index) = onClusters[a % onClusters.Count];
                var cluster = estate.Clusters[b % estate.Clusters.Length];
                return estate with { Stores = estate.Stores.SetItem(index, store with { Cluster = new Reference(cluster.Name, store.Cluster!.Location) }) };
            }
            case 4: // move a cluster to another (real) region: one another cluster of the estate is on
            {
                if (estate.Clusters.Length < 2) return null;
                var i = a % estate.Clusters.Length;
                var other = estate.Clusters[b % estate.Clusters.Length];
                var c = estate.Clusters[i];
                return estate with { Clusters = estate.Clusters.SetItem(i, c with { Provider = other.Provider, Region = other.Region, Country = other.Country }) };
            }
            default: // add a mechanism to a flow
            {
                if (estate.Flows.IsEmpty) return null;
                var i = a % estate.Flows.Length;
                var f = estate.Flows[i];
                var mechanism = Mechanisms[b % Mechanisms.Length];
                return f.Mechanisms.Contains(mechanism) ? null : estate with { Flows = estate.Flows.SetItem(i, f with { Mechanisms = f.Mechanisms.Add(mechanism) }) };
            }
        }
    }
}
