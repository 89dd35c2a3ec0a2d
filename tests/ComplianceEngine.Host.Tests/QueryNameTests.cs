using System.Net;
using System.Text;

namespace ComplianceEngine.Host.Tests;

/// <summary>
/// A query parameter the endpoint does not read is a 400 with "did you mean", never ignored: <c>?jurisdicton=EU</c>
/// used to return the whole unfiltered history, and <c>?fail-on=high</c> a gate at the default threshold.
/// </summary>
public sealed class QueryNameTests : IDisposable
{
    private const string Estate = """
        apiVersion: compliance-engine.io/v1
        kind: Cluster
        metadata: { name: eu-1 }
        spec: { provider: aws, region: eu-central-1, environment: production }
        """;

    private readonly HostFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static Uri U(string url) => new(url, UriKind.Relative);

    [Theory]
    [InlineData("/v1/reports?jurisdicton=EU", "jurisdicton", "did you mean 'jurisdiction'?")]
    [InlineData("/v1/reports?limit=5&ofset=10", "ofset", "did you mean 'offset'?")]
    [InlineData("/v1/reports/abc?fromat=json", "fromat", "did you mean 'format'?")]
    [InlineData("/v1/rules?verbose=true", "verbose", "takes no query parameters")]
    public async Task Get_UnknownQueryName_Is400(string url, string name, string text)
    {
        using var client = _factory.CreateClient();
        using var response = await client.GetAsync(U(url));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains($"'{name}'", body, StringComparison.Ordinal);
        Assert.Contains(text, body, StringComparison.Ordinal);
        Assert.Contains("CE1033", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UnknownQueryName_Is400_NotAGateAtTheDefault()
    {
        using var client = _factory.CreateClient();
        using var content = new StringContent(Estate, Encoding.UTF8, "application/yaml");
        using var response = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25&fail-on=high"), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("did you mean 'failOn'?", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KnownNames_InAnyCase_AreRead()
    {
        using var client = _factory.CreateClient();
        using var page = await client.GetAsync(U("/v1/reports?Limit=5&JURISDICTION=EU"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }
}
