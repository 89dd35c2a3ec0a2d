using System.Diagnostics;
using System.Globalization;
using System.Text;
using ComplianceEngine.Core;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Import;
using ComplianceEngine.Loading;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Bench;

/// <summary>
/// <c>bench sources --nodes N --workloads M [--clusters C] [--work DIR] [--rules DIR]</c>: writes N Kubernetes Nodes
/// (<c>kubectl get nodes -o json</c> Lists, one file per cluster) and M annotated StatefulSets (one YAML file per
/// cluster, multi-document), then times reading them through the importer, evaluating, and writing the native import.
/// </summary>
internal static class SourcesBench
{
    private static readonly string[] Regions = ["eu-central-1", "eu-west-1", "us-east-1", "ap-southeast-1", "eu-north-1"];

    public static int Run(Options o)
    {
        var nodes = int.Parse(o.Get("nodes") ?? "1000", CultureInfo.InvariantCulture);
        var workloads = int.Parse(o.Get("workloads") ?? "10000", CultureInfo.InvariantCulture);
        var clusters = int.Parse(o.Get("clusters") ?? "20", CultureInfo.InvariantCulture);
        var dir = o.Get("work") ?? Path.Combine(Path.GetTempPath(), "ce-bench-sources");
        var rules = o.Get("rules") ?? "rules";
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);

        var sw = Stopwatch.StartNew();
        long bytes = 0;
        for (var c = 0; c < clusters; c++)
        {
            var name = $"c{c:D3}";
            var region = Regions[c % Regions.Length];
            bytes += Write(Path.Combine(dir, $"{name}.nodes.json"), NodeList(nodes / clusters + (c < nodes % clusters ? 1 : 0), region));
            bytes += Write(Path.Combine(dir, $"{name}.workloads.yaml"), StatefulSets(c, workloads / clusters + (c < workloads % clusters ? 1 : 0)));
        }
        Console.WriteLine($"generated {nodes:N0} nodes and {workloads:N0} workloads in {clusters} clusters: {bytes / 1048576.0:F1} MiB in {sw.ElapsedMilliseconds:N0} ms");

        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([rules], bag);
        var engine = Engine.Create(source.Packs, source.Regimes, source.Groups, source.Regions, bag, source.Vocabulary);

        var parse = Stopwatch.StartNew();
        foreach (var f in Directory.EnumerateFiles(dir)) ComplianceEngine.Loading.Yaml.SafeYamlReader.Read(File.ReadAllText(f), f, new DiagnosticBag());
        Console.WriteLine($"parse only (SafeYamlReader, every file, for comparison): {parse.ElapsedMilliseconds:N0} ms");
        GC.Collect();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        sw.Restart();
        var loader = new WorkspaceLoader(null, new EstateImporter());
        var diagnostics = new DiagnosticBag();
        var estate = loader.LoadEstate([dir], diagnostics);
        var load = sw.Elapsed.TotalMilliseconds;
        var loadAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        if (diagnostics.HasErrors)
        {
            foreach (var d in diagnostics.Sorted().Take(10)) Console.Error.WriteLine(d);
            return 2;
        }

        sw.Restart();
        var report = engine.Evaluate(estate, new EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });
        var evaluate = sw.Elapsed.TotalMilliseconds;

        sw.Restart();
        var imported = loader.Documents.ImportFiles(loader.Documents.FindInputFiles([dir], new DiagnosticBag()), new DiagnosticBag());
        long written = 0;
        foreach (var (file, docs) in NativeYamlWriter.BySource(imported)) written += NativeYamlWriter.ToText(file, docs).Length;
        var import = sw.Elapsed.TotalMilliseconds;

        Console.WriteLine($"load (find, parse, import, link): {load,8:N0} ms  {loadAllocated / 1048576.0:F0} MiB allocated  -> {estate.Clusters.Length:N0} clusters, {estate.Stores.Length:N0} stores");
        Console.WriteLine($"evaluate:                         {evaluate,8:N0} ms  -> {report.Findings.Length:N0} findings");
        Console.WriteLine($"import + write native YAML:       {import,8:N0} ms  -> {imported.Count:N0} documents, {written / 1048576.0:F1} MiB");
        Console.WriteLine($"peak working set:                 {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB");
        return 0;
    }

    private static long Write(string path, string text)
    {
        File.WriteAllText(path, text);
        return text.Length;
    }

    private static string NodeList(int count, string region)
    {
        var sb = new StringBuilder("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n");
        for (var i = 0; i < count; i++)
        {
            var zone = region + (char)('a' + i % 3);
            sb.Append(CultureInfo.InvariantCulture, $$"""
                        {
                            "apiVersion": "v1",
                            "kind": "Node",
                            "metadata": {
                                "labels": {
                                    "eks.amazonaws.com/nodegroup": "general",
                                    "kubernetes.io/hostname": "ip-10-0-{{i / 250}}-{{i % 250}}.{{region}}.compute.internal",
                                    "node.kubernetes.io/instance-type": "m6i.xlarge",
                                    "topology.kubernetes.io/region": "{{region}}",
                                    "topology.kubernetes.io/zone": "{{zone}}"
                                },
                                "name": "ip-10-0-{{i / 250}}-{{i % 250}}.{{region}}.compute.internal"
                            },
                            "spec": {
                                "providerID": "aws:///{{zone}}/i-{{i:x16}}"
                            }
                        }{{(i + 1 < count ? "," : "")}}

                """);
        }
        sb.Append("    ],\n    \"kind\": \"List\",\n    \"metadata\": {\"resourceVersion\": \"\"}\n}\n");
        return sb.ToString();
    }

    private static string StatefulSets(int cluster, int count)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            // Every tenth store also names its subject types (a longer annotation set).
            var subjectTypes = i % 10 == 0 ? $"\n    compliance-engine.io/subject-types: customer" : "";
            sb.Append(CultureInfo.InvariantCulture, $"""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata:
                  name: db-{cluster:D3}-{i:D5}
                  namespace: ns-{i % 50}
                  annotations:
                    compliance-engine.io/categories: user.contact,user.financial
                    compliance-engine.io/subjects: EU
                    compliance-engine.io/individuals: "{1000 + i}"{subjectTypes}
                spec:
                  serviceName: db-{cluster:D3}-{i:D5}
                  replicas: 3
                  selector:
                    matchLabels: {"{"}app: db-{i:D5}{"}"}
                  template:
                    metadata:
                      labels: {"{"}app: db-{i:D5}{"}"}
                    spec:
                      containers: [{"{"}name: db, image: "postgres:17"{"}"}]
                ---

                """);
        }
        return sb.ToString();
    }
}
