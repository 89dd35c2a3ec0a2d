using System.CommandLine;
using ComplianceEngine.Cli.Progress;
using ComplianceEngine.Core;
using ComplianceEngine.Core.Evaluation;
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

    /// <summary>File name endings and the format they name, longest first (<c>.sarif.json</c> is SARIF, not JSON).</summary>
    private static readonly (string Suffix, string Format)[] FormatBySuffix =
    [
        (".sarif.json", "sarif"), (".junit.xml", "junit"), (".markdown", "markdown"), (".sarif", "sarif"), (".junit", "junit"),
        (".json", "json"), (".html", "html"), (".xml", "junit"), (".htm", "html"), (".csv", "csv"), (".txt", "text"), (".md", "markdown"),
    ];

    /// <summary>The format a file name's ending names, or null.</summary>
    internal static string? FormatOf(string path)
    {
        var name = Path.GetFileName(path);
        foreach (var (suffix, format) in FormatBySuffix)
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) return format;
        return null;
    }

    /// <summary>
    /// The report format: <c>--format</c> when given (an <c>--output</c> ending that names another format is a mistake),
    /// else the <c>--output</c> file's ending (an ending that names no format is a mistake), else text on the terminal.
    /// </summary>
    internal static string? ResolveFormat(string? format, string? output, IEnumerable<string> formats, TextWriter error)
    {
        var named = output is null ? null : FormatOf(output);
        if (format is not null)
        {
            if (named is null || named == format) return format;
            error.WriteLine($"compliance: error {DiagnosticCodes.OutputFormatMismatch}: --output {output} names a {named} file but --format is {format}; " +
                "make them agree or drop --format");
            return null;
        }
        if (output is null) return "text";
        if (named is not null) return named;
        error.WriteLine($"compliance: error {DiagnosticCodes.OutputFormatMismatch}: cannot tell the report format from the name {output}; " +
            $"give --format ({string.Join("|", formats.Order(StringComparer.Ordinal))}) or a name ending in " +
            string.Join(", ", FormatBySuffix.Select(f => f.Suffix).Order(StringComparer.Ordinal)));
        return null;
    }

    /// <summary>
    /// A sentence when the date leaves rules out (an audit date before the law): none of the rules the report was judged
    /// by (the policy's packs when a policy chose them) in force on <paramref name="asOf"/>, or a run in which no rule
    /// applied (no finding, no pass: rules in force may still have judged facts out of their scope) while some rules take
    /// effect later. An empty table is then not read as "compliant". Null otherwise.
    /// </summary>
    internal static string? NoRuleInForce(Engine engine, DateOnly asOf, bool nothingJudged)
    {
        if (engine.Rules.Rules.Length == 0) return null;
        var definitions = engine.Rules.Rules.Select(r => r.Definition).ToList();
        var inForce = definitions.Count(d => d.Effective.Contains(asOf));
        // The usual case says nothing: no need to sort the rules that take effect later.
        if (inForce > 0 && !nothingJudged) return null;
        var later = definitions.Where(d => d.Effective.From > asOf).OrderBy(d => d.Effective.From).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var earliest = later.Count == 0 ? "" : $"; the earliest, {later[0].Id}, takes effect on {Day(later[0].Effective.From!.Value)}";
        if (inForce == 0)
            return $"no loaded rule was in force on {Day(asOf)}{(later.Count == 0 ? ": every one had ended by then" : earliest)}; nothing could be found";
        if (nothingJudged && later.Count > 0)
            return $"only {inForce} of {definitions.Count} loaded rules were in force on {Day(asOf)} and none applied; {later.Count} take effect later{earliest}";
        return null;
    }

    /// <summary>The terminal's summary of a report written to a file (<see cref="TerminalFindings"/> findings listed).</summary>
    internal static string Summary(Report report)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        ConsoleSummaryWriter.Write(report, text, TerminalFindings);
        return text.ToString();
    }

    /// <summary>
    /// For a <c>check</c> of the built-in rules alone (the command line names no <c>--rules</c>, <c>--no-builtin-rules</c>,
    /// <c>--policy</c>, response file, help or version), starts reading and compiling them now, on a thread of their own,
    /// while this thread builds the commands and parses the command line (<see cref="ComplianceService.BeginPrepare"/>): the
    /// check then takes them if its rules and policy turn out to be those, and reads its own otherwise. Nothing it does is
    /// visible: a failure there is met and reported by the check. Returns whether it started.
    /// </summary>
    internal static bool PrepareRulesAhead(IReadOnlyList<string> args, IServiceProvider services)
    {
        if (!OnlyBuiltInRules(args)) return false;
        try
        {
            var service = services.GetRequiredService<ComplianceService>();
            service.BeginPrepare(service.DefaultRules, policyPath: null);
            return true;
        }
#pragma warning disable CA1031 // Not swallowed: the command resolves the same service next and reports what fails there.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <summary>
    /// True when <paramref name="args"/> are a <c>check</c> that will load the built-in rules and no policy, as far as the
    /// words show (a guess: a wrong one only costs the work of <see cref="PrepareRulesAhead"/>).
    /// </summary>
    internal static bool OnlyBuiltInRules(IReadOnlyList<string> args) =>
        args.Count > 0 && args[0] == "check" && args.Skip(1).All(a =>
            !a.StartsWith("--rules", StringComparison.Ordinal) && !a.StartsWith("--no-builtin-rules", StringComparison.Ordinal) &&
            !a.StartsWith("--policy", StringComparison.Ordinal) && !a.StartsWith('@') && a is not ("-h" or "--help" or "-?" or "/?" or "/h" or "--version"));

    public static Command Create(IServiceProvider services, CliConsole console)
    {
        var writers = services.GetServices<IReportWriter>().ToDictionary(w => w.Format, StringComparer.Ordinal);
        var paths = new Argument<string[]>("paths") { Description = "Inventory files or folders: compliance/v1 YAML, and the sources the engine reads (Terraform plan JSON, Kubernetes, Karmada, OCM, Velero, Istio, Fides)", Arity = ArgumentArity.OneOrMore };
        var rules = new RuleOptions();
        var asOf = CommonOptions.AsOf();
        var format = new Option<string?>("--format") { Description = $"Report format: {string.Join("|", writers.Keys.Order(StringComparer.Ordinal))}" };
        format.AcceptOnlyFromAmong([.. writers.Keys.Order(StringComparer.Ordinal)]);
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file (atomically); the summary goes to the terminal" };
        var failOn = new Option<string?>("--fail-on")
        {
            Description = "Exit 1 when a violation or an indeterminate finding has this severity or higher (info|low|medium|high|critical|none); default: the policy's, else low",
        };
        failOn.AcceptOnlyFromAmong([.. Gate.FailOnValues]);
        var failOnIndeterminate = new Option<string?>("--fail-on-indeterminate")
        {
            Description = "Whether indeterminate findings (facts the engine could not decide) at or above --fail-on fail the run: true|false; default: the policy's, else true",
        };
        failOnIndeterminate.AcceptOnlyFromAmong("true", "false");
        var failOnNothingJudged = new Option<string?>("--fail-on-nothing-judged")
        {
            Description = "Whether a run that judged nothing (no loaded rule applied to any document) fails: true|false; default: the policy's, else true",
        };
        failOnNothingJudged.AcceptOnlyFromAmong("true", "false");
        var policy = new Option<string?>("--policy") { Description = "A policy file: which packs apply, severity overrides, fail-on, waivers" };
        var baseline = new Option<string?>("--baseline") { Description = "A JSON report of an earlier run: its findings no longer fail this one" };
        var sarifAllRules = new Option<bool>("--sarif-all-rules") { Description = "SARIF: list every loaded rule, not only those with results" };
        var allJurisdictions = new Option<bool>("--all-jurisdictions")
        {
            Description = "List every loaded jurisdiction in the summary, also those without any finding (default: only those with findings)",
        };
        var runner = new Option<string?>("--runner")
        {
            Description = "How facts are judged: batch (default: each rule's compiled judgement, in parallel chunks) or nrules (the same judgements in NRules sessions); the report is the same",
        };
        runner.AcceptOnlyFromAmong("batch", "nrules");
        var writeBaseline = new Option<string?>("--write-baseline")
        {
            Description = "Write this run's findings as a baseline (JSON) to this file (may be the --baseline file: updated in place); the exit code still follows the gate",
        };

        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress on standard error (shown only on a terminal, once a run takes over 2 s)" };

        var command = new Command("check", "Evaluate inventories and data flows against the rules and report per jurisdiction")
        {
            paths, rules.Rules, rules.NoBuiltIn, allJurisdictions, sarifAllRules, asOf, format, output, failOn, failOnIndeterminate, failOnNothingJudged, policy, baseline, writeBaseline, runner, quiet,
        };
        command.SetAction(parse =>
        {
            using var batch = BatchGarbageCollection.Enter();
            var service = services.GetRequiredService<ComplianceService>();
            var clock = services.GetRequiredService<TimeProvider>();
            if (!CommonOptions.TryGetAsOf(parse.GetValue(asOf), clock, console.Error, out var date)) return ExitCodes.InvalidInput;

            var outputPath = parse.GetValue(output);
            if (rules.Resolve(parse, service, console.Error) is not { } ruleFolders) return ExitCodes.InvalidInput;
            // The rules are read on a thread of their own from here (unless begun before the command line was parsed), while
            // this one guards the output and sets up the check, which takes them.
            service.BeginPrepare(ruleFolders, parse.GetValue(policy));
            // A report never replaces one of the user's inputs, a device or a link (OutputGuard); '-' is standard output.
            // --write-baseline may update the --baseline file in place: it is read before anything is written.
            // The guard walks every input (the built-in rules' hundreds of files): only built when there is a file to write.
            var baselineRead = parse.GetValue(baseline) is { } read ? Path.GetFullPath(read) : null;
            var targets = new[] { (Path: outputPath, IsBaseline: false), (Path: parse.GetValue(writeBaseline), IsBaseline: true) }
                .Where(t => t.Path is not null and not "-" && !(t.IsBaseline && Path.GetFullPath(t.Path) == baselineRead))
                .Select(t => t.Path!).ToList();
            var guard = targets.Count == 0 ? null : OutputGuard.ForCheck(service, new CheckRequest(parse.GetValue(paths) ?? [], ruleFolders, date, default)
                { PolicyPath = parse.GetValue(policy), BaselinePath = parse.GetValue(baseline) });
            var refusals = targets.Select(t => guard!.Check(t)).OfType<Diagnostic>().ToList();
            CommonOptions.Print(refusals, console.Error);
            if (refusals.Count > 0) return ExitCodes.InvalidInput;
            // '-o -' is a report on standard output: JSON unless --format says otherwise.
            var toStandardOutput = outputPath == "-";
            if (toStandardOutput) outputPath = null;

            var formatName = ResolveFormat(parse.GetValue(format) ?? (toStandardOutput ? "json" : null), outputPath, writers.Keys, console.Error);
            if (formatName is null) return ExitCodes.InvalidInput;
            if (!writers.TryGetValue(formatName, out var writer))
            {
                console.Error.WriteLine($"compliance: format '{formatName}' is not available");
                return ExitCodes.InvalidInput;
            }
            // SARIF says on stderr what it leaves out to stay within GitHub code scanning's limits.
            if (writer is SarifReportWriter)
                writer = new SarifReportWriter { AllRules = parse.GetValue(sarifAllRules), Omitted = why => console.Error.WriteLine($"compliance: SARIF: {why}") };

            using var progress = TerminalProgress.For(console, parse.GetValue(quiet), TimeProvider.System); // wall time, not the report's clock
            var result = service.Check(new CheckRequest(parse.GetValue(paths) ?? [], ruleFolders, date, CommonOptions.Now(clock),
                IncludePasses: formatName == "junit")
            {
                Progress = progress,
                PolicyPath = parse.GetValue(policy),
                BaselinePath = parse.GetValue(baseline),
                FailOn = parse.GetValue(failOn),
                FailOnIndeterminate = parse.GetValue(failOnIndeterminate) is { } relax ? relax == "true" : null,
                FailOnNothingJudged = parse.GetValue(failOnNothingJudged) is { } nothing ? nothing == "true" : null,
                Runner = parse.GetValue(runner) == "nrules" ? RuleRunner.NRules : RuleRunner.Batch,
            });
            CommonOptions.Print(result.Diagnostics, console.Error);
            if (result.Report is not { } report)
            {
                var errors = result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
                console.Error.WriteLine($"compliance: {errors} error(s); nothing was evaluated");
                return ExitCodes.InvalidInput;
            }

            if (!parse.GetValue(allJurisdictions)) report = ReportViews.OnlyJurisdictionsWithFindings(report);
            if (result.Rules is { } judgedBy && NoRuleInForce(judgedBy.Engine, date,
                    report.Coverage.NothingJudged || report.ByJurisdiction.Values.All(c => c.Violation + c.Warning + c.Indeterminate + c.Waived + c.Pass == 0)) is { } why) console.Error.WriteLine($"compliance: {why}");

            if (parse.GetValue(writeBaseline) is { } baselinePath)
            {
                if (!CommonOptions.TryWrite(baselinePath, w => writers["json"].Write(report, w), console.Error)) return ExitCodes.InvalidInput;
                console.Error.WriteLine($"compliance: baseline of {report.Findings.Count(f => f.Status != FindingStatus.Pass)} findings written to {baselinePath}");
            }
            if (outputPath is not null)
            {
                // The file has every finding; the terminal gets the table and the first ones, worked out while the file is
                // written and printed once it is.
                var summary = Task.Run(() => Summary(report));
                if (!CommonOptions.TryWrite(outputPath, w => writer.Write(report, w), console.Error)) return ExitCodes.InvalidInput;
                console.Out.NewLine = "\n";
                console.Out.Write(summary.GetAwaiter().GetResult());
                console.Out.WriteLine();
                console.Out.WriteLine($"Report written to {outputPath} ({formatName}).");
            }
            else
            {
                writer.Write(report, console.Out);
            }
            return report.Gate.Failed ? ExitCodes.Findings : ExitCodes.Ok;
        });
        return command;
    }
}
