using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Bogus;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Bench;

/// <summary>The shape of the flow graph.</summary>
internal enum Topology
{
    /// <summary>Data moves from collection databases to derived stores to sinks and SaaS, mostly within a geography (realistic).</summary>
    Layered,
    /// <summary>Any store sends to any store: a dense cyclic graph, the worst case for onward-chain analysis.</summary>
    Dense,
}

/// <summary>How big an estate is: flows, with clusters = flows/100, stores = flows/10 and a few hundred SaaS recipients at most.</summary>
internal sealed record EstateSize(int Flows, int Clusters, int Stores, int Recipients)
{
    public static EstateSize ForFlows(int flows) =>
        new(flows, Math.Max(4, flows / 100), Math.Max(10, flows / 10), Math.Clamp(flows / 2000, 12, 500));
}

/// <summary>
/// A seeded generator of realistic estates: clusters on real regions of several providers (and on-premises), split
/// into dev/staging/prod with DR standbys in another region; stores with realistic category mixes, subjects mostly from
/// the cluster's country, replicas, backups and Azure geo-redundancy; SaaS recipients with real certifications; and
/// flows with realistic purposes and mechanisms. The same seed and size always give the same estate.
/// </summary>
internal sealed class EstateGenerator
{
    private sealed record Archetype(string Name, double Weight, string[] Categories, string[] Extra, string[] SubjectTypes, double MedianIndividuals,
        bool Personal, bool PrimaryLike, int Tier);

    // Fideslang-style category mixes of the stores a typical estate holds. Tier: 0 = collection databases, 1 = derived and
    // operational stores, 2 = sinks (feature stores, backup vaults); in a layered estate data moves down the tiers.
    private static readonly Archetype[] Archetypes =
    [
        new("customer-db", 18, ["user.contact", "user.name"], ["user.financial", "user.demographic", "user.contact.address"], ["customer"], 200_000, true, true, 0),
        new("orders", 12, ["user.contact", "user.financial"], ["user.contact.address", "user.behavior.purchase_history"], ["customer"], 150_000, true, true, 0),
        new("payments", 6, ["user.financial.credit_card", "user.contact.address"], ["user.financial.bank_account", "user.name"], ["customer"], 100_000, true, true, 0),
        new("hr-db", 4, ["user.contact", "user.name", "user.job_title"], ["user.financial.bank_account", "user.government_id", "user.health_and_medical"], ["employee"], 5_000, true, true, 0),
        new("patient-records", 3, ["user.health_and_medical", "user.name", "user.contact"], ["user.health_and_medical.genetic", "user.government_id"], ["patient"], 50_000, true, true, 0),
        new("clickstream", 14, ["user.behavior", "user.device"], ["user.location.imprecise", "user.contact.email"], ["customer"], 1_000_000, true, false, 1),
        new("ml-features", 5, ["user.behavior", "user.demographic"], ["user.location.imprecise"], ["customer"], 500_000, true, false, 2),
        new("auth", 6, ["user.authorization.credentials", "user.contact.email"], ["user.device"], ["customer", "employee"], 300_000, true, true, 0),
        new("geo-events", 3, ["user.location.precise"], ["user.device"], ["customer"], 400_000, true, false, 1),
        new("support-tickets", 5, ["user.contact", "user.name"], ["user.health_and_medical", "user.financial"], ["customer"], 80_000, true, false, 1),
        new("app-logs", 16, ["system.operations"], ["user.device"], [], 0, false, false, 1),
        new("config", 4, ["system.authentication"], ["system.operations"], [], 0, false, false, 1),
    ];

    private static readonly Archetype Archive =
        new("archive", 0, ["user.contact", "user.name", "user.financial"], ["user.behavior", "user.health_and_medical"], ["customer"], 500_000, true, false, 2);

    private static readonly string[] Workloads = ["platform", "data", "ml", "payments", "analytics", "web"];
    private static readonly double[] WorkloadWeights = [30, 20, 10, 10, 10, 20];

    private sealed class GCluster
    {
        public required string Name { get; init; }
        public required string Provider { get; init; }
        public required string? Region { get; init; }
        public required string Country { get; init; }
        public required string Geo { get; init; }
        public required string Environment { get; init; }
        public required string Role { get; init; }
        public required string Workload { get; init; }
        public bool AzurePaired { get; init; }
        public string? DrStrategy { get; set; }
        public List<string> DrTargets { get; } = [];
        public double Weight { get; set; }
        public List<GStore> Stores { get; } = [];
        public List<GStore>[] StoresByTier { get; } = [[], [], []];
    }

