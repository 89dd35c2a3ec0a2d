using System.Collections.Frozen;
using ComplianceEngine.Loading;

namespace ComplianceEngine.Bench;

/// <summary>A real provider region from rules/catalog/cloud-regions.tsv, with the geography it belongs to.</summary>
internal sealed record RegionChoice(string Provider, string Region, string Country, string Geo, bool Paired, double Weight);

/// <summary>
/// What the generator needs from the built-in catalog: the real provider/region pairs (so every generated cluster
/// resolves through the same region catalog the engine uses), the EEA, and a coarse geography per country.
/// </summary>
internal sealed class GeoCatalog
{
    /// <summary>The providers of the input contract that have regions in the catalog.</summary>
    public static IReadOnlyList<string> CloudProviders { get; } = ["aws", "azure", "gcp", "oci", "alibaba", "ibm"];

    private static readonly FrozenDictionary<string, string> GeoOfCountry = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // Europe (EEA + GB + CH + RS)
        ["AT"] = "eu", ["BE"] = "eu", ["CH"] = "eu", ["DE"] = "eu", ["DK"] = "eu", ["ES"] = "eu", ["FI"] = "eu", ["FR"] = "eu",
        ["GB"] = "eu", ["IE"] = "eu", ["IT"] = "eu", ["NL"] = "eu", ["NO"] = "eu", ["PL"] = "eu", ["SE"] = "eu", ["RS"] = "eu",
        // North America
        ["US"] = "us", ["CA"] = "us", ["MX"] = "us",
        // Latin America
        ["BR"] = "latam", ["CL"] = "latam", ["CO"] = "latam",
        // Asia-Pacific
        ["AU"] = "apac", ["BD"] = "apac", ["CN"] = "apac", ["HK"] = "apac", ["ID"] = "apac", ["IN"] = "apac", ["JP"] = "apac",
        ["KR"] = "apac", ["MY"] = "apac", ["NZ"] = "apac", ["PH"] = "apac", ["SG"] = "apac", ["TH"] = "apac", ["TW"] = "apac",
        // Middle East and Africa
        ["AE"] = "mea", ["BH"] = "mea", ["IL"] = "mea", ["MA"] = "mea", ["OM"] = "mea", ["QA"] = "mea", ["SA"] = "mea", ["ZA"] = "mea",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>How popular a country is as a hosting location (relative weights; unlisted countries weigh 0.3).</summary>
    private static readonly FrozenDictionary<string, double> Popularity = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["US"] = 30, ["DE"] = 10, ["IE"] = 8, ["GB"] = 7, ["FR"] = 5, ["NL"] = 5, ["SE"] = 2, ["CH"] = 2, ["IT"] = 1.5, ["ES"] = 1.5,
        ["JP"] = 4, ["SG"] = 4, ["IN"] = 4, ["AU"] = 3, ["KR"] = 2, ["HK"] = 1, ["CA"] = 3, ["BR"] = 2, ["CN"] = 1, ["AE"] = 1,
        ["IL"] = 0.8, ["ZA"] = 0.8, ["MX"] = 0.8,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Countries where organisations run their own data centres, weighted.</summary>
    public static IReadOnlyList<(string Country, double Weight)> OnPremCountries { get; } =
        [("DE", 6), ("US", 5), ("GB", 3), ("FR", 3), ("NL", 2), ("IN", 2), ("JP", 1.5), ("CH", 1.5), ("SG", 1), ("BR", 1), ("PL", 1)];

