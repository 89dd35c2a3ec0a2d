using System.Collections.Immutable;
using System.Globalization;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Model.Vocabulary;

namespace ComplianceEngine.Loading.Vocabulary;

/// <summary>
/// Checks everything an estate names against the vocabularies loaded with the rules: data categories (the taxonomy
/// plus the estate's <c>DataCategory</c> documents), subject types, <c>subjects</c> jurisdiction codes, DataStore
/// <c>designations</c> (the literals the loaded rules compare), country fields, and <c>spec.attributes</c> keys (declared by a loaded pack for the document's kind, with the declared type).
/// Every unknown value is an error at the item's file:line:column with a "did you mean"; a deprecated key is a warning
/// naming its replacement. Nothing unknown passes: a missing vocabulary is itself an error.
/// </summary>
public static class VocabularyChecker
{
    /// <summary>Checks <paramref name="estate"/> against <paramref name="vocabulary"/>; problems go to <paramref name="diagnostics"/>.</summary>
    public static void Check(Estate estate, VocabularyCatalog vocabulary, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(estate);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var categories = CheckDeclaredCategories(estate, vocabulary.Categories, diagnostics);
        var missingReported = new HashSet<string>(StringComparer.Ordinal);
        var countries = new CountrySuggester(vocabulary.CountryNames, vocabulary.CountryCodes);

        foreach (var s in estate.Stores)
        {
            CheckKeys(s.Name, "DataStore", s.Categories, s.CategoryLocations, s.Info.Location, categories, "categories", "data category",
                DiagnosticCodes.UnknownCategory, missingReported, diagnostics);
            CheckKeys(s.Name, "DataStore", s.SubjectTypes, s.SubjectTypeLocations, s.Info.Location, vocabulary.SubjectTypes, "subjectTypes", "data subject type",
                DiagnosticCodes.UnknownSubjectType, missingReported, diagnostics);
            for (var i = 0; i < s.Designations.Length; i++)
                CheckDesignation(s, s.Designations[i], At(s.DesignationLocations, i, s.Info.Location), vocabulary, missingReported, diagnostics);
            for (var i = 0; i < s.Subjects.Length; i++)
                CheckSubject(s, s.Subjects[i], At(s.SubjectLocations, i, s.Info.Location), vocabulary, countries, missingReported, diagnostics);
            if (s.Encryption.KeyCountry is { } key)
                CheckCountry($"DataStore '{s.Name}': encryption.keyCountry", key, Or(s.Encryption.KeyCountryLocation, s.Info.Location), vocabulary, countries, missingReported, diagnostics);
        }
        foreach (var f in estate.Flows)
        {
            CheckKeys(f.Name, "DataFlow", f.Categories, f.CategoryLocations, f.Info.Location, categories, "categories", "data category",
                DiagnosticCodes.UnknownCategory, missingReported, diagnostics);
            CheckMechanisms($"DataFlow '{f.Name}'", f.Mechanisms, f.MechanismLocations, f.Info.Location, vocabulary, missingReported, diagnostics);
        }
        if (estate.Organization is { } exporter)
        {
            CheckMechanisms($"Organization '{exporter.Name}'", exporter.Mechanisms, exporter.MechanismLocations, exporter.Info.Location, vocabulary, missingReported, diagnostics);
            CheckCertifications($"Organization '{exporter.Name}'", exporter.Certifications, exporter.CertificationLocations, exporter.Info.Location, vocabulary,
                missingReported, diagnostics);
        }
        foreach (var r in estate.Recipients)
        {
            CheckCertifications($"Recipient '{r.Name}'", r.Certifications, r.CertificationLocations, r.Info.Location, vocabulary, missingReported, diagnostics);
            CheckAgreements($"Recipient '{r.Name}'", r.Agreements, r.AgreementLocations, r.Info.Location, vocabulary, missingReported, diagnostics);
        }
        foreach (var c in estate.Clusters)
            CheckAgreements($"Cluster '{c.Name}'", c.Agreements, c.AgreementLocations, c.Info.Location, vocabulary, missingReported, diagnostics);
        foreach (var c in estate.Clusters)
        {
            if (c.Country is { } country)
                CheckCountry($"Cluster '{c.Name}': country", country, Or(c.CountryLocation, c.Info.Location), vocabulary, countries, missingReported, diagnostics);
        }
        foreach (var r in estate.Recipients)
        {
            if (r.Country.Length > 0)
                CheckCountry($"Recipient '{r.Name}': country", r.Country, Or(r.CountryLocation, r.Info.Location), vocabulary, countries, missingReported, diagnostics);
        }
        if (estate.Organization is { Country.Length: > 0 } org)
            CheckCountry($"Organization '{org.Name}': country", org.Country, Or(org.CountryLocation, org.Info.Location), vocabulary, countries, missingReported, diagnostics);

        var infos = estate.Clusters.Select(c => c.Info)
            .Concat(estate.Stores.Select(s => s.Info))
            .Concat(estate.Flows.Select(f => f.Info))
            .Concat(estate.Recipients.Select(r => r.Info));
        if (estate.Organization is { } o) infos = infos.Append(o.Info);
        foreach (var info in infos) CheckAttributes(info, vocabulary, diagnostics);
    }

