using System.Collections.Immutable;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// Finds where data actually ends up. Implied transfers: a cluster's DR targets carry every store on it; a store's
/// replicas and backups; geo-redundant storage to the provider's paired region. Onward chains: data that reaches B
/// from A and moves on to C keeps A's regimes; each onward hop becomes a transfer judged under the origin's law.
/// Reachability is a breadth-first search per regime in C# (never in the rules engine), O(regimes x edges); cycles
/// terminate because each (node, regime) is visited once.
/// </summary>
public sealed class FlowAnalyzer
{
    private readonly LocationResolver _resolver;

    /// <summary>Creates an analyzer.</summary>
    public FlowAnalyzer(LocationResolver resolver) => _resolver = resolver;

    /// <summary>Implied transfers and copy placements, then onward transfers over declared and implied ones.</summary>
    public IReadOnlyList<Fact> Analyze(ResolvedEstate resolved, EvaluationContext context, IReadOnlyList<TransferFact> declared)
    {
        var implied = Implied(resolved, context);
        var transfers = declared.Concat(implied.OfType<TransferFact>()).ToList();
        var result = new List<Fact>(implied);
        result.AddRange(Onward(transfers));
        return result;
    }

    /// <summary>The transfers and copy placements the estate implies.</summary>
    public IReadOnlyList<Fact> Implied(ResolvedEstate resolved, EvaluationContext context)
    {
        var facts = new List<Fact>();
        var org = resolved.Estate.Organization;
        foreach (var cluster in resolved.Estate.Clusters)
        {
            if (cluster.DisasterRecovery is not { } dr || resolved.Cluster(cluster.Name) is not { } site) continue;
            var subject = new FindingSubject(DocumentKind.Cluster, cluster.Name, cluster.Info.Location);
            foreach (var target in dr.Targets)
            {
                if (resolved.Endpoint(target.Name, allowRecipient: true) is not { } t) continue;
                foreach (var store in resolved.StoresOn(cluster.Name))
                {
                    var path = Path(store.Name, cluster.Name, target.Name, t.Site.Name);
                    facts.Add(Transfer(context, subject, path, site, t.Site, store, "disaster-recovery",
                        $"Cluster/{cluster.Name} disasterRecovery ({dr.Strategy}) target {target.Name}", "DataStore/" + store.Name,
                        resolved.NodeKey(target.Name), target.Location, org));
                    facts.Add(Copy(context, subject, store, t.Site, path));
                }
            }
        }
        foreach (var store in resolved.Estate.Stores)
        {
            if (resolved.SiteOfStore(store) is not { } site) continue;
            var subject = new FindingSubject(DocumentKind.DataStore, store.Name, store.Info.Location);
            foreach (var replica in store.Replicas)
            {
                if (resolved.Endpoint(replica.Name, allowRecipient: false) is not { } r) continue;
                var path = Path(store.Name, site.Name, replica.Name, r.Site.Name);
                facts.Add(Transfer(context, subject, path, site, r.Site, store, "replication", $"DataStore/{store.Name} replicas: {replica.Name}",
                    "DataStore/" + store.Name, resolved.NodeKey(replica.Name), replica.Location, org));
                facts.Add(Copy(context, subject, store, r.Site, path));
            }
            foreach (var backup in store.Backups)
            {
                if (resolved.Store(backup.Name) is not { } b || resolved.SiteOfStore(b) is not { } bs) continue;
                var path = Path(store.Name, site.Name, backup.Name, bs.Name);
                facts.Add(Transfer(context, subject, path, site, bs, store, "backup", $"DataStore/{store.Name} backups: {backup.Name}",
                    "DataStore/" + store.Name, "DataStore/" + backup.Name, backup.Location, org));
                facts.Add(Copy(context, subject, store, bs, path));
            }
            if (store.GeoRedundant && site.PairedRegion is { } paired && site.Provider is { } provider)
            {
                var pairSite = _resolver.ResolveRegion(provider, paired, org, site.Location);
                var path = Path(store.Name, site.Name, pairSite.Name, pairSite.Name);
                facts.Add(Transfer(context, subject, path, site, pairSite, store, "replication",
                    $"DataStore/{store.Name} geoRedundant: {provider} replicates {site.Region} to its paired region {paired}",
                    "DataStore/" + store.Name, "Region/" + pairSite.Name, store.Info.Location, org));
                facts.Add(Copy(context, subject, store, pairSite, path));
            }
        }
        return facts;
    }

    /// <summary>
    /// Onward transfers: for every regime, a breadth-first search from the sites it binds along all transfers;
    /// where its data leaves a site the regime does not bind, the hop is an onward transfer under that regime.
    /// </summary>
    public static IReadOnlyList<TransferFact> Onward(IReadOnlyList<TransferFact> transfers)
    {
        var outgoing = new Dictionary<string, List<TransferFact>>(StringComparer.Ordinal);
        foreach (var t in transfers)
        {
            if (t.FromNode.Length == 0) continue;
            if (!outgoing.TryGetValue(t.FromNode, out var list)) outgoing[t.FromNode] = list = [];
            list.Add(t);
        }
        // A store's data also leaves with flows declared from its cluster.
        foreach (var t in transfers)
        {
            if (!t.ToNode.StartsWith("DataStore/", StringComparison.Ordinal) || t.Destination.Kind != "Cluster") continue;
            var clusterNode = "Cluster/" + t.Destination.Name;
            if (outgoing.TryGetValue(clusterNode, out var clusterEdges) && outgoing.TryGetValue(t.ToNode, out var storeEdges))
            {
                foreach (var e in clusterEdges.Where(e => !storeEdges.Contains(e))) storeEdges.Add(e);
            }
            else if (outgoing.TryGetValue(clusterNode, out var onlyCluster) && !outgoing.ContainsKey(t.ToNode))
            {
                outgoing[t.ToNode] = [.. onlyCluster];
            }
        }

        var regimes = transfers.SelectMany(t => t.Source.Regimes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var onward = new List<TransferFact>();
        foreach (var regime in regimes)
        {
            // Predecessor edge through which the regime's data first reached each node.
            var reachedBy = new Dictionary<string, TransferFact?>(StringComparer.Ordinal);
            var queue = new Queue<string>();
            foreach (var t in transfers)
            {
                if (t.Source.Regimes.Contains(regime) && reachedBy.TryAdd(t.FromNode, null)) queue.Enqueue(t.FromNode);
            }
            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                if (!outgoing.TryGetValue(node, out var edges)) continue;
                foreach (var edge in edges)
                {
                    var pred = reachedBy[node];
                    if (pred is not null && !edge.Source.Regimes.Contains(regime) && !ReferenceEquals(edge, pred))
                    {
                        onward.Add(OnwardHop(edge, pred, regime, reachedBy));
                    }
                    if (reachedBy.TryAdd(edge.ToNode, edge)) queue.Enqueue(edge.ToNode);
                }
            }
        }
        return onward;
    }

