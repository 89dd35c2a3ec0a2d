using System.Net;
using System.Text;
using System.Text.Json;

namespace ComplianceEngine.Host.Tests;

/// <summary>Functional tests over the real host (in-memory server, the real composition and built-in rules).</summary>
public sealed class ComplianceApiTests : IDisposable
{
    private readonly HostFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static string ExampleEstate() => HostFactory.ExampleEstate();

    [Fact]
    public async Task Check_ExampleEstate_ReturnsJsonReportAndFailHeader()
    {
        using var client = _factory.CreateClient();
        using var content = new StringContent(ExampleEstate(), Encoding.UTF8, "application/yaml");
        using var response = await client.PostAsync(new Uri("/v1/check?asOf=2026-11-25", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fail", Assert.Single(response.Headers.GetValues("X-Compliance-Result")));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("2026-11-25", doc.RootElement.GetProperty("asOf").GetString());
        Assert.True(doc.RootElement.GetProperty("summary").GetProperty("byJurisdiction").GetProperty("EU").GetProperty("violation").GetInt32() > 0);
    }

    [Fact]
    public async Task Check_SarifFormat_ContentTypeAndVersion()
    {
        using var client = _factory.CreateClient();
        using var content = new StringContent(ExampleEstate(), Encoding.UTF8, "application/yaml");
        using var response = await client.PostAsync(new Uri("/v1/check?asOf=2026-11-25&format=sarif", UriKind.Relative), content);
        Assert.Equal("application/sarif+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"version\": \"2.1.0\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_BadYaml_ProblemDetailsWithDiagnostics()
    {
        using var client = _factory.CreateClient();
        using var content = new StringContent("a: &x [1]\nb: *x\n", Encoding.UTF8, "application/yaml");
        using var response = await client.PostAsync(new Uri("/v1/check", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var d = doc.RootElement.GetProperty("diagnostics")[0];
        Assert.Equal("CE1011", d.GetProperty("code").GetString());
        Assert.Equal(1, d.GetProperty("line").GetInt32());
    }

    [Theory]
    [InlineData("/v1/check?format=pdf")]
    [InlineData("/v1/check?asOf=yesterday")]
    public async Task Check_BadQuery_BadRequest(string url)
    {
        using var client = _factory.CreateClient();
        using var content = new StringContent(ExampleEstate(), Encoding.UTF8, "application/yaml");
        using var response = await client.PostAsync(new Uri(url, UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Rules_ListsBuiltInRules()
    {
        using var client = _factory.CreateClient();
        var json = await client.GetStringAsync(new Uri("/v1/rules", UriKind.Relative));
        using var doc = JsonDocument.Parse(json);
        Assert.Contains(doc.RootElement.EnumerateArray(), r => r.GetProperty("id").GetString() == "GDPR-CH5-TRANSFER");
    }

    [Fact]
    public async Task Healthz_Ok()
    {
        using var client = _factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("failOn=hgih")]
    [InlineData("failOn=HIGH")]
    [InlineData("failOn=")]
    [InlineData("failOnIndeterminate=maybe")]
    public async Task Check_UnknownGateParameter_Is400NeverAPass(string query)
    {
        using var client = _factory.CreateClient();
        using var content = new StringContent(ExampleEstate(), Encoding.UTF8, "application/yaml");
        using var response = await client.PostAsync(new Uri($"/v1/check?asOf=2026-11-25&{query}", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Compliance-Result"));
    }

    [Fact]
    public async Task Check_ReportCarriesGateAndCoverage()
    {
        using var client = _factory.CreateClient();
        using var content = new StringContent(ExampleEstate(), Encoding.UTF8, "application/yaml");
        using var response = await client.PostAsync(new Uri("/v1/check?asOf=2026-11-25&failOn=critical", UriKind.Relative), content);

        Assert.Equal("pass", Assert.Single(response.Headers.GetValues("X-Compliance-Result")));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("critical", doc.RootElement.GetProperty("gate").GetProperty("failOn").GetString());
        Assert.True(doc.RootElement.GetProperty("coverage").GetProperty("byJurisdiction").GetProperty("EU").GetProperty("flows").GetInt32() > 0);
    }

    [Fact]
    public async Task Check_NothingJudged_FailOnNothingJudgedFalseRelaxes_UnknownValueIs400()
    {
        using var relaxed = await CheckNoDataEstate("&failOnNothingJudged=false");
        using var bad = await CheckNoDataEstate("&failOnNothingJudged=nope");

        Assert.Equal("pass", Assert.Single(relaxed.Headers.GetValues("X-Compliance-Result")));
        using var relaxedDoc = JsonDocument.Parse(await relaxed.Content.ReadAsStringAsync());
        Assert.Equal("failOnNothingJudged=false", relaxedDoc.RootElement.GetProperty("gate").GetProperty("nothingJudgedRelaxedBy").GetString());
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("failOnNothingJudged 'nope' is not true or false", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_NothingJudged_FailHeaderAndReason_FailOnNoneRelaxes()
    {
        using var response = await CheckNoDataEstate("");
        using var relaxed = await CheckNoDataEstate("&failOn=none");

        Assert.Equal("fail", Assert.Single(response.Headers.GetValues("X-Compliance-Result")));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("fail", doc.RootElement.GetProperty("gate").GetProperty("result").GetString());
        Assert.StartsWith("nothing was judged", doc.RootElement.GetProperty("gate").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("pass", Assert.Single(relaxed.Headers.GetValues("X-Compliance-Result")));
        using var relaxedDoc = JsonDocument.Parse(await relaxed.Content.ReadAsStringAsync());
        Assert.Equal("failOn=none", relaxedDoc.RootElement.GetProperty("gate").GetProperty("nothingJudgedRelaxedBy").GetString());
    }

    /// <summary>POST /v1/check of one cluster and no data (nothing for any rule to judge), with <paramref name="query"/> appended.</summary>
    private async Task<HttpResponseMessage> CheckNoDataEstate(string query)
    {
        using var client = _factory.CreateClient();
        const string estate = "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: fra}\nspec: {provider: aws, region: eu-central-1}\n";
        using var content = new StringContent(estate, Encoding.UTF8, "application/yaml");
        return await client.PostAsync(new Uri("/v1/check?asOf=2026-11-25" + query, UriKind.Relative), content);
    }
}
