using System.Net;
using System.Text.Json;
using ComplianceEngine.Hosting.Keys;
using ComplianceEngine.Server.Serving;
using ComplianceEngine.Tests;
using Microsoft.Extensions.Configuration;

namespace ComplianceEngine.Host.Tests;

/// <summary>Operations endpoints, the catalog, and the start-up checks.</summary>
public sealed class OperationsTests : IDisposable
{
    private readonly HostFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static Uri U(string url) => new(url, UriKind.Relative);

    [Fact]
    public async Task Readyz_RulesLoadedAndStorageWritable()
    {
        using var client = _factory.CreateClient();
        using var doc = JsonDocument.Parse(await client.GetStringAsync(U("/readyz")));
        Assert.Equal("ready", doc.RootElement.GetProperty("status").GetString());
        Assert.StartsWith("sha256:", doc.RootElement.GetProperty("rules").GetString(), StringComparison.Ordinal);
        Assert.True(doc.RootElement.GetProperty("storageWritable").GetBoolean());
    }

    [Fact]
    public async Task OpenApi_DescribesTheEndpoints()
    {
        using var client = _factory.CreateClient();
        using var doc = JsonDocument.Parse(await client.GetStringAsync(U("/openapi/v1.json")));
        var paths = doc.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/v1/evaluations", "/v1/reports", "/v1/reports/{id}", "/v1/rules", "/v1/packs", "/v1/jurisdictions", "/v1/rules/status", "/v1/estates/{name}/report", "/readyz" })
            Assert.True(paths.TryGetProperty(path, out _), path);
    }

