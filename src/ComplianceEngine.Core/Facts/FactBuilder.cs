using System.Collections.Immutable;
using System.Runtime.InteropServices;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// Turns an estate into pre-resolved facts: a placement for every store, and a transfer for every declared flow.
/// References are resolved here, in C#, so the rules session never has to join fact types.
/// </summary>
public sealed partial class FactBuilder
{
    private readonly LocationResolver _resolver;

    /// <summary>Creates a builder over a resolver.</summary>
    public FactBuilder(LocationResolver resolver) => _resolver = resolver;

    /// <summary>The resolved estate: sites by name and stores by name.</summary>
    public ResolvedEstate Resolve(Estate estate)
    {
        var sites = new Dictionary<string, Site>(StringComparer.Ordinal);
        foreach (var c in estate.Clusters) sites.TryAdd("Cluster/" + c.Name, _resolver.Resolve(c, estate.Organization));
        foreach (var r in estate.Recipients) sites.TryAdd("Recipient/" + r.Name, _resolver.Resolve(r));
        return new ResolvedEstate(estate, sites) { Sensitivity = _resolver.Sensitivity };
    }

    /// <summary>Placements of every store and transfers of every declared flow.</summary>
    public static IReadOnlyList<Fact> Build(ResolvedEstate resolved, EvaluationContext context) => Build(resolved, context, workers: 1);