    private static TransferFact OnwardHop(TransferFact edge, TransferFact pred, string regime, Dictionary<string, TransferFact?> reachedBy)
    {
        // Walk back to the origin for the whole path, source first.
        var chain = new List<TransferFact> { edge };
        var seen = new HashSet<TransferFact>(ReferenceEqualityComparer.Instance) { edge };
        for (TransferFact? p = pred; p is not null && seen.Add(p); p = reachedBy.GetValueOrDefault(p.FromNode))
        {
            chain.Add(p);
        }
        chain.Reverse();
        var path = new List<string>();
        foreach (var hop in chain) Append(path, hop.Path);
        var origin = chain[0].Source;
        return new TransferFact(edge.Context, edge.Subject, [.. path], edge.Source, edge.Destination, edge.Purpose)
        {
            Categories = edge.Categories,
            Subjects = edge.Subjects,
            SubjectTypes = edge.SubjectTypes,
            Designations = edge.Designations,
            Individuals = edge.Individuals,
            SensitiveIndividuals = edge.SensitiveIndividuals,
            Mechanisms = edge.Mechanisms,
            EncryptedInTransit = edge.EncryptedInTransit,
            Pseudonymised = edge.Pseudonymised,
            RetentionHours = edge.RetentionHours,
            Implied = true,
            ImpliedBy = $"onward transfer of data from {origin.Name} ({origin.Country ?? "unknown"}, {regime}) via {string.Join(" -> ", path)}",
            Origins = [regime],
            Regimes = [regime],
            Origin = origin,
            Hop = chain.Count,
            FromNode = edge.FromNode,
            ToNode = edge.ToNode,
            DeclaredAt = edge.DeclaredAt,
            KeyCountry = edge.KeyCountry,
        };
    }

    /// <summary>Appends a hop's path, overlapping the longest tail of <paramref name="path"/> that the hop starts with.</summary>
    private static void Append(List<string> path, ImmutableArray<string> hop)
    {
        var overlap = 0;
        for (var k = Math.Min(path.Count, hop.Length); k > 0; k--)
        {
            var match = true;
            for (var i = 0; i < k && match; i++) match = path[path.Count - k + i] == hop[i];
            if (match)
            {
                overlap = k;
                break;
            }
        }
        for (var i = overlap; i < hop.Length; i++) path.Add(hop[i]);
    }

    private static ImmutableArray<string> Path(params string[] names)
    {
        var list = new List<string>();
        foreach (var n in names)
        {
            if (list.Count == 0 || list[^1] != n) list.Add(n);
        }
        return [.. list];
    }

    private static TransferFact Transfer(EvaluationContext context, FindingSubject subject, ImmutableArray<string> path, Site source, Site destination,
        DataStore store, string purpose, string impliedBy, string fromNode, string toNode, Model.Diagnostics.SourceLocation declaredAt, Organization? org) =>
        new(context, subject, path, source, destination, purpose)
        {
            Categories = FactBuilder.Sorted(store.Categories),
            Subjects = FactBuilder.Sorted(store.Subjects),
            SubjectTypes = FactBuilder.Sorted(store.SubjectTypes),
            Designations = FactBuilder.Sorted(store.Designations),
            Individuals = store.Individuals,
            SensitiveIndividuals = store.SensitiveIndividuals,
            Mechanisms = destination.IsRecipient ? [] : FactBuilder.Sorted(org?.Mechanisms ?? []),
            Implied = true,
            ImpliedBy = impliedBy,
            Origins = source.Regimes,
            Regimes = source.Regimes,
            FromNode = fromNode,
            ToNode = toNode,
            DeclaredAt = declaredAt,
            KeyCountry = store.Encryption.KeyCountry,
            EncryptedInTransit = null,
        };

    private static PlacementFact Copy(EvaluationContext context, FindingSubject subject, DataStore store, Site site, ImmutableArray<string> path)
    {
        var p = FactBuilder.Placement(context, store, site, copy: true);
        return new PlacementFact(context, subject, path, site, store.Name)
        {
            Categories = p.Categories,
            Subjects = p.Subjects,
            SubjectTypes = p.SubjectTypes,
            Designations = p.Designations,
            Individuals = p.Individuals,
            SensitiveIndividuals = p.SensitiveIndividuals,
            Primary = false,
            Copy = true,
            GeoRedundant = false,
            EncryptedAtRest = p.EncryptedAtRest,
            EncryptedEndToEnd = p.EncryptedEndToEnd,
            KeyCountry = p.KeyCountry,
            Attributes = p.Attributes,
        };
    }
}