    private sealed class GStore
    {
        public required string Name { get; init; }
        public required Archetype Kind { get; init; }
        public GCluster? Cluster { get; init; }
        public GRecipient? Recipient { get; init; }
        public required string Geo { get; init; }
        public required string Country { get; init; }
        public string[] Categories { get; set; } = [];
        public long? Individuals { get; set; }
        public double Weight { get; set; }
        public DataStore? Built { get; set; }
    }

    private sealed class GRecipient
    {
        public required string Name { get; init; }
        public required string Country { get; init; }
        public required string Geo { get; init; }
        public double Weight { get; init; }
    }

    private readonly GeoCatalog _geo;
    private readonly Topology _topology;
    private readonly Faker _faker;
    private readonly Randomizer _rng;

    public EstateGenerator(GeoCatalog geo, int seed, Topology topology = Topology.Layered)
    {
        _geo = geo;
        _topology = topology;
        _rng = new Randomizer(seed);
        _faker = new Faker("en") { Random = _rng };
    }

    /// <summary>Builds an estate of <paramref name="size"/> in memory.</summary>
    public Estate Generate(EstateSize size)
    {
        var organization = new Organization(Info(DocumentKind.Organization, "acme-group", ("team", "legal")), "DE", [], []);
        var clusters = GenerateClusters(size.Clusters);
        var recipients = GenerateRecipients(size.Recipients);
        var stores = GenerateStores(size.Stores, clusters, recipients);
        var flows = GenerateFlows(size.Flows, clusters, stores, recipients);

        var estate = new Estate(
            [.. clusters.Select(BuildCluster)],
            [.. stores.Select(s => s.Built!)],
            flows,
            [.. recipients.Select(r => r.Built)],
            organization);
        CheckUniqueNames(estate);
        return estate;
    }

    // ---------------------------------------------------------------- clusters

    private List<GCluster> GenerateClusters(int count)
    {
        var clusters = new List<GCluster>(count);
        var providers = new[] { "aws", "azure", "gcp", "oci", "alibaba", "ibm", "onprem", "edge" };
        var providerWeights = new double[] { 34, 28, 20, 5, 2, 2, 7, 2 };
        var regionSamplers = _geo.Regions.ToDictionary(kv => kv.Key,
            kv => new Sampler<RegionChoice>(kv.Value, kv.Value.Select(r => r.Weight).ToArray()), StringComparer.Ordinal);
        var envs = new[] { "development", "staging", "qa", "uat", "production" };
        var envWeights = new double[] { 25, 20, 3, 2, 50 };
        var strategies = new[] { "warm-standby", "active-passive", "pilot-light", "active-active", "backup-restore" };
        var strategyWeights = new double[] { 35, 30, 15, 15, 5 };
        var onPrem = new Sampler<string>(GeoCatalog.OnPremCountries.Select(c => c.Country).ToArray(), GeoCatalog.OnPremCountries.Select(c => c.Weight).ToArray());

        while (clusters.Count < count)
        {
            var env = Pick(envs, envWeights);
            var provider = Pick(providers, providerWeights);
            var workload = Pick(Workloads, WorkloadWeights);
            var role = provider == "edge" ? "edge" : _rng.Bool(0.06f) ? "backup" : "primary";
            if (role == "backup") workload = "archive";
            RegionChoice? region = null;
            string country;
            if (provider is "onprem" or "edge")
            {
                country = onPrem.Next(_rng);
            }
            else
            {
                region = regionSamplers[provider].Next(_rng);
                country = region.Country;
            }
            var cluster = NewCluster(clusters.Count, provider, region, country, env, role, workload);
            // About one cluster in a thousand names a region the catalog does not know (a typo, a brand-new region):
            // the engine must report it as indeterminate, never as compliant.
            if (region is not null && _rng.Bool(0.001f))
            {
                cluster = NewCluster(clusters.Count, provider, region with { Region = region.Region + "-x", Country = country }, country, env, role, workload);
            }
            clusters.Add(cluster);

            // Production primaries often have a DR standby in another region of the same provider, mostly the same geography.
            if (env == "production" && role == "primary" && region is not null && clusters.Count < count && _rng.Bool(0.4f))
            {
                var strategy = Pick(strategies, strategyWeights);
                var all = _geo.Regions[provider];
                var sameGeo = all.Where(r => r.Region != region.Region && r.Geo == region.Geo).ToList();
                var candidates = sameGeo.Count > 0 && _rng.Bool(0.85f) ? sameGeo : all.Where(r => r.Region != region.Region).ToList();
                if (candidates.Count == 0) continue;
                var drRegion = new Sampler<RegionChoice>(candidates, candidates.Select(r => r.Weight).ToArray()).Next(_rng);
                var standby = NewCluster(clusters.Count, provider, drRegion, drRegion.Country, env, strategy == "active-active" ? "primary" : "standby", workload);
                clusters.Add(standby);
                cluster.DrStrategy = strategy;
                cluster.DrTargets.Add(standby.Name);
                if (strategy == "active-active" && _rng.Bool(0.5f))
                {
                    standby.DrStrategy = strategy;
                    standby.DrTargets.Add(cluster.Name);
                }
            }
        }
        foreach (var c in clusters)
        {
            var w = LogNormal(1, 1);
            c.Weight = c.Role switch { "standby" => w * 0.15, "backup" => w * 0.05, _ => c.Environment == "production" ? w : w * 0.5 };
        }
        return clusters;
    }