    /// <summary>
    /// As <see cref="Build(ResolvedEstate, EvaluationContext)"/>, building the flows' transfers on up to <paramref name="workers"/>
    /// threads (in the same order): what every flow reads of its endpoints is worked out first, so the threads only read it.
    /// </summary>
    public static IReadOnlyList<Fact> Build(ResolvedEstate resolved, EvaluationContext context, int workers)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        ArgumentNullException.ThrowIfNull(context);
        context.Sensitivity = resolved.Sensitivity;
        var facts = new List<Fact>(resolved.Estate.Stores.Length + resolved.Estate.Flows.Length);
        var copyTargets = resolved.Estate.Stores.SelectMany(s => s.Backups.Concat(s.Replicas)).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var store in resolved.Estate.Stores)
        {
            var info = resolved.Info(store);
            var site = info.Site;
            facts.Add(Placement(context, info, site, info.Subject, [store.Name, site.Name], copy: false, store.GeoRedundant,
                copyTarget: copyTargets.Contains(store.Name)));
        }
        var orgMechanisms = OrganizationMechanisms(resolved, context);
        var flows = resolved.Estate.Flows;
        if (workers <= 1 || flows.Length < 50_000)
        {
            foreach (var flow in flows)
            {
                var t = Declared(resolved, context, flow, orgMechanisms);
                if (t is not null) facts.Add(t);
            }
            return facts;
        }
        foreach (var flow in flows) resolved.Warm(flow.From.Name, flow.To.Name);
        var built = new TransferFact?[flows.Length];
        Parallel.For(0, flows.Length, new ParallelOptions { MaxDegreeOfParallelism = workers },
            i => built[i] = Declared(resolved, context, flows[i], orgMechanisms));
        foreach (var t in built)
        {
            if (t is not null) facts.Add(t);
        }
        return facts;
    }

    /// <summary>The placement of <paramref name="store"/>'s data at <paramref name="site"/>.</summary>
    public static PlacementFact Placement(EvaluationContext context, DataStore store, Site site, bool copy)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(site);
        var info = new StoreInfo(store, site, new CarriedData(Sorted(store.Categories), Sorted(store.Subjects), Sorted(store.SubjectTypes),
            Sorted(store.Designations), store.Individuals, store.SensitiveIndividuals));
        return Placement(context, info, site, info.Subject, [store.Name, site.Name], copy, store.GeoRedundant);
    }

    /// <summary>A placement from a store's resolved sets (shared by its placement, copies and implied transfers).</summary>
    internal static PlacementFact Placement(EvaluationContext context, StoreInfo info, Site site, FindingSubject subject, ImmutableArray<string> path, bool copy,
        bool geoRedundant, bool copyTarget = false)
    {
        var store = info.Store;
        return new(context, subject, path, site, store.Name)
        {
            Data = info.Data,
            Primary = store.Primary && !copy,
            Copy = copy,
            CopyTarget = copyTarget,
            GeoRedundant = geoRedundant,
            EncryptedAtRest = store.Encryption.AtRest,
            EncryptedEndToEnd = store.Encryption.EndToEnd,
            KeyCountry = store.Encryption.KeyCountry,
            Attributes = store.Info.Attributes,
        };
    }

    /// <summary>The organisation's mechanisms, as every declared transfer to a cluster adds them (see <see cref="Declared"/>).</summary>
    internal static ImmutableArray<string> OrganizationMechanisms(ResolvedEstate resolved, EvaluationContext context) =>
        resolved.Intern(Sorted(context.Organization?.Mechanisms ?? []));

    /// <summary>The transfer of one declared flow (null when its source is neither a store nor a cluster of the estate); the incremental evaluation re-derives a changed flow here.</summary>
    internal static TransferFact? Declared(ResolvedEstate resolved, EvaluationContext context, DataFlow flow, ImmutableArray<string> orgMechanisms)
    {
        if (resolved.Flow(flow.From.Name, flow.To.Name) is not var (source, fromNode, destination, toNode)) return null;

        var carried = source.Stores;
        // What rests at the source, unless the flow says what part of it moves (its categories) and how many individuals.
        // Lists already sorted (the usual case) are used as they are: the estate keeps them alive anyway.
        var data = flow.Categories.Length == 0 && flow.Individuals is null && flow.SensitiveIndividuals is null
            ? source.Carried
            : resolved.Sensitivity.Infer(source.Data with
            {
                // Interned: the onward graph and the rule filter look categories up by their array, so a few thousand distinct
                // lists are a few thousand keys, not one per flow.
                Categories = flow.Categories.Length > 0 ? resolved.Intern(Sorted(flow.Categories)) : source.Data.Categories,
                Individuals = flow.Individuals ?? source.Data.Individuals,
                SensitiveIndividuals = flow.SensitiveIndividuals ?? source.Data.SensitiveIndividuals,
            }, source.Site.Regimes);
        var sourceHop = source.Site.Name != flow.From.Name;
        var destinationHop = destination.Name != flow.To.Name;
        var path = new string[2 + (sourceHop ? 1 : 0) + (destinationHop ? 1 : 0)];
        var k = 0;
        path[k++] = flow.From.Name;
        if (sourceHop) path[k++] = source.Site.Name;
        path[k++] = flow.To.Name;
        if (destinationHop) path[k] = destination.Name;

        var mechanisms = destination.IsRecipient || orgMechanisms.IsEmpty
            ? SortedShared(resolved, flow.Mechanisms)
            : resolved.Intern(Sorted(flow.Mechanisms.Concat(orgMechanisms)));
        return new TransferFact(context, new FindingSubject(DocumentKind.DataFlow, flow.Name, flow.Info.Location),
            ImmutableCollectionsMarshal.AsImmutableArray(path), source.Site, destination, flow.Purpose)
        {
            Data = data,
            Held = source.Data,
            CarriesOnlyItsCategories = flow.Categories.Length > 0,
            Mechanisms = mechanisms,
            EncryptedInTransit = flow.EncryptedInTransit,
            Pseudonymised = flow.Pseudonymised,
            RetentionHours = flow.Retention?.TotalHours,
            Origins = source.Site.Regimes,
            Regimes = source.Site.Regimes,
            FromNode = fromNode,
            ToNode = toNode,
            DeclaredAt = flow.Info.Location,
            Attributes = flow.Info.Attributes,
            KeyCountry = carried.Length == 1 ? carried[0].Encryption.KeyCountry : null,
        };
    }

    /// <summary>Sorted and distinct: the list itself when it already is, else one shared sorted copy.</summary>
    private static ImmutableArray<string> SortedShared(ResolvedEstate resolved, ImmutableArray<string> values)
    {
        var sorted = Sorted(values);
        return sorted == values ? values : resolved.Intern(sorted);
    }

    /// <summary>Sorted, distinct.</summary>
    public static ImmutableArray<string> Sorted(IEnumerable<string> values) => [.. values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Sorted, distinct; the same array when it already is (the common case: one or two values, or sorted input).</summary>
    public static ImmutableArray<string> Sorted(ImmutableArray<string> values)
    {
        if (values.IsDefault) return [];
        for (var i = 1; i < values.Length; i++)
        {
            if (string.CompareOrdinal(values[i - 1], values[i]) >= 0) return Sorted((IEnumerable<string>)values);
        }
        return values;
    }

    internal static double? Sum(IEnumerable<long?> values)
    {
        double? total = null;
        foreach (var v in values)
        {
            if (v is { } x) total = (total ?? 0) + x;
        }
        return total;
    }
}

