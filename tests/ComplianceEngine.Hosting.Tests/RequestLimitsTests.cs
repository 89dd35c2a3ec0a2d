using System.Globalization;
using System.Text;
using ComplianceEngine.Hosting.Pipeline;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Hosting.Tests;

/// <summary>A request's YAML caps follow from the body cap (issue 12 item 7): whatever estate the cap accepts is read.</summary>
public sealed class RequestLimitsTests
{
    private const long MiB = 1024 * 1024;
    private static readonly DateOnly AsOf = new(2026, 11, 25);

    private static ComplianceService Service()
    {
        var services = new ServiceCollection().AddLogging().AddComplianceEngine();
        services.Configure<ComplianceEngineOptions>(o => o.BuiltInRules = Repo.Path("rules"));
        return services.BuildServiceProvider().GetRequiredService<ComplianceService>();
    }

    [Fact]
    public void ForBody_SizeIsTheBodyCap_NodesFollowFromIt_NeverFewerThanAFile()
    {
        var limits = RequestLimits.ForBody(16 * MiB, 64);
        Assert.Equal(16 * MiB, limits.MaxFileBytes);
        Assert.Equal(4 * 1024 * 1024, limits.MaxEvents); // a node per 4 bytes
        Assert.Equal(64, limits.MaxDepth);

        Assert.Equal(YamlLimits.Default.MaxEvents, RequestLimits.ForBody(1000, 64).MaxEvents);
        Assert.Equal(int.MaxValue, RequestLimits.ForBody(long.MaxValue / 2, 64).MaxEvents);
        Assert.Throws<ArgumentOutOfRangeException>(() => RequestLimits.ForBody(0, 64));
    }

    // Estate YAML of about 7 bytes per node, then a document of an unknown kind, so the check stops after reading
    // (nothing is evaluated) and its error shows the whole body was read.
    private static string RealisticBodyEndingInAMistake(long bytes)
    {
        var text = new StringBuilder();
        for (var i = 0; text.Length < bytes - 400; i++)
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"---\napiVersion: compliance/v1\nkind: Cluster\nmetadata: {{name: c-{i:D7}, labels: {{team: web, tier: staging}}}}\n" +
                $"spec:\n  provider: azure\n  region: westeurope\n  environment: staging\n  role: primary\n"));
        return text.Append("---\napiVersion: compliance/v1\nkind: Nonsense\nmetadata: {name: last}\nspec: {}\n").ToString();
    }

    [Fact]
    public void Check_RealisticBodyNearTheCap_IsReadWhole_WhereTheFileCapsStoppedIt()
    {
        var service = Service();
        var text = RealisticBodyEndingInAMistake(8 * MiB); // some 1.2 million nodes
        CheckRequest Request(YamlLimits? limits) => new([], [], AsOf, DateTimeOffset.UnixEpoch)
        {
            Documents = [new InlineDocument("request.yaml", text)],
            DocumentLimits = limits,
        };

        var asFile = service.Check(Request(null));
        Assert.Contains(asFile.Diagnostics, d => d.Code == "CE1014"); // the disagreement this fixes

        var asBody = service.Check(Request(RequestLimits.ForBody(8 * MiB, 64)));
        Assert.DoesNotContain(asBody.Diagnostics, d => d.Code == "CE1014");
        Assert.Contains(asBody.Diagnostics, d => d.Message.Contains("Nonsense", StringComparison.Ordinal)); // read to the end
    }

    [Fact]
    public void Check_BodyDenserThanAnyEstate_StopsAtTheNodeCap()
    {
        var service = Service();
        var text = "[" + string.Join(',', Enumerable.Repeat("a", (int)(4 * MiB))) + "]"; // 8 MiB, 2 bytes per node
        var result = service.Check(new CheckRequest([], [], AsOf, DateTimeOffset.UnixEpoch)
        {
            Documents = [new InlineDocument("request.yaml", text)],
            DocumentLimits = RequestLimits.ForBody(8 * MiB, 64),
        });
        Assert.True(result.Failed);
        Assert.Contains(result.Diagnostics, d => d.Code == "CE1014" && d.Message.Contains("2,097,152", StringComparison.Ordinal));
    }
}