    private static GCluster NewCluster(int index, string provider, RegionChoice? region, string country, string env, string role, string workload)
    {
        var geo = GeoCatalog.Geo(country);
        var envShort = env switch { "development" => "dev", "production" => "prod", "staging" => "stg", _ => env };
        return new GCluster
        {
            Name = string.Create(CultureInfo.InvariantCulture, $"{(provider is "onprem" or "edge" ? provider : geo)}-{envShort}-{workload}-{index:D5}"),
            Provider = provider,
            Region = region?.Region,
            Country = country,
            Geo = geo,
            Environment = env,
            Role = role,
            Workload = workload,
            AzurePaired = provider == "azure" && region is { Paired: true },
        };
    }

    private static Cluster BuildCluster(GCluster c)
    {
        var info = Info(DocumentKind.Cluster, c.Name, ("team", c.Workload), ("tier", c.Environment));
        DisasterRecovery? dr = c.DrTargets.Count == 0 ? null
            : new DisasterRecovery(c.DrStrategy!, [.. c.DrTargets.Select(t => new Reference(t, SourceLocation.None))], SourceLocation.None);
        // On-premises and edge clusters declare their country; cloud clusters get it from the region catalog.
        return new Cluster(info, c.Provider, c.Region, c.Region is null ? c.Country : null, c.Environment, c.Role, "", dr);
    }

    // ---------------------------------------------------------------- recipients

    private static readonly string[] RecipientCountries = ["US", "IN", "SG", "GB", "IE", "DE", "NL", "IL", "CA", "AU", "JP", "BR", "CH"];
    private static readonly double[] RecipientCountryWeights = [55, 8, 4, 6, 6, 6, 3, 2, 3, 2, 2, 1, 2];

    private sealed class GRecipientBuilt
    {
        public required GRecipient Source { get; init; }
        public required Recipient Built { get; init; }
        public string Name => Source.Name;
    }

