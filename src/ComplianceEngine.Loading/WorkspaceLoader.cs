using System.Collections.Immutable;
using ComplianceEngine.Loading.Catalog;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.Rules;
using ComplianceEngine.Loading.Validation;
using ComplianceEngine.Loading.Vocabulary;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Model.Jurisdictions;
using ComplianceEngine.Model.Policy;

namespace ComplianceEngine.Loading;

/// <summary>Reads rules folders and estate paths, with every problem collected as a diagnostic.</summary>
public sealed class WorkspaceLoader
{
    /// <summary>Folders inside a rules folder that hold scenario tests, not rules.</summary>
    public static IReadOnlyList<string> TestFolders { get; } = ["tests"];

    /// <summary>The region catalog's file name, searched for in every rules folder.</summary>
    public const string RegionCatalogFile = "cloud-regions.tsv";

    private static readonly RuleDefinitionValidator RuleRules = new();
    private static readonly AdequacyEntryValidator AdequacyRules = new();
    private readonly DocumentLoader _documents;

    /// <summary>Creates a loader with the given YAML caps, reading source files (Terraform plans, Kubernetes...) through <paramref name="sources"/> when given.</summary>
    public WorkspaceLoader(YamlLimits? limits = null, Sources.ISourceReader? sources = null) => _documents = new DocumentLoader(limits, sources);

    /// <summary>Creates a loader over <paramref name="documents"/> (its caps, source reader and reading options).</summary>
    public WorkspaceLoader(DocumentLoader documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        _documents = documents;
    }

    /// <summary>How files of the built-in rules are named in findings, evidence and diagnostics: <c>builtin:rules/eu-gdpr/rules.yaml</c>.</summary>
    public const string BuiltInPrefix = "builtin:rules/";