/// <summary>An estate with every cluster and recipient located.</summary>
public sealed partial class ResolvedEstate
{
    private readonly Dictionary<string, Site> _sites;
    private readonly Dictionary<string, Named> _names = new(StringComparer.Ordinal);
    private readonly ILookup<string, DataStore> _storesByCluster;
    private readonly Dictionary<DataStore, StoreInfo> _storeInfo = new(ReferenceEqualityComparer.Instance);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ImmutableArray<string>, ImmutableArray<string>> _interned = new(SetComparer.Instance);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Site> _unresolved = new(StringComparer.Ordinal);

    /// <summary>Everything a name stands for: one lookup answers store, cluster, recipient, node key and source.</summary>
    private sealed class Named(string name)
    {
        public string Name { get; } = name;
        public DataStore? Store { get; set; }
        public Site? Cluster { get; set; }
        public Site? Recipient { get; set; }
        public string NodeKey => field ??= Store is not null ? "DataStore/" + Name : Cluster is not null ? "Cluster/" + Name : "Recipient/" + Name;
        public bool SourceDone { get; set; }
        public SourceInfo? Source { get; set; }
    }

    internal ResolvedEstate(Estate estate, Dictionary<string, Site> sites)
    {
        Estate = estate;
        _sites = sites;
        Named Entry(string name)
        {
            if (!_names.TryGetValue(name, out var n)) _names[name] = n = new Named(name);
            return n;
        }
        foreach (var s in estate.Stores)
        {
            var n = Entry(s.Name);
            n.Store ??= s;
        }
        foreach (var (key, site) in sites)
        {
            if (key.StartsWith("Cluster/", StringComparison.Ordinal))
            {
                var n = Entry(key["Cluster/".Length..]);
                n.Cluster ??= site;
            }
            else if (key.StartsWith("Recipient/", StringComparison.Ordinal))
            {
                var n = Entry(key["Recipient/".Length..]);
                n.Recipient ??= site;
            }
        }
        _storesByCluster = estate.Stores.Where(s => s.Cluster is not null).ToLookup(s => s.Cluster!.Name, StringComparer.Ordinal);
    }

    /// <summary>
    /// The same resolution for <paramref name="estate"/>, a version of this estate with the same clusters, stores, recipients
    /// and organisation (only its flows differ): sites, stores and what they carry are shared, not worked out again.
    /// </summary>
    internal ResolvedEstate WithEstate(Estate estate) => new(this, estate);

    private ResolvedEstate(ResolvedEstate shared, Estate estate)
    {
        Estate = estate;
        _sites = shared._sites;
        _names = shared._names;
        _storesByCluster = shared._storesByCluster;
        _storeInfo = shared._storeInfo;
        _interned = shared._interned;
        _unresolved = shared._unresolved;
        Sensitivity = shared.Sensitivity;
    }

    /// <summary>The estate.</summary>
    public Estate Estate { get; }

