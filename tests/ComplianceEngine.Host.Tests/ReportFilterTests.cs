using System.Net;
using System.Text.Json;

namespace ComplianceEngine.Host.Tests;

/// <summary>A history filter on a jurisdiction the rules do not know, that matches nothing, is a 400 with "did you mean", not an empty page.</summary>
public sealed class ReportFilterTests : IDisposable
{
    private readonly HostFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static Uri U(string url) => new(url, UriKind.Relative);

    [Theory]
    [InlineData("eu", "did you mean 'EU'?")]
    [InlineData("UK", "is not a jurisdiction of the loaded rules")]
    public async Task Reports_UnknownJurisdictionMatchingNothing_Is400(string code, string text)
    {
        using var client = _factory.CreateClient();
        using var response = await client.GetAsync(U($"/v1/reports?jurisdiction={code}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(text, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_LoadedJurisdictionWithNoReport_IsAnEmptyPage()
    {
        using var client = _factory.CreateClient();
        using var none = JsonDocument.Parse(await client.GetStringAsync(U("/v1/reports?jurisdiction=BR")));
        Assert.Equal(0, none.RootElement.GetProperty("total").GetInt32());
    }
}