    /// <summary>Reads rule packs, regimes, country groups and region catalogs from <paramref name="paths"/>.</summary>
    /// <param name="paths">Rule folders and files.</param>
    /// <param name="diagnostics">Where problems go.</param>
    /// <param name="builtInRoot">
    /// The folder of the built-in rules, when they are among <paramref name="paths"/>: files under it are named
    /// <c>builtin:rules/&lt;path under the folder&gt;</c> (the path in the repository's <c>rules/</c>), never by where the
    /// application happens to be installed; and a document of one's own replaces the built-in one of the same kind and name.
    /// </param>
    public RuleSource LoadRules(IEnumerable<string> paths, DiagnosticBag diagnostics, string? builtInRoot = null)
    {
        var list = paths.ToList();
        var files = DocumentLoader.FindFiles(list, diagnostics, [.. TestFolders]);
        var docs = new List<RawDocument>();
        foreach (var parsed in _documents.ParseFiles(files, f => DisplayName(f, builtInRoot))) docs.AddRange(_documents.LoadParsed(parsed, diagnostics));
        if (builtInRoot is not null) docs = WithoutReplacedBuiltIns(docs);
        foreach (var d in docs.Where(d => d.Info.Kind is not (DocumentKind.RulePack or DocumentKind.Jurisdiction or DocumentKind.CountryGroup or DocumentKind.DataCategory
                     or DocumentKind.List or DocumentKind.Predicate)))
        {
            diagnostics.Error(DiagnosticCodes.UnknownKind, $"a rules folder holds RulePack, Jurisdiction, CountryGroup, DataCategory, List and Predicate documents, not {d.Info.Kind}", d.Info.Location);
        }
        var lists = NamedConditionReader.ReadLists(docs);
        var predicates = NamedConditionReader.ReadPredicates(docs);
        CheckUniqueNames(lists.Select(l => (l.Name, l.Location)), "List", diagnostics);
        CheckUniqueNames(predicates.Select(p => (p.Name, p.Location)), "Predicate", diagnostics);
        // Named lists and predicates are inlined before anything else reads the rules: the validators, the vocabulary
        // checks, the compiler and the regime index all see the conditions themselves.
        var packs = RuleReferenceResolver.Resolve(RuleReader.Read(docs), lists, predicates, diagnostics,
            docs.Where(d => d.Info.Kind == DocumentKind.Predicate).Select(d => d.Info.Name));
        var regimes = CatalogReader.ReadRegimes(docs);
        var groups = CatalogReader.ReadGroups(docs);

        var ids = new Dictionary<string, Model.Rules.RuleDefinition>(StringComparer.Ordinal);
        foreach (var rule in packs.SelectMany(p => p.Rules))
        {
            FluentDiagnostics.Validate(RuleRules, rule, rule.Location, diagnostics);
            CitationPeriods.Check(rule, diagnostics);
            if (ids.TryGetValue(rule.Id, out var first))
                diagnostics.Error(DiagnosticCodes.RuleDuplicateId, $"rule '{rule.Id}' is defined twice (first at {first.Location})", rule.Location);
            else ids[rule.Id] = rule;
        }
        foreach (var entry in regimes.SelectMany(r => r.Adequacy)) FluentDiagnostics.Validate(AdequacyRules, entry, entry.Location, diagnostics);
        CheckUniqueNames(regimes.Select(r => (r.Code, r.Location)), "Jurisdiction", diagnostics);
        CheckUniqueNames(groups.Select(g => (g.Name, g.Location)), "CountryGroup", diagnostics);

        var regions = ImmutableArray.CreateBuilder<RegionInfo>();
        var zones = ImmutableArray.CreateBuilder<ZoneForm>();
        var multiRegions = ImmutableArray.CreateBuilder<MultiRegion>();
        // The same walk as for the YAML files (once per real folder, regular files only, tests folders skipped).
        string[] regionFiles = [RegionCatalogFile, ZoneFormFile, MultiRegionFile];
        var catalogs = list.Where(p => Directory.Exists(p) || (p.EndsWith(".tsv", StringComparison.Ordinal) && !IsVocabularyFile(p)));
        foreach (var file in DocumentLoader.FindFiles(catalogs, diagnostics, TestFolders, f => regionFiles.Contains(Path.GetFileName(f))))
        {
            var text = _documents.ReadText(file, diagnostics);
            if (text is null) continue;
            var name = DisplayName(file, builtInRoot);
            switch (Path.GetFileName(file))
            {
                case ZoneFormFile: zones.AddRange(RegionCatalogReader.ReadZones(text, name, diagnostics)); break;
                case MultiRegionFile: multiRegions.AddRange(RegionCatalogReader.ReadMultiRegions(text, name, diagnostics)); break;
                default: regions.AddRange(RegionCatalogReader.Read(text, name, diagnostics)); break;
            }
        }
        var vocabulary = VocabularyBuilder.Build(
            ReadCatalogFiles(list, VocabularyFileReader.CategoriesFile, VocabularyFileReader.ReadTaxonomy, diagnostics, builtInRoot),
            [.. docs.Where(d => d.Info.Kind == DocumentKind.DataCategory).Select(d => { var e = InventoryReader.ReadDataCategory(d); d.Spec.Finish(); return e; })],
            ReadCatalogFiles(list, VocabularyFileReader.SubjectsFile, VocabularyFileReader.ReadTaxonomy, diagnostics, builtInRoot),
            ReadCatalogFiles(list, VocabularyFileReader.CountriesFile, VocabularyFileReader.ReadCountries, diagnostics, builtInRoot),
            ReadCatalogFiles(list, VocabularyFileReader.AgreementsFile, VocabularyFileReader.ReadAgreements, diagnostics, builtInRoot),
            groups, regimes, packs, diagnostics);
        CheckSensitiveCategories(regimes, vocabulary, diagnostics);
        var data = new RegionData(regions.ToImmutable(), zones.ToImmutable(), multiRegions.ToImmutable());
        RegionCatalogReader.Validate(data, diagnostics);
        return new RuleSource(packs, regimes, groups, data) { Vocabulary = vocabulary };
    }

