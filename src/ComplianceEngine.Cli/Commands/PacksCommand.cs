using System.CommandLine;
using ComplianceEngine.Hosting;
using ComplianceEngine.Model.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Cli.Commands;

/// <summary><c>compliance packs</c>: the rule packs loaded, by the names a policy's <c>packs:</c> uses.</summary>
internal static class PacksCommand
{
    public static Command Create(IServiceProvider services, CliConsole console)
    {
        var rules = new RuleOptions();
        var command = rules.AddTo(new Command("packs", "List the rule packs: name (as a policy's packs: names it), jurisdiction, rule count, where it is"));
        command.SetAction(parse =>
        {
            var service = services.GetRequiredService<ComplianceService>();
            if (rules.Resolve(parse, service, console.Error) is not { } folders) return ExitCodes.InvalidInput;
            var diagnostics = new DiagnosticBag();
            var source = service.CreateLoader().LoadRules(folders, diagnostics, service.DefaultRules[0]);
            CommonOptions.Print(diagnostics.Sorted(), console.Error);
            if (diagnostics.HasErrors) return ExitCodes.InvalidInput;
            if (source.Packs.IsEmpty)
            {
                console.Error.WriteLine($"compliance: error {DiagnosticCodes.NoInputs}: no RulePack documents in {string.Join(", ", folders)}");
                return ExitCodes.InvalidInput;
            }
            var rows = source.Packs.OrderBy(p => p.Name, StringComparer.Ordinal)
                .Select(p => new[] { p.Name, p.Jurisdiction, p.Rules.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Location.File, p.Title })
                .ToList();
            RulesCommand.Table(console.Out, ["PACK", "JURISDICTION", "RULES", "FILE", "TITLE"], rows);
            console.Out.WriteLine($"{rows.Count} packs, {source.Packs.Sum(p => p.Rules.Length)} rules");
            return ExitCodes.Ok;
        });
        return command;
    }
}
