using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Vocabulary;

namespace ComplianceEngine.Loading.Vocabulary;

/// <summary>
/// Reads the vocabulary files of a rules folder's catalog: tab-separated, <c>#</c> comments (the source is recorded
/// there), one header line. <c>data-categories.tsv</c> and <c>data-subjects.tsv</c> have the columns key, parent,
/// replacedBy, deprecatedIn, description; <c>country-codes.tsv</c> has alpha2, alpha3, names (separated by <c>|</c>).
/// Every malformed line is a <see cref="DiagnosticCodes.VocabularyInvalid"/> error at its line.
/// </summary>
public static class VocabularyFileReader
{
    /// <summary>The data-category file's name, searched for in every rules folder.</summary>
    public const string CategoriesFile = "data-categories.tsv";

    /// <summary>The data-subject file's name, searched for in every rules folder.</summary>
    public const string SubjectsFile = "data-subjects.tsv";

    /// <summary>The country-code file's name, searched for in every rules folder.</summary>
    public const string CountriesFile = "country-codes.tsv";

    /// <summary>The agreement-kind file's name (columns term, description), searched for in every rules folder.</summary>
    public const string AgreementsFile = "agreements.tsv";

    /// <summary>Columns of the agreement-kind file.</summary>
    public static IReadOnlyList<string> TermColumns { get; } = ["term", "description"];

    /// <summary>Columns of a taxonomy file.</summary>
    public static IReadOnlyList<string> TaxonomyColumns { get; } = ["key", "parent", "replacedBy", "deprecatedIn", "description"];

    /// <summary>Columns of the country-code file.</summary>
    public static IReadOnlyList<string> CountryColumns { get; } = ["alpha2", "alpha3", "names"];

    /// <summary>Reads a taxonomy file (data categories or data subjects).</summary>
    public static ImmutableArray<TaxonomyEntry> ReadTaxonomy(string text, string file, DiagnosticBag diagnostics)
    {
        var result = ImmutableArray.CreateBuilder<TaxonomyEntry>();
        foreach (var (cols, at) in Lines(text, file, TaxonomyColumns, diagnostics))
        {
            if (cols.Length != TaxonomyColumns.Count || cols[0].Length == 0)
            {
                diagnostics.Error(DiagnosticCodes.VocabularyInvalid, $"a taxonomy line needs {TaxonomyColumns.Count} tab-separated columns ({string.Join(", ", TaxonomyColumns)}) and a key", at);
                continue;
            }
            result.Add(new TaxonomyEntry(cols[0], Optional(cols[1]), Optional(cols[2]), Optional(cols[3]), cols[4], at));
        }
        return result.ToImmutable();
    }

    /// <summary>Reads the agreement-kind file: a lower-case term (letters, digits, dashes) and what it means, per line.</summary>
    public static ImmutableArray<VocabularyTerm> ReadAgreements(string text, string file, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = ImmutableArray.CreateBuilder<VocabularyTerm>();
        foreach (var (cols, at) in Lines(text, file, TermColumns, diagnostics))
        {
            if (cols.Length != TermColumns.Count || cols[0].Length == 0 || !cols[0].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                diagnostics.Error(DiagnosticCodes.VocabularyInvalid,
                    $"an agreement line needs {TermColumns.Count} tab-separated columns ({string.Join(", ", TermColumns)}) and a lower-case term (letters, digits, dashes)", at);
                continue;
            }
            result.Add(new VocabularyTerm(cols[0], cols[1], at));
        }
        return result.ToImmutable();
    }

    /// <summary>Reads the country-code file.</summary>
    public static ImmutableArray<CountryName> ReadCountries(string text, string file, DiagnosticBag diagnostics)
    {
        var result = ImmutableArray.CreateBuilder<CountryName>();
        foreach (var (cols, at) in Lines(text, file, CountryColumns, diagnostics))
        {
            if (cols.Length != CountryColumns.Count || cols[0].Length != 2 || cols[1].Length != 3 || !cols[0].All(char.IsAsciiLetterUpper) || !cols[1].All(char.IsAsciiLetterUpper))
            {
                diagnostics.Error(DiagnosticCodes.VocabularyInvalid, "a country line needs an upper-case alpha-2 code, an alpha-3 code and names, tab-separated", at);
                continue;
            }
            var names = cols[2].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToImmutableArray();
            result.Add(new CountryName(cols[0], cols[1], names) { Location = at });
        }
        return result.ToImmutable();
    }

    private static IEnumerable<(string[] Columns, SourceLocation At)> Lines(string text, string file, IReadOnlyList<string> header, DiagnosticBag diagnostics)
    {
        var sawHeader = false;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var cols = line.Split('\t');
            var at = new SourceLocation(file, i + 1, 1);
            if (!sawHeader)
            {
                sawHeader = true;
                if (!cols.SequenceEqual(header))
                    diagnostics.Error(DiagnosticCodes.VocabularyInvalid, $"the header must be {string.Join(", ", header)} (tab-separated)", at);
                continue;
            }
            yield return (cols, at);
        }
        if (!sawHeader)
            diagnostics.Error(DiagnosticCodes.VocabularyInvalid, $"the file is empty; it needs the header {string.Join(", ", header)} and at least one line", new SourceLocation(file, 1, 1));
    }

    private static string? Optional(string value) => value.Trim().Length == 0 ? null : value.Trim();
}
