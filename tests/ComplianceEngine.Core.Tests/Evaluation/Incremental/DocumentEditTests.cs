using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Tests.Properties;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Reporting;

namespace ComplianceEngine.Core.Tests.Evaluation.Incremental;

/// <summary>
/// Issue 12: a store, cluster or recipient edited in place is patched by deriving again only the direct facts the edit
/// reaches (not every placement and transfer of the estate), and the report stays byte-identical to a full evaluation.
/// </summary>
public sealed class DocumentEditTests
{
    private static readonly EvaluationOptions Options = GeneratedEstates.Options with { IncludePasses = true };

    private static string Json(Report report)
    {
        using var text = new StringWriter();
        new JsonReportWriter().Write(report, text);
        return text.ToString();
    }

    /// <summary>
    /// Each edit made and undone: every report is a full evaluation's; every update is patched, deriving again only a few
    /// documents' facts, unless the edit changes a country's export volumes (every transfer from there changes: every fact
    /// is derived again, and the report is still checked). At least <paramref name="minimumPatched"/> updates are patched.
    /// </summary>
    private static void AssertPatchedLocally(Estate estate, Func<Estate, Estate?>[] edits, int minimumPatched, int share = 10)
    {
        var engine = GeneratedEstates.Engine;
        var incremental = engine.StartIncremental();
        var first = incremental.Update(estate, Options);
        var patched = 0;
        var reasons = new List<string>();
        foreach (var edit in edits)
        {
            if (edit(estate) is not { } edited) continue;
            foreach (var version in new[] { edited, estate })
            {
                var update = incremental.Update(version, Options);
                Assert.Equal(Json(engine.Evaluate(version, Options)), Json(update.Report));
                Assert.False(update.Restarted);
                if (!update.Patched && incremental.NotPatchedBecause!.Contains("export volumes", StringComparison.Ordinal))
                {
                    reasons.Add(incremental.NotPatchedBecause);
                    continue;
                }
                Assert.True(update.Patched, $"not patched: {incremental.NotPatchedBecause}");
                // Only the facts the edit reaches were derived again (a few documents' worth), not every direct fact.
                Assert.InRange(update.DirectFactsDerived, 1, first.Facts / share);
                patched++;
            }
        }
        Assert.True(patched >= minimumPatched, $"{patched} updates patched; not: {string.Join(" | ", reasons)}");
    }

    /// <summary>The country a cluster is in: declared, or its cloud region's.</summary>
    private static string? CountryOf(Cluster c) =>
        c.Country ?? GeneratedEstates.Geo.Regions.Values.SelectMany(r => r).FirstOrDefault(r => r.Provider == c.Provider && r.Region == c.Region)?.Country;

    /// <summary>Another cluster in the same country as <paramref name="cluster"/> (its transfers stay as cross-border as they were).</summary>
    private static Cluster? SameCountry(Estate estate, string cluster)
    {
        var c = estate.Clusters.First(x => x.Name == cluster);
        var country = CountryOf(c);
        return country is null ? null : estate.Clusters.FirstOrDefault(x => x.Name != c.Name && CountryOf(x) == country);
    }

    /// <summary>Another region of the cluster's provider in the same country, or null.</summary>
    private static string? OtherRegion(Cluster c)
    {
        var country = CountryOf(c);
        return c.Region is null ? null : GeneratedEstates.Geo.Regions.Values.SelectMany(r => r)
            .FirstOrDefault(r => r.Provider == c.Provider && r.Country == country && r.Region != c.Region)?.Region;
    }

    [Fact]
    public void StoreEdits_DeriveOnlyTheFactsTheyReach()
    {
        var estate = GeneratedEstates.Generate(31, 1000);
        var onCluster = estate.Stores.Select((s, i) => (s, i)).Where(x => x.s.Cluster is not null).ToList();
        Func<Estate, Estate?>[] edits =
        [
            // moved to another cluster of its country
            .. onCluster.Take(8).Select(x => (Func<Estate, Estate?>)(e => SameCountry(e, x.s.Cluster!.Name) is { } to
                ? e with { Stores = e.Stores.SetItem(x.i, x.s with { Cluster = new Reference(to.Name, x.s.Cluster!.Location) }) }
                : null)),
            // other categories
            e => e with { Stores = e.Stores.SetItem(onCluster[7].i, onCluster[7].s with { Categories = e.Stores[(onCluster[7].i + 1) % e.Stores.Length].Categories }) },
            // backed up to another store (which becomes a copy target)
            e => e with
            {
                Stores = e.Stores.SetItem(onCluster[11].i, onCluster[11].s with
                {
                    Backups = onCluster[11].s.Backups.Add(new Reference(onCluster[12].s.Name, Model.Diagnostics.SourceLocation.None)),
                }),
            },
            // replicated to a cluster of its country (its data arrives there, and is copied on by that cluster's DR)
            e => SameCountry(e, onCluster[13].s.Cluster!.Name) is { } to ? e with
            {
                Stores = e.Stores.SetItem(onCluster[13].i, onCluster[13].s with
                {
                    Replicas = onCluster[13].s.Replicas.Add(new Reference(to.Name, Model.Diagnostics.SourceLocation.None)),
                }),
            } : null,
            // more individuals
            e => e with { Stores = e.Stores.SetItem(onCluster[17].i, onCluster[17].s with { Individuals = (onCluster[17].s.Individuals ?? 0) + 5_000_000 }) },
        ];
        AssertPatchedLocally(estate, edits, 10);
    }

