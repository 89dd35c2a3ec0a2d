using System.Collections.Immutable;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Reporting;
using CsCheck;

namespace ComplianceEngine.Core.Tests.Properties;

/// <summary>
/// Issue 12, item 6: over generated estates and random sequences of edits (add, remove or change a flow, move a store to
/// another cluster, move a cluster to another region, add a mechanism, change a flow on an onward chain in place and move
/// it in its file, give a store another store's categories, add a DR target, remove a store, send a flow somewhere else,
/// take a flow's data from somewhere else, move a recipient to another country), the incremental runner's
/// report after every edit is byte for byte the report of a fresh full evaluation of the edited estate. Fixed seed, small
/// budget.
/// </summary>
public sealed class IncrementalProperties
{
    /// <summary>Twelve cases of (estate seed, eight edits of (kind, pick, pick)), drawn from a fixed seed: the same cases every run.</summary>
    private static readonly Gen<(int Seed, (int Kind, int A, int B)[] Edits)[]> Cases =
        Gen.Select(Gen.Int[1, 1_000_000], Gen.Select(Gen.Int[0, EditKinds - 1], Gen.Int[0, 100_000], Gen.Int[0, 100_000]).Array[8]).Array[12];

    private const int EditKinds = 13;

    /// <summary>The edit kinds that reroute a flow (it moves in the graph: the onward index re-searches what it reaches).</summary>
    private static readonly int[] Reroutes = [10, 11];

    /// <summary>The edit kinds that add or remove flows, or change stores and clusters.</summary>
    private static readonly int[] Others = [0, 1, 3, 4, 7, 8, 9, 12];

