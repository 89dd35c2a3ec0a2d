using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Jurisdictions;

namespace ComplianceEngine.Loading.Catalog;

/// <summary>
/// Reads the region catalog: a tab-separated file with the columns provider, region, location, country, notes, source
/// (the format of <c>rules/catalog/cloud-regions.tsv</c>). A <c>paired=REGION</c> note gives the provider's paired region,
/// a <c>name="..."</c> note a display name of the region (Azure portal and CLI names, AWS console names).
/// Beside it: <c>zones.tsv</c> (how each provider names the zones of a region) and <c>multi-regions.tsv</c> (locations that
/// span several regions). Every mistake is a <see cref="DiagnosticCodes.CatalogInvalid"/> error at file:line.
/// </summary>
public static class RegionCatalogReader
{
    /// <summary>The columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["provider", "region", "location", "country", "notes", "source"];

    /// <summary>The columns of the zone-form file, in order.</summary>
    public static IReadOnlyList<string> ZoneColumns { get; } = ["provider", "suffix", "placement", "example", "source"];

    /// <summary>The columns of the multi-region file, in order.</summary>
    public static IReadOnlyList<string> MultiRegionColumns { get; } = ["provider", "location", "kind", "members", "source"];

    /// <summary>Reads <paramref name="text"/> of file <paramref name="file"/>. A file without a single region line is an error.</summary>
    public static ImmutableArray<RegionInfo> Read(string text, string file, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var result = ImmutableArray.CreateBuilder<RegionInfo>();
        var lines = 0;
        foreach (var (cols, at) in Rows(text, file, Columns, 4, diagnostics))
        {
            lines++;
            if (cols.Length < 4 || cols[0].Length == 0 || cols[1].Length == 0 || cols[3].Length != 2)
            {
                diagnostics.Error(DiagnosticCodes.CatalogInvalid, "a region line needs provider, region, location and a 2-letter country", at);
                continue;
            }
            var notes = cols.Length > 4 ? cols[4] : string.Empty;
            result.Add(new RegionInfo(cols[0], cols[1], cols[2], cols[3], Paired(notes), cols.Length > 5 ? cols[5] : string.Empty)
            {
                Names = Names(notes),
                Declared = at,
            });
        }
        if (lines == 0)
            diagnostics.Error(DiagnosticCodes.CatalogInvalid, "the region catalog has no region lines: every cloud region would be unknown", new SourceLocation(file, 1, 1));
        return result.ToImmutable();
    }

    /// <summary>Reads a zone-form file (<c>zones.tsv</c>).</summary>
    public static ImmutableArray<ZoneForm> ReadZones(string text, string file, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var result = ImmutableArray.CreateBuilder<ZoneForm>();
        foreach (var (cols, at) in Rows(text, file, ZoneColumns, 3, diagnostics))
        {
            if (cols.Length < 5 || cols[0].Length == 0 || cols[1].Length == 0 || cols[4].Length == 0)
            {
                diagnostics.Error(DiagnosticCodes.CatalogInvalid, "a zone line needs provider, suffix, placement, example and source", at);
                continue;
            }
            if (cols[2] is not ("region" or "elsewhere"))
            {
                diagnostics.Error(DiagnosticCodes.CatalogInvalid, $"placement must be 'region' (the zone is in its region's place) or 'elsewhere', not '{cols[2]}'", at);
                continue;
            }
            if (!IsPattern(cols[1]))
            {
                diagnostics.Error(DiagnosticCodes.CatalogInvalid, $"suffix '{cols[1]}' is not a valid regular expression", at);
                continue;
            }
            var form = new ZoneForm(cols[0], cols[1], cols[2] == "region", cols[3], cols[4], at);
            result.Add(form);
        }
        return result.ToImmutable();
    }

    /// <summary>Reads a multi-region file (<c>multi-regions.tsv</c>).</summary>
    public static ImmutableArray<MultiRegion> ReadMultiRegions(string text, string file, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var result = ImmutableArray.CreateBuilder<MultiRegion>();
        foreach (var (cols, at) in Rows(text, file, MultiRegionColumns, 4, diagnostics))
        {
            var members = cols.Length > 3 ? cols[3].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [];
            if (cols.Length < 5 || cols[0].Length == 0 || cols[1].Length == 0 || members.Length < 2 || cols[4].Length == 0)
            {
                diagnostics.Error(DiagnosticCodes.CatalogInvalid, "a multi-region line needs provider, location, kind, two or more member regions and source", at);
                continue;
            }
            if (cols[2] is not ("multi-region" or "dual-region"))
            {
                diagnostics.Error(DiagnosticCodes.CatalogInvalid, $"kind must be multi-region or dual-region, not '{cols[2]}'", at);
                continue;
            }
            result.Add(new MultiRegion(cols[0], cols[1], cols[2], [.. members], cols[4], at));
        }
        return result.ToImmutable();
    }