    /// <summary>
    /// A regime's <c>sensitiveCategories</c> must be keys of the loaded category taxonomy (or DataCategory documents): a typo
    /// would silently make data "not sensitive" and infer zero sensitive individuals (CE3020).
    /// </summary>
    private static void CheckSensitiveCategories(ImmutableArray<Regime> regimes, Model.Vocabulary.VocabularyCatalog vocabulary, DiagnosticBag diagnostics)
    {
        // Without a taxonomy no estate can be checked at all (CE3018): nothing to check the keys against here.
        if (vocabulary.Categories.IsEmpty) return;
        foreach (var regime in regimes)
        {
            for (var i = 0; i < regime.SensitiveCategories.Length; i++)
            {
                var key = regime.SensitiveCategories[i];
                if (vocabulary.Categories.Find(key) is not null) continue;
                var location = i < regime.SensitiveCategoryLocations.Length ? regime.SensitiveCategoryLocations[i] : regime.Location;
                diagnostics.Error(DiagnosticCodes.SensitiveCategoryUnknown,
                    $"Jurisdiction '{regime.Code}' declares sensitive category '{key}', but it is not a key of the loaded category taxonomy: sensitiveIndividuals would be inferred from a category no data can carry",
                    location);
            }
        }
    }

    private static bool IsVocabularyFile(string path) =>
        Path.GetFileName(path) is VocabularyFileReader.CategoriesFile or VocabularyFileReader.SubjectsFile or VocabularyFileReader.CountriesFile
            or VocabularyFileReader.AgreementsFile;

    /// <summary>Reads every catalog file named <paramref name="fileName"/> in the rules folders (or given as a path), walked as the YAML files are.</summary>
    private ImmutableArray<T> ReadCatalogFiles<T>(IEnumerable<string> paths, string fileName, Func<string, string, DiagnosticBag, ImmutableArray<T>> read, DiagnosticBag diagnostics,
        string? builtInRoot)
    {
        var result = ImmutableArray.CreateBuilder<T>();
        var roots = paths.Where(p => Directory.Exists(p) || Path.GetFileName(p) == fileName);
        foreach (var name in DocumentLoader.FindFiles(roots, diagnostics, TestFolders, f => Path.GetFileName(f) == fileName))
        {
            var text = _documents.ReadText(name, diagnostics);
            if (text is not null) result.AddRange(read(text, DisplayName(name, builtInRoot), diagnostics));
        }
        return result.ToImmutable();
    }

    /// <summary>
    /// Rules of one's own given beside the built-in ones replace the built-in documents of the same kind and name: a
    /// <c>RulePack</c> named <c>eu-gdpr-chapter-v</c> replaces the built-in pack of that name, a <c>Jurisdiction</c>,
    /// <c>CountryGroup</c> or <c>DataCategory</c> likewise, so an edited copy of a built-in pack is not a duplicate.
    /// </summary>
    private static List<RawDocument> WithoutReplacedBuiltIns(List<RawDocument> docs)
    {
        static bool IsBuiltIn(RawDocument d) => d.Info.Location.File.StartsWith(BuiltInPrefix, StringComparison.Ordinal);
        var own = docs.Where(d => !IsBuiltIn(d)).Select(d => (d.Info.Kind, d.Info.Name)).ToHashSet();
        return own.Count == 0 ? docs : [.. docs.Where(d => !IsBuiltIn(d) || !own.Contains((d.Info.Kind, d.Info.Name)))];
    }

