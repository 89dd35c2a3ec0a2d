using System.Collections.Immutable;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// The implied facts of one document at a time: a cluster's disaster-recovery copies, a store's replicas, backups,
/// geo-redundant and multi-region copies, and the copies of copies. <see cref="Implied"/> is these in order; the
/// incremental evaluation derives again only the documents an edit reaches.
/// </summary>
public sealed partial class FlowAnalyzer
{
    /// <summary>
    /// The transfers and copy placements <paramref name="cluster"/>'s disaster-recovery targets imply for the stores on it,
    /// appended to <paramref name="facts"/>; the data each copy puts on another cluster is queued on <paramref name="arrivals"/>
    /// (copied on by that cluster's own targets: <see cref="CopiesOf"/>).
    /// </summary>
    internal void ImpliedByCluster(List<Fact> facts, ResolvedEstate resolved, EvaluationContext context, Cluster cluster, ImmutableArray<string> orgMechanisms,
        Queue<Arrival> arrivals)
    {
        if (cluster.DisasterRecovery is not { } dr || resolved.Cluster(cluster.Name) is not { } site) return;
        var org = resolved.Estate.Organization;
        var subject = new FindingSubject(DocumentKind.Cluster, cluster.Name, cluster.Info.Location);
        foreach (var target in dr.Targets)
        {
            var targetSite = resolved.EndpointSite(target.Name, allowRecipient: true) ?? resolved.Unresolved(target.Name);
            var impliedBy = $"Cluster/{cluster.Name} disasterRecovery ({dr.Strategy}) target {target.Name}";
            var toNode = resolved.NodeKey(target.Name);
            foreach (var store in resolved.StoresOn(cluster.Name))
            {
                var info = resolved.Info(store);
                var path = Path(store.Name, cluster.Name, target.Name, targetSite.Name);
                facts.Add(Transfer(context, subject, path, site, targetSite, info, "disaster-recovery", impliedBy, resolved.NodeKey(store.Name),
                    toNode, target.Location, orgMechanisms));
                facts.Add(Copy(context, subject, info, targetSite, path));
                if (resolved.Store(target.Name) is null)
                    SpanCopies(facts, context, subject, info, targetSite, path, toNode, target.Location, orgMechanisms, org);
                if (resolved.Cluster(target.Name) is not null) arrivals.Enqueue(new Arrival(target.Name, info, path));
            }
        }
    }

    /// <summary>
    /// The transfers and copy placements <paramref name="store"/> implies (replicas, backups, its geo-redundant pair, the
    /// other member regions of a multi-region location), appended to <paramref name="facts"/>; a replica on a cluster is
    /// queued on <paramref name="arrivals"/>.
    /// </summary>
    internal void ImpliedByStore(List<Fact> facts, ResolvedEstate resolved, EvaluationContext context, DataStore store, ImmutableArray<string> orgMechanisms,
        Queue<Arrival> arrivals)
    {
        var org = resolved.Estate.Organization;
        var info = resolved.Info(store);
        var site = info.Site;
        var subject = info.Subject;
        var fromNode = resolved.NodeKey(store.Name);
        foreach (var replica in store.Replicas)
        {
            var replicaSite = resolved.EndpointSite(replica.Name, allowRecipient: false) ?? resolved.Unresolved(replica.Name);
            var path = Path(store.Name, site.Name, replica.Name, replicaSite.Name);
            facts.Add(Transfer(context, subject, path, site, replicaSite, info, "replication", $"DataStore/{store.Name} replicas: {replica.Name}",
                fromNode, resolved.NodeKey(replica.Name), replica.Location, orgMechanisms));
            facts.Add(Copy(context, subject, info, replicaSite, path));
            if (resolved.Store(replica.Name) is null)
                SpanCopies(facts, context, subject, info, replicaSite, path, resolved.NodeKey(replica.Name), replica.Location, orgMechanisms, org);
            if (resolved.Cluster(replica.Name) is not null) arrivals.Enqueue(new Arrival(replica.Name, info, path));
        }
        foreach (var backup in store.Backups)
        {
            var bs = resolved.Store(backup.Name) is { } b ? resolved.SiteOfStore(b) : resolved.Unresolved(backup.Name);
            var path = Path(store.Name, site.Name, backup.Name, bs.Name);
            facts.Add(Transfer(context, subject, path, site, bs, info, "backup", $"DataStore/{store.Name} backups: {backup.Name}",
                fromNode, resolved.NodeKey(backup.Name), backup.Location, orgMechanisms));
            facts.Add(Copy(context, subject, info, bs, path));
        }
        // A geo-redundant store is copied to its region's pair. When the pair (or the region) is unknown, the copy still
        // happens: it goes to a site of unknown country, so that every rule that needs its country is indeterminate.
        if (store.GeoRedundant && _resolver.GeoRedundantCopy(site, org) is { } pairSite)
        {
            var path = Path(store.Name, site.Name, pairSite.Name);
            var impliedBy = site.PairedRegion is { } paired
                ? $"DataStore/{store.Name} geoRedundant: {site.Provider} replicates {site.Region} to its paired region {paired}"
                : $"DataStore/{store.Name} geoRedundant: {pairSite.UnknownReason}";
            facts.Add(Transfer(context, subject, path, site, pairSite, info, "replication", impliedBy,
                fromNode, "Region/" + pairSite.Name, store.Info.Location, orgMechanisms));
            facts.Add(Copy(context, subject, info, pairSite, path));
        }
        // A multi-region or dual-region location keeps the data in every member region.
        SpanCopies(facts, context, subject, info, site, Path(store.Name, site.Name), fromNode, store.Info.Location, orgMechanisms, org);
    }

    /// <summary>The copies of copies of the data queued on <paramref name="arrivals"/> (in queue order), appended to <paramref name="facts"/>.</summary>
    internal void CopiesOf(List<Fact> facts, ResolvedEstate resolved, EvaluationContext context, Queue<Arrival> arrivals, ImmutableArray<string> orgMechanisms) =>
        CopiesOfCopies(facts, resolved, context, arrivals, orgMechanisms);
}
