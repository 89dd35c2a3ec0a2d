using System.CommandLine;
using System.Globalization;
using ComplianceEngine.Hosting;
using ComplianceEngine.Model.Rules;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Cli.Commands;

/// <summary><c>compliance rules list</c> and <c>compliance jurisdictions</c>: what the loaded law says.</summary>
internal static class RulesCommand
{
    public static Command Create(IServiceProvider services, CliConsole console)
    {
        var rules = new RuleOptions();
        var list = rules.AddTo(new Command("list", "List the rules: id, jurisdiction, severity, citation, effective dates, confidence"));
        list.SetAction(parse =>
        {
            var service = services.GetRequiredService<ComplianceService>();
            if (rules.Resolve(parse, service, console.Error) is not { } ruleFolders) return ExitCodes.InvalidInput;
            var (engine, diagnostics) = service.GetEngine(ruleFolders);
            CommonOptions.Print(diagnostics, console.Error);
            if (engine is null) return ExitCodes.InvalidInput;
            var rows = engine.Rules.Rules.Select(r => r.Definition)
                .OrderBy(d => d.Jurisdiction, StringComparer.Ordinal).ThenBy(d => d.Id, StringComparer.Ordinal)
                .Select(d => new[] { d.Id, d.Jurisdiction, d.Severity.ToName(), Period(d.Effective), d.Confidence, d.CitationText })
                .ToList();
            Table(console.Out, ["ID", "JURISDICTION", "SEVERITY", "EFFECTIVE", "CONFIDENCE", "CITATION"], rows);
            console.Out.WriteLine($"{rows.Count} rules");
            return ExitCodes.Ok;
        });
        var kind = new Argument<string>("kind") { Description = "transfer or placement", DefaultValueFactory = _ => FactKinds.Transfer };
        kind.AcceptOnlyFromAmong([.. FactKinds.All]);
        var fields = new Command("fields", "List the fields rule conditions and messages can use, with their types") { kind };
        fields.SetAction(parse =>
        {
            var k = parse.GetValue(kind)!;
            var rows = Core.Rules.FieldCatalog.Instance.Fields(k)
                .Select(f => new[] { f.Name, f.Type.ToString().ToLowerInvariant(), f.Description }).ToList();
            Table(console.Out, ["FIELD", "TYPE", "MEANING"], rows);
            console.Out.WriteLine(k == FactKinds.Transfer
                ? "Also: attributes.NAME (the flow's spec.attributes), source.attributes.NAME, destination.attributes.NAME, exporter.attributes.NAME."
                : "Also: attributes.NAME (the store's spec.attributes), site.attributes.NAME, exporter.attributes.NAME.");
            return ExitCodes.Ok;
        });
        return new Command("rules", "Inspect the loaded rules") { list, fields };
    }

    public static Command Jurisdictions(IServiceProvider services, CliConsole console)
    {
        var rules = new RuleOptions();
        var asOf = CommonOptions.AsOf();
        var command = rules.AddTo(new Command("jurisdictions", "List regimes and the adequacy entries in force on a date") { asOf });
        command.SetAction(parse =>
        {
            var service = services.GetRequiredService<ComplianceService>();
            var clock = services.GetRequiredService<TimeProvider>();
            if (!CommonOptions.TryGetAsOf(parse.GetValue(asOf), clock, console.Error, out var date)) return ExitCodes.InvalidInput;
            if (rules.Resolve(parse, service, console.Error) is not { } ruleFolders) return ExitCodes.InvalidInput;
            var (engine, diagnostics) = service.GetEngine(ruleFolders);
            CommonOptions.Print(diagnostics, console.Error);
            if (engine is null) return ExitCodes.InvalidInput;
            console.Out.WriteLine($"Adequacy as of {date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");
            foreach (var (regime, entries) in engine.AdequacyOn(date))
            {
                console.Out.WriteLine();
                console.Out.WriteLine($"{regime.Code}  {regime.Title}");
                console.Out.WriteLine(regime.Countries.IsEmpty
                    ? "    binds no exporter location (it follows the data: designations, categories or policy)"
                    : $"    applies to exporters in: {string.Join(", ", regime.Countries)}");
                if (entries.IsEmpty)
                {
                    console.Out.WriteLine("    no adequacy entries in force");
                    continue;
                }
                var rows = entries.Select(e => new[]
                {
                    e.Country ?? e.Group ?? "", e.Decision, Period(e.Effective),
                    string.Join("; ", e.Conditions.Select(c => c.Certification is { } cert
                        ? $"recipient certified {cert}{(c.ForSubjectTypes.IsEmpty ? "" : $" for {string.Join("/", c.ForSubjectTypes)} data")}"
                        : $"not for exporters in {string.Join("/", c.ExporterNotIn)}")),
                    e.Confidence == Confidence.Unverified ? "unverified" : "",
                }).ToList();
                Table(console.Out, ["  DESTINATION", "DECISION", "EFFECTIVE", "CONDITIONS", "CONFIDENCE"], rows.Select(r => r.Select((c, i) => i == 0 ? "  " + c : c).ToArray()).ToList());
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Period(EffectivePeriod p) =>
        $"{(p.From is { } f ? f.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "...")} to {(p.Until is { } u ? u.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "...")}";

    internal static void Table(TextWriter output, string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var r in rows) output.WriteLine(string.Join("  ", r.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
    }
}