    /// <summary>The taxonomy extended with the estate's DataCategory documents whose parents exist.</summary>
    private static Taxonomy CheckDeclaredCategories(Estate estate, Taxonomy taxonomy, DiagnosticBag diagnostics)
    {
        if (estate.DataCategories.IsEmpty) return taxonomy;
        var declared = new Dictionary<string, TaxonomyEntry>(StringComparer.Ordinal);
        foreach (var d in estate.DataCategories)
        {
            if (declared.TryGetValue(d.Key, out var first))
                diagnostics.Error(DiagnosticCodes.DuplicateName, $"DataCategory '{d.Key}' is declared twice (first at {first.Location})", d.Location);
            else if (taxonomy.Find(d.Key) is { } known)
                diagnostics.Error(DiagnosticCodes.DataCategoryInvalid, $"DataCategory '{d.Key}' is already in the loaded taxonomy (at {known.Location}); remove the document", d.Location);
            else declared[d.Key] = d;
        }
        var all = taxonomy.With(declared.Values);
        foreach (var d in declared.Values.Where(d => d.Parent is not null && all.Find(d.Parent) is null))
            diagnostics.Error(DiagnosticCodes.DataCategoryInvalid,
                $"DataCategory '{d.Key}': parent '{d.Parent}' is neither in the loaded taxonomy nor declared by a DataCategory document{VocabularyBuilder.TaxonomySuggest(d.Parent!, all)}",
                d.Location);
        return all;
    }

