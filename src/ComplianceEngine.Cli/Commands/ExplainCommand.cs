using System.CommandLine;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Hosting;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Cli.Commands;

/// <summary><c>compliance explain TARGET PATH...</c>: why a finding is what it is, and the smallest change that clears it.</summary>
internal static class ExplainCommand
{
    public static Command Create(IServiceProvider services, CliConsole console)
    {
        var target = new Argument<string>("target") { Description = "A finding id, or the name of a flow, store, cluster or recipient" };
        var paths = new Argument<string[]>("paths") { Description = "Inventory files or folders (YAML)", Arity = ArgumentArity.OneOrMore };
        var rules = new RuleOptions();
        var asOf = CommonOptions.AsOf();
        var policy = new Option<string?>("--policy") { Description = "A policy file: its packs and rule folders apply (its waivers and severity overrides do not)" };
        var command = new Command("explain",
            "Explain findings in plain language: path, matched conditions, the facts and where they were declared, and the fix. " +
            "Exit 0: no violation among them; 1: a violation; 2: unreadable inputs or nothing about the target")
        {
            target, paths, rules.Rules, rules.NoBuiltIn, asOf, policy,
        };
        command.SetAction(parse =>
        {
            var service = services.GetRequiredService<ComplianceService>();
            var clock = services.GetRequiredService<TimeProvider>();
            if (!CommonOptions.TryGetAsOf(parse.GetValue(asOf), clock, console.Error, out var date)) return ExitCodes.InvalidInput;
            var name = parse.GetValue(target)!;
            if (rules.Resolve(parse, service, console.Error) is not { } ruleFolders) return ExitCodes.InvalidInput;
            var (explanations, diagnostics) = service.Explain(
                new CheckRequest(parse.GetValue(paths) ?? [], ruleFolders, date, CommonOptions.Now(clock)) { PolicyPath = parse.GetValue(policy) }, name);
            CommonOptions.Print(diagnostics, console.Error);
            if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)) return ExitCodes.InvalidInput;
            if (explanations.Count == 0)
            {
                console.Error.WriteLine($"compliance: no finding is about '{name}' (no rule applies to it, or the name is not in the estate)");
                return ExitCodes.InvalidInput;
            }
            var first = true;
            foreach (var e in explanations)
            {
                if (!first) console.Out.WriteLine();
                first = false;
                Write(e, console.Out);
            }
            return explanations.Any(e => e.Finding.Status == FindingStatus.Violation) ? ExitCodes.Findings : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Prints one explanation.</summary>
    internal static void Write(Explanation e, TextWriter o)
    {
        var f = e.Finding;
        o.WriteLine($"Finding {f.Id}: {f.Status.ToName().ToUpperInvariant()} ({f.Severity.ToName()}) of {f.RuleId} [{f.Jurisdiction}]");
        o.WriteLine($"  {f.RuleTitle}");
        o.WriteLine($"  Law:     {f.Citation}{(f.Confidence == Confidence.Unverified ? " (UNVERIFIED)" : "")}");
        o.WriteLine($"  Subject: {f.Subject.Reference} at {f.Subject.Location}");
        o.WriteLine($"  Path:    {string.Join(" -> ", f.Path)}");
        o.WriteLine($"  How:     {e.ImpliedBy ?? "declared"}");
        o.WriteLine();
        o.WriteLine($"  {f.Message}");
        if (e.Applies is not null)
        {
            o.WriteLine();
            o.WriteLine("  The rule applies when:");
            foreach (var line in Explainer.Lines(e.Applies, 4)) o.WriteLine(line);
        }
        if (e.Requires is not null)
        {
            o.WriteLine();
            o.WriteLine(f.Status == FindingStatus.Pass ? "  It is met because:" : "  It is met only when:");
            foreach (var line in Explainer.Lines(e.Requires, 4)) o.WriteLine(line);
        }
        if (e.Fixes.Length > 0)
        {
            o.WriteLine();
            o.WriteLine("  Smallest changes that would clear it:");
            foreach (var fix in e.Fixes) o.WriteLine($"    - {fix}");
        }
    }
}