    [Fact]
    public void ClusterEdits_DeriveOnlyTheFactsTheyReach()
    {
        var estate = GeneratedEstates.Generate(37, 1000);
        var e0 = estate;
        var withDr = estate.Clusters.Select((c, i) => (c, i)).Where(x => x.c.DisasterRecovery is not null).ToList();
        Assert.NotEmpty(withDr);
        Func<Estate, Estate?>[] edits =
        [
            // moved to another region of its country (clusters with DR too: their stores' copies start elsewhere)
            .. e0.Clusters.Select((c, i) => (c, i)).Take(12).Concat(withDr.Take(4)).Select(x => (Func<Estate, Estate?>)(e => OtherRegion(x.c) is { } region
                ? e with { Clusters = e.Clusters.SetItem(x.i, x.c with { Region = region }) }
                : null)),
            // a DR target of its country added
            e => SameCountry(e, e.Clusters[4].Name) is { } to ? e with
            {
                Clusters = e.Clusters.SetItem(4, e.Clusters[4] with
                {
                    DisasterRecovery = new DisasterRecovery("warm-standby", [new Reference(to.Name, Model.Diagnostics.SourceLocation.None)],
                        Model.Diagnostics.SourceLocation.None),
                }),
            } : null,
        ];
        // A cluster holds a tenth of this estate's stores: a fifth of the facts at most.
        AssertPatchedLocally(estate, edits, 6, share: 5);
    }

    [Fact]
    public void RecipientEdits_DeriveOnlyTheFactsTheyReach()
    {
        var estate = GeneratedEstates.Generate(41, 1000);
        var received = estate.Flows.Select(f => f.To.Name).ToHashSet(StringComparer.Ordinal);
        var recipients = estate.Recipients.Select((r, i) => (r, i)).Where(x => received.Contains(x.r.Name)).Take(3).ToList();
        Assert.NotEmpty(recipients);
        var edits = recipients.Select(x => (Func<Estate, Estate?>)(e => e with
        {
            Recipients = e.Recipients.SetItem(x.i, x.r with { Country = x.r.Country == "US" ? "IN" : "US", Certifications = [] }),
        })).ToArray();
        AssertPatchedLocally(estate, edits, 2 * recipients.Count);
    }

    [Fact]
    public void AStoreEditAfterAReroute_ReadsTheFlowsWhereTheyGoNow()
    {
        // The flows by endpoint that a store edit reads follow a flow sent to that store by an earlier (patched) reroute.
        var engine = GeneratedEstates.Engine;
        var estate = GeneratedEstates.Generate(43, 400);
        var incremental = engine.StartIncremental();
        incremental.Update(estate, Options);
        var target = estate.Stores.Select((s, i) => (s, i)).First(x => x.s.Cluster is not null && !x.s.Categories.IsEmpty && SameCountry(estate, x.s.Cluster.Name) is not null);
        var flowIndex = estate.Flows.Select((f, i) => (f, i)).First(x => x.f.To.Name != target.s.Name && x.f.From.Name != target.s.Name).i;
        var rerouted = estate with { Flows = estate.Flows.SetItem(flowIndex, estate.Flows[flowIndex] with { To = new Reference(target.s.Name, estate.Flows[flowIndex].To.Location) }) };
        Assert.Equal(Json(engine.Evaluate(rerouted, Options)), Json(incremental.Update(rerouted, Options).Report));
        var other = SameCountry(rerouted, target.s.Cluster!.Name)!;
        var moved = rerouted with { Stores = rerouted.Stores.SetItem(target.i, target.s with { Cluster = new Reference(other.Name, target.s.Cluster!.Location) }) };

        var update = incremental.Update(moved, Options);

        Assert.True(update.Patched, incremental.NotPatchedBecause);
        Assert.Equal(Json(engine.Evaluate(moved, Options)), Json(update.Report));
    }
}
