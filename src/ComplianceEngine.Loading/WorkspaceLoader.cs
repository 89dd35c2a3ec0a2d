using System.Collections.Immutable;
using ComplianceEngine.Loading.Catalog;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.Validation;
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

    /// <summary>Creates a loader with the given YAML caps.</summary>
    public WorkspaceLoader(YamlLimits? limits = null) => _documents = new DocumentLoader(limits);

    /// <summary>How files of the built-in rules are named in findings, evidence and diagnostics: <c>builtin:rules/eu-gdpr/rules.yaml</c>.</summary>
    public const string BuiltInPrefix = "builtin:rules/";

    /// <summary>Reads rule packs, regimes, country groups and region catalogs from <paramref name="paths"/>.</summary>
    /// <param name="paths">Rule folders and files.</param>
    /// <param name="diagnostics">Where problems go.</param>
    /// <param name="builtInRoot">
    /// The folder of the built-in rules, when they are among <paramref name="paths"/>: files under it are named
    /// <c>builtin:rules/&lt;path under the folder&gt;</c> (the path in the repository's <c>rules/</c>), never by where the
    /// application happens to be installed.
    /// </param>
    public RuleSource LoadRules(IEnumerable<string> paths, DiagnosticBag diagnostics, string? builtInRoot = null)
    {
        var list = paths.ToList();
        var files = DocumentLoader.FindFiles(list, diagnostics, [.. TestFolders]);
        var docs = new List<RawDocument>();
        foreach (var file in files)
        {
            var text = _documents.ReadText(file, diagnostics);
            if (text is not null) docs.AddRange(_documents.LoadText(text, DisplayName(file, builtInRoot), diagnostics));
        }
        if (builtInRoot is not null) docs = WithoutReplacedBuiltIns(docs);
        foreach (var d in docs.Where(d => d.Info.Kind is not (DocumentKind.RulePack or DocumentKind.Jurisdiction or DocumentKind.CountryGroup)))
        {
            diagnostics.Error(DiagnosticCodes.UnknownKind, $"a rules folder holds RulePack, Jurisdiction and CountryGroup documents, not {d.Info.Kind}", d.Info.Location);
        }
        var packs = RuleReader.Read(docs);
        var regimes = CatalogReader.ReadRegimes(docs);
        var groups = CatalogReader.ReadGroups(docs);

        var ids = new Dictionary<string, Model.Rules.RuleDefinition>(StringComparer.Ordinal);
        foreach (var rule in packs.SelectMany(p => p.Rules))
        {
            FluentDiagnostics.Validate(RuleRules, rule, rule.Location, diagnostics);
            if (ids.TryGetValue(rule.Id, out var first))
                diagnostics.Error(DiagnosticCodes.RuleDuplicateId, $"rule '{rule.Id}' is defined twice (first at {first.Location})", rule.Location);
            else ids[rule.Id] = rule;
        }
        foreach (var entry in regimes.SelectMany(r => r.Adequacy)) FluentDiagnostics.Validate(AdequacyRules, entry, entry.Location, diagnostics);
        CheckUniqueNames(regimes.Select(r => (r.Code, r.Location)), "Jurisdiction", diagnostics);
        CheckUniqueNames(groups.Select(g => (g.Name, g.Location)), "CountryGroup", diagnostics);

        var regions = ImmutableArray.CreateBuilder<RegionInfo>();
        var builtInRegions = new List<RegionInfo>();
        foreach (var path in list)
        {
            IEnumerable<string> candidates = Directory.Exists(path)
                ? Directory.EnumerateFiles(path, RegionCatalogFile, SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : path.EndsWith(".tsv", StringComparison.Ordinal) ? [path] : [];
            foreach (var file in candidates)
            {
                var name = DocumentLoader.Normalize(file);
                var text = _documents.ReadText(name, diagnostics);
                var shownAs = DisplayName(name, builtInRoot);
                if (text is null) continue;
                var read = RegionCatalogReader.Read(text, shownAs, diagnostics);
                if (shownAs.StartsWith(BuiltInPrefix, StringComparison.Ordinal)) builtInRegions.AddRange(read);
                else regions.AddRange(read);
            }
        }
        // A region of one's own catalog replaces the built-in line for the same provider and region.
        var ownRegions = regions.Select(r => (r.Provider, r.Region)).ToHashSet();
        regions.AddRange(builtInRegions.Where(r => !ownRegions.Contains((r.Provider, r.Region))));
        return new RuleSource(packs, regimes, groups, regions.ToImmutable());
    }

    /// <summary>Reads an estate (inventory documents) from files and folders, and cross-checks it.</summary>
    public Estate LoadEstate(IEnumerable<string> paths, DiagnosticBag diagnostics) => LoadWorkspace(paths, diagnostics).Estate;

    /// <summary>Reads an estate and the waivers kept beside it. Rule and policy documents among the inputs are reported and ignored.</summary>
    public (Estate Estate, ImmutableArray<Waiver> Waivers) LoadWorkspace(IEnumerable<string> paths, DiagnosticBag diagnostics)
    {
        var files = DocumentLoader.FindFiles(paths, diagnostics);
        var docs = _documents.LoadFiles(files, diagnostics);
        foreach (var d in docs.Where(d => d.Info.Kind is DocumentKind.RulePack or DocumentKind.Jurisdiction or DocumentKind.CountryGroup or DocumentKind.Policy or DocumentKind.TestCase))
        {
            var option = d.Info.Kind == DocumentKind.Policy ? "--policy" : d.Info.Kind == DocumentKind.TestCase ? "compliance test" : "--rules";
            diagnostics.Warning(DiagnosticCodes.UnknownKind, $"{d.Info.Kind} '{d.Info.Name}' is not inventory and is ignored here; pass it with {option}", d.Info.Location);
        }
        var waivers = PolicyReader.ReadWaivers(docs, diagnostics);
        return (ReadEstate(docs, diagnostics), waivers);
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

    /// <summary>
    /// Rules of one's own given beside the built-in ones replace the built-in documents of the same kind and name: a
    /// <c>RulePack</c> named <c>eu-gdpr</c> replaces the built-in pack <c>eu-gdpr</c>, a <c>Jurisdiction</c> or
    /// <c>CountryGroup</c> likewise, so an edited copy of a built-in pack (or of the whole folder) is not a duplicate.
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
