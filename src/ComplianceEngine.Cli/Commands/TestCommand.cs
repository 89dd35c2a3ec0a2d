using System.CommandLine;
using ComplianceEngine.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Cli.Commands;

/// <summary><c>compliance test [DIR...]</c>: run scenario folders (inputs + expected findings) against the rules.</summary>
internal static class TestCommand
{
    public static Command Create(IServiceProvider services, CliConsole console)
    {
        var dirs = new Argument<string[]>("dirs") { Description = "Folders to search for scenarios (folders holding case.yaml or case.yml); default: the rules folders", Arity = ArgumentArity.ZeroOrMore };
        var rules = new RuleOptions();
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print passing cases too" };
        var command = new Command("test", "Run rule-pack scenario tests: pass or fail per case, with the difference") { dirs, rules.Rules, rules.NoBuiltIn, verbose };
        command.SetAction(parse =>
        {
            var service = services.GetRequiredService<ComplianceService>();
            if (rules.Resolve(parse, service, console.Error) is not { } ruleDirs) return ExitCodes.InvalidInput;
            var (engine, diagnostics) = service.GetEngine(ruleDirs);
            CommonOptions.Print(diagnostics, console.Error);
            if (engine is null) return ExitCodes.InvalidInput;

            IReadOnlyList<string> roots = parse.GetValue(dirs) is { Length: > 0 } d ? d : ruleDirs;
            var missingRoot = roots.FirstOrDefault(x => !Directory.Exists(x));
            if (missingRoot is not null)
            {
                console.Error.WriteLine($"compliance: no such folder: {missingRoot}");
                return ExitCodes.InvalidInput;
            }
            var folders = ScenarioRunner.Discover(roots);
            if (folders.Count == 0)
            {
                console.Error.WriteLine($"compliance: no scenario folders (with {ScenarioRunner.CaseFile} or {ScenarioRunner.CaseFileYml}) under {string.Join(", ", roots)}");
                return ExitCodes.InvalidInput;
            }
            var runner = new ScenarioRunner(service.CreateLoader());
            var failed = 0;
            var invalid = 0;
            foreach (var folder in folders)
            {
                var result = runner.Run(folder, engine);
                var errors = result.Diagnostics.Where(x => x.Severity == Model.Diagnostics.DiagnosticSeverity.Error).ToList();
                if (errors.Count > 0)
                {
                    invalid++;
                    console.Out.WriteLine($"ERROR {folder}");
                    foreach (var e in errors) console.Out.WriteLine($"    {e}");
                    continue;
                }
                if (result.Passed)
                {
                    if (parse.GetValue(verbose)) console.Out.WriteLine($"PASS  {folder}");
                    continue;
                }
                failed++;
                console.Out.WriteLine($"FAIL  {folder}");
                foreach (var m in result.Missing) console.Out.WriteLine($"    - expected, not found: {m}");
                foreach (var u in result.Unexpected) console.Out.WriteLine($"    + found, not expected: {u}");
            }
            var passed = folders.Count - failed - invalid;
            console.Out.WriteLine($"{passed} passed, {failed} failed, {invalid} could not run ({folders.Count} scenarios)");
            return invalid > 0 ? ExitCodes.InvalidInput : failed > 0 ? ExitCodes.Findings : ExitCodes.Ok;
        });
        return command;
    }
}
