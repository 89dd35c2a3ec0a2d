using System.Net;
using ComplianceEngine.Model.Diagnostics;
using k8s;
using k8s.Autorest;

namespace ComplianceEngine.Import.Live;

/// <summary>
/// Reads a live cluster through the Kubernetes API (KubernetesClient) and writes what it read as snapshot files shaped
/// like <c>kubectl get -o json</c> (<c>CONTEXT.nodes.json</c>, <c>CONTEXT.statefulsets.json</c>...), so the same readers
/// import them and every fact keeps a file, line and JSON pointer to show. Nodes, workloads, and the Karmada, OCM,
/// Velero and Istio resources the engine reads; a resource type whose CRD is not installed is skipped (404), any other
/// API error is a diagnostic.
/// </summary>
public sealed class LiveClusterReader
{
    private sealed record Resource(string File, string? Group, string Version, string Plural);

    private static readonly Resource[] Custom =
    [
        new("karmada-clusters", "cluster.karmada.io", "v1alpha1", "clusters"),
        new("karmada-propagationpolicies", "policy.karmada.io", "v1alpha1", "propagationpolicies"),
        new("karmada-clusterpropagationpolicies", "policy.karmada.io", "v1alpha1", "clusterpropagationpolicies"),
        new("karmada-resourcebindings", "work.karmada.io", "v1alpha2", "resourcebindings"),
        new("ocm-managedclusters", "cluster.open-cluster-management.io", "v1", "managedclusters"),
        new("ocm-placementdecisions", "cluster.open-cluster-management.io", "v1beta1", "placementdecisions"),
        new("velero-backupstoragelocations", "velero.io", "v1", "backupstoragelocations"),
        new("velero-volumesnapshotlocations", "velero.io", "v1", "volumesnapshotlocations"),
        new("velero-schedules", "velero.io", "v1", "schedules"),
        new("istio-serviceentries", "networking.istio.io", "v1", "serviceentries"),
    ];

    private readonly IKubernetes _client;

    /// <summary>Creates a reader over a client (tests pass one whose handler serves recorded API responses).</summary>
    public LiveClusterReader(IKubernetes client) => _client = client;

    /// <summary>A reader for a context of a kubeconfig file (the current context when <paramref name="context"/> is null).</summary>
    public static LiveClusterReader FromKubeconfig(string kubeconfig, string? context) =>
        new(new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig, currentContext: context)));

    /// <summary>
    /// Writes the snapshot files of cluster <paramref name="name"/> into <paramref name="folder"/> and returns their paths.
    /// API failures are errors on <paramref name="diagnostics"/> (positioned at the kubeconfig context).
    /// </summary>
    public async Task<IReadOnlyList<string>> SnapshotAsync(string name, string folder, SourceLocation context, DiagnosticBag diagnostics, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        async Task Save(string file, Func<Task<object>> list)
        {
            try
            {
                var result = await list().ConfigureAwait(false);
                var path = Path.Combine(folder, $"{name}.{file}.json");
                await File.WriteAllTextAsync(path, KubernetesJson.Serialize(result), cancellation).ConfigureAwait(false);
                files.Add(path);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                // The resource type (a CRD) is not installed on this cluster: nothing of it to read.
            }
            catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or TaskCanceledException or k8s.Exceptions.KubeConfigException)
            {
                diagnostics.Error(DiagnosticCodes.SourceMalformed, $"cluster '{name}': listing {file} failed: {ex.Message}", context);
            }
        }

        await Save("nodes", async () => await _client.CoreV1.ListNodeAsync(cancellationToken: cancellation).ConfigureAwait(false)).ConfigureAwait(false);
        await Save("statefulsets", async () => await _client.AppsV1.ListStatefulSetForAllNamespacesAsync(cancellationToken: cancellation).ConfigureAwait(false)).ConfigureAwait(false);
        await Save("deployments", async () => await _client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: cancellation).ConfigureAwait(false)).ConfigureAwait(false);
        await Save("persistentvolumeclaims", async () => await _client.CoreV1.ListPersistentVolumeClaimForAllNamespacesAsync(cancellationToken: cancellation).ConfigureAwait(false)).ConfigureAwait(false);
        foreach (var r in Custom)
            await Save(r.File, async () => await _client.CustomObjects.ListClusterCustomObjectAsync(r.Group, r.Version, r.Plural, cancellationToken: cancellation).ConfigureAwait(false)).ConfigureAwait(false);
        return files;
    }
}
