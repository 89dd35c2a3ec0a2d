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
        ArgumentNullException.ThrowIfNull(resolved);
        var facts = new List<Fact>();
        var org = resolved.Estate.Organization;
        var orgMechanisms = resolved.Intern(FactBuilder.Sorted(org?.Mechanisms ?? []));
        foreach (var cluster in resolved.Estate.Clusters)
        {
            if (cluster.DisasterRecovery is not { } dr || resolved.Cluster(cluster.Name) is not { } site) continue;
            var subject = new FindingSubject(DocumentKind.Cluster, cluster.Name, cluster.Info.Location);
            foreach (var target in dr.Targets)
            {
                if (resolved.EndpointSite(target.Name, allowRecipient: true) is not { } targetSite) continue;
                var impliedBy = $"Cluster/{cluster.Name} disasterRecovery ({dr.Strategy}) target {target.Name}";
                var toNode = resolved.NodeKey(target.Name);
                foreach (var store in resolved.StoresOn(cluster.Name))
                {
                    var info = resolved.Info(store);
                    var path = Path(store.Name, cluster.Name, target.Name, targetSite.Name);
                    facts.Add(Transfer(context, subject, path, site, targetSite, info, "disaster-recovery", impliedBy, resolved.NodeKey(store.Name),
                        toNode, target.Location, orgMechanisms));
                    facts.Add(Copy(context, subject, info, targetSite, path));
                }
            }
        }
        foreach (var store in resolved.Estate.Stores)
        {
            var info = resolved.Info(store);
            if (info.Site is not { } site) continue;
            var subject = info.Subject;
            var fromNode = resolved.NodeKey(store.Name);
            foreach (var replica in store.Replicas)
            {
                if (resolved.EndpointSite(replica.Name, allowRecipient: false) is not { } replicaSite) continue;
                var path = Path(store.Name, site.Name, replica.Name, replicaSite.Name);
                facts.Add(Transfer(context, subject, path, site, replicaSite, info, "replication", $"DataStore/{store.Name} replicas: {replica.Name}",
                    fromNode, resolved.NodeKey(replica.Name), replica.Location, orgMechanisms));
                facts.Add(Copy(context, subject, info, replicaSite, path));
            }
            foreach (var backup in store.Backups)
            {
                if (resolved.Store(backup.Name) is not { } b || resolved.SiteOfStore(b) is not { } bs) continue;
                var path = Path(store.Name, site.Name, backup.Name, bs.Name);
                facts.Add(Transfer(context, subject, path, site, bs, info, "backup", $"DataStore/{store.Name} backups: {backup.Name}",
                    fromNode, resolved.NodeKey(backup.Name), backup.Location, orgMechanisms));
                facts.Add(Copy(context, subject, info, bs, path));
            }
            if (store.GeoRedundant && site.PairedRegion is { } paired && site.Provider is { } provider)
            {
                var pairSite = _resolver.ResolveRegion(provider, paired, org, site.Location);
                var path = Path(store.Name, site.Name, pairSite.Name, pairSite.Name);
                facts.Add(Transfer(context, subject, path, site, pairSite, info, "replication",
                    $"DataStore/{store.Name} geoRedundant: {provider} replicates {site.Region} to its paired region {paired}",
                    fromNode, "Region/" + pairSite.Name, store.Info.Location, orgMechanisms));
                facts.Add(Copy(context, subject, info, pairSite, path));
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
        // A store's data also leaves with flows declared from its cluster. A store node always lies on the same cluster
        // (its destination site), so each is merged once; the edges keep their order.
        var merged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in transfers)
        {
            if (!t.ToNode.StartsWith("DataStore/", StringComparison.Ordinal) || t.Destination.Kind != "Cluster") continue;
            if (!merged.Add(t.ToNode)) continue;
            if (!outgoing.TryGetValue("Cluster/" + t.Destination.Name, out var clusterEdges)) continue;
            if (outgoing.TryGetValue(t.ToNode, out var storeEdges))
            {
                var present = new HashSet<TransferFact>(storeEdges, ReferenceEqualityComparer.Instance);
                foreach (var e in clusterEdges)
                {
                    if (present.Add(e)) storeEdges.Add(e);
                }
            }
            else
            {
                outgoing[t.ToNode] = [.. clusterEdges];
            }
        }

        var regimes = transfers.SelectMany(t => t.Source.Regimes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var onward = new List<TransferFact>();
        var scratch = new Scratch();
        foreach (var regime in regimes)
        {
            ImmutableArray<string> only = [regime];
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
                        onward.Add(OnwardHop(edge, pred, regime, only, reachedBy, scratch));
                    }
                    if (reachedBy.TryAdd(edge.ToNode, edge)) queue.Enqueue(edge.ToNode);
                }
            }
        }
        return onward;
    }

    /// <summary>Buffers reused by every onward hop (there can be millions): only the hop's path and the fact are allocated.</summary>
    private sealed class Scratch
    {
        public List<TransferFact> Chain { get; } = [];
        public HashSet<TransferFact> Seen { get; } = new(ReferenceEqualityComparer.Instance);
        public List<string> Path { get; } = [];
    }

    private static TransferFact OnwardHop(TransferFact edge, TransferFact pred, string regime, ImmutableArray<string> only,
        Dictionary<string, TransferFact?> reachedBy, Scratch scratch)
    {
        // Walk back to the origin for the whole path, source first. (A store's merged cluster edges can make the
        // predecessor walk revisit an edge: it stops there.)
        var chain = scratch.Chain;
        var seen = scratch.Seen;
        var path = scratch.Path;
        chain.Clear();
        seen.Clear();
        path.Clear();
        chain.Add(edge);
        seen.Add(edge);
        for (TransferFact? p = pred; p is not null && seen.Add(p); p = reachedBy.GetValueOrDefault(p.FromNode))
        {
            chain.Add(p);
        }
        for (var i = chain.Count - 1; i >= 0; i--) Append(path, chain[i].Path);
        var origin = chain[^1].Source;
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
            OnwardRegime = regime,
            Origins = only,
            Regimes = only,
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
        StoreInfo info, string purpose, string impliedBy, string fromNode, string toNode, Model.Diagnostics.SourceLocation declaredAt,
        ImmutableArray<string> orgMechanisms) =>
        new(context, subject, path, source, destination, purpose)
        {
            Categories = info.Categories,
            Subjects = info.Subjects,
            SubjectTypes = info.SubjectTypes,
            Designations = info.Designations,
            Individuals = info.Store.Individuals,
            SensitiveIndividuals = info.Store.SensitiveIndividuals,
            Mechanisms = destination.IsRecipient ? [] : orgMechanisms,
            Implied = true,
            ImpliedBy = impliedBy,
            Origins = source.Regimes,
            Regimes = source.Regimes,
            FromNode = fromNode,
            ToNode = toNode,
            DeclaredAt = declaredAt,
            KeyCountry = info.Store.Encryption.KeyCountry,
            EncryptedInTransit = null,
        };

    private static PlacementFact Copy(EvaluationContext context, FindingSubject subject, StoreInfo info, Site site, ImmutableArray<string> path) =>
        FactBuilder.Placement(context, info, site, subject, path, copy: true, geoRedundant: false);
}
