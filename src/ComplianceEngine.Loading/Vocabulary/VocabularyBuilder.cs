using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Jurisdictions;
using ComplianceEngine.Model.Rules;
using ComplianceEngine.Model.Vocabulary;

namespace ComplianceEngine.Loading.Vocabulary;

/// <summary>
/// Builds the <see cref="VocabularyCatalog"/> of a set of rules folders from their vocabulary files, DataCategory
/// documents, country groups, regimes, the packs' attribute declarations and the designations the rules compare, checking each as it goes; then checks that
/// every rule reads only declared attributes and compares categories and subject types with known keys.
/// </summary>
public static class VocabularyBuilder
{
    /// <summary>The country group that lists every ISO 3166-1 alpha-2 code (countries.yaml).</summary>
    public const string CountriesGroup = "ISO3166";

    /// <summary>The country group of international organisations that a country field may name.</summary>
    public const string InternationalGroup = "INTL";

    /// <summary>Builds the catalog; problems go to <paramref name="diagnostics"/>.</summary>
    public static VocabularyCatalog Build(
        IReadOnlyList<TaxonomyEntry> categories,
        IReadOnlyList<TaxonomyEntry> declaredCategories,
        IReadOnlyList<TaxonomyEntry> subjectTypes,
        IReadOnlyList<CountryName> countries,
        IReadOnlyList<VocabularyTerm> agreements,
        IReadOnlyList<CountryGroup> groups,
        IReadOnlyList<Regime> regimes,
        IReadOnlyList<RulePack> packs,
        DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        var categoryTaxonomy = CheckTaxonomy(categories.Concat(declaredCategories), "data category", diagnostics);
        var subjectTaxonomy = CheckTaxonomy(subjectTypes, "data subject", diagnostics);

        var iso = groups.FirstOrDefault(g => g.Name == CountriesGroup)?.Members ?? [];
        var intl = groups.FirstOrDefault(g => g.Name == InternationalGroup)?.Members ?? [];
        var names = ImmutableArray.CreateBuilder<CountryName>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in countries)
        {
            if (seen.Add(c.Alpha2)) names.Add(c);
            else diagnostics.Error(DiagnosticCodes.VocabularyInvalid, $"country '{c.Alpha2}' is listed twice", c.Location);
        }
        foreach (var c in countries.Where(c => iso.Count > 0 && !iso.Contains(c.Alpha2)))
            diagnostics.Error(DiagnosticCodes.VocabularyInvalid, $"country '{c.Alpha2}' is not a member of the {CountriesGroup} country group", c.Location);