    /// <summary>What the regimes' sensitive categories let transfers infer.</summary>
    internal SensitivityInference Sensitivity { get; init; } = SensitivityInference.None;

    /// <summary>Every site, by <c>Kind/name</c>.</summary>
    public IReadOnlyDictionary<string, Site> Sites => _sites;

    /// <summary>A cluster's site.</summary>
    public Site? Cluster(string name) => _names.GetValueOrDefault(name)?.Cluster;

    /// <summary>A recipient's site.</summary>
    public Site? Recipient(string name) => _names.GetValueOrDefault(name)?.Recipient;

    /// <summary>A store by name.</summary>
    public DataStore? Store(string name) => _names.GetValueOrDefault(name)?.Store;

    /// <summary>The stores on a cluster.</summary>
    public IEnumerable<DataStore> StoresOn(string cluster) => _storesByCluster[cluster];

    /// <summary>
    /// Where a store's data rests. A store whose cluster or recipient is not in the estate (an estate built without the
    /// loader's reference checks) rests at a site of unknown country, so that its rules are indeterminate, never skipped.
    /// </summary>
    public Site SiteOfStore(DataStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var site = store.Cluster is { } c ? Cluster(c.Name) : store.Recipient is { } r ? Recipient(r.Name) : null;
        if (site is not null) return site;
        var where = store.Cluster?.Name ?? store.Recipient?.Name;
        return Unresolved(where ?? store.Name, where is null
            ? $"DataStore '{store.Name}' names no cluster or recipient"
            : $"'{where}' is not a {(store.Cluster is not null ? "cluster" : "recipient")} of the estate");
    }

    /// <summary>A site of unknown country standing for a name the estate does not resolve (one per name).</summary>
    internal Site Unresolved(string name, string? reason = null) =>
        _unresolved.GetOrAdd(name, n => new Site("Unresolved", n, null, reason ?? $"'{n}' is not a store, cluster or recipient of the estate", [], [], SourceLocation.None));

    /// <summary>The graph node of a name: <c>DataStore/x</c>, <c>Cluster/x</c> or <c>Recipient/x</c>.</summary>
    public string NodeKey(string name) => _names.TryGetValue(name, out var n) ? n.NodeKey : "Recipient/" + name;

    /// <summary>A flow endpoint: a store (its site, itself), a cluster (its site, its stores) or a recipient.</summary>
    public (Site Site, ImmutableArray<DataStore> Stores)? Endpoint(string name, bool allowRecipient)
    {
        if (Store(name) is { } store) return (SiteOfStore(store), [store]);
        if (Cluster(name) is { } cluster) return (cluster, [.. StoresOn(name)]);
        if (allowRecipient && Recipient(name) is { } recipient) return (recipient, []);
        return null;
    }

    /// <summary>The site of <see cref="Endpoint"/>, without listing stores.</summary>
    internal Site? EndpointSite(string name, bool allowRecipient) =>
        _names.TryGetValue(name, out var n) ? EndpointSite(n, allowRecipient) : null;

    private Site? EndpointSite(Named n, bool allowRecipient)
    {
        if (n.Store is { } store) return Info(store).Site;
        if (n.Cluster is { } cluster) return cluster;
        return allowRecipient ? n.Recipient : null;
    }

    /// <summary>
    /// Works out now everything <see cref="Flow"/> caches for these endpoints, so that threads building transfers only read
    /// (<see cref="Intern"/> is the one shared write, and it is thread-safe).
    /// </summary>
    internal void Warm(string fromName, string toName)
    {
        if (_names.TryGetValue(fromName, out var from))
        {
            _ = Source(from);
            _ = from.NodeKey;
        }
        if (_names.TryGetValue(toName, out var to))
        {
            _ = EndpointSite(to, allowRecipient: true);
            _ = to.NodeKey;
        }
    }

