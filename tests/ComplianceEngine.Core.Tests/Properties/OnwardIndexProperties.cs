using ComplianceEngine.Core.Evaluation.Incremental;
using ComplianceEngine.Core.Evaluation.Runners;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using CsCheck;

namespace ComplianceEngine.Core.Tests.Properties;

/// <summary>
/// Issue 12, item 6 (lineage part): over generated estates and random sequences of edits, the onward index updated edit by
/// edit holds exactly the hops a full onward search of the edited estate builds, in the same order, and what it reports as
/// removed and added turns the previous hops into the next ones. Fixed seed, small budget.
/// </summary>
public sealed class OnwardIndexProperties
{
    /// <summary>Ten cases of (estate seed, eight edits of (kind, pick, pick)), drawn from a fixed seed: the same cases every run.</summary>
    private static readonly Gen<(int Seed, (int Kind, int A, int B)[] Edits)[]> Cases =
        Gen.Select(Gen.Int[1, 1_000_000], Gen.Select(Gen.Int[0, 6], Gen.Int[0, 100_000], Gen.Int[0, 100_000]).Array[8]).Array[10];

    private static readonly string[] Mechanisms = ["scc", "bcr", "consent", "certification", "security-assessment", "standard-contract", "idta", "contract"];

    [Fact]
    public void AfterEveryEdit_TheUpdatedIndex_HoldsTheFullSearchsHops()
    {
        var engine = GeneratedEstates.Engine;
        var regimes = OnwardScope.Of(engine.Rules.Rules);
        var transferRules = new RuleSelection(engine.Rules).Transfer;
        var kinds = new int[7];
        long kept = 0, searched = 0, unchangedHops = 0, changedHops = 0;
        Cases.Sample(cases =>
        {
            foreach (var (seed, edits) in cases)
            {
                var estate = GeneratedEstates.Generate(seed, 120);
                var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
                // Half the cases as the evaluation runs it (the rules' regimes and the onward filter), half exhaustive.
                var filtered = seed % 2 == 0;
                IOnwardHopFilter? Filter() => filtered ? new OnwardRuleFilter(transferRules, workers: 1) : null;
                IReadOnlySet<string>? follow = filtered ? regimes : null;
                var index = OnwardIndex.Build(Direct(estate, context), follow, Filter());
                AssertSameHops(Full(index.Direct, follow, Filter()), [.. index.Hops], $"estate seed {seed}, built");
                var step = 0;
                foreach (var (kind, a, b) in edits)
                {
                    var edited = Edit(estate, kind, a, b, ++step);
                    if (edited is null) continue;
                    kinds[kind]++;
                    estate = edited;
                    var before = index.Hops.ToList();
                    var update = index.Update(Direct(estate, context));
                    var where = $"estate seed {seed}, edit {step} (kind {kind}, picks {a}, {b})";
                    var after = update.Index.Hops.ToList();
                    AssertSameHops(Full(update.Index.Direct, follow, Filter()), after, where);
                    // The previous hops, minus the removed ones, plus the added ones, are the next hops (the same objects).
                    var expected = new HashSet<TransferFact>(before, ReferenceEqualityComparer.Instance);
                    Assert.All(update.Removed, h => Assert.True(expected.Remove(h), $"{where}: removed a hop that was not there"));
                    Assert.All(update.Added, h => Assert.True(expected.Add(h), $"{where}: added a hop twice"));
                    Assert.True(expected.SetEquals(after), $"{where}: previous - removed + added is not the next version's hops");
                    kept += update.Index.Graph.Regimes.Count - update.RegimesSearched.Count;
                    searched += update.RegimesSearched.Count;
                    unchangedHops += after.Count - update.Added.Count;
                    changedHops += update.Added.Count;
                    index = update.Index;
                }
            }
        }, iter: 1, seed: "0N0XIzNsQ0O2", threads: 1);

        // Not vacuous: every kind of edit happened, some regimes were kept without a search, and most hops were kept.
        Assert.All(kinds, n => Assert.True(n > 0));
        Assert.True(kept > 0 && searched > 0, $"kept {kept} regimes, searched {searched}");
        Assert.True(unchangedHops > changedHops, $"kept {unchangedHops} hops, added {changedHops}");
    }

    [Fact]
    public void Update_WithTheSameTransfers_SearchesNothingAndChangesNothing()
    {
        var estate = GeneratedEstates.Generate(11, 200);
        var direct = Direct(estate, new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization));
        var index = OnwardIndex.Build(direct, regimesToFollow: null);

        var update = index.Update(direct);