    /// <summary>
    /// Checks the catalog as a whole (every file read): no region twice, no two countries for one region, every
    /// <c>paired=</c> target and every multi-region member a region of the catalog, no multi-region that is also a region.
    /// </summary>
    public static void Validate(RegionData data, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var seen = new Dictionary<(string, string), RegionInfo>();
        foreach (var r in data.Regions)
        {
            var key = (r.Provider, r.Region.ToLowerInvariant());
            if (seen.TryGetValue(key, out var first))
            {
                var what = first.Country == r.Country
                    ? $"{r.Provider} region '{r.Region}' is listed twice (first at {first.Declared})"
                    : $"{r.Provider} region '{r.Region}' is listed twice with different countries: {first.Country} at {first.Declared}, {r.Country} here";
                diagnostics.Error(DiagnosticCodes.CatalogInvalid, what, r.Declared);
                continue;
            }
            seen[key] = r;
        }
        // A sovereign partition (azure-china) is found under its parent provider (azure) too, as the engine does.
        var byProvider = data.Regions.SelectMany(r => ProvidersOf(r.Provider).Select(p => (Provider: p, r.Region)))
            .GroupBy(x => x.Provider, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Region).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        HashSet<string> RegionsOf(string provider) => byProvider.TryGetValue(provider, out var set) ? set : [];
        foreach (var r in data.Regions)
        {
            if (r.PairedRegion is { } pair && !RegionsOf(r.Provider).Contains(pair))
                diagnostics.Error(DiagnosticCodes.CatalogInvalid,
                    $"{r.Provider} region '{r.Region}' is paired with '{pair}', which is not a {r.Provider} region of the catalog{Suggestions.DidYouMean(pair, RegionsOf(r.Provider))}",
                    r.Declared);
        }
        var multi = new Dictionary<(string, string), MultiRegion>();
        foreach (var m in data.MultiRegions)
        {
            var key = (m.Provider, m.Name.ToLowerInvariant());
            if (multi.TryGetValue(key, out var first))
                diagnostics.Error(DiagnosticCodes.CatalogInvalid, $"{m.Provider} location '{m.Name}' is listed twice (first at {first.Declared})", m.Declared);
            multi.TryAdd(key, m);
            if (seen.ContainsKey(key))
                diagnostics.Error(DiagnosticCodes.CatalogInvalid, $"{m.Provider} location '{m.Name}' is both a region and a {m.Kind}", m.Declared);
            foreach (var member in m.Members.Where(x => !RegionsOf(m.Provider).Contains(x)))
                diagnostics.Error(DiagnosticCodes.CatalogInvalid,
                    $"{m.Provider} {m.Kind} '{m.Name}' lists '{member}', which is not a {m.Provider} region of the catalog{Suggestions.DidYouMean(member, RegionsOf(m.Provider))}",
                    m.Declared);
        }
    }

    private static IEnumerable<(string[] Cols, SourceLocation At)> Rows(string text, string file, IReadOnlyList<string> columns, int headerColumns, DiagnosticBag diagnostics)
    {
        var lines = text.Split('\n');
        var header = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var cols = line.Split('\t');
            var at = new SourceLocation(file, i + 1, 1);
            if (!header || cols[0] == columns[0])
            {
                header = true;
                if (!cols.Take(headerColumns).SequenceEqual(columns.Take(headerColumns)))
                    diagnostics.Error(DiagnosticCodes.CatalogInvalid, $"the header must start with {string.Join(", ", columns.Take(headerColumns))}", at);
                continue;
            }
            yield return (cols, at);
        }
    }

    private static IEnumerable<string> ProvidersOf(string provider)
    {
        yield return provider;
        var dash = provider.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0) yield return provider[..dash];
    }

    private static bool IsPattern(string suffix)
    {
        try
        {
            _ = new Regex("^(?:" + suffix + ")$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string? Paired(string notes)
    {
        foreach (var part in notes.Split(';'))
        {
            var p = part.Trim();
            if (p.StartsWith("paired=", StringComparison.Ordinal))
            {
                var v = p["paired=".Length..].Split(' ')[0];
                return v is "none" or "" ? null : v;
            }
        }
        return null;
    }

    private static ImmutableArray<string> Names(string notes)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        foreach (var part in notes.Split(';'))
        {
            var p = part.Trim();
            if (!p.StartsWith("name=\"", StringComparison.Ordinal)) continue;
            var end = p.IndexOf('"', "name=\"".Length);
            if (end > "name=\"".Length) names.Add(p["name=\"".Length..end]);
        }
        return names.ToImmutable();
    }
}