    [Fact]
    public async Task Metrics_PrometheusCountsEvaluationsAndFindings()
    {
        using var client = _factory.CreateClient();
        using var posted = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25"), HostFactory.Yaml(HostFactory.ExampleEstate()));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        string text = "";
        await HostFactory.Eventually(async () =>
        {
            text = await client.GetStringAsync(U("/metrics"));
            return text.Contains("compliance_evaluations_total{", StringComparison.Ordinal);
        }, "the evaluation counter");
        Assert.Contains("outcome=\"fail\"", text, StringComparison.Ordinal);
        Assert.Contains("compliance_evaluation_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("compliance_findings_total{", text, StringComparison.Ordinal);
        Assert.Contains("jurisdiction=\"EU\"", text, StringComparison.Ordinal);
        Assert.Contains("compliance_rules_info{", text, StringComparison.Ordinal);
        Assert.Contains("compliance_admission_waiting", text, StringComparison.Ordinal);
        Assert.Contains("compliance_admission_running", text, StringComparison.Ordinal);
        Assert.Contains("compliance_admission_reserved", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Catalog_PacksJurisdictionsStatus()
    {
        using var client = _factory.CreateClient();
        using var packs = JsonDocument.Parse(await client.GetStringAsync(U("/v1/packs")));
        Assert.Contains(packs.RootElement.EnumerateArray(), p => p.GetProperty("jurisdiction").GetString() == "EU" && p.GetProperty("rules").GetInt32() > 0);
        using var jurisdictions = JsonDocument.Parse(await client.GetStringAsync(U("/v1/jurisdictions")));
        Assert.Contains(jurisdictions.RootElement.EnumerateArray(), j => j.GetProperty("code").GetString() == "EU");
        using var status = JsonDocument.Parse(await client.GetStringAsync(U("/v1/rules/status")));
        Assert.Equal("ok", status.RootElement.GetProperty("lastAttemptResult").GetString());
        Assert.StartsWith("sha256:", status.RootElement.GetProperty("version").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://10.1.2.3:8080", false)]
    [InlineData("http://example.com:8080", false)]
    public void IsLoopback(string url, bool loopback) => Assert.Equal(loopback, ServeOptionsValidator.IsLoopback(url));

    [Fact]
    public void NonLoopbackWithoutKeys_IsRefusedAndSaysWhy_WithAKeyAllowed()
    {
        using var data = new TempDir();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = "http://0.0.0.0:8080" }).Build();
        var validator = new ServeOptionsValidator(configuration);
        var refused = validator.Validate(null, new ServeOptions { Data = data.Path });
        Assert.True(refused.Failed);
        Assert.Contains("CE8004", refused.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("without API keys", refused.FailureMessage, StringComparison.Ordinal);

        new ApiKeyStore(data.Path).Add("ops", ApiScope.Admin, DateTimeOffset.UnixEpoch);
        Assert.True(validator.Validate(null, new ServeOptions { Data = data.Path }).Succeeded);
    }

    [Fact]
    public void Options_BadFoldersAndLimits_AreRefusedOnStart()
    {
        var validator = new ServeOptionsValidator(new ConfigurationBuilder().Build());
        using var data = new TempDir();
        var result = validator.Validate(null, new ServeOptions { Data = data.Path, Rules = ["/no/such/rules"], Watch = ["/no/such/estate"], MaxBodyBytes = 0, MaxConcurrentEvaluations = 0 });
        Assert.True(result.Failed);
        Assert.Equal(4, result.Failures!.Count(f => f.StartsWith("CE8005", StringComparison.Ordinal)));
    }

    [Fact]
    public void Serve_WithUnreadableRules_DoesNotStart_Exit2WithDiagnostics()
    {
        using var rules = new TempDir();
        using var data = new TempDir();
        rules.Write("broken.yaml", "apiVersion: compliance/v1\nkind: RulePack\nmetadata: [\n");
        var (exit, _, err) = Cli("serve", "--urls", "http://127.0.0.1:0", "--rules", rules.Path, "--data", data.Path);
        Assert.Equal(2, exit);
        Assert.Contains("CE1010", err, StringComparison.Ordinal);
        Assert.Contains("not starting", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_NonLoopbackWithoutKeys_Exit2AndSaysSo()
    {
        using var data = new TempDir();
        var (exit, _, err) = Cli("serve", "--urls", "http://0.0.0.0:0", "--data", data.Path);
        Assert.Equal(2, exit);
        Assert.Contains("CE8004: refusing to listen on http://0.0.0.0:0 without API keys", err, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysCommand_AddPrintsKeyLastAndStoresOnlyItsHash_ListRevoke()
    {
        using var data = new TempDir();
        var (exit, output, _) = Cli("keys", "add", "ci", "--scope", "evaluate", "--data", data.Path);
        Assert.Equal(0, exit);
        var key = output.TrimEnd().Split('\n')[^1].Trim();
        Assert.StartsWith("ce_", key, StringComparison.Ordinal);
        var stored = File.ReadAllText(Path.Combine(data.Path, ApiKeyStore.FileName));
        Assert.DoesNotContain(key.Split('_', 3)[2], stored, StringComparison.Ordinal);
        Assert.Equal("ci", new ApiKeyStore(data.Path).Verify(key)?.Name);

        Assert.Equal(2, Cli("keys", "add", "ci", "--scope", "read", "--data", data.Path).Exit); // name taken
        Assert.Equal(2, Cli("keys", "add", "a b", "--scope", "read", "--data", data.Path).Exit);
        Assert.Equal(2, Cli("keys", "add", "x", "--scope", "root", "--data", data.Path).Exit);
        Assert.Contains("ci  evaluate", Cli("keys", "list", "--data", data.Path).Out, StringComparison.Ordinal);
        Assert.Equal(0, Cli("keys", "revoke", "ci", "--data", data.Path).Exit);
        Assert.Null(new ApiKeyStore(data.Path).Verify(key));
        var (missing, _, err) = Cli("keys", "revoke", "cj", "--data", data.Path);
        Assert.Equal(2, missing);
        Assert.Contains("CE8006", err, StringComparison.Ordinal);
    }

    private static (int Exit, string Out, string Err) Cli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = ComplianceEngine.Cli.CliApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
