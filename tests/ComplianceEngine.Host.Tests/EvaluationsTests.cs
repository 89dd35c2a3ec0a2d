using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ComplianceEngine.Hosting.Keys;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Host.Tests;

/// <summary>POST /v1/evaluations, history, parameters, limits and keys over the real host.</summary>
public sealed class EvaluationsTests : IDisposable
{
    private readonly HostFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static Uri U(string url) => new(url, UriKind.Relative);

    private static async Task<int> TotalReports(HttpClient client)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync(U("/v1/reports")));
        return doc.RootElement.GetProperty("total").GetInt32();
    }

    [Fact]
    public async Task Evaluation_Is201WithLocation_StoredReportReadsBackInAnyFormat()
    {
        using var client = _factory.CreateClient();
        using var response = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25&estate=prod"), HostFactory.Yaml(HostFactory.ExampleEstate()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/v1/reports/", location, StringComparison.Ordinal);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(body, await client.GetStringAsync(U(location)));
        using var sarif = await client.GetAsync(U(location + "?format=sarif"));
        Assert.Equal("application/sarif+json", sarif.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"version\": \"2.1.0\"", await sarif.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var list = JsonDocument.Parse(await client.GetStringAsync(U("/v1/reports?jurisdiction=EU&estate=prod")));
        var entry = Assert.Single(list.RootElement.GetProperty("reports").EnumerateArray());
        Assert.Equal(location, entry.GetProperty("href").GetString());
        Assert.Equal("loopback", entry.GetProperty("who").GetString());
        Assert.Equal("2026-11-25", entry.GetProperty("asOf").GetString());
        Assert.StartsWith("sha256:", entry.GetProperty("inputHash").GetString(), StringComparison.Ordinal);
        Assert.Equal(response.Headers.GetValues("X-Compliance-RuleSet").Single(), entry.GetProperty("ruleSetVersion").GetString());
        Assert.Equal("fail", entry.GetProperty("result").GetString());
        using var none = JsonDocument.Parse(await client.GetStringAsync(U("/v1/reports?jurisdiction=BR")));
        Assert.Equal(0, none.RootElement.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Reports_PagedNewestFirst()
    {
        using var client = _factory.CreateClient();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var r = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25"), HostFactory.Yaml(HostFactory.ExampleEstate()));
            ids.Add(r.Headers.GetValues("X-Compliance-Report").Single());
        }
        using var page = JsonDocument.Parse(await client.GetStringAsync(U("/v1/reports?limit=2&offset=1")));
        Assert.Equal(3, page.RootElement.GetProperty("total").GetInt32());
        Assert.Equal([ids[1], ids[0]], page.RootElement.GetProperty("reports").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToArray());
    }

    [Fact]
    public async Task Diff_NewFixedUnchanged_ByStableId()
    {
        using var client = _factory.CreateClient();
        var estate = HostFactory.ExampleEstate();
        using var before = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25"), HostFactory.Yaml(estate));
        // Drop the flows: their findings are fixed (gone); nothing new appears.
        var withoutFlows = string.Join("\n---\n", estate.Split("\n---\n").Where(d => !d.Contains("kind: DataFlow", StringComparison.Ordinal)));
        using var after = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25"), HostFactory.Yaml(withoutFlows));
        var a = before.Headers.GetValues("X-Compliance-Report").Single();
        var b = after.Headers.GetValues("X-Compliance-Report").Single();

        using var diff = JsonDocument.Parse(await client.GetStringAsync(U($"/v1/reports/{b}/diff?against={a}")));
        var fixedIds = diff.RootElement.GetProperty("fixed").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ToList();
        Assert.NotEmpty(fixedIds);
        using var self = JsonDocument.Parse(await client.GetStringAsync(U($"/v1/reports/{a}/diff?against={a}")));
        Assert.Empty(self.RootElement.GetProperty("new").EnumerateArray());
        Assert.Empty(self.RootElement.GetProperty("fixed").EnumerateArray());
        Assert.Equal(JsonDocument.Parse(await before.Content.ReadAsStringAsync()).RootElement.GetProperty("findings").EnumerateArray()
            .Count(f => f.GetProperty("status").GetString() != "pass"), self.RootElement.GetProperty("unchanged").GetArrayLength());

        using var missing = await client.GetAsync(U($"/v1/reports/{a}/diff"));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        using var unknown = await client.GetAsync(U($"/v1/reports/{a}/diff?against=nope"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>
    /// History written by earlier versions holds reports of schema 1 and 2: the diff reads them. The stored schema-3
    /// report is rewritten the way schema 2 (evidence inline, every root cause and confidence) and schema 1 (also no
    /// rules, estate or root causes) wrote it; diffed against today's, every finding is unchanged.
    /// </summary>
    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task Diff_AgainstAReportOfAnOlderSchema_ReadsItsFindings(string schema)
    {
        using var client = _factory.CreateClient();
        using var posted = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25"), HostFactory.Yaml(HostFactory.ExampleEstate()));
        var id = posted.Headers.GetValues("X-Compliance-Report").Single();
        var store = _factory.Services.GetRequiredService<ComplianceEngine.Hosting.History.IEvaluationStore>();
        var record = (await store.GetAsync(id, CancellationToken.None))!;
        var report = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync(U($"/v1/reports/{id}")))!.AsObject();
        var facts = report["facts"]!.AsArray();
        var rules = report["rules"]!.AsArray().ToDictionary(r => (string)r!["id"]!, r => r!);
        foreach (var f in report["findings"]!.AsArray().Select(f => f!.AsObject()))
        {
            f["evidence"] = new System.Text.Json.Nodes.JsonArray([.. f["evidence"]!.AsArray().Select(i => facts[(int)i!]!.DeepClone())]);
            f["rootCause"] ??= (string)f["id"]!;
            f["confidence"] ??= (string)rules[(string)f["ruleId"]!]["confidence"]!;
            if (schema == "1") f.Remove("rootCause");
        }
        report.Remove("facts");
        if (schema == "1")
        {
            report.Remove("rules");
            report.Remove("estate");
        }
        report["schemaVersion"] = schema;
        using var gzipped = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(gzipped, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(report.ToJsonString()));
        var old = record with { Id = "old" + schema, StoredAt = record.StoredAt.AddMinutes(-1) };
        await store.AddAsync(old, new Dictionary<string, byte[]> { ["json"] = gzipped.ToArray() }, CancellationToken.None);

        using var diff = JsonDocument.Parse(await client.GetStringAsync(U($"/v1/reports/{id}/diff?against={old.Id}")));

        Assert.Empty(diff.RootElement.GetProperty("new").EnumerateArray());
        Assert.Empty(diff.RootElement.GetProperty("fixed").EnumerateArray());
        var findings = report["findings"]!.AsArray().Count;
        Assert.True(findings > 0);
        Assert.Equal(findings, diff.RootElement.GetProperty("unchanged").GetArrayLength());
    }

    [Fact]
    public async Task Retention_KeepsTheNewest()
    {
        using var factory = new HostFactory(new() { ["ComplianceEngine:Serve:RetainCount"] = "2" });
        using var client = factory.CreateClient();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var r = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25"), HostFactory.Yaml(HostFactory.ExampleEstate()));
            ids.Add(r.Headers.Location!.ToString());
        }
        Assert.Equal(2, await TotalReports(client));
        using var oldest = await client.GetAsync(U(ids[0]));
        Assert.Equal(HttpStatusCode.NotFound, oldest.StatusCode);
        using var newest = await client.GetAsync(U(ids[2]));
        Assert.Equal(HttpStatusCode.OK, newest.StatusCode);
    }

    [Theory]
    [InlineData("/v1/reports?limit=0")]
    [InlineData("/v1/reports?limit=many")]
    [InlineData("/v1/reports?since=yesterday")]
    [InlineData("/v1/reports/nope?format=pdf")]
    public async Task History_BadParameters_Are400ProblemDetails(string url)
    {
        using var client = _factory.CreateClient();
        using var response = await client.GetAsync(U(url));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Report_Unknown_Is404()
    {
        using var client = _factory.CreateClient();
        using var response = await client.GetAsync(U("/v1/reports/0000"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("failOn=hgih", "did you mean 'high'")]
    [InlineData("failOn=HIGH", "failOn 'HIGH'")]
    [InlineData("failOn=", "failOn ''")]
    [InlineData("failOnIndeterminate=maybe", "not true or false")]
    [InlineData("format=pdf", "format 'pdf'")]
    [InlineData("asOf=yesterday", "asOf 'yesterday'")]
    [InlineData("policy=strict", "none is loaded")]
    [InlineData("estate=a/b", "estate 'a/b'")]
    public async Task Evaluation_BadParameter_Is400_NothingStored(string query, string message)
    {
        using var client = _factory.CreateClient();
        var url = query.StartsWith("asOf", StringComparison.Ordinal) ? $"/v1/evaluations?{query}" : $"/v1/evaluations?asOf=2026-11-25&{query}";
        using var response = await client.PostAsync(U(url), HostFactory.Yaml(HostFactory.ExampleEstate()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Compliance-Result"));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("CE1033", problem.RootElement.GetProperty("diagnostics")[0].GetProperty("code").GetString());
        Assert.Equal(0, await TotalReports(client));
    }

    [Fact]
    public async Task Evaluation_PolicyInBody_IsRefusedNotIgnored()
    {
        using var client = _factory.CreateClient();
        const string policy = "apiVersion: compliance/v1\nkind: Policy\nmetadata:\n  name: lax\nspec:\n  failOn: none\n";
        using var response = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25"), HostFactory.Yaml(HostFactory.ExampleEstate() + "\n---\n" + policy));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("\"CE8001\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await TotalReports(client));
    }

    [Fact]
    public async Task Evaluation_ChunkedBodyOverLimit_Is413_NeverProcessed()
    {
        using var client = _factory.CreateClient();
        using var content = new ChunkedContent(20L * 1024 * 1024);
        using var response = await client.PostAsync(U("/v1/evaluations"), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("\"CE8002\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await TotalReports(client));
    }

    [Fact]
    public async Task Evaluation_DeclaredLengthOverLimit_Is413()
    {
        using var factory = new HostFactory(new() { ["ComplianceEngine:Serve:MaxBodyBytes"] = "1000" });
        using var client = factory.CreateClient();
        using var response = await client.PostAsync(U("/v1/evaluations"), HostFactory.Yaml(HostFactory.ExampleEstate()));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Evaluation_OverConcurrencyAndQueue_Is429WithRetryAfter()
    {
        using var factory = new HostFactory(new() { ["ComplianceEngine:Serve:MaxConcurrentEvaluations"] = "1", ["ComplianceEngine:Serve:QueueLimit"] = "0" });
        using var client = factory.CreateClient();
        // Hold the only evaluation slot, so the request finds it taken whatever the machine's speed (no race).
        var gate = factory.Services.GetRequiredService<ComplianceEngine.Server.Serving.EvaluationGate>();
        var held = await gate.AdmitAsync(1, CancellationToken.None);
        Assert.Equal(ComplianceEngine.Server.Serving.AdmissionOutcome.Admitted, held.Outcome);

        using (var rejected = await client.PostAsync(U("/v1/evaluations"), HostFactory.Yaml(HostFactory.ExampleEstate())))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
            Assert.Equal("1", rejected.Headers.GetValues("Retry-After").Single());
            Assert.Contains("retry after 1 s", await rejected.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
            Assert.Equal(0, await TotalReports(client));
        }

        held.Dispose();
        using var accepted = await client.PostAsync(U("/v1/evaluations"), HostFactory.Yaml(HostFactory.ExampleEstate()));
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal(1, await TotalReports(client));
    }

    [Fact]
    public async Task Keys_MissingWrongScopeRevoked_401And403_ValidKeyIsWho()
    {
        var store = new ApiKeyStore(_factory.Data.Path);
        var (reader, _) = store.Add("dashboard", ApiScope.Read, DateTimeOffset.UnixEpoch);
        var (ci, _) = store.Add("ci", ApiScope.Evaluate, DateTimeOffset.UnixEpoch);
        using var client = _factory.CreateClient();

        using var anonymous = await client.GetAsync(U("/v1/rules"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);

        using var bad = new HttpRequestMessage(HttpMethod.Get, U("/v1/rules")) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", ci + "x") } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(bad)).StatusCode);

        using var read = new HttpRequestMessage(HttpMethod.Get, U("/v1/rules")) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", reader) } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(read)).StatusCode);

        using var readPost = new HttpRequestMessage(HttpMethod.Post, U("/v1/evaluations?asOf=2026-11-25"))
        { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", reader) }, Content = HostFactory.Yaml(HostFactory.ExampleEstate()) };
        using var forbidden = await client.SendAsync(readPost);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("scope read", await forbidden.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var ciPost = new HttpRequestMessage(HttpMethod.Post, U("/v1/evaluations?asOf=2026-11-25"))
        { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", ci) }, Content = HostFactory.Yaml(HostFactory.ExampleEstate()) };
        using var created = await client.SendAsync(ciPost);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var ciList = new HttpRequestMessage(HttpMethod.Get, U("/v1/reports")) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", ci) } };
        using var list = JsonDocument.Parse(await (await client.SendAsync(ciList)).Content.ReadAsStringAsync());
        Assert.Equal("ci", list.RootElement.GetProperty("reports")[0].GetProperty("who").GetString());

        store.Revoke("dashboard", DateTimeOffset.UnixEpoch);
        using var revoked = new HttpRequestMessage(HttpMethod.Get, U("/v1/rules")) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", reader) } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(revoked)).StatusCode);

        using var health = await client.GetAsync(U("/healthz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
