using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Jurisdictions;

namespace ComplianceEngine.Core.Location;

/// <summary>
/// Provider region -> country, and the provider's paired region (geo-redundant storage). A lookup normalises what users
/// write before it gives up: case (<c>US-CENTRAL1</c>), zones (<c>eu-central-1a</c>, <c>us-west1-b</c>), display names
/// (<c>Brazil South</c>, <c>Europe (Frankfurt)</c>) and multi-regions (<c>EU</c>, <c>eur4</c>). Every rule of the
/// normalisation comes from the catalog files (regions with their names, zone forms, multi-regions), none from code.
/// </summary>
public sealed class RegionCatalog
{
    // Plain dictionaries, never written after construction: a few hundred keys looked up once per cluster, where building
    // frozen ones (which study their keys first) cost more at start-up than all the lookups of a check gain.
    private readonly Dictionary<string, RegionInfo> _byKey;
    private readonly Dictionary<string, RegionInfo> _byFolded;
    private readonly Dictionary<string, RegionInfo?> _byName;
    private readonly Dictionary<string, (MultiRegion Location, ImmutableArray<RegionInfo> Members)> _multi;
    // Zone suffix patterns are compiled on the first lookup that needs them (a region not found as written).
    private readonly Lazy<Dictionary<string, ImmutableArray<(ZoneForm Form, Regex Suffix)>>> _zones;
    private readonly Dictionary<string, ImmutableArray<RegionInfo>> _regionsOf;

    /// <summary>Builds the catalog from regions only (no zone forms, no multi-regions).</summary>
    public RegionCatalog(IEnumerable<RegionInfo> regions)
        : this(new RegionData([.. regions], [], []))
    {
    }

    /// <summary>
    /// Builds the catalog. Sovereign partitions (azure-china, azure-government) are found under their parent provider too.
    /// A display name two regions of a provider share is not used (it names neither).
    /// </summary>
    public RegionCatalog(RegionData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var map = new Dictionary<string, RegionInfo>(StringComparer.Ordinal);
        var folded = new Dictionary<string, RegionInfo>(StringComparer.Ordinal);
        var names = new Dictionary<string, RegionInfo?>(StringComparer.Ordinal);
        var byProvider = new Dictionary<string, List<RegionInfo>>(StringComparer.Ordinal);
        foreach (var r in data.Regions)
        {
            foreach (var provider in ProvidersOf(r.Provider))
            {
                map.TryAdd(Key(provider, r.Region), r);
                folded.TryAdd(Key(provider, Fold(r.Region)), r);
                if (!byProvider.TryGetValue(provider, out var list)) byProvider[provider] = list = [];
                list.Add(r);
                foreach (var name in r.Names)
                {
                    var key = Key(provider, FoldName(name));
                    names[key] = names.TryGetValue(key, out var other) && other is not null && other != r ? null : r;
                }
            }
        }
        _byKey = map;
        _byFolded = folded;
        _byName = names;
        _regionsOf = byProvider.ToDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray(), StringComparer.Ordinal);