    /// <summary>A declared flow's endpoints in one lookup each: what the source carries, and where the data goes.</summary>
    internal (SourceInfo Source, string FromNode, Site Destination, string ToNode)? Flow(string fromName, string toName)
    {
        if (!_names.TryGetValue(fromName, out var from) || Source(from) is not { } source) return null;
        // A destination the estate does not resolve is a site of unknown country: the transfer is indeterminate, not dropped.
        if (!_names.TryGetValue(toName, out var to) || EndpointSite(to, allowRecipient: true) is not { } destination)
            return (source, from.NodeKey, Unresolved(toName), to?.NodeKey ?? NodeKey(toName));
        return (source, from.NodeKey, destination, to.NodeKey);
    }

    /// <summary>A store's site and sorted sets, worked out once per evaluation.</summary>
    internal StoreInfo Info(DataStore store)
    {
        if (!_storeInfo.TryGetValue(store, out var info))
        {
            _storeInfo[store] = info = new StoreInfo(store, SiteOfStore(store), new CarriedData(
                Intern(FactBuilder.Sorted(store.Categories)), Intern(FactBuilder.Sorted(store.Subjects)),
                Intern(FactBuilder.Sorted(store.SubjectTypes)), Intern(FactBuilder.Sorted(store.Designations)), store.Individuals, store.SensitiveIndividuals));
        }
        return info;
    }

    /// <summary>What a flow from <paramref name="name"/> (a store or a cluster) carries, worked out once per name.</summary>
    internal SourceInfo? Source(string name) => _names.TryGetValue(name, out var n) ? Source(n) : null;

    private SourceInfo? Source(Named n)
    {
        if (n.SourceDone) return n.Source;
        SourceInfo? result = null;
        if (Endpoint(n.Name, allowRecipient: false) is { } e)
        {
            var carried = e.Stores;
            var data = carried.Length == 1
                ? Info(carried[0]).Data
                : new CarriedData(
                    Intern(FactBuilder.Sorted(carried.SelectMany(s => s.Categories))), Intern(FactBuilder.Sorted(carried.SelectMany(s => s.Subjects))),
                    Intern(FactBuilder.Sorted(carried.SelectMany(s => s.SubjectTypes))), Intern(FactBuilder.Sorted(carried.SelectMany(s => s.Designations))),
                    FactBuilder.Sum(carried.Select(s => s.Individuals)), FactBuilder.Sum(carried.Select(s => s.SensitiveIndividuals)));
            result = new SourceInfo(e.Site, carried, data, Sensitivity.Infer(data, e.Site.Regimes));
        }
        n.Source = result;
        n.SourceDone = true;
        return result;
    }

    /// <summary>One shared instance per distinct set: millions of facts carry a few thousand distinct category lists.</summary>
    internal ImmutableArray<string> Intern(ImmutableArray<string> values)
    {
        if (values.IsDefaultOrEmpty) return [];
        return _interned.GetOrAdd(values, values);
    }

    private sealed class SetComparer : IEqualityComparer<ImmutableArray<string>>
    {
        public static SetComparer Instance { get; } = new();

        public bool Equals(ImmutableArray<string> x, ImmutableArray<string> y) => x.AsSpan().SequenceEqual(y.AsSpan());

        public int GetHashCode(ImmutableArray<string> obj)
        {
            var hash = new HashCode();
            foreach (var s in obj) hash.Add(s, StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }
}

/// <summary>A store with its site and its data (sorted, shared sets), shared by its placement, copies and implied transfers.</summary>
internal sealed class StoreInfo(DataStore store, Site site, CarriedData data)
{
    public DataStore Store { get; } = store;
    public Site Site { get; } = site;
    public FindingSubject Subject { get; } = new(DocumentKind.DataStore, store.Name, store.Info.Location);
    public CarriedData Data { get; } = data;
}

/// <summary>
/// What a flow from a store or cluster carries: its site, the stores, the union of their data (<see cref="Data"/>), and the
/// same with <c>sensitiveIndividuals</c> inferred under the site's regimes where it follows (<see cref="Carried"/>).
/// </summary>
internal sealed record SourceInfo(Site Site, ImmutableArray<DataStore> Stores, CarriedData Data, CarriedData Carried);

/// <summary>
/// Individuals whose data each country exports: the sum over its direct (hop 1, declared and implied) cross-border
/// transfers (volume thresholds count cumulatively per calendar year, and a flow's <c>individuals</c> is its count for the
/// current year). Worked out once from the direct transfers, then applied to every transfer (onward hops included) as it
/// is built.
/// </summary>
public sealed class ExportVolumes
{
    private readonly Dictionary<string, (double? All, double? Sensitive)> _totals;

