using System.CommandLine;
using ComplianceEngine.Hosting;
using ComplianceEngine.Import;
using ComplianceEngine.Model.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Cli.Commands;

/// <summary>
/// <c>compliance import PATH... --output DIR</c>: reads the files users already have (Terraform plans, Kubernetes objects,
/// Karmada, OCM, Velero, Istio, Fides, with ImportMapping documents) and writes them as native documents, one file per source (design section 8).
/// </summary>
internal static class ImportCommand
{
    public static Command Create(IServiceProvider services, CliConsole console)
    {
        var paths = new Argument<string[]>("paths") { Description = "Source files or folders: Terraform plan JSON, Kubernetes YAML/JSON, Karmada, OCM, Velero, Istio, Fides, ImportMapping", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Folder to write the native documents to (created if missing)", Required = true };
        var command = new Command("import", "Write Terraform plans, Kubernetes, Karmada, OCM, Velero, Istio and Fides files as native compliance/v1 documents") { paths, output };
        command.SetAction(parse =>
        {
            var service = services.GetRequiredService<ComplianceService>();
            var loader = service.CreateLoader();
            var inputs = parse.GetValue(paths) ?? [];
            var outDir = parse.GetValue(output)!;
            var full = Path.GetFullPath(outDir);
            foreach (var input in inputs.Where(Directory.Exists).Select(Path.GetFullPath))
            {
                if ((full + Path.DirectorySeparatorChar).StartsWith(input.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    console.Error.WriteLine($"compliance: the output folder {outDir} is inside the input {input}; the next check would read every source twice");
                    return ExitCodes.InvalidInput;
                }
            }

            // Read everything as `check` would, so an import never writes what a check would reject.
            var diagnostics = new DiagnosticBag();
            loader.LoadWorkspace(inputs, diagnostics);
            var imported = diagnostics.HasErrors ? [] : loader.Documents.ImportFiles(loader.Documents.FindInputFiles(inputs, diagnostics), new DiagnosticBag());
            CommonOptions.Print(diagnostics.Sorted(), console.Error);
            if (diagnostics.HasErrors)
            {
                console.Error.WriteLine($"compliance: {diagnostics.ErrorCount} error(s); nothing was written");
                return ExitCodes.InvalidInput;
            }
            if (imported.Count == 0)
            {
                console.Error.WriteLine("compliance: no source the engine reads was found in the inputs; nothing was written");
                return ExitCodes.InvalidInput;
            }
            Directory.CreateDirectory(outDir);
            foreach (var (source, docs) in NativeYamlWriter.BySource(imported))
            {
                var target = Path.Combine(outDir, NativeYamlWriter.OutputName(source));
                AtomicFile.Write(target, w => NativeYamlWriter.Write(source, docs, w));
                console.Out.WriteLine($"{source} -> {target} ({docs.Count} document(s))");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