    private List<GRecipientBuilt> GenerateRecipients(int count)
    {
        var list = new List<GRecipientBuilt>(count);
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var country = Pick(RecipientCountries, RecipientCountryWeights);
            var slug = Slug(_faker.Company.CompanyName());
            var name = string.Create(CultureInfo.InvariantCulture, $"{slug}-saas-{i:D3}");
            if (!used.Add(name)) continue;
            var certs = new List<string>();
            if (country == "US")
            {
                if (_rng.Bool(0.65f))
                {
                    certs.Add("eu-us-dpf");
                    if (_rng.Bool(0.25f)) certs.Add("eu-us-dpf-hr");
                    if (_rng.Bool(0.5f)) certs.Add("uk-extension");
                    if (_rng.Bool(0.4f)) certs.Add("swiss-us-dpf");
                }
                if (_rng.Bool(0.1f)) certs.Add("apec-cbpr");
            }
            else if (country == "CA" && _rng.Bool(0.75f)) certs.Add("pipeda");
            else if (country is "JP" or "SG" or "AU" && _rng.Bool(0.2f)) certs.Add("apec-cbpr");
            var agreements = new List<string>();
            if (_rng.Bool(0.9f)) agreements.Add("dpa");
            if (country == "US" && _rng.Bool(0.15f)) agreements.Add("baa");
            var g = new GRecipient { Name = name, Country = country, Geo = GeoCatalog.Geo(country), Weight = 1.0 / Math.Pow(i + 1, 0.8) };
            var info = Info(DocumentKind.Recipient, name, ("vendor-tier", i < 20 ? "strategic" : "standard"));
            list.Add(new GRecipientBuilt
            {
                Source = g,
                Built = new Recipient(info, country, _rng.Bool(0.85f) ? "processor" : "controller", [.. certs], [.. agreements]),
            });
        }
        return list;
    }

    // ---------------------------------------------------------------- stores

    private List<GStore> GenerateStores(int count, List<GCluster> clusters, List<GRecipientBuilt> recipients)
    {
        var stores = new List<GStore>(count);
        var clusterSampler = new Sampler<GCluster>(clusters, clusters.Select(c => c.Weight).ToArray());
        var archetypeSampler = new Sampler<Archetype>(Archetypes, Archetypes.Select(a => a.Weight).ToArray());
        var backupClusters = clusters.Where(c => c.Role == "backup").ToList();

        // Backup vaults first, so that stores can name them in `backups`.
        var archives = new List<GStore>();
        var archiveCount = Math.Max(1, count / 20);
        for (var i = 0; i < archiveCount; i++)
        {
            var cluster = backupClusters.Count > 0 ? backupClusters[_rng.Number(0, backupClusters.Count - 1)] : clusterSampler.Next(_rng);
            var s = NewStore(stores.Count, Archive, cluster, null);
            archives.Add(s);
            stores.Add(s);
        }
        var archivesByGeo = archives.GroupBy(s => s.Geo, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        var clustersByGeo = clusters.GroupBy(c => c.Geo, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        while (stores.Count < count)
        {
            var kind = archetypeSampler.Next(_rng);
            // A few stores are held by a SaaS vendor (a CRM, a ticketing system), not on a cluster of the estate.
            if (kind.Personal && _rng.Bool(0.015f))
            {
                var r = recipients[_rng.Number(0, recipients.Count - 1)];
                stores.Add(NewStore(stores.Count, kind, null, r.Source));
                continue;
            }
            stores.Add(NewStore(stores.Count, kind, clusterSampler.Next(_rng), null));
        }

        foreach (var s in stores) s.Built = BuildStore(s, clusters, clustersByGeo, archivesByGeo, archives);
        return stores;
    }

    private GStore NewStore(int index, Archetype kind, GCluster? cluster, GRecipient? recipient)
    {
        var country = cluster?.Country ?? recipient!.Country;
        var s = new GStore
        {
            Name = string.Create(CultureInfo.InvariantCulture, $"{kind.Name}-{index:D6}"),
            Kind = kind,
            Cluster = cluster,
            Recipient = recipient,
            Geo = GeoCatalog.Geo(country),
            Country = country,
        };
        var categories = new List<string>(kind.Categories);
        foreach (var extra in kind.Extra)
        {
            if (_rng.Bool(0.2f)) categories.Add(extra);
        }
        s.Categories = [.. categories];
        s.Individuals = kind.Personal && !_rng.Bool(0.03f) ? (long)Math.Min(2e8, Math.Round(LogNormal(kind.MedianIndividuals, 1.5))) + 1 : null;
        s.Weight = LogNormal(1, 1) * (kind.Personal ? 1 : 0.5) * (kind == Archive ? 0.1 : 1) *
            (_topology == Topology.Layered ? kind.Tier switch { 0 => 2, 1 => 1, _ => 0.4 } : 1);
        cluster?.Stores.Add(s);
        return s;
    }

    private static readonly string[] ForeignSubjects = ["EU", "US", "GB", "CH", "JP", "IN", "BR", "CA", "AU", "SG", "KR", "CN"];
    private static readonly double[] ForeignSubjectWeights = [35, 25, 8, 3, 5, 5, 4, 4, 3, 3, 2, 3];

    private DataStore BuildStore(GStore s, List<GCluster> clusters, Dictionary<string, List<GCluster>> clustersByGeo, Dictionary<string, List<GStore>> archivesByGeo, List<GStore> archives)
    {
        var kind = s.Kind;
        var subjects = new List<string>();
        string[] designations = [];
        long? sensitive = null;
        if (kind.Personal)
        {
            var local = _geo.SubjectCode(s.Country);
            var roll = _rng.Double();
            if (roll < 0.80) subjects.Add(local);
            else if (roll < 0.95)
            {
                subjects.Add(local);
                var other = Pick(ForeignSubjects, ForeignSubjectWeights);
                if (other != local) subjects.Add(other);
            }
            else subjects.Add(Pick(ForeignSubjects, ForeignSubjectWeights));

            designations = (kind.Name, s.Country) switch
            {
                ("payments", "IN") when _rng.Bool(0.5f) => ["payment-system-data"],
                ("patient-records", "US") when _rng.Bool(0.3f) => ["ephi"],
                ("patient-records", "AU") when _rng.Bool(0.4f) => ["my-health-record"],
                (_, "CN") when _rng.Bool(0.2f) => ["important-data"],
                _ => [],
            };
            if (s.Individuals is { } n)
            {
                if (s.Categories.Any(c => c.StartsWith("user.health_and_medical", StringComparison.Ordinal) || c.StartsWith("user.health_and_medical.genetic", StringComparison.Ordinal)))
                    sensitive = kind.Name == "patient-records" ? n : Math.Max(1, n / 10);
            }
        }

        var production = s.Cluster?.Environment == "production";
        var replicas = new List<Reference>();
        var backups = new List<Reference>();
        if (s.Cluster is { } cluster && production && kind != Archive)
        {
            if (_rng.Bool(0.08f))
            {
                var pool = _rng.Bool(0.8f) && clustersByGeo.TryGetValue(s.Geo, out var same) ? same : clusters;
                var target = pool[_rng.Number(0, pool.Count - 1)];
                if (target != cluster) replicas.Add(new Reference(target.Name, SourceLocation.None));
            }
            if (kind.Personal && _rng.Bool(0.12f))
            {
                var pool = _rng.Bool(0.85f) && archivesByGeo.TryGetValue(s.Geo, out var same) ? same : archives;
                backups.Add(new Reference(pool[_rng.Number(0, pool.Count - 1)].Name, SourceLocation.None));
            }
        }
        var atRest = _rng.Bool(0.85f);
        var keyCountry = atRest ? _rng.Double() switch { < 0.6 => s.Country, < 0.7 => "US", _ => null } : null;
        var encryption = new Encryption(atRest, keyCountry, _rng.Bool(0.03f));

        var info = Info(DocumentKind.DataStore, s.Name, ("app", kind.Name));
        return new DataStore(
            info,
            s.Cluster is { } c ? new Reference(c.Name, SourceLocation.None) : null,
            s.Recipient is { } r ? new Reference(r.Name, SourceLocation.None) : null,
            [.. s.Categories],
            [.. subjects],
            [.. kind.SubjectTypes],
            [.. designations],
            s.Individuals,
            sensitive,
            kind.PrimaryLike && production && _rng.Bool(0.7f),
            [.. replicas],
            [.. backups],
            s.Cluster is { AzurePaired: true } && _rng.Bool(0.35f),
            encryption);
    }

    // ---------------------------------------------------------------- flows

    private static readonly string[] RecipientPurposes = ["processing", "support-access", "analytics", "telemetry", "api"];
    private static readonly double[] RecipientPurposeWeights = [35, 20, 15, 15, 15];
    private static readonly string[] StorePurposes = ["analytics", "sync", "replication", "ml-training", "processing", "api"];
    private static readonly double[] StorePurposeWeights = [30, 20, 10, 10, 20, 10];
    private static readonly string[] ClusterPurposes = ["api", "processing", "sync"];
    private static readonly double[] ClusterPurposeWeights = [40, 30, 30];

    private static readonly string[][] MechanismSets = [["scc"], [], ["bcr"], ["contract"], ["consent"], ["certification"], ["scc", "consent"]];
    private static readonly double[] MechanismWeights = [45, 35, 8, 4, 3, 2, 3];

    private ImmutableArray<DataFlow> GenerateFlows(int count, List<GCluster> clusters, List<GStore> stores, List<GRecipientBuilt> recipients)
    {
        var flows = ImmutableArray.CreateBuilder<DataFlow>(count);
        var onClusters = stores.Where(s => s.Cluster is not null).ToList();
        var sourceSampler = new Sampler<GStore>(onClusters, onClusters.Select(s => s.Weight).ToArray());
        var recipientSampler = new Sampler<GRecipient>(recipients.Select(r => r.Source).ToList(), recipients.Select(r => r.Source.Weight).ToArray());
        var storesByGeo = onClusters.GroupBy(s => s.Geo, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var clustersByGeo = clusters.GroupBy(c => c.Geo, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var storesByTier = Enumerable.Range(0, 3).Select(t => onClusters.Where(s => s.Kind.Tier == t).ToList()).ToArray();
        var storesByGeoTier = onClusters.GroupBy(s => (s.Geo, s.Kind.Tier)).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var s in onClusters) s.Cluster!.StoresByTier[s.Kind.Tier].Add(s);

        while (flows.Count < count)
        {
            // Source: mostly a store; sometimes a whole cluster (its telemetry, or everything on it).
            GStore? fromStore = null;
            GCluster fromCluster;
            if (_rng.Bool(0.08f))
            {
                fromCluster = clusters[_rng.Number(0, clusters.Count - 1)];
            }
            else
            {
                fromStore = sourceSampler.Next(_rng);
                fromCluster = fromStore.Cluster!;
            }
            var geo = fromStore?.Geo ?? fromCluster.Geo;
            var fromName = fromStore?.Name ?? fromCluster.Name;

            string toName;
            string purpose;
            var toRecipient = false;
            var kind = _topology == Topology.Dense ? DenseDestination() : LayeredDestination(fromStore);
            if (kind == Destination.Recipient)
            {
                toName = recipientSampler.Next(_rng).Name;
                purpose = fromStore is null || !fromStore.Kind.Personal ? "telemetry" : Pick(RecipientPurposes, RecipientPurposeWeights);
                toRecipient = true;
            }
            else if (kind == Destination.Store && fromStore is not null && _topology == Topology.Layered)
            {
                var tier = fromStore.Kind.Tier switch
                {
                    0 => _rng.Double() switch { < 0.60 => 1, < 0.85 => 2, _ => 0 },
                    1 => _rng.Bool(0.75f) ? 2 : 1,
                    _ => 2,
                };
                var where = _rng.Double();
                var pool = where < 0.2 && fromCluster.StoresByTier[tier].Count > 0 ? fromCluster.StoresByTier[tier]
                    : where < 0.8 && storesByGeoTier.TryGetValue((geo, tier), out var same) ? same
                    : storesByTier[tier].Count > 0 ? storesByTier[tier] : onClusters;
                toName = pool[_rng.Number(0, pool.Count - 1)].Name;
                purpose = tier == fromStore.Kind.Tier && tier == 0 ? (_rng.Bool(0.5f) ? "replication" : "sync") : Pick(StorePurposes, StorePurposeWeights);
            }
            else if (kind == Destination.Store)
            {
                var where = _rng.Double();
                List<GStore> pool = where < 0.2 && fromCluster.Stores.Count > 1 ? fromCluster.Stores
                    : where < 0.8 && storesByGeo.TryGetValue(geo, out var same) ? same
                    : onClusters;
                var to = pool[_rng.Number(0, pool.Count - 1)];
                // Personal data mostly moves to stores that hold personal data, not to log or config stores.
                if (fromStore is { Kind.Personal: true } && !to.Kind.Personal) to = pool[_rng.Number(0, pool.Count - 1)];
                toName = to.Name;
                purpose = Pick(StorePurposes, StorePurposeWeights);
            }
            else
            {
                var pool = _rng.Bool(0.7f) && clustersByGeo.TryGetValue(geo, out var same) ? same : clusters;
                var to = pool[_rng.Number(0, pool.Count - 1)];
                toName = to.Name;
                purpose = Pick(ClusterPurposes, ClusterPurposeWeights);
            }
            if (toName == fromName || (fromStore is not null && toName == fromCluster.Name)) continue;

            string[] categories = [];
            if (fromStore is null)
            {
                if (purpose == "telemetry" || _rng.Bool(0.5f)) categories = ["system.operations"];
            }
            else if (_rng.Bool(0.45f))
            {
                var subset = fromStore.Categories.Where(_ => _rng.Bool(0.6f)).ToArray();
                categories = subset.Length > 0 ? subset : [fromStore.Categories[0]];
            }
            if (purpose == "telemetry" && fromStore is { Kind.Personal: false }) categories = ["system.operations"];

            var mechanisms = Pick(MechanismSets, MechanismWeights);
            if (toRecipient && fromCluster.Country == "GB" && _rng.Bool(0.5f)) mechanisms = ["idta"];
            long? individuals = fromStore?.Individuals is { } n && _rng.Bool(0.35f) ? Math.Max(1, (long)(n * _rng.Double(0.01, 1))) : null;
            var pseudonymised = purpose is "analytics" or "ml-training" ? _rng.Bool(0.4f) : _rng.Bool(0.05f);
            TimeSpan? retention = purpose is "telemetry" or "support-access" && _rng.Bool(0.25f)
                ? _rng.ArrayElement(new[] { TimeSpan.FromDays(30), TimeSpan.FromHours(72), TimeSpan.FromDays(7) })
                : null;

            var name = string.Create(CultureInfo.InvariantCulture, $"{purpose}-{flows.Count:D7}");
            flows.Add(new DataFlow(
                Info(DocumentKind.DataFlow, name),
                new Reference(fromName, SourceLocation.None),
                new Reference(toName, SourceLocation.None),
                [.. categories],
                purpose,
                [.. mechanisms],
                individuals,
                null,
                _rng.Bool(0.95f),
                pseudonymised,
                retention));
        }
        return flows.MoveToImmutable();
    }

    private enum Destination
    {
        Recipient,
        Store,
        Cluster,
    }

    /// <summary>Any source sends to any destination kind alike: dense, cyclic flow graphs (a stress test for onward chains).</summary>
    private Destination DenseDestination() => _rng.Double() switch { < 0.30 => Destination.Recipient, < 0.85 => Destination.Store, _ => Destination.Cluster };

    /// <summary>Collection databases feed derived stores, derived stores feed sinks, sinks mostly feed SaaS; clusters mostly send telemetry.</summary>
    private Destination LayeredDestination(GStore? from) => from switch
    {
        null => _rng.Bool(0.8f) ? Destination.Recipient : Destination.Cluster,
        { Kind.Tier: 2 } => _rng.Double() switch { < 0.60 => Destination.Recipient, < 0.90 => Destination.Store, _ => Destination.Cluster },
        _ => _rng.Double() switch { < 0.30 => Destination.Recipient, < 0.85 => Destination.Store, _ => Destination.Cluster },
    };

    // ---------------------------------------------------------------- helpers

    private T Pick<T>(T[] items, double[] weights)
    {
        var total = 0.0;
        foreach (var w in weights) total += w;
        var x = _rng.Double() * total;
        for (var i = 0; i < items.Length; i++)
        {
            x -= weights[i];
            if (x < 0) return items[i];
        }
        return items[^1];
    }

    /// <summary>A log-normal draw with the given median and shape.</summary>
    private double LogNormal(double median, double sigma)
    {
        // Box-Muller.
        var u1 = 1.0 - _rng.Double();
        var u2 = _rng.Double();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return median * Math.Exp(sigma * z);
    }

    private static string Slug(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(ch)) sb.Append(ch);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        return sb.ToString().Trim('-');
    }

    private static DocumentInfo Info(string kind, string name, params (string Key, string Value)[] labels) =>
        new(kind, name, labels.ToImmutableSortedDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal),
            ImmutableSortedDictionary<string, string>.Empty, SourceLocation.None);

    private static void CheckUniqueNames(Estate estate)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in estate.Clusters.Select(c => c.Name).Concat(estate.Stores.Select(s => s.Name)).Concat(estate.Recipients.Select(r => r.Name)))
        {
            if (!names.Add(n)) throw new InvalidOperationException($"generated name '{n}' is used twice");
        }
    }

    /// <summary>Weighted sampling in O(log n) over a cumulative table.</summary>
    private sealed class Sampler<T>
    {
        private readonly IReadOnlyList<T> _items;
        private readonly double[] _cumulative;

        public Sampler(IReadOnlyList<T> items, double[] weights)
        {
            _items = items;
            _cumulative = new double[weights.Length];
            var total = 0.0;
            for (var i = 0; i < weights.Length; i++)
            {
                total += weights[i];
                _cumulative[i] = total;
            }
        }

        public T Next(Randomizer rng)
        {
            var x = rng.Double() * _cumulative[^1];
            var i = Array.BinarySearch(_cumulative, x);
            if (i < 0) i = ~i;
            return _items[Math.Min(i, _items.Count - 1)];
        }
    }
}
