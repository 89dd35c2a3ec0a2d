using System.Net;
using System.Text;
using ComplianceEngine.Import.Live;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;
using k8s;

namespace ComplianceEngine.Import.Tests.Live;

/// <summary>Live clusters through KubernetesClient, against recorded API responses (no cluster needed).</summary>
public sealed class LiveClusterReaderTests
{
    private sealed class RecordedApi(int status = 200) : DelegatingHandler
    {
        public List<string> Paths { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            Paths.Add(path);
            var file = Repo.Path("tests", "ComplianceEngine.Import.Tests", "Live", "Recorded", path.Trim('/').Replace('/', '-') + ".json");
            var response = status != 200
                ? new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent("""{"kind":"Status","code":403}""", Encoding.UTF8, "application/json") }
                : File.Exists(file)
                    ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(File.ReadAllText(file), Encoding.UTF8, "application/json") }
                    : new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"kind":"Status","code":404}""", Encoding.UTF8, "application/json") };
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }

    private static k8s.Kubernetes Client(RecordedApi api) => new(new KubernetesClientConfiguration { Host = "http://recorded.invalid" }, api);

    [Fact]
    public async Task Snapshot_ImportsNodesAndAnnotatedWorkloads_AsTheContextsCluster()
    {
        using var dir = new TempDir();
        var api = new RecordedApi();
        var bag = new DiagnosticBag();
        var files = await new LiveClusterReader(Client(api)).SnapshotAsync("gke-prod", dir.Path, SourceLocation.None, bag);
        Assert.False(bag.HasErrors, string.Join("\n", bag.Sorted()));
        Assert.Contains("/api/v1/nodes", api.Paths);
        Assert.Contains("/apis/cluster.karmada.io/v1alpha1/clusters", api.Paths);
        Assert.Equal(2, files.Count); // nodes and statefulsets; the rest answered 404 (not installed), and lists nothing

        var estateBag = new DiagnosticBag();
        var estate = ImportHarness.Loader().LoadEstate([dir.Path], estateBag);
        Assert.False(estateBag.HasErrors, string.Join("\n", estateBag.Sorted()));
        var cluster = Assert.Single(estate.Clusters);
        Assert.Equal(("gke-prod", "gcp", "europe-west3"), (cluster.Name, cluster.Provider, cluster.Region));
        var store = Assert.Single(estate.Stores);
        Assert.Equal(("orders-db", "gke-prod"), (store.Name, store.Cluster!.Name));
        Assert.EndsWith("gke-prod.statefulsets.json", store.Info.Location.File, StringComparison.Ordinal);
        Assert.Equal("/items/0", store.Info.Location.Pointer);
    }

    [Fact]
    public async Task Snapshot_ApiRefusing_IsAnErrorNamingTheList()
    {
        using var dir = new TempDir();
        var bag = new DiagnosticBag();
        await new LiveClusterReader(Client(new RecordedApi(403))).SnapshotAsync("prod", dir.Path, new SourceLocation("kubeconfig", 0, 0), bag);
        Assert.Contains(bag.Sorted(), d => d.Code == DiagnosticCodes.SourceMalformed && d.Message.Contains("listing nodes failed", StringComparison.Ordinal));
    }
}
