using System.Diagnostics;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Hosting.Tests;

public sealed class OutputGuardTests
{
    [Fact]
    public void InputReachedThroughSymlinkedFolder_Refused()
    {
        using var dir = new TempDir();
        dir.Write("est/flows.yaml", "x: 1");
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "estlink"), Path.Combine(dir.Path, "est"));
        var guard = OutputGuard.ForInputs([Path.Combine(dir.Path, "estlink")]);
        var d = guard.Check(Path.Combine(dir.Path, "est", "flows.yaml"));
        Assert.Equal(DiagnosticCodes.OutputRefused, d?.Code);
        Assert.Contains("estlink/flows.yaml", d!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HardLinkToInput_RefusedByIdentity()
    {
        using var dir = new TempDir();
        var input = dir.Write("rules/pack/rules.yaml", "x: 1");
        var hard = Path.Combine(dir.Path, "report.json");
        Process.Start("ln", [input, hard])!.WaitForExit();
        Assert.True(File.Exists(hard));
        Assert.Equal(DiagnosticCodes.OutputRefused, OutputGuard.ForInputs([Path.Combine(dir.Path, "rules")]).Check(hard)?.Code);
    }

    [Fact]
    public void FilesUnderInputFolders_AnyExtension_Refused()
    {
        using var dir = new TempDir();
        dir.Write("rules/eu/rules.yaml", "x: 1");
        dir.Write("rules/cloud-regions.tsv", "x");
        var guard = OutputGuard.ForInputs([Path.Combine(dir.Path, "rules")]);
        Assert.NotNull(guard.Check(Path.Combine(dir.Path, "rules", "eu", "rules.yaml")));
        Assert.NotNull(guard.Check(Path.Combine(dir.Path, "rules", "cloud-regions.tsv")));
        Assert.Null(guard.Check(Path.Combine(dir.Path, "rules", "eu", "new-report.json")));
        Assert.Null(guard.Check(Path.Combine(dir.Path, "report.json")));
    }

    [Fact]
    public void ExistingRegularFileNotAnInput_Allowed()
    {
        using var dir = new TempDir();
        dir.Write("est/a.yaml", "x: 1");
        var old = dir.Write("out/report.json", "old");
        Assert.Null(OutputGuard.ForInputs([Path.Combine(dir.Path, "est")]).Check(old));
    }

    [Theory]
    [InlineData("/dev/null")]
    [InlineData("/dev/zero")]
    [InlineData("/dev/stdout")]
    [InlineData("/tmp")]
    [InlineData("-")]
    public void SpecialOutputs(string target)
    {
        var d = OutputGuard.ForInputs([]).Check(target);
        if (target == "-") Assert.Null(d);
        else Assert.Equal(DiagnosticCodes.OutputRefused, d?.Code);
    }

    [Fact]
    public void FifoAndSymlinkOutputs_Refused()
    {
        using var dir = new TempDir();
        var fifo = Path.Combine(dir.Path, "out.json");
        Process.Start("mkfifo", [fifo])!.WaitForExit();
        var link = Path.Combine(dir.Path, "link.json");
        File.CreateSymbolicLink(link, dir.Write("real.json", "x"));
        var guard = OutputGuard.ForInputs([]);
        Assert.Contains("named pipe", guard.Check(fifo)!.Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link", guard.Check(link)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ControlCharacterInOutputName_Refused() =>
        Assert.Equal(DiagnosticCodes.BadFileName, OutputGuard.ForInputs([]).Check("report\u001b[2J.json")?.Code);

    [Fact]
    public void ForCheck_CoversRulesPolicyIncludesAndBaseline()
    {
        using var dir = new TempDir();
        dir.Write("est/a.yaml", "x: 1");
        var rule = dir.Write("rules/eu/rules.yaml", "x: 1");
        var included = dir.Write("org/extra/rules.yaml", "x: 1");
        var policy = dir.Write("policy/policy.yaml", """
            apiVersion: compliance/v1
            kind: Policy
            metadata: {name: p}
            spec:
              include: [../org/extra]
            """);
        var baseline = dir.Write("baseline.json", "{}");
        using var provider = new ServiceCollection().AddLogging().AddComplianceEngine().BuildServiceProvider();
        var service = provider.GetRequiredService<ComplianceService>();
        var request = new CheckRequest([Path.Combine(dir.Path, "est")], [Path.Combine(dir.Path, "rules")], new DateOnly(2026, 11, 25), default)
        {
            PolicyPath = policy,
            BaselinePath = baseline,
        };
        var guard = OutputGuard.ForCheck(service, request);
        foreach (var input in new[] { rule, included, policy, baseline, Path.Combine(dir.Path, "est", "a.yaml") })
            Assert.Equal(DiagnosticCodes.OutputRefused, guard.Check(input)?.Code);
    }
}
