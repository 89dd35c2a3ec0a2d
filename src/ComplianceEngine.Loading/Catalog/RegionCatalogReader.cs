using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Jurisdictions;

namespace ComplianceEngine.Loading.Catalog;

/// <summary>
/// Reads the region catalog: a tab-separated file with the columns provider, region, location, country, notes, source
/// (the format of <c>rules/catalog/cloud-regions.tsv</c>). A <c>paired=REGION</c> note gives the provider's paired region.
/// </summary>
public static class RegionCatalogReader
{
    /// <summary>The columns, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["provider", "region", "location", "country", "notes", "source"];

    /// <summary>Reads <paramref name="text"/> of file <paramref name="file"/>.</summary>
    public static ImmutableArray<RegionInfo> Read(string text, string file, DiagnosticBag diagnostics)
    {
        var result = ImmutableArray.CreateBuilder<RegionInfo>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var cols = line.Split('\t');
            var at = new SourceLocation(file, i + 1, 1);
            if (i == 0 || (cols.Length > 0 && cols[0] == "provider"))
            {
                if (!cols.Take(4).SequenceEqual(Columns.Take(4)))
                    diagnostics.Error(DiagnosticCodes.CatalogInvalid, $"the header must start with {string.Join(", ", Columns.Take(4))}", at);
                continue;
            }
            if (cols.Length < 4 || cols[0].Length == 0 || cols[1].Length == 0 || cols[3].Length != 2)
            {
                diagnostics.Error(DiagnosticCodes.CatalogInvalid, "a region line needs provider, region, location and a 2-letter country", at);
                continue;
            }
            var notes = cols.Length > 4 ? cols[4] : string.Empty;
            result.Add(new RegionInfo(cols[0], cols[1], cols[2], cols[3], Paired(notes), cols.Length > 5 ? cols[5] : string.Empty));
        }
        return result.ToImmutable();
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
}