        var attributes = CheckAttributes(packs, diagnostics);
        var catalog = new VocabularyCatalog(categoryTaxonomy, subjectTaxonomy, [.. iso.Concat(intl)], names.ToImmutable(),
            [.. regimes.Select(r => r.Code)], attributes)
        {
            Designations = Designations(packs),
            Mechanisms = Literals(packs, f => f == MechanismsField).Select(Unqualified).ToImmutableSortedSet(StringComparer.Ordinal),
            Certifications = Literals(packs, f => f == CertificationsField || f.EndsWith("." + CertificationsField, StringComparison.Ordinal))
                .Concat(regimes.SelectMany(r => r.Adequacy.SelectMany(a => a.Conditions)).Select(c => c.Certification).OfType<string>())
                .ToImmutableSortedSet(StringComparer.Ordinal),
            Agreements = Literals(packs, f => f == AgreementsField || f.EndsWith("." + AgreementsField, StringComparison.Ordinal))
                .Concat(Terms(agreements, "agreement", diagnostics))
                .ToImmutableSortedSet(StringComparer.Ordinal),
        };
        foreach (var rule in packs.SelectMany(p => p.Rules)) CheckRule(rule, catalog, diagnostics);
        if (!subjectTaxonomy.IsEmpty)
        {
            foreach (var (regime, condition) in regimes.SelectMany(r => r.Adequacy.SelectMany(a => a.Conditions.Select(c => (r, c)))))
            {
                foreach (var t in condition.ForSubjectTypes.Where(t => subjectTaxonomy.Find(t) is null))
                    diagnostics.Error(DiagnosticCodes.RuleUnknownTaxonomyKey,
                        $"Jurisdiction '{regime.Code}': forSubjectTypes '{t}' is not a data subject type of the loaded taxonomy{TaxonomySuggest(t, subjectTaxonomy)}", condition.Location);
            }
        }
        return catalog;
    }

    private static Taxonomy CheckTaxonomy(IEnumerable<TaxonomyEntry> entries, string what, DiagnosticBag diagnostics)
    {
        var byKey = new Dictionary<string, TaxonomyEntry>(StringComparer.Ordinal);
        var list = new List<TaxonomyEntry>();
        foreach (var e in entries)
        {
            if (byKey.TryGetValue(e.Key, out var first))
            {
                diagnostics.Error(DiagnosticCodes.VocabularyInvalid, $"{what} '{e.Key}' is declared twice (first at {first.Location})", e.Location);
                continue;
            }
            byKey[e.Key] = e;
            list.Add(e);
        }
        foreach (var e in list)
        {
            var dot = e.Key.LastIndexOf('.');
            var implied = dot > 0 ? e.Key[..dot] : null;
            if (e.Parent is not null && !byKey.ContainsKey(e.Parent))
                diagnostics.Error(e.Location.File.EndsWith(".tsv", StringComparison.Ordinal) ? DiagnosticCodes.VocabularyInvalid : DiagnosticCodes.DataCategoryInvalid,
                    $"{what} '{e.Key}': parent '{e.Parent}' is not declared{Suggestions.DidYouMean(e.Parent, byKey.Keys)}", e.Location);
            else if (what == "data category" && e.Parent != implied)
                diagnostics.Error(DiagnosticCodes.VocabularyInvalid, $"{what} '{e.Key}': parent must be '{implied ?? "(none)"}', the key up to its last dot", e.Location);
            if (e.ReplacedBy is { } r && !byKey.ContainsKey(r))
                diagnostics.Error(DiagnosticCodes.VocabularyInvalid, $"{what} '{e.Key}' is replaced by '{r}', which is not declared{Suggestions.DidYouMean(r, byKey.Keys)}", e.Location);
        }
        return new Taxonomy(list);
    }

    private static ImmutableArray<AttributeDeclaration> CheckAttributes(IReadOnlyList<RulePack> packs, DiagnosticBag diagnostics)
    {
        var result = ImmutableArray.CreateBuilder<AttributeDeclaration>();
        var byName = new Dictionary<string, AttributeDeclaration>(StringComparer.Ordinal);
        foreach (var a in packs.SelectMany(p => p.Attributes).Where(a => a.Name.Length > 0))
        {
            if (byName.TryGetValue(a.Name, out var first))
            {
                if (first.Pack == a.Pack)
                    diagnostics.Error(DiagnosticCodes.AttributeDeclarationInvalid, $"RulePack '{a.Pack}' declares attribute '{a.Name}' twice (first at {first.Location})", a.Location);
                else if (first.Type != a.Type)
                    diagnostics.Error(DiagnosticCodes.AttributeDeclarationInvalid,
                        $"RulePack '{a.Pack}' declares attribute '{a.Name}' as {a.Type}, RulePack '{first.Pack}' as {first.Type} (at {first.Location}); one attribute has one type", a.Location);
            }
            else byName[a.Name] = a;
            result.Add(a);
        }
        return result.ToImmutable();
    }

    /// <summary>
    /// Every literal a rule compares <c>designations</c> with (<c>contains</c>, <c>in</c>, <c>equals</c>, ...; named lists
    /// and predicates are inlined by now). <c>exists</c> and the group operators name no designation.
    /// </summary>
    private static ImmutableSortedSet<string> Designations(IReadOnlyList<RulePack> packs) =>
        packs.SelectMany(p => p.Rules).SelectMany(r => Fields(r.When).Concat(Fields(r.Require)))
            .Where(c => c.Field == DesignationsField && c.Operator is not (Operators.Exists or Operators.InGroup or Operators.NotInGroup or Operators.IsTrue))
            .SelectMany(c => c.Operands)
            .ToImmutableSortedSet(StringComparer.Ordinal);

    /// <summary>Every literal a rule compares a field matching <paramref name="field"/> with (as <see cref="Designations"/> does for one field).</summary>
    private static IEnumerable<string> Literals(IReadOnlyList<RulePack> packs, Func<string, bool> field) =>
        packs.SelectMany(p => p.Rules).SelectMany(r => Fields(r.When).Concat(Fields(r.Require)))
            .Where(c => field(c.Field) && c.Operator is not (Operators.Exists or Operators.InGroup or Operators.NotInGroup or Operators.IsTrue))
            .SelectMany(c => c.Operands);

    /// <summary><c>contract</c> for <c>JP:contract</c>; a mechanism without a qualifier as it is.</summary>
    public static string Unqualified(string mechanism)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        var colon = mechanism.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? mechanism[(colon + 1)..] : mechanism;
    }

    /// <summary>The transfer field whose values form the mechanism vocabulary.</summary>
    public const string MechanismsField = "mechanisms";

    /// <summary>The site field whose values (with those of adequacy conditions) form the certification vocabulary.</summary>
    public const string CertificationsField = "certifications";

    /// <summary>The site field whose values (with the catalog's agreement kinds) form the agreement vocabulary.</summary>
    public const string AgreementsField = "agreements";

    /// <summary>The keys of <paramref name="terms"/>; a key listed twice is an error at its second line.</summary>
    private static List<string> Terms(IReadOnlyList<VocabularyTerm> terms, string what, DiagnosticBag diagnostics)
    {
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var t in terms)
        {
            if (seen.TryGetValue(t.Key, out var first))
                diagnostics.Error(DiagnosticCodes.VocabularyInvalid, $"{what} '{t.Key}' is listed twice (first at {first})", t.Location);
            else seen[t.Key] = t.Location;
        }
        return [.. seen.Keys];
    }

    /// <summary>The DataStore field whose values form the designation vocabulary.</summary>
    public const string DesignationsField = "designations";

    /// <summary>The document kinds an attribute field reads, by its prefix: <c>attributes.X</c> reads the flow (transfer rules) or the store (placement rules).</summary>
    public static IReadOnlyList<string>? KindsRead(string field, string appliesTo, out string name)
    {
        name = string.Empty;
        string prefix;
        if (field.StartsWith("attributes.", StringComparison.Ordinal)) (prefix, name) = ("", field["attributes.".Length..]);
        else
        {
            var at = field.IndexOf(".attributes.", StringComparison.Ordinal);
            if (at <= 0) return null;
            (prefix, name) = (field[..at], field[(at + ".attributes.".Length)..]);
        }
        return prefix switch
        {
            "" => appliesTo == FactKinds.Placement ? ["DataStore"] : ["DataFlow"],
            "exporter" => ["Organization"],
            "site" or "source" or "destination" => ["Cluster", "Recipient"],
            _ => null,
        };
    }

    private static void CheckRule(RuleDefinition rule, VocabularyCatalog catalog, DiagnosticBag diagnostics)
    {
        foreach (var c in Fields(rule.When).Concat(Fields(rule.Require)))
        {
            CheckAttributeRead(rule, c.Field, c.Location, catalog, diagnostics);
            if (c.Operator is Operators.Exists or Operators.InGroup or Operators.NotInGroup) continue;
            if (c.Field == "subjects" && !catalog.CountryCodes.IsEmpty)
            {
                foreach (var code in c.Operands.Where(k => !catalog.RegimeCodes.Contains(k) && !catalog.CountryCodes.Contains(k)))
                    diagnostics.Error(DiagnosticCodes.RuleUnknownTaxonomyKey,
                        $"rule '{rule.Id}': subjects operand '{code}' is neither a loaded jurisdiction code nor an ISO 3166-1 alpha-2 code{Suggestions.DidYouMean(code, catalog.RegimeCodes)}", c.Location);
                continue;
            }
            var (taxonomy, what) = c.Field switch
            {
                "categories" => (catalog.Categories, "data category"),
                "subjectTypes" => (catalog.SubjectTypes, "data subject type"),
                _ => (null, ""),
            };
            if (taxonomy is null) continue;
            if (taxonomy.IsEmpty)
            {
                diagnostics.Error(DiagnosticCodes.VocabularyMissing,
                    $"rule '{rule.Id}' compares {c.Field} but no {what} vocabulary is loaded (add the rules folder with {VocabularyFileReader.CategoriesFile} and {VocabularyFileReader.SubjectsFile}, e.g. rules/catalog)", c.Location);
                continue;
            }
            foreach (var key in c.Operands.Where(k => taxonomy.Find(k) is null))
                diagnostics.Error(DiagnosticCodes.RuleUnknownTaxonomyKey,
                    $"rule '{rule.Id}': {c.Field} operand '{key}' is not a {what} of the loaded taxonomy{TaxonomySuggest(key, taxonomy)}", c.Location);
        }
        foreach (var placeholder in MessageTemplate.Placeholders(rule.Message).Concat(MessageTemplate.Placeholders(rule.Remediation)))
            CheckAttributeRead(rule, placeholder, rule.Location, catalog, diagnostics);
    }

    private static void CheckAttributeRead(RuleDefinition rule, string field, SourceLocation at, VocabularyCatalog catalog, DiagnosticBag diagnostics)
    {
        var kinds = KindsRead(field, rule.AppliesTo, out var name);
        if (kinds is null || name.Length == 0) return;
        var declared = catalog.Attributes.Where(a => a.Name == name).ToList();
        if (declared.Count == 0)
        {
            var candidates = catalog.Attributes.Where(a => a.Kinds.Any(kinds.Contains)).Select(a => a.Name).Distinct();
            diagnostics.Error(DiagnosticCodes.RuleUndeclaredAttribute,
                $"rule '{rule.Id}' reads '{field}', but no loaded RulePack declares attribute '{name}' (spec.attributes){Suggestions.DidYouMean(name, candidates)}", at);
        }
        else if (!declared.Any(a => a.Kinds.Any(kinds.Contains)))
        {
            diagnostics.Error(DiagnosticCodes.RuleUndeclaredAttribute,
                $"rule '{rule.Id}' reads '{field}' from a {string.Join(" or ", kinds)}, but attribute '{name}' is declared for {string.Join(", ", declared.SelectMany(a => a.Kinds).Distinct().Order(StringComparer.Ordinal))} only", at);
        }
    }

    /// <summary>", did you mean 'user.contact'?" for a key of <paramref name="taxonomy"/>: a case fix first, then the nearest key.</summary>
    public static string TaxonomySuggest(string key, Taxonomy taxonomy)
    {
        ArgumentNullException.ThrowIfNull(taxonomy);
        var caseFix = taxonomy.Keys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
        if (caseFix is not null) return $", did you mean '{caseFix}'?";
        var near = Suggestions.DidYouMean(key, taxonomy.Keys);
        if (near.Length > 0) return near;
        // A short form of a longer key at the same depth (user.health for user.health_and_medical): compare with the key's start.
        var depth = key.Count(c => c == '.');
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var k in taxonomy.Keys.Where(k => k.Count(c => c == '.') == depth && k.Length > key.Length))
        {
            var d = Suggestions.Distance(key.ToLowerInvariant(), k[..(key.Length + 1)].ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = k;
            }
        }
        return best is not null && bestDistance <= 2 ? $", did you mean '{best}'?" : string.Empty;
    }

    private static IEnumerable<FieldCondition> Fields(Condition? c) => c switch
    {
        FieldCondition f => [f],
        AllCondition a => a.Items.SelectMany(Fields),
        AnyCondition a => a.Items.SelectMany(Fields),
        NotCondition n => Fields(n.Inner),
        _ => [],
    };

}