    /// <summary>
    /// The name a rules file is shown by: <c>builtin:rules/...</c> under <paramref name="builtInRoot"/>, else the file
    /// as found (relative to the working directory).
    /// </summary>
    public static string DisplayName(string file, string? builtInRoot)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (builtInRoot is null) return file;
        var root = Path.GetFullPath(builtInRoot);
        var full = Path.GetFullPath(file);
        var relative = Path.GetRelativePath(root, full);
        if (relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)) return file;
        return BuiltInPrefix + relative.Replace('\\', '/');
    }

    /// <summary>The zone-form file's name (how providers name the zones of a region), beside the region catalog.</summary>
    public const string ZoneFormFile = "zones.tsv";

    /// <summary>The multi-region file's name (locations that span several regions), beside the region catalog.</summary>
    public const string MultiRegionFile = "multi-regions.tsv";



    /// <summary>Reads an estate (inventory documents) from files and folders, and cross-checks it.</summary>
    public Estate LoadEstate(IEnumerable<string> paths, DiagnosticBag diagnostics) => LoadWorkspace(paths, diagnostics).Estate;

    /// <summary>Reads an estate and the waivers kept beside it. Rule and policy documents among the inputs are reported and ignored.</summary>
    public (Estate Estate, ImmutableArray<Waiver> Waivers) LoadWorkspace(IEnumerable<string> paths, DiagnosticBag diagnostics)
    {
        var files = _documents.FindInputFiles(paths, diagnostics);
        // File by file: each file's YAML is read into records and dropped before the files after the next few are parsed.
        var reader = new EstateReader(diagnostics);
        foreach (var batch in _documents.ReadFiles(files, diagnostics))
        {
            foreach (var d in batch.Where(d => d.Info.Kind is DocumentKind.RulePack or DocumentKind.Jurisdiction or DocumentKind.CountryGroup or DocumentKind.List or DocumentKind.Predicate or DocumentKind.Policy or DocumentKind.TestCase))
            {
                var option = d.Info.Kind == DocumentKind.Policy ? "--policy" : d.Info.Kind == DocumentKind.TestCase ? "compliance test" : "--rules";
                diagnostics.Warning(DiagnosticCodes.UnknownKind, $"{d.Info.Kind} '{d.Info.Name}' is not inventory and is ignored here; pass it with {option}", d.Info.Location);
            }
            reader.Add(batch);
        }
        return reader.Finish();
    }

    /// <summary>Reads a policy file: exactly one Policy document, and any Waiver documents beside it.</summary>
    public (PolicyDocument? Policy, ImmutableArray<Waiver> Waivers) LoadPolicy(string path, DiagnosticBag diagnostics)
    {
        var files = DocumentLoader.FindFiles([path], diagnostics);
        var docs = _documents.LoadFiles(files, diagnostics);
        var policies = PolicyReader.ReadPolicies(docs, diagnostics);
        var waivers = PolicyReader.ReadWaivers(docs, diagnostics);
        foreach (var d in docs.Where(d => d.Info.Kind is not (DocumentKind.Policy or DocumentKind.Waiver)))
            diagnostics.Error(DiagnosticCodes.UnknownKind, $"a policy file holds Policy and Waiver documents, not {d.Info.Kind}", d.Info.Location);
        if (policies.Length != 1 && !diagnostics.HasErrors)
            diagnostics.Error(DiagnosticCodes.PolicyInvalid, $"a policy file needs exactly one Policy document, found {policies.Length}", new SourceLocation(DocumentLoader.Normalize(path), 0, 0));
        return (policies.Length == 1 ? policies[0] : null, waivers);
    }

    /// <summary>Reads an estate from already-parsed documents (rules, policies and test cases among them are ignored).</summary>
    public static Estate ReadEstate(IReadOnlyList<RawDocument> docs, DiagnosticBag diagnostics)
    {
        var withErrors = new HashSet<DocumentInfo>(ReferenceEqualityComparer.Instance);
        var estate = InventoryReader.Read(docs, diagnostics, withErrors);
        EstateLinker.Check(estate, diagnostics, withErrors);
        return estate;
    }

    /// <summary>The document loader used for other kinds (policies, test cases).</summary>
    public DocumentLoader Documents => _documents;

    private static void CheckUniqueNames(IEnumerable<(string Name, SourceLocation Location)> items, string kind, DiagnosticBag diagnostics)
    {
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var (name, location) in items)
        {
            if (seen.TryGetValue(name, out var first))
                diagnostics.Error(DiagnosticCodes.DuplicateName, $"{kind} '{name}' is declared twice (first at {first})", location);
            else seen[name] = location;
        }
    }
}
