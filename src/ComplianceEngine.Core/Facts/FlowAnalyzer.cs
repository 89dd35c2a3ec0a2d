using System.Collections.Immutable;
using System.Runtime.InteropServices;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;
using System.Runtime.CompilerServices;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// Finds where data actually ends up. Implied transfers: a cluster's DR targets carry every store on it; a store's
/// replicas and backups; geo-redundant storage to the provider's paired region. Onward chains: data that reaches B
/// from A and moves on to C keeps A's regimes; each onward hop becomes a transfer judged under the origin's law.
/// Reachability is a breadth-first search per regime in C# (never in the rules engine), O(regimes x edges); cycles
/// terminate because each (node, regime) is visited once.
/// </summary>
public sealed partial class FlowAnalyzer
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
        ArgumentNullException.ThrowIfNull(context);
        context.Sensitivity = resolved.Sensitivity;
        var facts = new List<Fact>();
        var org = resolved.Estate.Organization;
        var orgMechanisms = resolved.Intern(FactBuilder.Sorted(org?.Mechanisms ?? []));
        var arrivals = new Queue<Arrival>(); // data copied onto a cluster by its DR source: copied on by the cluster's own DR
        foreach (var cluster in resolved.Estate.Clusters) ImpliedByCluster(facts, resolved, context, cluster, orgMechanisms, arrivals);
        foreach (var store in resolved.Estate.Stores) ImpliedByStore(facts, resolved, context, store, orgMechanisms, arrivals);
        CopiesOfCopies(facts, resolved, context, arrivals, orgMechanisms);
        return facts;
    }

    /// <summary>A store's data copied onto a cluster (a DR target, or a replica that names a cluster) along <paramref name="Path"/>.</summary>
    internal sealed record Arrival(string Cluster, StoreInfo Lot, ImmutableArray<string> Path);

    /// <summary>
    /// Copies of copies: a store's data that a DR copy or a replica put on another cluster is copied again by that cluster's own DR targets,
    /// whether or not any store is declared there, and so on to a fixed point. Each (cluster, store) pair is handled once, so
    /// cycles terminate and the work is at most one copy per DR target and store whose data reaches it. A cluster's own stores
    /// are already copied by its DR targets (above), so only data from elsewhere is copied here.
    /// </summary>
    private void CopiesOfCopies(List<Fact> facts, ResolvedEstate resolved, EvaluationContext context, Queue<Arrival> arrivals,
        ImmutableArray<string> orgMechanisms)
    {
        if (arrivals.Count == 0) return;
        var org = resolved.Estate.Organization;
        var clusters = new Dictionary<string, Cluster>(StringComparer.Ordinal);
        foreach (var c in resolved.Estate.Clusters) clusters.TryAdd(c.Name, c);
        var held = new HashSet<(string Cluster, string Store)>();
        foreach (var c in resolved.Estate.Clusters)
        {
            foreach (var store in resolved.StoresOn(c.Name)) held.Add((c.Name, store.Name));
        }
        while (arrivals.Count > 0)
        {
            var (name, lot, pathHere) = arrivals.Dequeue();
            if (!held.Add((name, lot.Store.Name))) continue;
            if (!clusters.TryGetValue(name, out var cluster) || cluster.DisasterRecovery is not { } dr || resolved.Cluster(name) is not { } site) continue;
            var subject = new FindingSubject(DocumentKind.Cluster, cluster.Name, cluster.Info.Location);
            var fromNode = resolved.NodeKey(cluster.Name);
            foreach (var target in dr.Targets)
            {
                var targetSite = resolved.EndpointSite(target.Name, allowRecipient: true) ?? resolved.Unresolved(target.Name);
                var impliedBy = $"Cluster/{cluster.Name} disasterRecovery ({dr.Strategy}) target {target.Name}, with DataStore/{lot.Store.Name}'s data copied onto it";
                var toNode = resolved.NodeKey(target.Name);
                var path = Path([.. pathHere, target.Name, targetSite.Name]);
                facts.Add(Transfer(context, subject, path, site, targetSite, lot, "disaster-recovery", impliedBy, fromNode, toNode, target.Location, orgMechanisms));
                facts.Add(Copy(context, subject, lot, targetSite, path));
                if (resolved.Store(target.Name) is null)
                    SpanCopies(facts, context, subject, lot, targetSite, path, toNode, target.Location, orgMechanisms, org);
                if (resolved.Cluster(target.Name) is not null) arrivals.Enqueue(new Arrival(target.Name, lot, path));
            }
        }
    }

    /// <summary>
    /// The onward "regime" of data whose origin's country is unknown: whichever law binds it is unknown, so its onward hops
    /// are judged by every rule and each that needs the origin's regimes is indeterminate (never dropped, never a pass).
    /// </summary>
    public const string UnknownOrigin = "?";

    /// <summary>
    /// Onward transfers: for every regime, a breadth-first search from the sites it binds along all transfers;
    /// where its data leaves a site the regime does not bind, the hop is an onward transfer under that regime.
    /// </summary>
    public static IReadOnlyList<TransferFact> Onward(IReadOnlyList<TransferFact> transfers) => [.. OnwardHops(transfers, regimesToFollow: null)];

    /// <summary>
    /// The onward transfers of the regimes in <paramref name="regimesToFollow"/> (null: every regime), built one at a time
    /// as they are enumerated, so an evaluation can judge and drop them in chunks instead of holding millions at once.
    /// The enumeration must run on one thread.
    /// </summary>
    public static IEnumerable<TransferFact> OnwardHops(IReadOnlyList<TransferFact> transfers, IReadOnlySet<string>? regimesToFollow)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        return OnwardIterator(transfers, regimesToFollow, filter: null);
    }

    /// <summary>As <see cref="OnwardHops(IReadOnlyList{TransferFact}, IReadOnlySet{string})"/>, building only the hops <paramref name="filter"/> wants.</summary>
    internal static IEnumerable<TransferFact> OnwardHops(IReadOnlyList<TransferFact> transfers, IReadOnlySet<string>? regimesToFollow, IOnwardHopFilter filter) =>
        OnwardIterator(transfers, regimesToFollow, filter);

    /// <summary>As <see cref="OnwardHops(IReadOnlyList{TransferFact}, IReadOnlySet{string})"/>, with category sets held as plain bits only up to <paramref name="narrowLimit"/> categories (tests: the wide sets give the same hops).</summary>
    internal static IEnumerable<TransferFact> OnwardHops(IReadOnlyList<TransferFact> transfers, IReadOnlySet<string>? regimesToFollow, int narrowLimit) =>
        OnwardIterator(transfers, regimesToFollow, filter: null, narrowLimit);

    private static IEnumerable<TransferFact> OnwardIterator(IReadOnlyList<TransferFact> transfers, IReadOnlySet<string>? regimesToFollow, IOnwardHopFilter? filter,
        int narrowLimit = CategoryBits.NarrowLimit)
    {
        var graph = new OnwardGraph(transfers, regimesToFollow, ids: null, narrowLimit);
        if (graph.Regimes.Count == 0) yield break;
        filter?.Prepare(transfers);
        var scratch = new SearchScratch();
        foreach (var regime in graph.Regimes)
        {
            foreach (var (_, _, hop) in graph.SearchFor(regime, scratch, filter).Hops(filter)) yield return hop;
        }
    }

    /// <summary>
    /// A hop's data: its lots' (<paramref name="lots"/>), with at most as many individuals (and with sensitive data) as the
    /// edge moves (both are upper bounds; a sensitive count the edge only inferred under its own exporter's law does not
    /// count), re-inferred under the hop's regime where the count changed.
    /// </summary>
    internal static CarriedData AtMostTheEdges(CarriedData lots, CarriedData edge, ImmutableArray<string> regimes, SensitivityInference sensitivity)
    {
        var edgeSensitive = edge.SensitiveIndividualsInferred is null ? edge.SensitiveIndividuals : null;
        var lotSensitive = lots.SensitiveIndividualsInferred is null ? lots.SensitiveIndividuals : null;
        var individuals = AtMost(lots.Individuals, edge.Individuals);
        var sensitive = AtMost(lotSensitive, edgeSensitive);
        if (individuals == lots.Individuals && sensitive == lotSensitive) return lots;
        return sensitivity.Infer(lots with
        {
            Individuals = individuals,
            SensitiveIndividuals = sensitive,
            SensitiveIndividualsInferred = null,
            SensitiveIndividualsUnknown = null,
        }, regimes);
    }

    /// <summary>The smaller of two upper bounds, either of which may be unknown.</summary>
    private static double? AtMost(double? a, double? b) => a is { } x ? (b is { } y ? Math.Min(x, y) : x) : b;

    /// <summary>Appends a hop's path, overlapping the longest tail of <paramref name="path"/> that the hop starts with.</summary>
    internal static void Append(List<string> path, ImmutableArray<string> hop)
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

    /// <summary>
    /// Data that rests at a multi-region or dual-region <paramref name="site"/> (its home) also rests in every other member
    /// country: one implied copy per country, with the location's name in the path. Nothing for other sites.
    /// </summary>
    private void SpanCopies(List<Fact> facts, EvaluationContext context, FindingSubject subject, StoreInfo info, Site site, ImmutableArray<string> pathToSite,
        string fromNode, Model.Diagnostics.SourceLocation declaredAt, ImmutableArray<string> orgMechanisms, Organization? organization)
    {
        if (site.Spans.IsEmpty || site.Provider is not { } provider) return;
        var location = $"{provider}/{site.Region}";
        var seen = new HashSet<string>(StringComparer.Ordinal) { site.Country ?? string.Empty };
        foreach (var member in site.Spans)
        {
            if (!seen.Add(member.Country)) continue;
            var memberSite = _resolver.ResolveRegion(provider, member.Region, organization, site.Location);
            var path = Path([.. pathToSite, location, memberSite.Name]);
            facts.Add(Transfer(context, subject, path, site, memberSite, info, "replication",
                $"{site.Kind}/{site.Name} is at {location}, which spans {member.Region} ({member.Country})",
                fromNode, "Region/" + memberSite.Name, declaredAt, orgMechanisms));
            facts.Add(Copy(context, subject, info, memberSite, path));
        }
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
            Data = context.Sensitivity.Infer(info.Data, source.Regimes),
            Held = info.Data,
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

/// <summary>
/// One regime's breadth-first search tree. For each node: the edge through which the regime's data first reached it
/// (<see cref="Seed"/> where the data starts), the node that edge was taken from (a store's merged cluster edges are
/// taken from the store, not from the cluster), its depth, and the chain's first edge. A hop along edge e from node n
/// carries the chain n's data came by, then e: a walk back along the tree, which always ends at a seed.
/// </summary>
internal sealed class RegimeTrace
{
    public const int Unreached = -2;
    public const int Seed = -1;

    private readonly IReadOnlyList<TransferFact> _transfers;

    /// <summary><see cref="_transfers"/> when it is an array (read per hop without an interface call).</summary>
    private readonly TransferFact[]? _edges;
    private readonly int[] _via;
    private readonly int[] _depth;
    private readonly int[] _first;

    public RegimeTrace(IReadOnlyList<TransferFact> transfers, int nodes)
    {
        _transfers = transfers;
        _edges = transfers as TransferFact[];
        ReachedBy = new int[nodes];
        Array.Fill(ReachedBy, Unreached);
        _via = new int[nodes];
        _depth = new int[nodes];
        _first = new int[nodes];
    }

    public int[] ReachedBy { get; }

    /// <summary>The transfers the edge indices refer to.</summary>
    public IReadOnlyList<TransferFact> Transfers => _transfers;

    /// <summary>The node the edge that first reached <paramref name="node"/> was taken from.</summary>
    public int Via(int node) => _via[node];

    /// <summary>The regime's data starts at <paramref name="node"/>.</summary>
    public void MarkSeed(int node) => ReachedBy[node] = Seed;

    /// <summary>The data first reaches <paramref name="node"/> along edge <paramref name="e"/> taken from <paramref name="from"/>.</summary>
    public void Reach(int node, int e, int from)
    {
        ReachedBy[node] = e;
        _via[node] = from;
        _depth[node] = _depth[from] + 1;
        _first[node] = ReachedBy[from] == Seed ? e : _first[from];
    }

    /// <summary>Edges in the chain of a hop taken from <paramref name="node"/> (the hop included).</summary>
    public int Length(int node) => _depth[node] + 1;

    /// <summary>The site the chain of a hop taken from <paramref name="node"/> starts at.</summary>
    public Site Origin(int node) => (_edges is { } edges ? edges[_first[node]] : _transfers[_first[node]]).Source;

    /// <summary>
    /// The names along the chain of hop <paramref name="e"/> taken from <paramref name="node"/>, source first (any thread):
    /// the names along the chain to <paramref name="node"/>, then the hop's own, overlapping where they meet.
    /// </summary>
    public ImmutableArray<string> Path(int e, int node) => Appended(ReachedBy[node] >= 0 ? PathTo(node) : [], _transfers[e].Path);

    /// <summary>
    /// The names along the chain that first reached <paramref name="node"/> (not a seed), worked out once per node and shared
    /// by every hop leaving it and every node reached from it: a path is one copy of its node's prefix, not a walk back to
    /// the seed. Nodes are filled from the nearest one already known (any thread: two threads that race write equal arrays).
    /// </summary>
    private ImmutableArray<string> PathTo(int node)
    {
        var paths = _paths ??= new ImmutableArray<string>[_via.Length];
        if (!paths[node].IsDefault) return paths[node];
        var chain = t_chain ??= [];
        chain.Clear();
        var n = node;
        for (; ReachedBy[n] >= 0 && paths[n].IsDefault; n = _via[n]) chain.Add(n);
        var path = ReachedBy[n] >= 0 ? paths[n] : [];
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            var at = chain[i];
            path = Appended(path, _transfers[ReachedBy[at]].Path);
            paths[at] = path;
        }
        return path;
    }

    /// <summary><paramref name="path"/> followed by <paramref name="hop"/>, overlapping the longest tail of the path the hop starts with (as <see cref="FlowAnalyzer.Append"/>).</summary>
    private static ImmutableArray<string> Appended(ImmutableArray<string> path, ImmutableArray<string> hop)
    {
        var overlap = 0;
        for (var k = Math.Min(path.Length, hop.Length); k > 0; k--)
        {
            if (path.AsSpan(path.Length - k, k).SequenceEqual(hop.AsSpan(0, k)))
            {
                overlap = k;
                break;
            }
        }
        var names = new string[path.Length + hop.Length - overlap];
        path.AsSpan().CopyTo(names);
        hop.AsSpan()[overlap..].CopyTo(names.AsSpan(path.Length));
        return ImmutableCollectionsMarshal.AsImmutableArray(names);
    }

    private ImmutableArray<string>[]? _paths;

    [ThreadStatic]
    private static List<int>? t_chain;
}

/// <summary>Decides, before an onward hop is built, whether it could matter (see <c>OnwardRuleFilter</c>).</summary>
internal interface IOnwardHopFilter
{
    /// <summary>Called once with every transfer the search runs over (edge indices refer to this list), before <see cref="Wanted"/>.</summary>
    void Prepare(IReadOnlyList<TransferFact> transfers);

    /// <summary>Whether the hop along edge <paramref name="edge"/> carrying <paramref name="data"/> of <paramref name="regime"/>'s lots is worth building.</summary>
    bool Wanted(int edge, string regime, CarriedData data);

    /// <summary>
    /// Whether some hop of <paramref name="regime"/>'s lots along edge <paramref name="edge"/> may be worth building, whatever
    /// data it carries: false only when <see cref="Wanted"/> is false for every data (the search need not carry the regime's
    /// data to that edge for it).
    /// </summary>
    bool MayWant(int edge, string regime);
}
