using System.Collections.Frozen;
using ComplianceEngine.Model.Jurisdictions;

namespace ComplianceEngine.Core.Location;

/// <summary>Provider region -> country, and the provider's paired region (geo-redundant storage).</summary>
public sealed class RegionCatalog
{
    private readonly FrozenDictionary<string, RegionInfo> _byKey;

    /// <summary>Builds the catalog. Sovereign partitions (azure-china, azure-government) are found under their parent provider too.</summary>
    public RegionCatalog(IEnumerable<RegionInfo> regions)
    {
        var map = new Dictionary<string, RegionInfo>(StringComparer.Ordinal);
        foreach (var r in regions)
        {
            map.TryAdd(Key(r.Provider, r.Region), r);
            var parent = ParentProvider(r.Provider);
            if (parent != r.Provider) map.TryAdd(Key(parent, r.Region), r);
        }
        _byKey = map.ToFrozenDictionary(StringComparer.Ordinal);
        Count = map.Count;
    }

    /// <summary>Number of (provider, region) keys.</summary>
    public int Count { get; }

    /// <summary>An empty catalog.</summary>
    public static RegionCatalog Empty { get; } = new([]);

    /// <summary>The region, or null when the catalog does not know it.</summary>
    public RegionInfo? Find(string provider, string region) =>
        _byKey.TryGetValue(Key(provider, region), out var r) ? r : null;

    private static string Key(string provider, string region) => provider + "\u0000" + region;

    private static string ParentProvider(string provider)
    {
        var dash = provider.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 ? provider[..dash] : provider;
    }
}
