using System.CommandLine;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Cli.Commands;

/// <summary>
/// <c>compliance init [DIR]</c>: writes a commented starter estate (an organisation, two clusters, a store, a recipient
/// and a flow), a policy and the estate schema. It never overwrites a file: when one exists, nothing is written.
/// </summary>
internal static class InitCommand
{
    private const string Prefix = "init/";

    /// <summary>The files written, relative to DIR, as embedded in this assembly.</summary>
    internal static IReadOnlyList<string> Files { get; } =
        [.. typeof(InitCommand).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..]).Order(StringComparer.Ordinal)];

    public static Command Create(CliConsole console)
    {
        var dir = new Argument<string>("dir") { Description = "The folder to write into (created if missing); default: the current folder", DefaultValueFactory = _ => "." };
        var command = new Command("init", "Write a commented starter estate (estate/estate.yaml), a policy (policy.yaml) and the estate schema; never overwrites") { dir };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(dir)!;
            var existing = Files.Select(f => Path.Combine(root, f)).Where(p => File.Exists(p) || Directory.Exists(p)).ToList();
            if (existing.Count > 0)
            {
                foreach (var path in existing)
                    console.Error.WriteLine($"compliance: error {DiagnosticCodes.InitWouldOverwrite}: {path} exists; init never overwrites (choose another folder, or move it away)");
                console.Error.WriteLine("compliance: nothing was written");
                return ExitCodes.InvalidInput;
            }
            foreach (var file in Files)
            {
                var path = Path.Combine(root, file);
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                using var resource = typeof(InitCommand).Assembly.GetManifestResourceStream(Prefix + file)!;
                using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                resource.CopyTo(target);
                console.Out.WriteLine($"wrote {path}");
            }
            var policy = Path.Combine(root, "policy.yaml");
            console.Out.WriteLine();
            console.Out.WriteLine($"Next: describe your estate in {Path.Combine(root, "estate")}, then run");
            console.Out.WriteLine($"  compliance check {Path.Combine(root, "estate")} --policy {policy}");
            console.Out.WriteLine("It finds two GDPR Chapter V violations in the starter estate, each with the article and the fix.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