        Assert.True(index.Count > 0);
        Assert.Empty(update.RegimesSearched);
        Assert.Empty(update.Removed);
        Assert.Empty(update.Added);
        Assert.Equal(index.Hops, update.Index.Hops);
    }

    [Fact]
    public void OnwardHops_CategoriesAsWideSets_SameHopsAsPlainBits()
    {
        // Past 63 categories a set is an interned wide bitset: force that on every estate and compare.
        for (var seed = 1; seed <= 6; seed++)
        {
            var estate = GeneratedEstates.Generate(seed, 150);
            var direct = Direct(estate, new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization));
            AssertSameHops([.. FlowAnalyzer.OnwardHops(direct, null)], [.. FlowAnalyzer.OnwardHops(direct, null, narrowLimit: 0)], $"estate seed {seed}");
        }
    }

    private static List<TransferFact> Full(IReadOnlyList<TransferFact> direct, IReadOnlySet<string>? follow, IOnwardHopFilter? filter) =>
        filter is null ? [.. FlowAnalyzer.OnwardHops(direct, follow)] : [.. FlowAnalyzer.OnwardHops(direct, follow, filter)];

    private static void AssertSameHops(List<TransferFact> expected, List<TransferFact> actual, string where)
    {
        Assert.True(expected.Count == actual.Count, $"{where}: {actual.Count} hops, the full search builds {expected.Count}");
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(StructuralEquality.Equal(expected[i], actual[i]),
                $"{where}: hop {i} differs: {actual[i].Subject.Reference} under {actual[i].Regimes.FirstOrDefault()} via {string.Join(" > ", actual[i].Path)}, expected {expected[i].Subject.Reference} via {string.Join(" > ", expected[i].Path)}");
        }
    }

    /// <summary>The direct transfers the evaluation builds (declared and implied, with the exporting countries' totals).</summary>
    private static List<TransferFact> Direct(Estate estate, EvaluationContext context)
    {
        var engine = GeneratedEstates.Engine;
        var resolved = new FactBuilder(engine.Resolver).Resolve(estate);
        var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(engine.Resolver).Implied(resolved, context)).OfType<TransferFact>().ToList();
        var volumes = ExportVolumes.Of(direct);
        foreach (var t in direct) volumes.Apply(t);
        return direct;
    }

    /// <summary>The estate after one edit of <paramref name="kind"/>, or null when the estate has nothing to edit that way.</summary>
    private static Estate? Edit(Estate estate, int kind, int a, int b, int step)
    {
        switch (kind)
        {
            case 0: // add a flow carrying one category
            {
                var sources = estate.Stores.Where(s => !s.Categories.IsEmpty).ToList();
                if (sources.Count == 0) return null;
                var from = sources[a % sources.Count];
                var targets = estate.Stores.Where(s => s.Name != from.Name).Select(s => s.Name).Concat(estate.Recipients.Select(r => r.Name)).ToList();
                var flow = new DataFlow(DocumentInfo.Of(DocumentKind.DataFlow, $"added-{step}-{a}", new SourceLocation("added.yaml", step, 1)),
                    new Reference(from.Name, SourceLocation.None), new Reference(targets[b % targets.Count], SourceLocation.None),
                    [from.Categories[b % from.Categories.Length]], "processing", b % 3 == 0 ? [Mechanisms[a % Mechanisms.Length]] : [], 0, 0, true, false, null);
                return estate with { Flows = estate.Flows.Insert(b % (estate.Flows.Length + 1), flow) };
            }
            case 1: // remove a flow
                return estate.Flows.IsEmpty ? null : estate with { Flows = estate.Flows.RemoveAt(a % estate.Flows.Length) };
            case 2: // a flow declares no categories any more (it carries every lot that reached its source)
            {
                if (estate.Flows.IsEmpty) return null;
                var i = a % estate.Flows.Length;
                return estate with { Flows = estate.Flows.SetItem(i, estate.Flows[i] with { Categories = [] }) };
            }
            case 3: // add a mechanism to a flow
            {
                if (estate.Flows.IsEmpty) return null;
                var i = a % estate.Flows.Length;
                var f = estate.Flows[i];
                var mechanism = Mechanisms[b % Mechanisms.Length];
                return f.Mechanisms.Contains(mechanism) ? null : estate with { Flows = estate.Flows.SetItem(i, f with { Mechanisms = f.Mechanisms.Add(mechanism) }) };
            }
            case 4: // a store's subjects change (another kind of lot starts there)
            {
                if (estate.Stores.IsEmpty) return null;
                var i = a % estate.Stores.Length;
                var s = estate.Stores[i];
                string[] subjects = ["EU", "GB", "CH", "JP", "KR", "BR", "US"];
                var subject = subjects[b % subjects.Length];
                return s.Subjects.Contains(subject) ? null : estate with { Stores = estate.Stores.SetItem(i, s with { Subjects = s.Subjects.Add(subject) }) };
            }
            case 5: // move a store to another cluster
            {
                var onClusters = estate.Stores.Select((s, i) => (s, i)).Where(x => x.s.Cluster is not null).ToList();
                if (onClusters.Count == 0 || estate.Clusters.Length < 2) return null;
                var (store, index) = onClusters[a % onClusters.Count];
                var cluster = estate.Clusters[b % estate.Clusters.Length];
                return estate with { Stores = estate.Stores.SetItem(index, store with { Cluster = new Reference(cluster.Name, store.Cluster!.Location) }) };
            }
            default: // move a cluster to another cluster's region
            {
                if (estate.Clusters.Length < 2) return null;
                var i = a % estate.Clusters.Length;
                var other = estate.Clusters[b % estate.Clusters.Length];
                var c = estate.Clusters[i];
                return estate with { Clusters = estate.Clusters.SetItem(i, c with { Provider = other.Provider, Region = other.Region, Country = other.Country }) };
            }
        }
    }
}
