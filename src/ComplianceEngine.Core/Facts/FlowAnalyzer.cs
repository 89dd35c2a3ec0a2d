using System.Collections.Immutable;
using System.Runtime.InteropServices;
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
        ArgumentNullException.ThrowIfNull(context);
        context.Sensitivity = resolved.Sensitivity;
        var facts = new List<Fact>();
        var org = resolved.Estate.Organization;
        var orgMechanisms = resolved.Intern(FactBuilder.Sorted(org?.Mechanisms ?? []));
        var arrivals = new Queue<Arrival>(); // data copied onto a cluster by its DR source: copied on by the cluster's own DR
        foreach (var cluster in resolved.Estate.Clusters)
        {
            if (cluster.DisasterRecovery is not { } dr || resolved.Cluster(cluster.Name) is not { } site) continue;
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
        foreach (var store in resolved.Estate.Stores)
        {
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
        CopiesOfCopies(facts, resolved, context, arrivals, orgMechanisms);
        return facts;
    }

    /// <summary>A store's data copied onto a cluster (a DR target, or a replica that names a cluster) along <paramref name="Path"/>.</summary>
    private sealed record Arrival(string Cluster, StoreInfo Lot, ImmutableArray<string> Path);

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

    private static IEnumerable<TransferFact> OnwardIterator(IReadOnlyList<TransferFact> transfers, IReadOnlySet<string>? regimesToFollow, IOnwardHopFilter? filter)
    {
        // Graph nodes become dense ids and edges are transfer indices, so each regime's search works on arrays
        // (one string lookup per endpoint in all, instead of several per edge and regime).
        var count = transfers.Count;
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        int Id(string key)
        {
            if (!ids.TryGetValue(key, out var id)) ids[key] = id = ids.Count;
            return id;
        }
        var from = new int[count];
        var to = new int[count];
        for (var i = 0; i < count; i++)
        {
            from[i] = Id(transfers[i].FromNode);
            to[i] = Id(transfers[i].ToNode);
        }
        var outgoing = new List<int>?[ids.Count];
        for (var i = 0; i < count; i++)
        {
            if (transfers[i].FromNode.Length == 0) continue;
            (outgoing[from[i]] ??= []).Add(i);
        }
        // A store's data also leaves with flows declared from its cluster. A store node always lies on the same cluster
        // (its destination site), so each is merged once; the edges keep their order.
        var merged = new bool[ids.Count];
        for (var i = 0; i < count; i++)
        {
            var t = transfers[i];
            if (!t.ToNode.StartsWith("DataStore/", StringComparison.Ordinal) || t.Destination.Kind != "Cluster") continue;
            var storeNode = to[i];
            if (merged[storeNode]) continue;
            merged[storeNode] = true;
            if (!ids.TryGetValue("Cluster/" + t.Destination.Name, out var clusterNode) || outgoing[clusterNode] is not { } clusterEdges) continue;
            if (outgoing[storeNode] is { } storeEdges)
            {
                var present = new HashSet<int>(storeEdges);
                foreach (var e in clusterEdges)
                {
                    if (present.Add(e)) storeEdges.Add(e);
                }
            }
            else
            {
                outgoing[storeNode] = [.. clusterEdges];
            }
        }

        var regimes = transfers.SelectMany(t => t.Source.Regimes).Distinct(StringComparer.Ordinal)
            .Where(r => regimesToFollow is null || regimesToFollow.Contains(r)).Order(StringComparer.Ordinal).ToList();
        // Data that leaves a site of unknown country may carry any regime: it is followed onward as its own search.
        if (transfers.Any(t => t.Source.Country is null)) regimes.Add(UnknownOrigin);
        if (regimes.Count == 0) yield break;
        filter?.Prepare(transfers);
        var sensitivity = transfers.Count > 0 ? transfers[0].Context.Sensitivity : SensitivityInference.None;
        // Lineage as lots: a regime's data rests at a node as lots, each the data of one kind of origin (its subjects,
        // subject types and designations) with the categories of it that reached the node. An edge out of the node carries
        // the part of each lot in the categories it declares (a flow that declares none, or a copy, carries every lot whole).
        // Lots only grow, so the search runs to a fixed point; a hop's data is the union of the lots it carries.
        var categories = new CategorySets();
        var lots = new LotSets(categories);
        var edgeSet = new int[count];
        var edgeOwn = new int[count];
        var edgeKind = new int[count];
        for (var i = 0; i < count; i++)
        {
            edgeOwn[i] = categories.Of(transfers[i].Categories);
            edgeSet[i] = transfers[i].CarriesOnlyItsCategories ? edgeOwn[i] : CategorySets.All;
            edgeKind[i] = lots.KindOf(transfers[i].Data);
        }
        var held = new Dictionary<int, int>?[ids.Count]; // per node: kind of lot -> the categories of it there
        var spare = new Stack<Dictionary<int, int>>(); // emptied maps, reused (a regime's search touches thousands of nodes)
        var fresh = new Dictionary<int, int>?[ids.Count]; // per queued node: the lots that grew since it was last handled
        var arrived = new int[ids.Count]; // per node, once the search is done: its lots as one set
        var queued = new bool[ids.Count];
        var order = new List<int>();
        var queue = new Queue<int>();
        var bound = new bool[count]; // whether the regime binds each edge's exporter
        foreach (var regime in regimes)
        {
            ImmutableArray<string> only = regime == UnknownOrigin ? [] : [regime];
            // The regime's search tree: each regime keeps its own, and hops' paths are traced back through it when first read.
            var trace = new RegimeTrace(transfers, ids.Count);
            foreach (var node in order)
            {
                if (held[node] is not { } map) continue;
                map.Clear();
                spare.Push(map);
                held[node] = null;
            }
            order.Clear();
            var counts = new LotCounts(lots.Kinds);
            // Adds lot (kind, categories) at node; queues what grew. A lot's categories only grow, so each (node, kind) changes
            // at most once per category: only what grew is passed on, and the search is linear in the lots that move.
            void Add(int node, int kind, int lotCategories)
            {
                var here = held[node] ??= spare.Count > 0 ? spare.Pop() : [];
                var before = here.TryGetValue(kind, out var c) ? c : CategorySets.Nothing;
                var after = categories.Union(before, lotCategories);
                if (after == before) return;
                here[kind] = after;
                (fresh[node] ??= spare.Count > 0 ? spare.Pop() : [])[kind] = after;
                if (queued[node]) return;
                queued[node] = true;
                queue.Enqueue(node);
            }
            for (var i = 0; i < count; i++)
            {
                // The direct transfer is already judged under the regimes of its exporter (all of them unknown for an unknown one).
                bound[i] = regime == UnknownOrigin ? transfers[i].Source.Country is null : transfers[i].Source.Regimes.Contains(regime);
                if (!bound[i]) continue;
                if (trace.ReachedBy[from[i]] == RegimeTrace.Unreached)
                {
                    trace.MarkSeed(from[i]);
                    order.Add(from[i]);
                }
                // What the regime's data is where it starts: the lot that leaves along each edge (everything, if it says nothing).
                if (edgeOwn[i] != CategorySets.Nothing) Add(from[i], edgeKind[i], edgeOwn[i]);
                counts.Add(edgeKind[i], transfers[i].Held);
            }
            while (queue.Count > 0)
            {
                var node = queue.Dequeue();
                queued[node] = false;
                var grew = fresh[node]!;
                fresh[node] = null;
                if (outgoing[node] is { } edges)
                {
                    foreach (var e in edges)
                    {
                        var next = to[e];
                        foreach (var (kind, lotCategories) in grew)
                        {
                            var carried = categories.Carry(lotCategories, edgeSet[e]);
                            if (carried == CategorySets.Nothing) continue;
                            if (trace.ReachedBy[next] == RegimeTrace.Unreached)
                            {
                                trace.Reach(next, e, node);
                                order.Add(next);
                            }
                            Add(next, kind, carried);
                        }
                    }
                }
                grew.Clear();
                spare.Push(grew);
            }
            foreach (var node in order)
            {
                // Only nodes data leaves again need their lots as a set.
                if (outgoing[node] is not null) arrived[node] = held[node] is { } lotsThere ? lots.Of(lotsThere) : LotSets.Empty;
            }
            // The hops, node by node in the order the regime's data first reached them.
            var lotData = new Dictionary<(int Set, int Categories), CarriedData>();
            foreach (var node in order)
            {
                if (outgoing[node] is not { } edges) continue;
                var pred = trace.ReachedBy[node];
                if (pred < 0) continue;
                foreach (var e in edges)
                {
                    if (e == pred || bound[e]) continue;
                    var carried = lots.Carry(arrived[node], edgeSet[e]);
                    if (carried == LotSets.Empty) continue;
                    var data = LotData(transfers[e], carried, edgeOwn[e], only, lots, counts, categories, lotData, sensitivity);
                    if (filter is not null && !filter.Wanted(e, regime, data)) continue;
                    yield return OnwardHop(transfers[e], e, node, regime, only, trace, AtMostTheEdges(data, transfers[e].Data, only, sensitivity));
                }
            }
        }
    }

    /// <summary>
    /// The data of the lots in <paramref name="set"/> carried along <paramref name="edge"/>: their categories (or the edge's own
    /// where the lots say "all of them"), subjects, subject types and designations, and as many individuals (and with
    /// sensitive data) as the stores the lots started from hold, or inferred under the hop's regime. Shared by every hop
    /// carrying the same lots (see <see cref="AtMostTheEdges"/> for what differs per hop).
    /// </summary>
    private static CarriedData LotData(TransferFact edge, int set, int edgeOwn, ImmutableArray<string> regimes, LotSets lots, LotCounts counts,
        CategorySets categories, Dictionary<(int, int), CarriedData> memo, SensitivityInference sensitivity)
    {
        var shown = lots.Categories(set);
        if (shown == CategorySets.All) shown = edgeOwn;
        if (memo.TryGetValue((set, shown), out var data)) return data;
        var (subjects, subjectTypes, designations) = lots.Describe(set);
        var (individuals, sensitive) = counts.Of(lots.KindsIn(set));
        data = new CarriedData(shown == CategorySets.All ? edge.Data.Categories : categories[shown], subjects, subjectTypes, designations, individuals, sensitive);
        return memo[(set, shown)] = sensitivity.Infer(data, regimes);
    }

    /// <summary>
    /// A hop's data: its lots' (<paramref name="lots"/>), with at most as many individuals (and with sensitive data) as the
    /// edge moves (both are upper bounds; a sensitive count the edge only inferred under its own exporter's law does not
    /// count), re-inferred under the hop's regime where the count changed.
    /// </summary>
    private static CarriedData AtMostTheEdges(CarriedData lots, CarriedData edge, ImmutableArray<string> regimes, SensitivityInference sensitivity)
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

    /// <summary>
    /// The kinds of lot (one per distinct subjects, subject types and designations of the data edges carry) and sets of lots
    /// as dense ids: a set holds at most one lot per kind, with the categories of it present (a <see cref="CategorySets"/> id),
    /// sorted by kind. Carries are memoised; <see cref="Empty"/> is no data.
    /// </summary>
    private sealed class LotSets
    {
        public const int Empty = 0;

        private readonly CategorySets _categories;
        private readonly Dictionary<(string[]?, string[]?, string[]?), int> _kindIds = new(KindComparer.Instance);
        private readonly List<(ImmutableArray<string> Subjects, ImmutableArray<string> SubjectTypes, ImmutableArray<string> Designations)> _kinds = [];
        private readonly List<long[]> _sets = [[]];
        private readonly Dictionary<long[], int> _setIds = new(LongsComparer.Instance) { [[]] = Empty };
        private readonly Dictionary<long, int> _carry = [];
        private readonly List<int> _setCategories = [CategorySets.Nothing];
        private readonly Dictionary<int, (ImmutableArray<string>, ImmutableArray<string>, ImmutableArray<string>)> _described = [];

        public LotSets(CategorySets categories) => _categories = categories;

        /// <summary>How many kinds there are.</summary>
        public int Kinds => _kinds.Count;

        /// <summary>The kind of lot <paramref name="data"/> is.</summary>
        public int KindOf(CarriedData data)
        {
            var key = (ImmutableCollectionsMarshal.AsArray(data.Subjects), ImmutableCollectionsMarshal.AsArray(data.SubjectTypes),
                ImmutableCollectionsMarshal.AsArray(data.Designations));
            if (_kindIds.TryGetValue(key, out var id)) return id;
            _kinds.Add((data.Subjects, data.SubjectTypes, data.Designations));
            return _kindIds[key] = _kinds.Count - 1;
        }

        /// <summary>The set of the lots in <paramref name="lots"/> (kind -> categories).</summary>
        public int Of(Dictionary<int, int> lots)
        {
            var packed = new long[lots.Count];
            var i = 0;
            foreach (var (kind, categories) in lots) packed[i++] = Pack(kind, categories);
            Array.Sort(packed);
            return Intern(packed);
        }

        /// <summary>What an edge with categories <paramref name="edge"/> carries of the lots in <paramref name="set"/>.</summary>
        public int Carry(int set, int edge)
        {
            if (set == Empty || edge == CategorySets.All) return set;
            var key = ((long)set << 32) | (uint)edge;
            if (_carry.TryGetValue(key, out var id)) return id;
            var carried = new List<long>();
            foreach (var lot in _sets[set])
            {
                var c = _categories.Carry(CategoriesOf(lot), edge);
                if (c != CategorySets.Nothing) carried.Add(Pack(KindOf(lot), c));
            }
            return _carry[key] = Intern([.. carried]);
        }

        /// <summary>The categories of every lot in <paramref name="set"/> together.</summary>
        public int Categories(int set) => _setCategories[set];

        /// <summary>The kinds of the lots in <paramref name="set"/>.</summary>
        public IEnumerable<int> KindsIn(int set) => _sets[set].Select(KindOf);

        /// <summary>The subjects, subject types and designations of the lots in <paramref name="set"/> together (sorted, distinct).</summary>
        public (ImmutableArray<string> Subjects, ImmutableArray<string> SubjectTypes, ImmutableArray<string> Designations) Describe(int set)
        {
            if (_described.TryGetValue(set, out var d)) return d;
            var lots = _sets[set];
            if (lots.Length == 1)
            {
                var k = _kinds[KindOf(lots[0])];
                return _described[set] = (k.Subjects, k.SubjectTypes, k.Designations);
            }
            var kinds = lots.Select(l => _kinds[KindOf(l)]).ToList();
            return _described[set] = (FactBuilder.Sorted(kinds.SelectMany(k => k.Subjects)), FactBuilder.Sorted(kinds.SelectMany(k => k.SubjectTypes)),
                FactBuilder.Sorted(kinds.SelectMany(k => k.Designations)));
        }

        private int Intern(long[] lots)
        {
            if (_setIds.TryGetValue(lots, out var id)) return id;
            _sets.Add(lots);
            var union = CategorySets.Nothing;
            foreach (var lot in lots) union = _categories.Union(union, CategoriesOf(lot));
            _setCategories.Add(union);
            return _setIds[lots] = _sets.Count - 1;
        }

        private static long Pack(int kind, int categories) => ((long)kind << 32) | (uint)categories;

        private static int KindOf(long lot) => (int)(lot >> 32);

        private static int CategoriesOf(long lot) => (int)(lot & 0xFFFFFFFF);

        private sealed class KindComparer : IEqualityComparer<(string[]?, string[]?, string[]?)>
        {
            public static KindComparer Instance { get; } = new();

            public bool Equals((string[]?, string[]?, string[]?) x, (string[]?, string[]?, string[]?) y) =>
                Same(x.Item1, y.Item1) && Same(x.Item2, y.Item2) && Same(x.Item3, y.Item3);

            public int GetHashCode((string[]?, string[]?, string[]?) obj) => HashCode.Combine(Hash(obj.Item1), Hash(obj.Item2), Hash(obj.Item3));

            private static bool Same(string[]? a, string[]? b) => ReferenceEquals(a, b) || (a ?? []).AsSpan().SequenceEqual(b ?? []);

            private static int Hash(string[]? a)
            {
                var hash = new HashCode();
                foreach (var s in a ?? []) hash.Add(s, StringComparer.Ordinal);
                return hash.ToHashCode();
            }
        }

        private sealed class LongsComparer : IEqualityComparer<long[]>
        {
            public static LongsComparer Instance { get; } = new();

            public bool Equals(long[]? x, long[]? y) => (x ?? []).AsSpan().SequenceEqual(y ?? []);

            public int GetHashCode(long[] obj)
            {
                var hash = new HashCode();
                foreach (var v in obj) hash.Add(v);
                return hash.ToHashCode();
            }
        }
    }

    /// <summary>
    /// One regime's individuals per kind of lot: the sum over the distinct data its lots start from (a store's, or a
    /// cluster's stores'), an upper bound of the individuals in any of its lots (unknown when any start is unknown).
    /// </summary>
    private sealed class LotCounts(int kinds)
    {
        private readonly double?[] _individuals = new double?[kinds];
        private readonly double?[] _sensitive = new double?[kinds];
        private readonly bool[] _unknown = new bool[kinds];
        private readonly bool[] _sensitiveUnknown = new bool[kinds];
        private readonly HashSet<(int, CarriedData)> _counted = new(KindDataComparer.Instance);

        /// <summary>Counts <paramref name="held"/> (the data at a seed) toward kind <paramref name="kind"/>, once.</summary>
        public void Add(int kind, CarriedData held)
        {
            if (!_counted.Add((kind, held))) return;
            if (held.Individuals is { } n) _individuals[kind] = (_individuals[kind] ?? 0) + n;
            else _unknown[kind] = true;
            if (held.SensitiveIndividuals is { } m) _sensitive[kind] = (_sensitive[kind] ?? 0) + m;
            else _sensitiveUnknown[kind] = true;
        }

        /// <summary>The individuals (and those with sensitive data) of <paramref name="kinds"/> together.</summary>
        public (double? Individuals, double? Sensitive) Of(IEnumerable<int> kinds)
        {
            double? all = 0, sensitive = 0;
            foreach (var k in kinds)
            {
                all = _unknown[k] ? null : all + (_individuals[k] ?? 0);
                sensitive = _sensitiveUnknown[k] ? null : sensitive + (_sensitive[k] ?? 0);
            }
            return (all, sensitive);
        }

        private sealed class KindDataComparer : IEqualityComparer<(int, CarriedData)>
        {
            public static KindDataComparer Instance { get; } = new();

            public bool Equals((int, CarriedData) x, (int, CarriedData) y) => x.Item1 == y.Item1 && ReferenceEquals(x.Item2, y.Item2);

            public int GetHashCode((int, CarriedData) obj) => HashCode.Combine(obj.Item1, System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item2));
        }
    }

    /// <summary>
    /// Sets of data categories as dense ids, with memoised intersections and unions. <see cref="All"/> is data whose categories
    /// are all of them (where a regime's data starts, or an edge that declares none); <see cref="Nothing"/> is the empty set.
    /// </summary>
    private sealed class CategorySets
    {
        public const int All = 0;
        public const int Nothing = 1;

        private readonly List<ImmutableArray<string>> _sets = [[], []];
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal) { [string.Empty] = Nothing };
        private readonly Dictionary<long, int> _carry = [];
        private readonly Dictionary<long, int> _union = [];

        public ImmutableArray<string> this[int id] => _sets[id];

        /// <summary>The id of an edge's declared categories (none: all of them).</summary>
        public int Of(ImmutableArray<string> categories) => categories.IsDefaultOrEmpty ? All : Intern(categories);

        private int Intern(ImmutableArray<string> sorted)
        {
            var key = string.Join('\u0001', sorted);
            if (_ids.TryGetValue(key, out var id)) return id;
            _sets.Add(sorted);
            return _ids[key] = _sets.Count - 1;
        }

        /// <summary>What an edge with categories <paramref name="edge"/> carries out of a node holding <paramref name="held"/>.</summary>
        public int Carry(int held, int edge)
        {
            if (held == Nothing || edge == All) return held;
            if (held == All || held == edge) return edge;
            var key = ((long)held << 32) | (uint)edge;
            if (_carry.TryGetValue(key, out var id)) return id;
            var h = _sets[held];
            return _carry[key] = Intern([.. _sets[edge].Where(c => h.Contains(c, StringComparer.Ordinal))]);
        }

        /// <summary>The categories of <paramref name="a"/> and <paramref name="b"/> together.</summary>
        public int Union(int a, int b)
        {
            if (a == All || b == All) return All;
            if (a == Nothing || a == b) return b;
            if (b == Nothing) return a;
            var key = ((long)a << 32) | (uint)b;
            if (_union.TryGetValue(key, out var id)) return id;
            return _union[key] = Intern([.. _sets[a].Union(_sets[b], StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
        }
    }

    /// <summary>
    /// One regime's breadth-first search tree. For each node: the edge through which the regime's data first reached it
    /// (<see cref="Seed"/> where the data starts), the node that edge was taken from (a store's merged cluster edges are
    /// taken from the store, not from the cluster), its depth, and the chain's first edge. A hop along edge e from node n
    /// carries the chain n's data came by, then e: a walk back along the tree, which always ends at a seed.
    /// </summary>
    private sealed class RegimeTrace
    {
        public const int Unreached = -2;
        public const int Seed = -1;

        private readonly IReadOnlyList<TransferFact> _transfers;
        private readonly int[] _via;
        private readonly int[] _depth;
        private readonly int[] _first;

        public RegimeTrace(IReadOnlyList<TransferFact> transfers, int nodes)
        {
            _transfers = transfers;
            ReachedBy = new int[nodes];
            Array.Fill(ReachedBy, Unreached);
            _via = new int[nodes];
            _depth = new int[nodes];
            _first = new int[nodes];
        }

        public int[] ReachedBy { get; }

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
        public Site Origin(int node) => _transfers[_first[node]].Source;

        /// <summary>The names along the chain of hop <paramref name="e"/> taken from <paramref name="node"/>, source first (any thread).</summary>
        public ImmutableArray<string> Path(int e, int node)
        {
            var chain = t_chain ??= [];
            var path = t_path ??= [];
            chain.Clear();
            path.Clear();
            chain.Add(e);
            for (var n = node; ReachedBy[n] >= 0; n = _via[n]) chain.Add(ReachedBy[n]);
            for (var i = chain.Count - 1; i >= 0; i--) Append(path, _transfers[chain[i]].Path);
            return [.. path];
        }

        [ThreadStatic]
        private static List<int>? t_chain;

        [ThreadStatic]
        private static List<string>? t_path;
    }

    /// <summary>An onward hop's path, traced when it is first read (most hops never make a finding).</summary>
    private sealed class OnwardPath(RegimeTrace trace, int edge, int node) : LazyPath
    {
        public override ImmutableArray<string> Build() => trace.Path(edge, node);
    }

    private static TransferFact OnwardHop(TransferFact edge, int e, int node, string regime, ImmutableArray<string> only, RegimeTrace trace,
        CarriedData data) =>
        OnwardHop(edge, new OnwardPath(trace, e, node), regime, only, trace.Origin(node), trace.Length(node), data);

    /// <summary>A path already traced.</summary>
    private sealed class TracedPath(ImmutableArray<string> path) : LazyPath
    {
        public override ImmutableArray<string> Build() => path;
    }

    /// <summary>
    /// The hop <paramref name="hop"/> along a new version of its edge, <paramref name="edge"/>, whose place in the graph is
    /// unchanged (the same endpoints, sites, data and categories, so every regime's search is the same): the same regime,
    /// lots, origin, path and export volumes, with the edge's own fields (mechanisms, purpose, encryption, ...) from
    /// <paramref name="edge"/>. The incremental evaluation re-derives the hops along a changed flow this way.
    /// </summary>
    internal static TransferFact Rebase(TransferFact hop, TransferFact edge)
    {
        ArgumentNullException.ThrowIfNull(hop);
        ArgumentNullException.ThrowIfNull(edge);
        var rebased = OnwardHop(edge, new TracedPath(hop.Path), hop.OnwardRegime!, hop.Regimes, hop.Origin!, hop.Hop, hop.Data);
        rebased.ExportedIndividuals = hop.ExportedIndividuals;
        rebased.ExportedSensitiveIndividuals = hop.ExportedSensitiveIndividuals;
        return rebased;
    }

    private static TransferFact OnwardHop(TransferFact edge, LazyPath path, string regime, ImmutableArray<string> only, Site origin, int hop, CarriedData data) =>
        new(edge.Context, edge.Subject, path, edge.Source, edge.Destination, edge.Purpose)
        {
            Data = data,
            Held = data,
            Mechanisms = edge.Mechanisms,
            EncryptedInTransit = edge.EncryptedInTransit,
            Pseudonymised = edge.Pseudonymised,
            RetentionHours = edge.RetentionHours,
            Implied = true,
            OnwardRegime = regime,
            Origins = only,
            Regimes = only,
            Origin = origin,
            Hop = hop,
            FromNode = edge.FromNode,
            ToNode = edge.ToNode,
            DeclaredAt = edge.DeclaredAt,
            KeyCountry = edge.KeyCountry,
        };

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

/// <summary>Decides, before an onward hop is built, whether it could matter (see <c>OnwardRuleFilter</c>).</summary>
internal interface IOnwardHopFilter
{
    /// <summary>Called once with every transfer the search runs over (edge indices refer to this list), before <see cref="Wanted"/>.</summary>
    void Prepare(IReadOnlyList<TransferFact> transfers);

    /// <summary>Whether the hop along edge <paramref name="edge"/> carrying <paramref name="data"/> of <paramref name="regime"/>'s lots is worth building.</summary>
    bool Wanted(int edge, string regime, CarriedData data);
}
