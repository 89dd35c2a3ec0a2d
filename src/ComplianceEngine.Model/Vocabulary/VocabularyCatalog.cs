using System.Collections.Frozen;
using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Model.Vocabulary;

/// <summary>One key of a taxonomy (a fideslang data category or data subject, or a <c>DataCategory</c> document).</summary>
/// <param name="Key">The dotted key, e.g. <c>user.contact.email</c>.</param>
/// <param name="Parent">The parent key, or null at the top.</param>
/// <param name="ReplacedBy">The key to use instead when this one is deprecated, else null.</param>
/// <param name="DeprecatedIn">The fideslang version that deprecated it, when known.</param>
/// <param name="Location">Where the key was declared (catalog line or document).</param>
public sealed record TaxonomyEntry(string Key, string? Parent, string? ReplacedBy, string? DeprecatedIn, string Description, SourceLocation Location)
{
    /// <summary>True when the key is deprecated.</summary>
    public bool Deprecated => ReplacedBy is not null || DeprecatedIn is not null;
}

/// <summary>A set of taxonomy keys with their parents.</summary>
public sealed class Taxonomy
{
    private readonly FrozenDictionary<string, TaxonomyEntry> _entries;

    /// <summary>Builds a taxonomy; the first entry of a key wins (duplicates are reported by the reader).</summary>
    public Taxonomy(IEnumerable<TaxonomyEntry> entries)
    {
        var map = new Dictionary<string, TaxonomyEntry>(StringComparer.Ordinal);
        foreach (var e in entries) map.TryAdd(e.Key, e);
        _entries = map.ToFrozenDictionary(StringComparer.Ordinal);
        Keys = [.. map.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>A taxonomy with no keys.</summary>
    public static Taxonomy Empty { get; } = new([]);

    /// <summary>Every key, sorted.</summary>
    public ImmutableArray<string> Keys { get; }

    /// <summary>True when no key was loaded.</summary>
    public bool IsEmpty => _entries.Count == 0;

    /// <summary>The entry of <paramref name="key"/>, or null.</summary>
    public TaxonomyEntry? Find(string key) => _entries.TryGetValue(key, out var e) ? e : null;

    /// <summary>Every entry, sorted by key.</summary>
    public IEnumerable<TaxonomyEntry> Entries => Keys.Select(k => _entries[k]);

    /// <summary>This taxonomy extended with <paramref name="more"/> (keys already here win).</summary>
    public Taxonomy With(IEnumerable<TaxonomyEntry> more) => new(Entries.Concat(more));
}

/// <summary>A term of a flat vocabulary file (an agreement kind such as <c>dpa</c>), with what it means and where it is listed.</summary>
public sealed record VocabularyTerm(string Key, string Description, SourceLocation Location);

/// <summary>An ISO 3166-1 country: alpha-2 code (the one the engine uses), alpha-3 code and English names.</summary>
public sealed record CountryName(string Alpha2, string Alpha3, ImmutableArray<string> Names)
{
    /// <summary>Where the country's line is.</summary>
    public SourceLocation Location { get; init; } = SourceLocation.None;
}

/// <summary>
/// An attribute a rule pack reads (<c>attributes.X</c>, <c>exporter.attributes.X</c>, <c>site.attributes.X</c>, ...):
/// its name, value type, meaning, and the document kinds that carry it.
/// </summary>
public sealed record AttributeDeclaration(string Name, string Type, string Description, ImmutableArray<string> Kinds, string Pack, SourceLocation Location)
{
    /// <summary>The value types an attribute may have.</summary>
    public static IReadOnlyList<string> Types { get; } = ["string", "bool", "number"];

    /// <summary>The document kinds that may carry attributes rules read.</summary>
    public static IReadOnlyList<string> KindsAllowed { get; } = ["Cluster", "DataFlow", "DataStore", "Organization", "Recipient"];
}

/// <summary>
/// The vocabularies a rules folder ships beside its rules: data categories and data subject types (fideslang, plus
/// <c>DataCategory</c> documents), country codes with their alpha-3 codes and English names, the regime codes, the
/// attributes the packs read and the designations the rules compare. Estates are checked against it before they are evaluated.
/// </summary>
/// <param name="CountryCodes">Codes a country field accepts: ISO 3166-1 alpha-2 (and the international organisations adequacy decisions name).</param>
/// <param name="RegimeCodes">Jurisdiction codes of the loaded regimes (EU, GB, ...): with the alpha-2 codes, what <c>subjects</c> accepts.</param>
public sealed record VocabularyCatalog(
    Taxonomy Categories,
    Taxonomy SubjectTypes,
    ImmutableSortedSet<string> CountryCodes,
    ImmutableArray<CountryName> CountryNames,
    ImmutableSortedSet<string> RegimeCodes,
    ImmutableArray<AttributeDeclaration> Attributes)
{
    /// <summary>Nothing loaded: every check that needs a vocabulary fails closed.</summary>
    public static VocabularyCatalog Empty { get; } = new(Taxonomy.Empty, Taxonomy.Empty, [], [], [], []);

    /// <summary>
    /// The designations a DataStore may carry: every literal a loaded rule compares the <c>designations</c> field with
    /// (shared predicates inlined). A designation outside it would match no rule, so the estate check rejects it.
    /// </summary>
    public ImmutableSortedSet<string> Designations { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>
    /// The mechanisms a DataFlow or Organization may declare: every literal a loaded rule compares the <c>mechanisms</c>
    /// field with, without a <c>REGIME:</c> qualifier. A mechanism outside it would count for no rule, so the estate check rejects it.
    /// </summary>
    public ImmutableSortedSet<string> Mechanisms { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>
    /// The certifications a Recipient or Organization may carry: every literal a loaded rule compares a <c>*.certifications</c>
    /// field with, and every <c>certification</c> a loaded adequacy decision is conditioned on.
    /// </summary>
    public ImmutableSortedSet<string> Certifications { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>
    /// The agreements a Recipient or Cluster may carry: the agreement kinds of the loaded catalogs (<c>agreements.tsv</c>)
    /// and every literal a loaded rule compares an <c>*.agreements</c> field with. Anything else is a typo or a term no one
    /// defined, so the estate check rejects it.
    /// </summary>
    public ImmutableSortedSet<string> Agreements { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);
}