    /// <summary>The edit kinds that change a store, cluster or recipient in place (only the facts they reach are derived again).</summary>
    private static readonly int[] DocumentEdits = [3, 4, 7, 8, 12];

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
        var kinds = new int[EditKinds];
        long kept = 0, judged = 0;
        var patched = 0;
        var reroutesPatched = 0;
        var otherPatched = 0;
        long documentFacts = 0, documentDerived = 0;
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
                    if (update.Patched) patched++;
                    if (update.Patched && Reroutes.Contains(kind)) reroutesPatched++;
                    if (update.Patched && Others.Contains(kind)) otherPatched++;
                    if (update.Patched && DocumentEdits.Contains(kind))
                    {
                        documentFacts += update.Facts;
                        documentDerived += update.DirectFactsDerived;
                    }
                    Assert.True(Json(engine.Evaluate(estate, options)) == Json(update.Report),
                        $"estate seed {seed}, edit {step} (kind {kind}, picks {a}, {b}): the incremental report differs from a full evaluation");
                }
            }
        }, iter: 1, seed: "0N0XIzNsQ0O2", threads: 1);

        // Not vacuous: every kind of edit happened, and the session kept most facts instead of judging them again.
        Assert.All(kinds, n => Assert.True(n > 0));
        Assert.True(kept > 10 * judged, $"kept {kept} facts, judged {judged}");
        // ... and the in-place flow edits were patched (only their facts derived again).
        Assert.True(patched >= kinds[5] / 2, $"{patched} of {kinds.Sum()} updates patched");
        // Flows added or removed, stores and clusters edited: the direct facts derived again, the hops from the onward index
        // (every fact derived only when a country's export volumes change).
        var others = Others.Sum(k => kinds[k]);
        Assert.True(otherPatched >= others / 2, $"{otherPatched} of {others} other edits patched");
        // A patched store, cluster or recipient edit derives again only the direct facts it reaches, not all of them.
        Assert.True(documentDerived > 0 && documentDerived < documentFacts / 4, $"document edits derived {documentDerived} facts of {documentFacts}");
        // A rerouted flow is patched through the onward index unless it changes its country's export volumes.
        Assert.True(reroutesPatched >= (kinds[10] + kinds[11]) / 2, $"{reroutesPatched} of {kinds[10] + kinds[11]} reroutes patched");
    }

    [Fact]
    public void ReroutingFlows_IsPatched_AndGivesTheFullEvaluationsReport()
    {
        // Flows sent to another store and back, one at a time, and two at once: each update searches again only the regimes
        // the moved flows reach and re-judges only the hops that changed.
        var engine = GeneratedEstates.Engine;
        var options = GeneratedEstates.Options with { IncludePasses = true };
        var estate = GeneratedEstates.Generate(23, 300);
        var incremental = engine.StartIncremental();
        var first = incremental.Update(estate, options);
        var stores = estate.Stores.Select(s => s.Name).ToList();
        var patched = 0;
        var edits = 0;
        for (var k = 0; k < 8; k++)
        {
            var i = (k * 37) % estate.Flows.Length;
            var j = (k * 53 + 11) % estate.Flows.Length;
            var f = estate.Flows[i];
            var g = estate.Flows[j];
            var rerouted = estate with { Flows = estate.Flows.SetItem(i, f with { To = new Reference(stores[(k * 7) % stores.Count], f.To.Location) }) };
            if (k % 2 == 1) rerouted = rerouted with { Flows = rerouted.Flows.SetItem(j, g with { From = new Reference(stores[(k * 11) % stores.Count], g.From.Location) }) };
            foreach (var version in new[] { rerouted, estate })
            {
                var update = incremental.Update(version, options);
                edits++;
                Assert.Equal(Json(engine.Evaluate(version, options)), Json(update.Report));
                if (!update.Patched) continue;
                patched++;
                Assert.True(update.Changed + update.Added + update.Removed < first.Facts / 4, $"{update} of {first.Facts} facts");
            }
        }
        Assert.True(patched >= edits / 2, $"{patched} of {edits} reroutes patched");
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
        Assert.True(update.Patched);
        Assert.True(update.Changed > 0);
        Assert.True(update.Changed + update.Added + update.Removed < first.Facts / 10, $"{update} of {first.Facts} facts");
        Assert.Equal(Json(engine.Evaluate(edited, GeneratedEstates.Options)), Json(update.Report));
    }

    [Fact]
    public void ChangingFlowsUpstreamOfOnwardChains_GivesTheFullEvaluationsReport()
    {
        // Flows whose data moves on (their destination is another flow's source): every mechanism, then none, on each.
        var engine = GeneratedEstates.Engine;
        var options = GeneratedEstates.Options with { IncludePasses = true };
        var estate = GeneratedEstates.Generate(11, 300);
        var incremental = engine.StartIncremental();
        incremental.Update(estate, options);
        var sources = estate.Flows.Select(f => f.From.Name).ToHashSet(StringComparer.Ordinal);
        var upstream = estate.Flows.Select((f, i) => (f, i)).Where(x => sources.Contains(x.f.To.Name)).Take(12).ToList();
        Assert.NotEmpty(upstream);
        var patched = 0;
        foreach (var (flow, i) in upstream)
        {
            foreach (var mechanisms in new[] { flow.Mechanisms.Add("zz-no-rule-names-it"), [.. Mechanisms], ImmutableArray<string>.Empty, flow.Mechanisms })
            {
                estate = estate with { Flows = estate.Flows.SetItem(i, flow with { Mechanisms = mechanisms }) };
                var update = incremental.Update(estate, options);
                Assert.Equal(Json(engine.Evaluate(estate, options)), Json(update.Report));
                if (update.Patched) patched++;
            }
        }
        // A mechanism no rule names never changes which hops the onward filter keeps: those edits at least were patched.
        Assert.True(patched >= upstream.Count, $"{patched} of {4 * upstream.Count} edits patched");
    }

    [Fact]
    public void EditingStoresAndClusters_AddingAndRemovingFlows_IsPatched_AndGivesTheFullEvaluationsReport()
    {
        var engine = GeneratedEstates.Engine;
        var options = GeneratedEstates.Options with { IncludePasses = true };
        var estate = GeneratedEstates.Generate(31, 300);
        var incremental = engine.StartIncremental();
        var first = incremental.Update(estate, options);
        var store = estate.Stores[5];
        var cluster = estate.Clusters[2];
        var other = estate.Clusters[3];
        Estate[] versions =
        [
            estate with { Stores = estate.Stores.SetItem(5, store with { Categories = estate.Stores[6].Categories }) },
            estate with { Clusters = estate.Clusters.SetItem(2, cluster with { Provider = other.Provider, Region = other.Region, Country = other.Country }) },
            estate with { Flows = estate.Flows.RemoveAt(7) },
            estate with { Flows = estate.Flows.Add(estate.Flows[9] with { Info = estate.Flows[9].Info with { Name = "added-copy" } }) },
            estate,
        ];
        var patched = 0;
        foreach (var version in versions)
        {
            var update = incremental.Update(version, options);
            Assert.Equal(Json(engine.Evaluate(version, options)), Json(update.Report));
            Assert.False(update.Restarted);
            if (!update.Patched) continue;
            patched++;
            // Not every fact: the facts the edit does not reach were kept with their verdicts.
            Assert.True(update.Unchanged > first.Facts / 3, $"{update.Unchanged} of {first.Facts} facts kept");
        }
        Assert.True(patched >= 3, $"{patched} of {versions.Length} edits patched");
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
            case 6: // change a flow on an onward chain in place (data reaches its source by another flow), and move it in its file
            {
                var reached = estate.Flows.Select(f => f.To.Name).ToHashSet(StringComparer.Ordinal);
                var chained = estate.Flows.Select((f, i) => (f, i)).Where(x => reached.Contains(x.f.From.Name)).ToList();
                if (chained.Count == 0) return null;
                var (f, i) = chained[a % chained.Count];
                var mechanisms = f.Mechanisms.IsEmpty ? [Mechanisms[b % Mechanisms.Length]] : f.Mechanisms.RemoveAt(0);
                var moved = f.Info with { Location = new SourceLocation(f.Info.Location.File, f.Info.Location.Line + 1000, 1) };
                return estate with
                {
                    Flows = estate.Flows.SetItem(i, f with { Info = moved, Mechanisms = mechanisms, Pseudonymised = !f.Pseudonymised, Purpose = Purposes[b % Purposes.Length] }),
                };
            }
            case 7: // a store takes another store's categories (stores that share categories share lots)
            {
                if (estate.Stores.Length < 2) return null;
                var i = a % estate.Stores.Length;
                var other = estate.Stores[b % estate.Stores.Length];
                return estate with { Stores = estate.Stores.SetItem(i, estate.Stores[i] with { Categories = other.Categories }) };
            }
            case 8: // add a DR target to a cluster (its stores are copied there, and on by the target's own DR)
            {
                if (estate.Clusters.Length < 2) return null;
                var i = a % estate.Clusters.Length;
                var c = estate.Clusters[i];
                var target = estate.Clusters[b % estate.Clusters.Length].Name;
                if (target == c.Name) return null;
                var dr = c.DisasterRecovery is { } d
                    ? d with { Targets = d.Targets.Add(new Reference(target, SourceLocation.None)) }
                    : new DisasterRecovery("warm-standby", [new Reference(target, SourceLocation.None)], SourceLocation.None);
                return estate with { Clusters = estate.Clusters.SetItem(i, c with { DisasterRecovery = dr }) };
            }
            case 9: // remove a store (flows from or to it now name nothing the estate resolves)
                return estate.Stores.IsEmpty ? null : estate with { Stores = estate.Stores.RemoveAt(a % estate.Stores.Length) };
            case 10: // send a flow to another store or recipient (it moves in the graph)
            {
                if (estate.Flows.IsEmpty) return null;
                var i = a % estate.Flows.Length;
                var f = estate.Flows[i];
                var targets = estate.Stores.Select(s => s.Name).Concat(estate.Recipients.Select(r => r.Name)).Where(n => n != f.From.Name).ToList();
                if (targets.Count == 0) return null;
                return estate with { Flows = estate.Flows.SetItem(i, f with { To = new Reference(targets[b % targets.Count], f.To.Location) }) };
            }
            case 11: // take a flow's data from another store (or cluster)
            {
                if (estate.Flows.IsEmpty) return null;
                var i = a % estate.Flows.Length;
                var f = estate.Flows[i];
                var sources = estate.Stores.Select(s => s.Name).Concat(estate.Clusters.Select(c => c.Name)).Where(n => n != f.To.Name).ToList();
                if (sources.Count == 0) return null;
                return estate with { Flows = estate.Flows.SetItem(i, f with { From = new Reference(sources[b % sources.Count], f.From.Location) }) };
            }
            case 12: // a recipient moves to another country and loses its certifications
            {
                if (estate.Recipients.IsEmpty) return null;
                var i = a % estate.Recipients.Length;
                var r = estate.Recipients[i];
                string[] countries = ["US", "IN", "SG", "BR", "JP"];
                return estate with { Recipients = estate.Recipients.SetItem(i, r with { Country = countries[b % countries.Length] == r.Country ? "CH" : countries[b % countries.Length], Certifications = [] }) };
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
