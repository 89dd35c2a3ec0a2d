using System.CommandLine;
using ComplianceEngine.Hosting;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;
using ComplianceEngine.Reporting;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Cli.Commands;

/// <summary><c>compliance check PATH...</c>: evaluate an estate and write a report (design section 6).</summary>
internal static class CheckCommand
{
    /// <summary>Findings listed on the terminal when the report goes to a file.</summary>
    internal const int TerminalFindings = 50;

    private static readonly Dictionary<string, string> FormatByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".json"] = "json", [".md"] = "markdown", [".markdown"] = "markdown", [".sarif"] = "sarif", [".xml"] = "junit",
        [".html"] = "html", [".htm"] = "html", [".csv"] = "csv", [".txt"] = "text",
    };

    public static Command Create(IServiceProvider services, CliConsole console)
    {
        var writers = services.GetServices<IReportWriter>().ToDictionary(w => w.Format, StringComparer.Ordinal);
        var paths = new Argument<string[]>("paths") { Description = "Inventory files or folders: compliance/v1 YAML, and the sources the engine reads (Terraform plan JSON, Kubernetes, Karmada, OCM, Velero, Istio, Fides)", Arity = ArgumentArity.OneOrMore };
        var rules = CommonOptions.Rules();
        var asOf = CommonOptions.AsOf();
        var format = new Option<string?>("--format") { Description = $"Report format: {string.Join("|", writers.Keys.Order(StringComparer.Ordinal))}" };
        format.AcceptOnlyFromAmong([.. writers.Keys.Order(StringComparer.Ordinal)]);
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file (atomically); the summary goes to the terminal" };
        var failOn = new Option<string?>("--fail-on")
        {
            Description = "Exit 1 when a violation has this severity or higher (info|low|medium|high|critical|none); default: the policy's, else low",
        };
        failOn.AcceptOnlyFromAmong([.. SeverityNames.All, "none"]);
        var policy = new Option<string?>("--policy") { Description = "A policy file: which packs apply, severity overrides, fail-on, waivers" };
        var baseline = new Option<string?>("--baseline") { Description = "A JSON report of an earlier run: its findings no longer fail this one" };
        var writeBaseline = new Option<string?>("--write-baseline") { Description = "Write this run's findings as a baseline (JSON) to this file" };

        var command = new Command("check", "Evaluate inventories and data flows against the rules and report per jurisdiction")
        {
            paths, rules, asOf, format, output, failOn, policy, baseline, writeBaseline,
        };
        command.SetAction(parse =>
        {
            var service = services.GetRequiredService<ComplianceService>();
            var clock = services.GetRequiredService<TimeProvider>();
            if (!CommonOptions.TryGetAsOf(parse.GetValue(asOf), clock, console.Error, out var date)) return ExitCodes.InvalidInput;

            var outputPath = parse.GetValue(output);
            var formatName = parse.GetValue(format)
                ?? (outputPath is null ? "text" : FormatByExtension.GetValueOrDefault(Path.GetExtension(outputPath), "json"));
            if (!writers.TryGetValue(formatName, out var writer))
            {
                console.Error.WriteLine($"compliance: format '{formatName}' is not available");
                return ExitCodes.InvalidInput;
            }

            // A report never replaces one of the user's inputs.
            var inputs = service.CreateLoader().Documents.FindInputFiles(parse.GetValue(paths) ?? [], new DiagnosticBag())
                .Concat(new[] { parse.GetValue(policy), parse.GetValue(baseline) }.OfType<string>())
                .Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
            foreach (var target in new[] { outputPath, parse.GetValue(writeBaseline) }.OfType<string>())
            {
                if (inputs.Contains(Path.GetFullPath(target)))
                {
                    console.Error.WriteLine($"compliance: refusing to write a report over the input file {target}");
                    return ExitCodes.InvalidInput;
                }
            }

            var result = service.Check(new CheckRequest(parse.GetValue(paths) ?? [], parse.GetValue(rules) ?? [], date, CommonOptions.Now(clock),
                IncludePasses: formatName == "junit")
            {
                PolicyPath = parse.GetValue(policy),
                BaselinePath = parse.GetValue(baseline),
            });
            CommonOptions.Print(result.Diagnostics, console.Error);
            if (result.Report is not { } report)
            {
                var errors = result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
                console.Error.WriteLine($"compliance: {errors} error(s); nothing was evaluated");
                return ExitCodes.InvalidInput;
            }

            if (parse.GetValue(writeBaseline) is { } baselinePath)
            {
                AtomicFile.Write(baselinePath, w => writers["json"].Write(report, w));
                console.Error.WriteLine($"compliance: baseline of {report.Findings.Count(f => f.Status != FindingStatus.Pass)} findings written to {baselinePath}");
            }
            if (outputPath is not null)
            {
                AtomicFile.Write(outputPath, w => writer.Write(report, w));
                // The file has every finding; the terminal gets the table and the first ones.
                ConsoleSummaryWriter.Write(report, console.Out, TerminalFindings);
                console.Out.WriteLine();
                console.Out.WriteLine($"Report written to {outputPath} ({formatName}).");
            }
            else
            {
                writer.Write(report, console.Out);
            }
            var threshold = parse.GetValue(failOn) ?? result.FailOn ?? "low";
            return Core.Policy.PolicyApplier.Fails(report, threshold, result.FailOnIndeterminate) ? ExitCodes.Findings : ExitCodes.Ok;
        });
        return command;
    }
}
