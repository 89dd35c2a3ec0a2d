using ComplianceEngine.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Hosting.Tests;

/// <summary>
/// A shell may begin a check's rules before it has set up the check (<see cref="ComplianceService.BeginPrepare"/>): the
/// check takes them only when its request names the same rules and policy, and only once. Which preparation a check
/// took shows in its rule-set version: the rules are read when they are begun, so a policy file rewritten after that
/// gives a check that took them the old file's version, and a check that read its own the new one's.
/// </summary>
public sealed class PrepareAheadTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 25);

    private static ComplianceService Service()
    {
        var services = new ServiceCollection().AddLogging().AddComplianceEngine();
        services.Configure<ComplianceEngineOptions>(o => o.BuiltInRules = Repo.Path("rules"));
        return services.BuildServiceProvider().GetRequiredService<ComplianceService>();
    }

    private static string Policy(string failOn) => $"apiVersion: compliance/v1\nkind: Policy\nmetadata: {{name: p}}\nspec: {{failOn: {failOn}}}\n";

    private static CheckRequest Request(IReadOnlyList<string> rules, string policy) =>
        new([Repo.Path("examples", "estate")], rules, AsOf, DateTimeOffset.UnixEpoch) { PolicyPath = policy };

    /// <summary>The version of <paramref name="policy"/>'s rules as the file is now, read by a service of its own.</summary>
    private static string VersionNow(string policy) => Service().PrepareRules([], policy).Rules!.Version;

    [Fact]
    public async Task Check_SameRulesAndPolicy_TakesTheRulesBegunBefore()
    {
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", Policy("none"));
        var before = VersionNow(policy);
        var service = Service();
        await service.BeginPrepare([], policy);
        File.WriteAllText(policy, Policy("low"));
        Assert.NotEqual(before, VersionNow(policy));

        var result = service.Check(Request([], policy));

        Assert.NotNull(result.Report);
        Assert.Equal(before, result.RuleSetVersion);
        Assert.False(result.GateFailed); // failOn: none, as the policy read when the rules were begun said
    }

    [Fact]
    public async Task Check_RulesBegunBefore_TakenOnce()
    {
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", Policy("none"));
        var service = Service();
        await service.BeginPrepare([], policy);
        File.WriteAllText(policy, Policy("low"));
        var first = service.Check(Request([], policy));

        var second = service.Check(Request([], policy));

        Assert.NotEqual(first.RuleSetVersion, second.RuleSetVersion);
        Assert.Equal(VersionNow(policy), second.RuleSetVersion);
        Assert.True(second.GateFailed);
    }

    [Fact]
    public async Task Check_AnotherPolicy_ReadsItsOwn()
    {
        using var dir = new TempDir();
        var begun = dir.Write("begun.yaml", Policy("none"));
        var asked = dir.Write("asked.yaml", Policy("low"));
        var service = Service();
        await service.BeginPrepare([], begun);

        var result = service.Check(Request([], asked));

        Assert.Equal(VersionNow(asked), result.RuleSetVersion);
        Assert.True(result.GateFailed);
    }

    [Fact]
    public async Task Check_NoPolicy_DoesNotTakeRulesBegunWithOne()
    {
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", Policy("none"));
        var service = Service();
        await service.BeginPrepare([], policy);

        var result = service.Check(new CheckRequest([Repo.Path("examples", "estate")], [], AsOf, DateTimeOffset.UnixEpoch));

        Assert.Equal(Service().PrepareRules([], null).Rules!.Version, result.RuleSetVersion);
        Assert.True(result.GateFailed);
    }

    [Fact]
    public async Task Check_TheSameFolderNamedOtherwise_ReadsItsOwn()
    {
        // The names given are the ones the diagnostics and the version use: the default rules named by their path are other rules.
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", Policy("none"));
        var service = Service();
        await service.BeginPrepare([Repo.Path("rules")], policy);
        File.WriteAllText(policy, Policy("low"));

        var result = service.Check(Request([], policy));

        Assert.Equal(VersionNow(policy), result.RuleSetVersion);
        Assert.True(result.GateFailed);
    }

    [Fact]
    public async Task BeginPrepare_Twice_OnePreparation_TheSecondBegunRulesNotReadAgain()
    {
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", Policy("none"));
        var before = VersionNow(policy);
        var service = Service();
        await service.BeginPrepare([], policy);
        File.WriteAllText(policy, Policy("low"));

        await service.BeginPrepare([], policy); // the same preparation, not yet taken: not begun again
        var result = service.Check(Request([], policy));

        Assert.Equal(before, result.RuleSetVersion);
    }
}