    private static void CheckKeys(string name, string kind, System.Collections.Immutable.ImmutableArray<string> keys,
        System.Collections.Immutable.ImmutableArray<SourceLocation> locations, SourceLocation fallback, Taxonomy taxonomy, string field, string what,
        string code, HashSet<string> missingReported, DiagnosticBag diagnostics)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            var key = keys[i];
            var at = At(locations, i, fallback);
            if (taxonomy.IsEmpty)
            {
                if (missingReported.Add(field))
                    diagnostics.Error(DiagnosticCodes.VocabularyMissing,
                        $"{kind} '{name}': '{field}' cannot be checked: no {what} vocabulary is loaded with the rules (add a rules folder holding {(field == "categories" ? VocabularyFileReader.CategoriesFile : VocabularyFileReader.SubjectsFile)}, e.g. rules/catalog)", at);
                continue;
            }
            var entry = taxonomy.Find(key);
            if (entry is null)
            {
                diagnostics.Error(code, $"{kind} '{name}': {field} '{key}' is not a {what} of the loaded taxonomy{VocabularyBuilder.TaxonomySuggest(key, taxonomy)}{DeclareHint(key, taxonomy, field)}", at);
            }
            else if (entry.Deprecated)
            {
                var since = entry.DeprecatedIn is { } v ? $" since fideslang {v}" : "";
                diagnostics.Warning(DiagnosticCodes.DeprecatedKey,
                    entry.ReplacedBy is { } r
                        ? $"{kind} '{name}': {what} '{key}' is deprecated{since}; use '{r}'"
                        : $"{kind} '{name}': {what} '{key}' is deprecated{since}", at);
            }
        }
    }

    /// <summary>For a more specific key under a known one: how to declare it.</summary>
    private static string DeclareHint(string key, Taxonomy taxonomy, string field)
    {
        if (field != "categories") return string.Empty;
        var dot = key.LastIndexOf('.');
        if (dot <= 0 || taxonomy.Find(key[..dot]) is null) return string.Empty;
        return $" (to use a more specific category, declare it: kind DataCategory, metadata.name {key}, spec.parent {key[..dot]})";
    }

    private static void CheckSubject(DataStore store, string code, SourceLocation at, VocabularyCatalog vocabulary, CountrySuggester countries,
        HashSet<string> missingReported, DiagnosticBag diagnostics)
    {
        if (vocabulary.CountryCodes.IsEmpty)
        {
            if (missingReported.Add("countries"))
                diagnostics.Error(DiagnosticCodes.VocabularyMissing, $"DataStore '{store.Name}': 'subjects' cannot be checked: no country catalog (the ISO3166 CountryGroup) is loaded with the rules", at);
            return;
        }
        if (vocabulary.RegimeCodes.Contains(code) || (vocabulary.CountryCodes.Contains(code) && !code.Contains(':', StringComparison.Ordinal))) return;
        var hint = vocabulary.RegimeCodes.FirstOrDefault(r => string.Equals(r, code, StringComparison.OrdinalIgnoreCase)) is { } regime
            ? $", did you mean '{regime}'?"
            : countries.Suggest(code);
        if (hint.Length == 0 && code.Length > 2) hint = Suggestions.DidYouMean(code, vocabulary.RegimeCodes);
        diagnostics.Error(DiagnosticCodes.UnknownSubjectCode,
            $"DataStore '{store.Name}': subjects '{code}' is neither a jurisdiction code ({string.Join(", ", vocabulary.RegimeCodes)}) nor an ISO 3166-1 alpha-2 country code{hint}", at);
    }

    /// <summary>
    /// A designation is meaningful only when a loaded rule compares <c>designations</c> with it: any other value (a typo,
    /// or a designation of a pack that is not loaded) would match no rule and silently drop the rule's finding (CE2050).
    /// </summary>
    private static void CheckDesignation(DataStore store, string designation, SourceLocation at, VocabularyCatalog vocabulary,
        HashSet<string> missingReported, DiagnosticBag diagnostics)
    {
        if (vocabulary.Designations.Contains(designation)) return;
        if (vocabulary.Categories.IsEmpty && vocabulary.RegimeCodes.IsEmpty)
        {
            if (missingReported.Add(VocabularyBuilder.DesignationsField))
                diagnostics.Error(DiagnosticCodes.VocabularyMissing,
                    $"DataStore '{store.Name}': 'designations' cannot be checked: no rules are loaded, so no designation vocabulary either", at);
            return;
        }
        if (vocabulary.Designations.IsEmpty)
        {
            diagnostics.Error(DiagnosticCodes.UnknownDesignation,
                $"DataStore '{store.Name}': designations '{designation}' means nothing here: no loaded rule reads designations (load the rule pack that compares it, or remove it)", at);
            return;
        }
        var caseFix = vocabulary.Designations.FirstOrDefault(d => string.Equals(d, designation, StringComparison.OrdinalIgnoreCase));
        var hint = caseFix is not null ? $", did you mean '{caseFix}'?" : Suggestions.DidYouMean(designation, vocabulary.Designations);
        if (hint.Length == 0) hint = "; load the rule pack that reads it, or remove it";
        diagnostics.Error(DiagnosticCodes.UnknownDesignation,
            $"DataStore '{store.Name}': designations '{designation}' is not a designation any loaded rule reads ({string.Join(", ", vocabulary.Designations)}){hint}", at);
    }

    /// <summary>
    /// A mechanism qualified by a regime (<c>JP:contract</c>, counted only by that regime's rules) names a loaded regime:
    /// a qualifier no rule can match would silently count for nothing (CE4025).
    /// </summary>
    private static void CheckMechanisms(string what, ImmutableArray<string> mechanisms, ImmutableArray<SourceLocation> locations, SourceLocation fallback,
        VocabularyCatalog vocabulary, HashSet<string> missingReported, DiagnosticBag diagnostics)
    {
        for (var i = 0; i < mechanisms.Length; i++)
        {
            var m = mechanisms[i];
            var at = At(locations, i, fallback);
            var colon = m.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                CheckTerm(what, VocabularyBuilder.MechanismsField, "mechanism", m, m, vocabulary.Mechanisms, DiagnosticCodes.UnknownMechanism, at, vocabulary,
                    missingReported, diagnostics);
                continue;
            }
            var regime = m[..colon];
            if (colon > 0 && colon < m.Length - 1 && vocabulary.RegimeCodes.Contains(regime))
            {
                CheckTerm(what, VocabularyBuilder.MechanismsField, "mechanism", m, m[(colon + 1)..], vocabulary.Mechanisms, DiagnosticCodes.UnknownMechanism, at,
                    vocabulary, missingReported, diagnostics);
                continue;
            }
            diagnostics.Error(DiagnosticCodes.MechanismQualifierUnknown,
                $"{what}: mechanism '{m}' is qualified by '{regime}', which is no loaded jurisdiction code ({string.Join(", ", vocabulary.RegimeCodes)}); write REGIME:mechanism, or the bare mechanism to count it for every regime{Suggestions.DidYouMean(regime, vocabulary.RegimeCodes)}", at);
        }
    }

    private static void CheckCertifications(string what, ImmutableArray<string> certifications, ImmutableArray<SourceLocation> locations, SourceLocation fallback,
        VocabularyCatalog vocabulary, HashSet<string> missingReported, DiagnosticBag diagnostics)
    {
        for (var i = 0; i < certifications.Length; i++)
            CheckTerm(what, VocabularyBuilder.CertificationsField, "certification", certifications[i], certifications[i], vocabulary.Certifications,
                DiagnosticCodes.UnknownCertification, At(locations, i, fallback), vocabulary, missingReported, diagnostics);
    }

    /// <summary>
    /// An agreement is known when the loaded catalogs list its kind (<c>agreements.tsv</c>) or a loaded rule compares it: a
    /// typo of <c>baa</c> would otherwise fail a HIPAA rule with a puzzling "no baa", and a term no one defined would be
    /// carried as if it meant something (CE2064, at the item, with "did you mean").
    /// </summary>
    private static void CheckAgreements(string what, ImmutableArray<string> agreements, ImmutableArray<SourceLocation> locations, SourceLocation fallback,
        VocabularyCatalog vocabulary, HashSet<string> missingReported, DiagnosticBag diagnostics)
    {
        const string field = VocabularyBuilder.AgreementsField;
        for (var i = 0; i < agreements.Length; i++)
        {
            var a = agreements[i];
            var at = At(locations, i, fallback);
            if (vocabulary.Agreements.Contains(a)) continue;
            if (vocabulary.Categories.IsEmpty && vocabulary.RegimeCodes.IsEmpty)
            {
                if (missingReported.Add(field))
                    diagnostics.Error(DiagnosticCodes.VocabularyMissing, $"{what}: '{field}' cannot be checked: no rules are loaded, so no agreement vocabulary either", at);
                continue;
            }
            if (vocabulary.Agreements.IsEmpty)
            {
                diagnostics.Error(DiagnosticCodes.UnknownAgreement,
                    $"{what}: {field} '{a}' cannot be checked: no agreement vocabulary is loaded (add a rules folder holding {VocabularyFileReader.AgreementsFile}, e.g. rules/catalog) and no loaded rule reads {field}", at);
                continue;
            }
            var caseFix = vocabulary.Agreements.FirstOrDefault(k => string.Equals(k, a, StringComparison.OrdinalIgnoreCase));
            var hint = caseFix is not null ? $", did you mean '{caseFix}'?" : Suggestions.DidYouMean(a, vocabulary.Agreements);
            if (hint.Length == 0)
                hint = $"; list its kind in an {VocabularyFileReader.AgreementsFile} of your rules folder, or remove it (known: {string.Join(", ", vocabulary.Agreements)})";
            diagnostics.Error(DiagnosticCodes.UnknownAgreement,
                $"{what}: {field} '{a}' is not a known agreement (neither an agreement kind of the loaded catalogs nor a term a loaded rule reads){hint}", at);
        }
    }

    /// <summary>
    /// A mechanism or certification counts only where a loaded rule (or adequacy condition) compares it: any other value
    /// (a typo, or a term of a pack that is not loaded) would count for nothing, silently. Like designations (CE2050).
    /// </summary>
    private static void CheckTerm(string what, string field, string noun, string written, string term, ImmutableSortedSet<string> known, string code,
        SourceLocation at, VocabularyCatalog vocabulary, HashSet<string> missingReported, DiagnosticBag diagnostics)
    {
        if (known.Contains(term)) return;
        if (vocabulary.Categories.IsEmpty && vocabulary.RegimeCodes.IsEmpty)
        {
            if (missingReported.Add(field))
                diagnostics.Error(DiagnosticCodes.VocabularyMissing, $"{what}: '{field}' cannot be checked: no rules are loaded, so no {noun} vocabulary either", at);
            return;
        }
        if (known.IsEmpty)
        {
            diagnostics.Error(code, $"{what}: {field} '{written}' means nothing here: no loaded rule reads {field} (load the rule pack that reads it, or remove it)", at);
            return;
        }
        var caseFix = known.FirstOrDefault(k => string.Equals(k, term, StringComparison.OrdinalIgnoreCase));
        var hint = caseFix is not null ? $", did you mean '{caseFix}'?" : Suggestions.DidYouMean(term, known);
        if (hint.Length == 0) hint = $"; load the rule pack that reads it, or remove it (known: {string.Join(", ", known)})";
        diagnostics.Error(code, $"{what}: {field} '{written}' is not a {noun} any loaded rule reads{hint}", at);
    }

    private static void CheckCountry(string what, string code, SourceLocation at, VocabularyCatalog vocabulary, CountrySuggester countries,
        HashSet<string> missingReported, DiagnosticBag diagnostics)
    {
        if (vocabulary.CountryCodes.IsEmpty)
        {
            if (missingReported.Add("countries"))
                diagnostics.Error(DiagnosticCodes.VocabularyMissing, $"{what} cannot be checked: no country catalog (the ISO3166 CountryGroup) is loaded with the rules", at);
            return;
        }
        // ZZ says "unknown" on purpose (an importer that could not work out a place): indeterminate, not a typo.
        if (vocabulary.CountryCodes.Contains(code) || code == Model.Jurisdictions.CountryCodes.Unknown) return;
        diagnostics.Error(DiagnosticCodes.UnknownCountryCode, $"{what} '{code}' is not an ISO 3166-1 alpha-2 country code of the catalog{countries.Suggest(code)}", at);
    }

    private static void CheckAttributes(DocumentInfo info, VocabularyCatalog vocabulary, DiagnosticBag diagnostics)
    {
        foreach (var (key, value) in info.Attributes)
        {
            var at = info.AttributeLocation(key);
            var declared = vocabulary.Attributes.Where(a => a.Name == key).ToList();
            var forKind = declared.FirstOrDefault(a => a.Kinds.Contains(info.Kind));
            if (forKind is null)
            {
                var candidates = vocabulary.Attributes.Where(a => a.Kinds.Contains(info.Kind)).Select(a => a.Name).Distinct();
                var where = declared.Count > 0
                    ? $"; '{key}' is declared for {string.Join(", ", declared.SelectMany(a => a.Kinds).Distinct().Order(StringComparer.Ordinal))} only"
                    : string.Empty;
                diagnostics.Error(DiagnosticCodes.UndeclaredAttribute,
                    $"{info.Kind} '{info.Name}': attribute '{key}' is not read by any loaded rule pack for a {info.Kind}{where}{Suggestions.DidYouMean(key, candidates)}", at);
                continue;
            }
            var ok = forKind.Type switch
            {
                "bool" => value is "true" or "false",
                "number" => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
                _ => true,
            };
            if (!ok)
                diagnostics.Error(DiagnosticCodes.AttributeWrongType,
                    $"{info.Kind} '{info.Name}': attribute '{key}' is '{value}', but RulePack '{forKind.Pack}' declares it as {(forKind.Type == "bool" ? "bool (true or false)" : "a number")}", at);
        }
    }

    private static SourceLocation At(System.Collections.Immutable.ImmutableArray<SourceLocation> locations, int i, SourceLocation fallback) =>
        i < locations.Length ? Or(locations[i], fallback) : fallback;

    private static SourceLocation Or(SourceLocation location, SourceLocation fallback) => location.IsKnown ? location : fallback;
}