    /// <summary>Each country's totals as one object its transfers share (<see cref="TransferFact.Exported"/>).</summary>
    private readonly Dictionary<string, ExportTotals?> _shared;

    /// <summary>The totals of a country nothing is exported from.</summary>
    private static readonly ExportTotals Nothing = new(0d, 0d);

    private ExportVolumes(Dictionary<string, (double? All, double? Sensitive)> totals)
    {
        _totals = totals;
        _shared = new Dictionary<string, ExportTotals?>(totals.Count, StringComparer.Ordinal);
        foreach (var (country, (all, sensitive)) in totals) _shared[country] = ExportTotals.Of(all, sensitive);
    }

    /// <summary>Totals per exporting country over <paramref name="transfers"/>.</summary>
    public static ExportVolumes Of(IEnumerable<TransferFact> transfers)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        // A transfer with personal data but no declared count makes the country's total unknown, not smaller.
        var totals = new Dictionary<string, (double? All, double? Sensitive)>(StringComparer.Ordinal);
        foreach (var t in transfers)
        {
            if (t.Hop != 1 || t.CrossBorder != true || t.Source.Country is not { } c) continue;
            var (all, sensitive) = totals.TryGetValue(c, out var x) ? x : (0d, 0d);
            totals[c] = (all + t.Individuals, sensitive + (t.SensitiveIndividuals ?? (t.Individuals is null ? null : 0)));
        }
        return new ExportVolumes(totals);
    }

    /// <summary>
    /// The totals of exporting country <paramref name="country"/> over <paramref name="transfers"/>, summed in the same order as
    /// <see cref="Of"/> sums them (so equal to its totals for that country, to the bit), without the other countries'.
    /// </summary>
    internal static (double? All, double? Sensitive) TotalsOf(IReadOnlyList<TransferFact> transfers, string country)
    {
        ArgumentNullException.ThrowIfNull(transfers);
        (double? All, double? Sensitive) totals = (0d, 0d);
        for (var i = 0; i < transfers.Count; i++)
        {
            var t = transfers[i];
            if (t.Hop != 1 || t.CrossBorder != true || !string.Equals(t.Source.Country, country, StringComparison.Ordinal)) continue;
            totals = (totals.All + t.Individuals, totals.Sensitive + (t.SensitiveIndividuals ?? (t.Individuals is null ? null : 0)));
        }
        return totals;
    }

    /// <summary>The totals of exporting country <paramref name="country"/> (what <see cref="Apply"/> sets on its transfers).</summary>
    internal (double? All, double? Sensitive) TotalsOf(string country) => _totals.TryGetValue(country, out var x) ? x : (0d, 0d);

    /// <summary>Whether <paramref name="other"/> has the same totals for every country (so every transfer gets the same).</summary>
    internal bool SameTotals(ExportVolumes other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (_totals.Count != other._totals.Count) return false;
        foreach (var (country, totals) in _totals)
        {
            if (!other._totals.TryGetValue(country, out var theirs) || theirs != totals) return false;
        }
        return true;
    }

    /// <summary>Sets the exporting country's totals on <paramref name="transfer"/>.</summary>
    public TransferFact Apply(TransferFact transfer)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        if (transfer.Source.Country is not { } c) return transfer;
        transfer.Exported = _shared.TryGetValue(c, out var totals) ? totals : Nothing;
        return transfer;
    }
}