    /// <summary>
    /// Builds the catalog from loaded rules. <paramref name="rulesDir"/> is read again for the notes column of
    /// cloud-regions.tsv: classified/air-gapped regions are never chosen, and government, restricted (DR-only),
    /// dedicated and non-public regions only rarely, as in real estates.
    /// </summary>
    public GeoCatalog(RuleSource rules, string rulesDir)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var notes = ReadNotes(rulesDir);
        Eea = rules.Groups.FirstOrDefault(g => g.Name == "EEA")?.Members.ToFrozenSet(StringComparer.Ordinal)
            ?? throw new InvalidOperationException("the rules folder has no EEA CountryGroup");
        var byProvider = new Dictionary<string, List<RegionChoice>>(StringComparer.Ordinal);
        foreach (var r in rules.Regions.Regions)
        {
            // Sovereign partitions (azure-china, azure-government, gcp-s3ns) are addressed under their parent provider.
            var dash = r.Provider.IndexOf('-', StringComparison.Ordinal);
            var provider = dash > 0 ? r.Provider[..dash] : r.Provider;
            if (!CloudProviders.Contains(provider)) continue;
            if (!byProvider.TryGetValue(provider, out var list)) byProvider[provider] = list = [];
            if (list.Any(x => x.Region == r.Region)) continue;
            var factor = Availability(r.Provider, notes.GetValueOrDefault(r.Provider + "/" + r.Region, ""));
            if (factor == 0) continue;
            list.Add(new RegionChoice(provider, r.Region, r.Country, Geo(r.Country), r.PairedRegion is not null, factor));
        }
        // A country's popularity is shared among the provider's regions there (the US has a dozen AWS regions).
        Regions = byProvider.ToFrozenDictionary(kv => kv.Key, kv =>
        {
            var perCountry = kv.Value.GroupBy(x => x.Country, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            return (IReadOnlyList<RegionChoice>)[.. kv.Value.Select(x => x with { Weight = x.Weight * PopularityOf(x.Country) / perCountry[x.Country] })];
        }, StringComparer.Ordinal);
        if (Regions.Count == 0) throw new InvalidOperationException("the rules folder has no cloud-regions.tsv entries");
    }

    /// <summary>Real regions per contract provider.</summary>
    public FrozenDictionary<string, IReadOnlyList<RegionChoice>> Regions { get; }

    /// <summary>EEA member states.</summary>
    public FrozenSet<string> Eea { get; }

    private static double Availability(string provider, string notes)
    {
        if (notes.Contains("classified", StringComparison.OrdinalIgnoreCase) || notes.Contains("air-gapped", StringComparison.OrdinalIgnoreCase)) return 0;
        // Retired and closed regions only turn up in old inventories.
        string[] gone = ["retired", "closed", "deactivated"];
        if (gone.Any(w => notes.Contains(w, StringComparison.OrdinalIgnoreCase))) return 0.01;
        if (provider.StartsWith("azure-", StringComparison.Ordinal)) return 0.05;
        string[] rare = ["restricted", "government", "govcloud", "dod", "dedicated", "non-public", "sovereign cloud", "gov-"];
        return rare.Any(w => notes.Contains(w, StringComparison.OrdinalIgnoreCase)) ? 0.05 : 1;
    }

    private static Dictionary<string, string> ReadNotes(string rulesDir)
    {
        var notes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(rulesDir)) return notes;
        foreach (var file in Directory.EnumerateFiles(rulesDir, WorkspaceLoader.RegionCatalogFile, SearchOption.AllDirectories))
        {
            foreach (var line in File.ReadLines(file))
            {
                var cols = line.Split('\t');
                if (cols.Length > 4) notes.TryAdd(cols[0] + "/" + cols[1], cols[4]);
            }
        }
        return notes;
    }

    /// <summary>The coarse geography of a country: eu, us, latam, apac, mea or other.</summary>
    public static string Geo(string country) => GeoOfCountry.GetValueOrDefault(country, "other");

    /// <summary>How popular a country is as a hosting location.</summary>
    public static double PopularityOf(string country) => Popularity.GetValueOrDefault(country, 0.3);

    /// <summary>The jurisdiction code protecting people in <paramref name="country"/>: EU for the EEA, else the country.</summary>
    public string SubjectCode(string country) => Eea.Contains(country) ? "EU" : country;
}
