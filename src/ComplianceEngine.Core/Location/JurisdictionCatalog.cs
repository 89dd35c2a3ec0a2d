using System.Collections.Frozen;
using System.Collections.Immutable;
using ComplianceEngine.Model.Jurisdictions;

namespace ComplianceEngine.Core.Location;

/// <summary>Country groups (EU, EEA, ...), the set of known country codes, and the regimes with their adequacy lists.</summary>
public sealed class JurisdictionCatalog
{
    /// <summary>The group that lists every ISO 3166-1 alpha-2 code the catalog knows.</summary>
    public const string CountriesGroup = "ISO3166";

    // Plain dictionaries, never written after construction: building frozen ones (which study their keys first) cost more
    // at start-up than the lookups of a check gain. The groups' member sets stay frozen: conditions test them per fact.
    private readonly Dictionary<string, FrozenSet<string>> _groups;
    private readonly Dictionary<string, CountryGroup> _definitions;
    private readonly Dictionary<string, Regime> _regimes;
    private readonly Dictionary<string, ImmutableArray<string>> _groupsOfCountry;

    /// <summary>Builds the catalog from loaded documents.</summary>
    public JurisdictionCatalog(IEnumerable<CountryGroup> groups, IEnumerable<Regime> regimes)
    {
        var g = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal);
        var definitions = new Dictionary<string, CountryGroup>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            g.TryAdd(group.Name, group.Members.ToFrozenSet(StringComparer.Ordinal));
            definitions.TryAdd(group.Name, group);
        }
        _groups = g;
        _definitions = definitions;
        var r = new Dictionary<string, Regime>(StringComparer.Ordinal);
        foreach (var regime in regimes) r.TryAdd(regime.Code, regime);
        _regimes = r;
        Countries = _groups.TryGetValue(CountriesGroup, out var all) ? all : FrozenSet<string>.Empty;

        var byCountry = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, members) in _groups.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (name == CountriesGroup) continue;
            foreach (var c in members)
            {
                if (!byCountry.TryGetValue(c, out var list)) byCountry[c] = list = [];
                list.Add(name);
            }
        }
        _groupsOfCountry = byCountry.ToDictionary(kv => kv.Key, kv => kv.Value.ToImmutableArray(), StringComparer.Ordinal);
    }

    /// <summary>Every known country code.</summary>
    public FrozenSet<string> Countries { get; }

    /// <summary>Names of all groups.</summary>
    public IEnumerable<string> GroupNames => _groups.Keys.Order(StringComparer.Ordinal);

    /// <summary>All regimes, by code.</summary>
    public IEnumerable<Regime> Regimes => _regimes.Values.OrderBy(r => r.Code, StringComparer.Ordinal);

    /// <summary>True when <paramref name="country"/> is a known code (or no country list was loaded).</summary>
    public bool IsKnownCountry(string country) =>
        Countries.Count == 0 || Countries.Contains(country) || (Group("INTL")?.Contains(country) ?? false);

    /// <summary>The members of a group, or null.</summary>
    public FrozenSet<string>? Group(string name) => _groups.TryGetValue(name, out var g) ? g : null;

    /// <summary>A group as declared (with its confidence), or null.</summary>
    public CountryGroup? GroupDefinition(string name) => _definitions.TryGetValue(name, out var g) ? g : null;

    /// <summary>The groups a country belongs to, sorted.</summary>
    public ImmutableArray<string> GroupsOf(string country) => _groupsOfCountry.TryGetValue(country, out var g) ? g : [];

    /// <summary>A regime by code, or null.</summary>
    public Regime? Regime(string code) => _regimes.TryGetValue(code, out var r) ? r : null;

    /// <summary>True when <paramref name="entry"/> (a country code or a group name) covers <paramref name="country"/>.</summary>
    public bool Covers(string entry, string country) =>
        entry == country || (_groups.TryGetValue(entry, out var members) && members.Contains(country));

    /// <summary>The regimes whose law binds an exporter in <paramref name="country"/>.</summary>
    public ImmutableArray<string> RegimesOf(string country) =>
        _regimes.Values.Where(r => r.Countries.Any(c => Covers(c, country))).Select(r => r.Code).Order(StringComparer.Ordinal).ToImmutableArray();
}
