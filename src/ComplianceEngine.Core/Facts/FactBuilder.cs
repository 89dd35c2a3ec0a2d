using System.Collections.Immutable;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// Turns an estate into pre-resolved facts: a placement for every store, and a transfer for every declared flow.
/// References are resolved here, in C#, so the rules session never has to join fact types.
/// </summary>
public sealed class FactBuilder
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
        return new ResolvedEstate(estate, sites);
    }

    /// <summary>Placements of every store and transfers of every declared flow.</summary>
    public static IReadOnlyList<Fact> Build(ResolvedEstate resolved, EvaluationContext context)
    {
        var facts = new List<Fact>(resolved.Estate.Stores.Length + resolved.Estate.Flows.Length);
        var copyTargets = resolved.Estate.Stores.SelectMany(s => s.Backups.Concat(s.Replicas)).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var store in resolved.Estate.Stores)
        {
            var site = resolved.SiteOfStore(store);
            if (site is null) continue;
            var placement = Placement(context, store, site, copy: false);
            facts.Add(copyTargets.Contains(store.Name) ? WithCopyTarget(placement) : placement);
        }
        var transfers = new List<TransferFact>();
        foreach (var flow in resolved.Estate.Flows)
        {
            var t = Declared(resolved, context, flow);
            if (t is not null) transfers.Add(t);
        }
        facts.AddRange(transfers);
        return facts;
    }

    /// <summary>The placement of <paramref name="store"/>'s data at <paramref name="site"/>.</summary>
    public static PlacementFact Placement(EvaluationContext context, DataStore store, Site site, bool copy) =>
        new(context, new FindingSubject(DocumentKind.DataStore, store.Name, store.Info.Location), [store.Name, site.Name], site, store.Name)
        {
            Categories = Sorted(store.Categories),
            Subjects = Sorted(store.Subjects),
            SubjectTypes = Sorted(store.SubjectTypes),
            Designations = Sorted(store.Designations),
            Individuals = store.Individuals,
            SensitiveIndividuals = store.SensitiveIndividuals,
            Primary = store.Primary && !copy,
            Copy = copy,
            GeoRedundant = store.GeoRedundant,
            EncryptedAtRest = store.Encryption.AtRest,
            EncryptedEndToEnd = store.Encryption.EndToEnd,
            KeyCountry = store.Encryption.KeyCountry,
            Attributes = store.Info.Attributes,
        };

    private static PlacementFact WithCopyTarget(PlacementFact p) =>
        new(p.Context, p.Subject, p.Path, p.Site, p.Store)
        {
            Categories = p.Categories, Subjects = p.Subjects, SubjectTypes = p.SubjectTypes, Designations = p.Designations,
            Individuals = p.Individuals, SensitiveIndividuals = p.SensitiveIndividuals, Primary = p.Primary, Copy = p.Copy,
            GeoRedundant = p.GeoRedundant, EncryptedAtRest = p.EncryptedAtRest, EncryptedEndToEnd = p.EncryptedEndToEnd,
            KeyCountry = p.KeyCountry, Attributes = p.Attributes, CopyTarget = true,
        };

    private static TransferFact? Declared(ResolvedEstate resolved, EvaluationContext context, DataFlow flow)
    {
        var source = resolved.Endpoint(flow.From.Name, allowRecipient: false);
        var destination = resolved.Endpoint(flow.To.Name, allowRecipient: true);
        if (source is null || destination is null) return null;

        var carried = source.Value.Stores;
        var categories = flow.Categories.Length > 0 ? Sorted(flow.Categories) : Sorted(carried.SelectMany(s => s.Categories));
        var path = ImmutableArray.CreateBuilder<string>();
        path.Add(flow.From.Name);
        if (source.Value.Site.Name != flow.From.Name) path.Add(source.Value.Site.Name);
        path.Add(flow.To.Name);
        if (destination.Value.Site.Name != flow.To.Name) path.Add(destination.Value.Site.Name);

        return new TransferFact(context, new FindingSubject(DocumentKind.DataFlow, flow.Name, flow.Info.Location), path.ToImmutable(),
            source.Value.Site, destination.Value.Site, flow.Purpose)
        {
            Categories = categories,
            Subjects = Sorted(carried.SelectMany(s => s.Subjects)),
            SubjectTypes = Sorted(carried.SelectMany(s => s.SubjectTypes)),
            Designations = Sorted(carried.SelectMany(s => s.Designations)),
            Individuals = flow.Individuals ?? Sum(carried.Select(s => s.Individuals)),
            SensitiveIndividuals = flow.SensitiveIndividuals ?? Sum(carried.Select(s => s.SensitiveIndividuals)),
            Mechanisms = Sorted(flow.Mechanisms.Concat(destination.Value.Site.IsRecipient ? [] : context.Organization?.Mechanisms ?? [])),
            EncryptedInTransit = flow.EncryptedInTransit,
            Pseudonymised = flow.Pseudonymised,
            RetentionHours = flow.Retention?.TotalHours,
            Origins = source.Value.Site.Regimes,
            Regimes = source.Value.Site.Regimes,
            FromNode = resolved.NodeKey(flow.From.Name),
            ToNode = resolved.NodeKey(flow.To.Name),
            DeclaredAt = flow.Info.Location,
            Attributes = flow.Info.Attributes,
            KeyCountry = carried.Length == 1 ? carried[0].Encryption.KeyCountry : null,
        };
    }

    /// <summary>
    /// Totals of individuals over direct (declared and implied) cross-border transfers per source country (volume thresholds count
    /// cumulatively per calendar year, and a flow's <c>individuals</c> is its count for the current year).
    /// </summary>
    public static void SetExportVolumes(IReadOnlyList<TransferFact> transfers)
    {
        // A transfer with personal data but no declared count makes the country's total unknown, not smaller.
        var totals = new Dictionary<string, (double? All, double? Sensitive)>(StringComparer.Ordinal);
        foreach (var t in transfers)
        {
            if (t.Hop != 1 || t.CrossBorder != true || t.Source.Country is not { } c) continue;
            var (all, sensitive) = totals.TryGetValue(c, out var x) ? x : (0d, 0d);
            totals[c] = (all + t.Individuals, sensitive + (t.SensitiveIndividuals ?? (t.Individuals is null ? null : 0)));
        }
        foreach (var t in transfers)
        {
            if (t.Source.Country is not { } c) continue;
            var (all, sensitive) = totals.TryGetValue(c, out var x) ? x : (0d, 0d);
            t.ExportedIndividuals = all;
            t.ExportedSensitiveIndividuals = sensitive;
        }
    }

    /// <summary>Sorted, distinct.</summary>
    public static ImmutableArray<string> Sorted(IEnumerable<string> values) => [.. values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static double? Sum(IEnumerable<long?> values)
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
public sealed class ResolvedEstate
{
    private readonly Dictionary<string, Site> _sites;
    private readonly Dictionary<string, DataStore> _stores;
    private readonly ILookup<string, DataStore> _storesByCluster;

    internal ResolvedEstate(Estate estate, Dictionary<string, Site> sites)
    {
        Estate = estate;
        _sites = sites;
        _stores = new Dictionary<string, DataStore>(StringComparer.Ordinal);
        foreach (var s in estate.Stores) _stores.TryAdd(s.Name, s);
        _storesByCluster = estate.Stores.Where(s => s.Cluster is not null).ToLookup(s => s.Cluster!.Name, StringComparer.Ordinal);
    }

    /// <summary>The estate.</summary>
    public Estate Estate { get; }

    /// <summary>Every site, by <c>Kind/name</c>.</summary>
    public IReadOnlyDictionary<string, Site> Sites => _sites;

    /// <summary>A cluster's site.</summary>
    public Site? Cluster(string name) => _sites.GetValueOrDefault("Cluster/" + name);

    /// <summary>A recipient's site.</summary>
    public Site? Recipient(string name) => _sites.GetValueOrDefault("Recipient/" + name);

    /// <summary>A store by name.</summary>
    public DataStore? Store(string name) => _stores.GetValueOrDefault(name);

    /// <summary>The stores on a cluster.</summary>
    public IEnumerable<DataStore> StoresOn(string cluster) => _storesByCluster[cluster];

    /// <summary>Where a store's data rests.</summary>
    public Site? SiteOfStore(DataStore store) =>
        store.Cluster is { } c ? Cluster(c.Name) : store.Recipient is { } r ? Recipient(r.Name) : null;

    /// <summary>The graph node of a name: <c>DataStore/x</c>, <c>Cluster/x</c> or <c>Recipient/x</c>.</summary>
    public string NodeKey(string name) =>
        Store(name) is not null ? "DataStore/" + name : Cluster(name) is not null ? "Cluster/" + name : "Recipient/" + name;

    /// <summary>A flow endpoint: a store (its site, itself), a cluster (its site, its stores) or a recipient.</summary>
    public (Site Site, ImmutableArray<DataStore> Stores)? Endpoint(string name, bool allowRecipient)
    {
        if (Store(name) is { } store) return SiteOfStore(store) is { } s ? (s, [store]) : null;
        if (Cluster(name) is { } cluster) return (cluster, [.. StoresOn(name)]);
        if (allowRecipient && Recipient(name) is { } recipient) return (recipient, []);
        return null;
    }
}
