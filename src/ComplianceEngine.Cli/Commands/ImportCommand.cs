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
        var paths = new Argument<string[]>("paths") { Description = "Source files or folders: Terraform plan JSON, Kubernetes YAML/JSON, Karmada, OCM, Velero, Istio, Fides, ImportMapping", Arity = ArgumentArity.ZeroOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Folder to write the native documents to (created if missing)", Required = true };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Also read live clusters through this kubeconfig (nodes, annotated workloads, Karmada, OCM, Velero, Istio); snapshots are kept in OUTPUT/.sources" };
        var contexts = new Option<string[]>("--context") { Description = "kubeconfig context to read (repeatable); default: the current context", AllowMultipleArgumentsPerToken = true };
        var command = new Command("import", "Write Terraform plans, Kubernetes, Karmada, OCM, Velero, Istio and Fides files as native compliance/v1 documents") { paths, output, kubeconfig, contexts };
        command.SetAction(parse =>
        {
            var service = services.GetRequiredService<ComplianceService>();
            var loader = service.CreateLoader();
            var inputs = (parse.GetValue(paths) ?? []).ToList();
            var outDir = parse.GetValue(output)!;
            if (inputs.Count == 0 && parse.GetValue(kubeconfig) is null)
            {
                console.Error.WriteLine("compliance: give source files or folders, or --kubeconfig");
                return ExitCodes.InvalidInput;
            }
            var full = Path.GetFullPath(outDir);
            foreach (var input in inputs.Where(Directory.Exists).Select(Path.GetFullPath))
            {
                if ((full + Path.DirectorySeparatorChar).StartsWith(input.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    console.Error.WriteLine($"compliance: the output folder {outDir} is inside the input {input}; the next check would read every source twice");
                    return ExitCodes.InvalidInput;
                }
            }

            var diagnostics = new DiagnosticBag();
            if (parse.GetValue(kubeconfig) is { } config)
            {
                var snapshots = Path.Combine(outDir, ".sources");
                if (!LiveSnapshots.Take(config, parse.GetValue(contexts) ?? [], snapshots, diagnostics, console.Error))
                {
                    CommonOptions.Print(diagnostics.Sorted(), console.Error);
                    return ExitCodes.InvalidInput;
                }
                inputs.Add(snapshots);
            }

            // Read everything as `check` would, so an import never writes what a check would reject.
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

/// <summary>Snapshots of live clusters through KubernetesClient, one set of files per context.</summary>
internal static class LiveSnapshots
{
    public static bool Take(string kubeconfig, IReadOnlyList<string> contexts, string folder, DiagnosticBag diagnostics, TextWriter error)
    {
        var at = new SourceLocation(Loading.Documents.DocumentLoader.Normalize(kubeconfig), 0, 0);
        IReadOnlyList<string?> wanted = contexts.Count > 0 ? [.. contexts] : [null];
        foreach (var context in wanted)
        {
            try
            {
                var config = k8s.KubernetesClientConfiguration.LoadKubeConfig(kubeconfig);
                var name = context ?? config.CurrentContext ?? "cluster";
                var reader = Import.Live.LiveClusterReader.FromKubeconfig(kubeconfig, context);
                var files = reader.SnapshotAsync(ClusterName(name), folder, at, diagnostics).GetAwaiter().GetResult();
                error.WriteLine($"compliance: read {files.Count} resource list(s) from context '{name}'");
            }
            catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
            {
                diagnostics.Error(DiagnosticCodes.SourceMalformed, $"kubeconfig context '{context ?? "(current)"}': {ex.Message}", at);
            }
        }
        return !diagnostics.HasErrors;
    }

    /// <summary>A context name as a cluster name: the readers name clusters after the file name up to its first dot.</summary>
    internal static string ClusterName(string context) =>
        new([.. context.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);
}
