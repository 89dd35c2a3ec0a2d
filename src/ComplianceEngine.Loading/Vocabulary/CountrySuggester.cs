using System.Collections.Frozen;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Vocabulary;

namespace ComplianceEngine.Loading.Vocabulary;

/// <summary>
/// Suggests the ISO 3166-1 alpha-2 code for what a user wrote instead: a lower-case code (<c>de</c>), an alpha-3 code
/// (<c>DEU</c>), an English name (<c>Germany</c>, <c>South Korea</c>) or a near miss of one (<c>Germny</c>).
/// A two-letter code that is simply not assigned (<c>XX</c>) gets no suggestion: any two letters are close to some code.
/// </summary>
internal sealed class CountrySuggester
{
    private readonly FrozenDictionary<string, CountryName> _byAlias;
    private readonly IReadOnlyCollection<string> _valid;

    public CountrySuggester(IEnumerable<CountryName> countries, IReadOnlyCollection<string> valid)
    {
        var map = new Dictionary<string, CountryName>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in countries.Where(c => valid.Contains(c.Alpha2)))
        {
            map.TryAdd(c.Alpha3, c);
            foreach (var n in c.Names) map.TryAdd(n, c);
        }
        _byAlias = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _valid = valid;
    }

    /// <summary>", did you mean 'DE' (Germany)?" or empty.</summary>
    public string Suggest(string value)
    {
        var upper = value.ToUpperInvariant();
        if (upper != value && _valid.Contains(upper)) return $", did you mean '{upper}'?";
        if (_byAlias.TryGetValue(value.Trim(), out var exact)) return Format(exact);
        if (value.Length <= 3) return string.Empty;
        CountryName? best = null;
        var bestDistance = int.MaxValue;
        foreach (var (alias, country) in _byAlias.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (alias.Length <= 3) continue;
            var d = Suggestions.Distance(value.ToLowerInvariant(), alias.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = country;
            }
        }
        return best is not null && bestDistance <= Math.Max(2, value.Length / 4) ? Format(best) : string.Empty;
    }

    private static string Format(CountryName c) => $", did you mean '{c.Alpha2}' ({(c.Names.Length > 0 ? c.Names[0] : c.Alpha3)})?";
}
