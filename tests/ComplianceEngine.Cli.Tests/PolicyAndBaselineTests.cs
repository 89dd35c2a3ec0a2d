using System.Text.Json;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

public sealed class PolicyAndBaselineTests
{
    private static readonly string Examples = Repo.Path("examples", "estate");
    private static readonly string Rules = Repo.Path("rules");
    private static readonly string Policy = Repo.Path("examples", "policy", "acme-policy.yaml");

    [Fact]
    public void Check_PolicyWithExpiredAndCurrentWaiver_CurrentHidesExpiredReported()
    {
        var (exit, output, error) = Cli.Run("check", Examples, "--policy", Policy, "--as-of", "2026-11-25", "--format", "json");
        Assert.Equal(1, exit);
        using var doc = JsonDocument.Parse(output);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        var tickets = Assert.Single(findings, f => f.GetProperty("subject").GetProperty("name").GetString() == "support-tickets" && f.GetProperty("jurisdiction").GetString() == "EU");
        Assert.Equal("waived", tickets.GetProperty("status").GetString());
        Assert.Equal("ticketing-migration", tickets.GetProperty("waiver").GetProperty("name").GetString());
        var payroll = Assert.Single(findings, f => f.GetProperty("subject").GetProperty("name").GetString() == "payroll-export" && f.GetProperty("jurisdiction").GetString() == "EU");
        Assert.Equal("violation", payroll.GetProperty("status").GetString());
        var waivers = doc.RootElement.GetProperty("waivers").EnumerateArray().ToDictionary(w => w.GetProperty("name").GetString()!, w => w.GetProperty("state").GetString());
        Assert.Equal("expired", waivers["payroll-interim"]);
        Assert.Equal("active", waivers["ticketing-migration"]);
        Assert.Contains("CE5002", error, StringComparison.Ordinal);
        Assert.Equal(1, doc.RootElement.GetProperty("summary").GetProperty("byJurisdiction").GetProperty("EU").GetProperty("waived").GetInt32());
        // The policy includes the organisation baseline pack.
        Assert.True(doc.RootElement.GetProperty("summary").GetProperty("byJurisdiction").TryGetProperty("ORG", out _));
    }

    [Fact]
    public void Check_AfterCurrentWaiverExpires_ItHidesNothing()
    {
        using var doc = JsonDocument.Parse(Cli.Run("check", Examples, "--policy", Policy, "--as-of", "2026-12-16", "--format", "json").Out);
        Assert.DoesNotContain(doc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("status").GetString() == "waived");
    }

    [Fact]
    public void Check_BaselineOfTheSameRun_FailsNothing()
    {
        using var dir = new TempDir();
        var baseline = Path.Combine(dir.Path, "baseline.json");
        var first = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--write-baseline", baseline);
        Assert.Equal(1, first.Exit);
        Assert.True(File.Exists(baseline));
        var second = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--baseline", baseline, "--format", "json");
        Assert.Equal(0, second.Exit);
        using var doc = JsonDocument.Parse(second.Out);
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.All(findings, f => Assert.Equal("unchanged", f.GetProperty("baselineState").GetString()));
        Assert.Equal(findings.Count, doc.RootElement.GetProperty("summary").GetProperty("baselineSuppressed").GetInt32());
    }

    [Fact]
    public void Check_BaselineMissingAFinding_NewFindingFails()
    {
        using var dir = new TempDir();
        var baseline = Path.Combine(dir.Path, "baseline.json");
        Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--write-baseline", baseline);
        using (var doc = JsonDocument.Parse(File.ReadAllText(baseline)))
        {
            var kept = doc.RootElement.GetProperty("findings").EnumerateArray().Skip(1).Select(f => $"{{\"id\": \"{f.GetProperty("id").GetString()}\"}}");
            File.WriteAllText(baseline, "{\"findings\": [" + string.Join(",", kept) + "]}");
        }
        var (exit, output, _) = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--baseline", baseline);
        Assert.Equal(1, exit);
        Assert.Contains("in the baseline and do not fail this run", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json", "CE5006")]
    [InlineData("{\"findings\": 3}", "CE5006")]
    public void Check_BadBaseline_ExitsTwo(string content, string code)
    {
        using var dir = new TempDir();
        var baseline = dir.Write("baseline.json", content);
        var (exit, _, error) = Cli.Run("check", Examples, "--rules", Rules, "--baseline", baseline);
        Assert.Equal(2, exit);
        Assert.Contains(code, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PolicyNamesUnknownPack_ExitsTwo()
    {
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", "apiVersion: compliance/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  packs: [eu-gdpr-chapter-vv]\n");
        var (exit, _, error) = Cli.Run("check", Examples, "--rules", Rules, "--policy", policy);
        Assert.Equal(2, exit);
        Assert.Contains("CE5007", error, StringComparison.Ordinal);
        Assert.Contains("did you mean 'eu-gdpr-chapter-v'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PolicyPacksFilter_OnlyThosePacksRun()
    {
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", "apiVersion: compliance/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  packs: [eu-gdpr-chapter-v]\n  failOn: critical\n");
        var (exit, output, _) = Cli.Run("check", Examples, "--rules", Rules, "--policy", policy, "--format", "json", "--as-of", "2026-11-25");
        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(["EU"], doc.RootElement.GetProperty("summary").GetProperty("byJurisdiction").EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void Check_WaiverWithoutExpiry_ExitsTwo()
    {
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", """
            apiVersion: compliance/v1
            kind: Policy
            metadata: {name: p}
            spec: {}
            ---
            apiVersion: compliance/v1
            kind: Waiver
            metadata: {name: w}
            spec: {rule: GDPR-CH5-TRANSFER, subject: DataFlow/x, jurisdiction: EU, justification: because we must, approvedBy: DPO, ticket: T-1}
            """);
        var (exit, _, error) = Cli.Run("check", Examples, "--rules", Rules, "--policy", policy);
        Assert.Equal(2, exit);
        Assert.Contains("missing required field 'expires'", error, StringComparison.Ordinal);
    }
}
