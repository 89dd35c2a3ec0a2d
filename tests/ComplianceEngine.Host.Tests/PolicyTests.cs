using System.Net;
using System.Text.Json;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Host.Tests;

/// <summary>Server policies (<c>--policy</c>): the first applies by default, <c>?policy=NAME</c> picks another.</summary>
public sealed class PolicyTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Uri U(string url) => new(url, UriKind.Relative);

    private string Policy(string name, string failOn) =>
        _dir.Write($"{name}.yaml", $"apiVersion: compliance/v1\nkind: Policy\nmetadata:\n  name: {name}\nspec:\n  failOn: {failOn}\n");

    [Fact]
    public async Task DefaultPolicyApplies_QueryPicksAnother_UnknownIs400()
    {
        using var factory = new HostFactory(new()
        {
            ["ComplianceEngine:Serve:Policies:0"] = Policy("lenient", "none"),
            ["ComplianceEngine:Serve:Policies:1"] = Policy("strict", "low"),
        });
        using var client = factory.CreateClient();

        using var byDefault = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25"), HostFactory.Yaml(HostFactory.ExampleEstate()));
        Assert.Equal(HttpStatusCode.Created, byDefault.StatusCode);
        Assert.Equal("pass", byDefault.Headers.GetValues("X-Compliance-Result").Single());
        using (var doc = JsonDocument.Parse(await byDefault.Content.ReadAsStringAsync()))
            Assert.Equal("none", doc.RootElement.GetProperty("gate").GetProperty("failOn").GetString());

        using var strict = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25&policy=strict"), HostFactory.Yaml(HostFactory.ExampleEstate()));
        Assert.Equal("fail", strict.Headers.GetValues("X-Compliance-Result").Single());

        using var unknown = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25&policy=strictt"), HostFactory.Yaml(HostFactory.ExampleEstate()));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("did you mean 'strict'", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var status = JsonDocument.Parse(await client.GetStringAsync(U("/v1/rules/status")));
        Assert.Equal(["lenient", "strict"], status.RootElement.GetProperty("policies").EnumerateArray().Select(p => p.GetString()!).ToArray());
    }

    [Fact]
    public async Task PolicyFileChange_IsReloaded()
    {
        var path = Policy("team", "none");
        using var factory = new HostFactory(new() { ["ComplianceEngine:Serve:Policies:0"] = path });
        using var client = factory.CreateClient();
        using (var before = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25"), HostFactory.Yaml(HostFactory.ExampleEstate())))
            Assert.Equal("pass", before.Headers.GetValues("X-Compliance-Result").Single());

        Policy("team", "low");
        await HostFactory.Eventually(async () =>
        {
            using var after = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25"), HostFactory.Yaml(HostFactory.ExampleEstate()));
            return after.Headers.GetValues("X-Compliance-Result").Single() == "fail";
        }, "the changed policy to apply");
    }
}
