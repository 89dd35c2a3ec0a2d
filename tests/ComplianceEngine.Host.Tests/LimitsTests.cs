using System.Globalization;
using System.Net;
using System.Text;
using ComplianceEngine.Server.Serving;
using ComplianceEngine.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Host.Tests;

/// <summary>One consistent set of limits: the body cap, the YAML caps that follow from it, and admission by memory.</summary>
public sealed class LimitsTests
{
    private static Uri U(string url) => new(url, UriKind.Relative);

    /// <summary>
    /// The example estate and as many generated-style clusters as fit, padded with a comment to exactly
    /// <paramref name="bytes"/> bytes: realistic YAML (about 7 bytes per node, as estates are).
    /// </summary>
    internal static string RealisticBody(long bytes)
    {
        var text = new StringBuilder(HostFactory.ExampleEstate());
        string[] regions = ["westeurope", "uksouth", "eastus", "ap-southeast-3", "europe-west3"];
        string[] providers = ["azure", "azure", "azure", "aws", "gcp"];
        for (var i = 0; ; i++)
        {
            var cluster = string.Create(CultureInfo.InvariantCulture,
                $"\n---\napiVersion: compliance/v1\nkind: Cluster\nmetadata: {{name: filler-{i:D6}, labels: {{team: web, tier: staging}}}}\n" +
                $"spec:\n  provider: {providers[i % 5]}\n  region: {regions[i % 5]}\n  environment: staging\n  role: primary\n");
            if (text.Length + cluster.Length + 3 > bytes) break;
            text.Append(cluster);
        }
        var padding = (int)(bytes - text.Length - 3);
        text.Append("\n#").Append('x', padding).Append('\n');
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(text.ToString()));
        return text.ToString();
    }

    [Fact]
    public async Task Body_JustUnderTheDefaultCap_RealisticYaml_IsEvaluated_JustOver_Is413()
    {
        // The default 16 MiB cap: 16 MiB of estate YAML is some 2.4 million nodes, past the 1 million a file may hold.
        using var factory = new HostFactory(new() { ["ComplianceEngine:Serve:RequestTimeoutSeconds"] = "600" });
        using var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(10);
        var cap = new ServeOptions().MaxBodyBytes;

        using (var under = await client.PostAsync(U("/v1/check?asOf=2026-11-25&format=markdown"), HostFactory.Yaml(RealisticBody(cap - 1))))
        {
            var report = await under.Content.ReadAsStringAsync();
            Assert.True(under.StatusCode == HttpStatusCode.OK, report[..Math.Min(report.Length, 2000)]);
            Assert.Equal("fail", under.Headers.GetValues("X-Compliance-Result").Single()); // the example estate's violations
        }
        using (var over = await client.PostAsync(U("/v1/check?asOf=2026-11-25"), HostFactory.Yaml(RealisticBody(cap + 1))))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
            Assert.Contains("\"CE8002\"", await over.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(0, factory.Services.GetRequiredService<EvaluationGate>().ReservedBytes);
    }

    [Fact]
    public async Task Admission_ConcurrentBodiesThatDoNotFitTogether_AllEvaluated_OneAtATime()
    {
        // A 200 KB body reserves 200 KB x 100 = ~19 MiB of a 30 MiB budget: two never run together, though four slots are free.
        using var factory = new HostFactory(new()
        {
            ["ComplianceEngine:Serve:MaxBodyBytes"] = "262144", ["ComplianceEngine:Serve:EvaluationBytesPerBodyByte"] = "100",
            ["ComplianceEngine:Serve:EvaluationMemoryBudgetMegabytes"] = "30", ["ComplianceEngine:Serve:MaxConcurrentEvaluations"] = "4",
            ["ComplianceEngine:Serve:RequestTimeoutSeconds"] = "300",
        });
        using var client = factory.CreateClient();
        var body = RealisticBody(200_000);
        var gate = factory.Services.GetRequiredService<EvaluationGate>();

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var response = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25"), HostFactory.Yaml(body));
            return (response.StatusCode, (await response.Content.ReadAsByteArrayAsync()).Length);
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.All(answers, a => Assert.True(a.Length > 0));
        Assert.Equal(gate.EstimatedBytes(200_000), gate.PeakReservedBytes); // never two at once
        Assert.Equal(0, gate.ReservedBytes);
        Assert.Equal(0, gate.Running);
    }

    [Fact]
    public async Task Admission_ChunkedBody_AdmittedForTheCap_ThenShrunkToItsSize()
    {
        using var factory = new HostFactory(new()
        {
            ["ComplianceEngine:Serve:MaxBodyBytes"] = "262144", ["ComplianceEngine:Serve:EvaluationBytesPerBodyByte"] = "100",
            ["ComplianceEngine:Serve:EvaluationMemoryBudgetMegabytes"] = "30",
        });
        using var client = factory.CreateClient();
        var gate = factory.Services.GetRequiredService<EvaluationGate>();
        // Another evaluation holds 10 MiB: a chunked body (admitted for the 256 KiB cap, 25 MiB) waits for it.
        var held = await gate.AdmitAsync(10 * 1024 * 1024 / 100, CancellationToken.None);
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(HostFactory.ExampleEstate())));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/yaml");
        var request = new HttpRequestMessage(HttpMethod.Post, U("/v1/evaluations?asOf=2026-11-25")) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var pending = client.SendAsync(request);
        await HostFactory.Eventually(() => Task.FromResult(gate.Waiting == 1), "the chunked request to wait for memory");

        held.Dispose();
        using var response = await pending;
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(0, gate.ReservedBytes);
    }

    [Fact]
    public void Options_BodyCapThatDoesNotFitTheBudget_IsRefusedOnStart_CE8020()
    {
        using var data = new TempDir();
        var validator = new ServeOptionsValidator(new ConfigurationBuilder().Build());

        var fits = validator.Validate(null, new ServeOptions { Data = data.Path });
        Assert.True(fits.Succeeded, string.Join("; ", fits.Failures ?? [])); // the defaults agree

        var result = validator.Validate(null, new ServeOptions { Data = data.Path, MaxBodyBytes = 64L * 1024 * 1024 });
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("CE8020: a body of MaxBodyBytes (67,108,864 bytes) would need 3,072 MiB", failure, StringComparison.Ordinal);
        Assert.Contains("at least 3,072 or lower MaxBodyBytes to at most 16,777,216", failure, StringComparison.Ordinal);

        var huge = validator.Validate(null, new ServeOptions { Data = data.Path, MaxBodyBytes = 2L << 30, EvaluationMemoryBudgetMegabytes = int.MaxValue });
        Assert.StartsWith("CE8020: MaxBodyBytes 2,147,483,648 is more than one request can hold", Assert.Single(huge.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_InconsistentLimits_DoesNotStart_Exit2()
    {
        using var data = new TempDir();
        using var stderr = new StringWriter();
        var exit = await ComplianceServer.RunAsync(["--urls", "http://127.0.0.1:0", "--ComplianceEngine:Serve:Data", data.Path,
            "--ComplianceEngine:Serve:EvaluationMemoryBudgetMegabytes", "100"], stderr);
        Assert.Equal(2, exit);
        Assert.Contains("compliance serve: error CE8020: a body of MaxBodyBytes (16,777,216 bytes) would need 768 MiB", stderr.ToString(), StringComparison.Ordinal);
    }
}