        var multi = new Dictionary<string, (MultiRegion, ImmutableArray<RegionInfo>)>(StringComparer.Ordinal);
        foreach (var m in data.MultiRegions)
        {
            var members = m.Members.Select(x => Find(m.Provider, x)).OfType<RegionInfo>().ToImmutableArray();
            if (members.IsEmpty) continue;
            foreach (var provider in ProvidersOf(m.Provider)) multi.TryAdd(Key(provider, Fold(m.Name)), (m, members));
        }
        _multi = multi;
        _zones = new Lazy<Dictionary<string, ImmutableArray<(ZoneForm Form, Regex Suffix)>>>(() => ZonePatterns(data.Zones), LazyThreadSafetyMode.ExecutionAndPublication);
        Count = map.Count;
    }

    /// <summary>Each provider's zone forms with their compiled suffix patterns (a form whose pattern does not compile is left out).</summary>
    private static Dictionary<string, ImmutableArray<(ZoneForm Form, Regex Suffix)>> ZonePatterns(ImmutableArray<ZoneForm> forms)
    {
        var zones = new Dictionary<string, List<(ZoneForm, Regex)>>(StringComparer.Ordinal);
        foreach (var z in forms)
        {
            if (!TryZonePattern(z.Suffix, out var regex)) continue;
            foreach (var provider in ProvidersOf(z.Provider))
            {
                if (!zones.TryGetValue(provider, out var list)) zones[provider] = list = [];
                list.Add((z, regex));
            }
        }
        return zones.ToDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray(), StringComparer.Ordinal);
    }

    /// <summary>Number of (provider, region) keys.</summary>
    public int Count { get; }

    /// <summary>An empty catalog.</summary>
    public static RegionCatalog Empty { get; } = new(RegionData.Empty);

    /// <summary>The region, or null when the catalog does not know this exact code.</summary>
    public RegionInfo? Find(string provider, string region) =>
        _byKey.TryGetValue(Key(provider, region), out var r) ? r : null;

    /// <summary>The regions of a provider (its sovereign partitions included), in catalog order.</summary>
    public ImmutableArray<RegionInfo> RegionsOf(string provider) => _regionsOf.TryGetValue(provider, out var list) ? list : [];

    /// <summary>
    /// Reads what a user wrote as a region: the exact code, else the same code in another case, a display name, a
    /// multi-region, a zone of a region; else unknown, with the closest code of the provider as a suggestion.
    /// </summary>
    public RegionLookup Lookup(string provider, string text)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(text);
        if (Find(provider, text) is { } exact) return new RegionLookup(RegionMatch.Exact, text, exact);
        var folded = Fold(text);
        if (_byFolded.TryGetValue(Key(provider, folded), out var cased)) return new RegionLookup(RegionMatch.Case, text, cased);
        if (_multi.TryGetValue(Key(provider, folded), out var multi))
            return new RegionLookup(RegionMatch.MultiRegion, text, multi.Members[0]) { MultiRegion = multi.Location, Members = multi.Members };
        if (_byName.TryGetValue(Key(provider, FoldName(text)), out var named) && named is not null)
            return new RegionLookup(RegionMatch.DisplayName, text, named);
        if (Zone(provider, folded) is { } zone) return zone with { Text = text };
        return new RegionLookup(RegionMatch.Unknown, text, null)
        {
            Suggestion = Closest(folded, RegionsOf(provider).Select(r => r.Region)) ?? InCity(provider, text),
        };
    }

    /// <summary>
    /// The provider's one region in the city <paramref name="text"/> names (<c>Frankfurt</c>: <c>eu-central-1</c>
    /// on AWS), as a suggestion only: a city is not a region, and a provider may have several there. Null when none or several.
    /// </summary>
    private string? InCity(string provider, string text)
    {
        var city = FoldName(text);
        var regions = RegionsOf(provider).Where(r => FoldName(r.Location) == city)
            .Select(r => r.Region).Distinct(StringComparer.Ordinal).ToList();
        return regions.Count == 1 ? regions[0] : null;
    }

    private RegionLookup? Zone(string provider, string folded)
    {
        if (!_zones.Value.TryGetValue(provider, out var forms)) return null;
        RegionLookup? best = null;
        foreach (var region in RegionsOf(provider))
        {
            var code = Fold(region.Region);
            if (folded.Length <= code.Length || !folded.StartsWith(code, StringComparison.Ordinal)) continue;
            if (best?.Region is { } b && b.Region.Length >= region.Region.Length) continue;
            var rest = folded[code.Length..];
            foreach (var (form, suffix) in forms)
            {
                if (!suffix.IsMatch(rest)) continue;
                best = new RegionLookup(form.InRegion ? RegionMatch.Zone : RegionMatch.ZoneOutsideRegion, folded, region) { Zone = form };
                break;
            }
        }
        return best;
    }

    /// <summary>The closest candidate within a few edits, or null.</summary>
    private static string? Closest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates.Order(StringComparer.Ordinal))
        {
            var d = Suggestions.Distance(word, Fold(c));
            if (d < bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }
        return best is not null && bestDistance <= Math.Max(2, word.Length / 4) ? best : null;
    }

    /// <summary>True when <paramref name="suffix"/> is a usable zone-suffix pattern (the catalog reader checks every one).</summary>
    public static bool TryZonePattern(string suffix, out Regex regex)
    {
        try
        {
            regex = new Regex("^(?:" + suffix + ")$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
            return true;
        }
        catch (ArgumentException)
        {
            regex = null!;
            return false;
        }
    }

    private static string Key(string provider, string region) => provider + "\u0000" + region;

    private static string Fold(string text) => text.Trim().ToLowerInvariant();

    /// <summary>A display name in lower case with single spaces: "Brazil  South" and "brazil south" are one name.</summary>
    private static string FoldName(string text) => string.Join(' ', text.Split(' ', '\t').Where(p => p.Length > 0)).ToLowerInvariant();

    private static IEnumerable<string> ProvidersOf(string provider)
    {
        yield return provider;
        var dash = provider.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0) yield return provider[..dash];
    }
}

/// <summary>How <see cref="RegionCatalog.Lookup"/> read a region.</summary>
public enum RegionMatch
{
    /// <summary>The catalog's code as written.</summary>
    Exact,
    /// <summary>The catalog's code in another case (<c>US-CENTRAL1</c>).</summary>
    Case,
    /// <summary>A provider display name (<c>Brazil South</c>).</summary>
    DisplayName,
    /// <summary>A zone inside a region (<c>eu-central-1a</c>).</summary>
    Zone,
    /// <summary>A multi-region or dual-region location; <see cref="RegionLookup.Region"/> is its first member.</summary>
    MultiRegion,
    /// <summary>A zone that may lie in another metro or country than its parent region (AWS Local Zones).</summary>
    ZoneOutsideRegion,
    /// <summary>Not in the catalog.</summary>
    Unknown,
}

/// <summary>What a region text stands for.</summary>
/// <param name="Match">How it was read.</param>
/// <param name="Text">What the user wrote.</param>
/// <param name="Region">The catalog region (for a zone outside its region: the parent region), or null when unknown.</param>
public sealed record RegionLookup(RegionMatch Match, string Text, RegionInfo? Region)
{
    /// <summary>The multi-region, for <see cref="RegionMatch.MultiRegion"/>.</summary>
    public MultiRegion? MultiRegion { get; init; }

    /// <summary>The member regions of a multi-region (first: its home), else empty.</summary>
    public ImmutableArray<RegionInfo> Members { get; init; } = [];

    /// <summary>The zone form that matched, for zones.</summary>
    public ZoneForm? Zone { get; init; }

    /// <summary>For an unknown region: the closest code of the provider, or null.</summary>
    public string? Suggestion { get; init; }

    /// <summary>True when the text names a place whose country the catalog gives.</summary>
    public bool IsKnown => Match is not (RegionMatch.Unknown or RegionMatch.ZoneOutsideRegion) && Region is not null;

    /// <summary>The catalog's name for the location (a region code, or a multi-region's name), or null when unknown.</summary>
    public string? Canonical => Match switch
    {
        RegionMatch.MultiRegion => MultiRegion!.Name,
        RegionMatch.Unknown or RegionMatch.ZoneOutsideRegion => null,
        _ => Region?.Region,
    };
}
