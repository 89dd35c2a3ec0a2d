using System.CommandLine;
using ComplianceEngine.Hosting;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Cli.Commands;

/// <summary>
/// <c>--rules DIR...</c> and <c>--no-builtin-rules</c>: which rule folders a command loads. <c>--rules</c> adds to the
/// built-in rules (a pack, jurisdiction, country group or data category of one's own with a built-in one's name
/// replaces it; a complete rules folder, with its own region catalog, replaces the built-in rules);
/// <c>--no-builtin-rules</c> loads only the <c>--rules</c> folders. <c>builtin:PATH</c> names a folder shipped with the
/// tool, e.g. <c>--rules builtin:policies/org-baseline</c>.
/// </summary>
internal sealed class RuleOptions
{
    /// <summary>How a folder shipped beside the tool is named on the command line.</summary>
    public const string BuiltInScheme = "builtin:";

    public Option<string[]> Rules { get; } = new("--rules")
    {
        Description = "A rules folder to add to the built-in rules (repeatable; a pack of yours with a built-in pack's name replaces it); " +
            "builtin:policies/org-baseline names the organisation baseline shipped with the tool",
        AllowMultipleArgumentsPerToken = true,
    };

    public Option<bool> NoBuiltIn { get; } = new("--no-builtin-rules") { Description = "Load only the --rules folders, not the built-in rules" };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public Command AddTo(Command command)
    {
        command.Add(Rules);
        command.Add(NoBuiltIn);
        return command;
    }

    /// <summary>The rule folders to load, or null (with a message) when <c>--no-builtin-rules</c> leaves none.</summary>
    public IReadOnlyList<string>? Resolve(ParseResult parse, ComplianceService service, TextWriter error)
    {
        var given = (parse.GetValue(Rules) ?? []).Select(Expand).ToList();
        // A folder that holds no rule file would add nothing, and the check would pass on the other rules alone: a
        // mistyped or emptied folder of the organisation's rules must not go unnoticed.
        var empty = given.Where(g => Directory.Exists(g) && !HoldsRuleFiles(g)).ToList();
        foreach (var folder in empty)
            error.WriteLine($"{folder}: error {DiagnosticCodes.NoInputs}: --rules folder holds no rule files (.yaml or .yml outside its tests folders); nothing would be loaded from it");
        if (empty.Count > 0) return null;
        // A folder with a region catalog of its own is a complete rules folder (a copy of rules/, catalogs included):
        // it stands in for the built-in rules rather than duplicating their catalogs.
        if (!parse.GetValue(NoBuiltIn) && !given.Any(IsCompleteRulesFolder)) return [.. service.DefaultRules, .. given];
        if (given.Count > 0) return given;
        error.WriteLine($"compliance: error {DiagnosticCodes.NoRulesLeft}: --no-builtin-rules needs at least one --rules folder");
        return null;
    }

    /// <summary>True when the folder holds a YAML file outside its <c>tests</c> folders (scenarios are not rules).</summary>
    private static bool HoldsRuleFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Any(f => !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar).Contains("tests"));

    /// <summary>True when <paramref name="path"/> is a folder holding a region catalog (<c>cloud-regions.tsv</c>) outside its tests.</summary>
    public static bool IsCompleteRulesFolder(string path) =>
        Directory.Exists(path) && Directory.EnumerateFiles(path, Loading.WorkspaceLoader.RegionCatalogFile, SearchOption.AllDirectories)
            .Any(f => !Path.GetRelativePath(path, f).Split(Path.DirectorySeparatorChar).Contains("tests"));

    /// <summary><c>builtin:PATH</c> as the folder beside the tool; anything else as given.</summary>
    public static string Expand(string path) =>
        path.StartsWith(BuiltInScheme, StringComparison.Ordinal)
            ? Path.Combine(AppContext.BaseDirectory, path[BuiltInScheme.Length..].Replace('/', Path.DirectorySeparatorChar))
            : path;
}
