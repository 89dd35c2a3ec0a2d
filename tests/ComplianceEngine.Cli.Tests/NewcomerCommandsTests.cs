using System.Text.Json;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary><c>init</c>, <c>packs</c>, and <c>--rules</c> adding to the built-in rules (<c>--no-builtin-rules</c> replacing them).</summary>
public sealed class NewcomerCommandsTests
{
    private static readonly string Examples = Repo.Path("examples", "estate");

    [Fact]
    public void Init_WritesAStarterThatChecksWithFindingsToFollow()
    {
        using var dir = new TempDir();

        var (exit, output, error) = Cli.Run("init", dir.Path);

        Assert.True(exit == 0, error);
        Assert.True(File.Exists(Path.Combine(dir.Path, "estate", "estate.yaml")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "policy.yaml")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "estate.schema.json")));
        Assert.Contains("compliance check", output, StringComparison.Ordinal);

        var check = Cli.Run("check", Path.Combine(dir.Path, "estate"), "--policy", Path.Combine(dir.Path, "policy.yaml"), "--as-of", "2026-11-25",
            "--format", "json");

        Assert.True(check.Exit == 1, check.Err);
        Assert.DoesNotContain(" error ", check.Err, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(check.Out);
        var findings = report.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f =>
        {
            Assert.Equal("violation", f.GetProperty("status").GetString());
            Assert.Equal("EU", f.GetProperty("jurisdiction").GetString());
            Assert.False(string.IsNullOrWhiteSpace(f.GetProperty("remediation").GetString()));
            Assert.Contains("GDPR Art. 44", f.GetProperty("citation").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal(["Cluster/prod-eu", "DataFlow/customers-to-crm"],
            findings.Select(f => $"{f.GetProperty("subject").GetProperty("kind").GetString()}/{f.GetProperty("subject").GetProperty("name").GetString()}").Order(StringComparer.Ordinal));
        Assert.Empty(report.RootElement.GetProperty("notJudged").EnumerateArray());
    }

    [Fact]
    public void Init_FileExists_RefusesAndWritesNothing()
    {
        using var dir = new TempDir();
        var mine = dir.Write("policy.yaml", "# mine\n");

        var (exit, output, error) = Cli.Run("init", dir.Path);

        Assert.Equal(2, exit);
        Assert.Contains("CE1041", error, StringComparison.Ordinal);
        Assert.Contains("policy.yaml exists", error, StringComparison.Ordinal);
        Assert.Equal("# mine\n", File.ReadAllText(mine));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "estate")));
        Assert.False(File.Exists(Path.Combine(dir.Path, "estate.schema.json")));
        Assert.DoesNotContain("wrote", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Packs_ListsNamesJurisdictionsAndRuleCounts()
    {
        var (exit, output, _) = Cli.Run("packs");

        Assert.Equal(0, exit);
        Assert.Matches(@"eu-gdpr-chapter-v\s+EU\s+\d+\s+builtin:rules/eu-gdpr/rules\.yaml", output);
        Assert.Matches(@"ch-fadp-disclosure-abroad\s+CH\s+\d+", output);
        Assert.Matches(@"\d+ packs, \d+ rules", output);
        Assert.DoesNotContain("bin/", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Packs_WithTheOrganisationBaseline_ListsItToo()
    {
        var (exit, output, _) = Cli.Run("packs", "--rules", "builtin:policies/org-baseline");

        Assert.Equal(0, exit);
        Assert.Matches(@"\sORG\s", output);
        Assert.Contains("eu-gdpr-chapter-v", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_AddsToTheBuiltInRules()
    {
        var (exit, output, _) = Cli.Run("check", Examples, "--rules", Repo.Path("policies", "org-baseline"), "--as-of", "2026-11-25", "--format", "json");

        Assert.Equal(1, exit);
        using var report = JsonDocument.Parse(output);
        var jurisdictions = report.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("jurisdiction").GetString()).ToHashSet();
        Assert.Contains("ORG", jurisdictions);
        Assert.Contains("EU", jurisdictions);
    }

    [Fact]
    public void Rules_ACopyOfTheBuiltInRules_ReplacesThemInsteadOfDuplicating()
    {
        var builtIn = Cli.Run("check", Examples, "--as-of", "2026-11-25", "--format", "json");
        var copy = Cli.Run("check", Examples, "--rules", Repo.Path("rules"), "--as-of", "2026-11-25", "--format", "json");

        Assert.DoesNotContain("CE4004", copy.Err, StringComparison.Ordinal);
        Assert.Equal(builtIn.Exit, copy.Exit);
        Assert.Equal(Findings(builtIn.Out), Findings(copy.Out));
    }

    [Fact]
    public void NoBuiltinRules_OnlyTheGivenFolders()
    {
        using var dir = SomePacks();

        using var estate = ExamplesForSomePacks();
        var (exit, output, error) = Cli.Run("check", estate.Path, "--no-builtin-rules", "--rules", dir.Path, "--as-of", "2026-11-25", "--format", "json");

        Assert.True(exit == 1, error);
        using var report = JsonDocument.Parse(output);
        var jurisdictions = report.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("jurisdiction").GetString()!).ToHashSet();
        Assert.Contains("CH", jurisdictions);
        Assert.Subset(new HashSet<string> { "CH", "CN", "EU" }, jurisdictions);
    }

    [Fact]
    public void NoBuiltinRules_WithoutRules_IsAUsageError()
    {
        var (exit, _, error) = Cli.Run("check", Examples, "--no-builtin-rules");

        Assert.Equal(2, exit);
        Assert.Contains("CE1040", error, StringComparison.Ordinal);
    }

    /// <summary>The catalog, the shared lists and predicates, and the packs the example estate names (EU subjects, the exporter's ciio): not the other packs.</summary>
    internal static TempDir SomePacks()
    {
        var dir = new TempDir();
        foreach (var f in Directory.EnumerateFiles(Repo.Path("rules", "catalog"))) File.Copy(f, Path.Combine(dir.Path, Path.GetFileName(f)));
        // The shared lists and predicates the packs refer to come along (rules/common).
        foreach (var pack in new[] { "common", "ch-fadp", "eu-gdpr", "cn-pipl" })
            foreach (var f in Directory.EnumerateFiles(Repo.Path("rules", pack), "*.yaml")) File.Copy(f, Path.Combine(dir.Path, pack + "-" + Path.GetFileName(f)));
        return dir;
    }

    /// <summary>
    /// The example estate without its <c>payment-system-data</c> designation: only in-rbi-dpdp reads it, which
    /// <see cref="SomePacks"/> leaves out, and a designation no loaded rule reads is an error (CE2050), like an attribute;
    /// and without the <c>uk-extension</c> certification, which only uk-gdpr's adequacy decision reads (CE2061).
    /// </summary>
    internal static TempDir ExamplesForSomePacks()
    {
        var dir = new TempDir();
        foreach (var f in Directory.EnumerateFiles(Repo.Path("examples", "estate"), "*.yaml"))
        {
            var text = File.ReadAllText(f);
            var trimmed = text.Replace("  designations: [payment-system-data]\n", "", StringComparison.Ordinal)
                .Replace("[eu-us-dpf, uk-extension]", "[eu-us-dpf]", StringComparison.Ordinal);
            Assert.True(Path.GetFileName(f) != "stores.yaml" || trimmed != text, "the example store's designation moved");
            dir.Write(Path.GetFileName(f), trimmed);
        }
        return dir;
    }

    private static List<string> Findings(string json)
    {
        using var report = JsonDocument.Parse(json);
        return [.. report.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("id").GetString()!)];
    }
}

/// <summary>Smaller mismatches: explain --policy, baselines updated in place, an audit date before the law.</summary>
public sealed class SmallerMismatchTests
{
    private static readonly string Examples = Repo.Path("examples", "estate");

    [Fact]
    public void Explain_Policy_ChoosesThePacks()
    {
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", "apiVersion: compliance/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  packs: [ch-fadp-disclosure-abroad]\n");

        var without = Cli.Run("explain", "archive-restore-test", Examples, "--as-of", "2026-11-25");
        var with = Cli.Run("explain", "archive-restore-test", Examples, "--as-of", "2026-11-25", "--policy", policy);

        Assert.Contains("[EU]", without.Out, StringComparison.Ordinal);
        Assert.Equal(1, with.Exit);
        Assert.Contains("[CH]", with.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("[EU]", with.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_PolicyNamingAFolderInsteadOfAPack_ListsTheLoadedPacks()
    {
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", "apiVersion: compliance/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  packs: [eu-gdpr]\n");

        var (exit, _, error) = Cli.Run("explain", "archive-restore-test", Examples, "--policy", policy);

        Assert.Equal(2, exit);
        Assert.Contains("CE5007", error, StringComparison.Ordinal);
        Assert.Contains("eu-gdpr-chapter-v", error, StringComparison.Ordinal);
        Assert.Contains("compliance packs", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_BaselineUpdatedInPlace_ReadBeforeWritten()
    {
        using var dir = new TempDir();
        var baseline = Path.Combine(dir.Path, "baseline.json");
        Cli.Run("check", Examples, "--as-of", "2026-11-25", "--write-baseline", baseline, "--fail-on", "none");

        var (exit, _, error) = Cli.Run("check", Examples, "--as-of", "2026-11-25", "--baseline", baseline, "--write-baseline", baseline);

        Assert.True(exit == 0, error); // every finding was in the baseline it read
        Assert.Contains("baseline of", error, StringComparison.Ordinal);
        using var written = JsonDocument.Parse(File.ReadAllText(baseline));
        Assert.NotEmpty(written.RootElement.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public void Check_OutputOverTheBaseline_IsStillRefused()
    {
        using var dir = new TempDir();
        var baseline = Path.Combine(dir.Path, "baseline.json");
        Cli.Run("check", Examples, "--as-of", "2026-11-25", "--write-baseline", baseline, "--fail-on", "none");
        var before = File.ReadAllText(baseline);

        var (exit, _, error) = Cli.Run("check", Examples, "--baseline", baseline, "--write-baseline", baseline, "--output", baseline);

        Assert.Equal(2, exit);
        Assert.Contains("refusing", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(baseline));
    }

    [Fact]
    public void Check_AsOfBeforeMostRules_SaysWhichWereInForce()
    {
        var (_, _, error) = Cli.Run("check", Examples, "--as-of", "2017-01-01");

        Assert.Matches(@"only \d+ of \d+ loaded rules were in force on 2017-01-01 and none applied; \d+ take effect later; the earliest, [A-Z0-9-]+, takes effect on 2017-05-30", error);
    }

    [Fact]
    public void Check_AsOfBeforeEveryRule_SaysNoRuleWasInForce()
    {
        using var dir = NewcomerCommandsTests.SomePacks();

        using var estate = NewcomerCommandsTests.ExamplesForSomePacks();
        var (_, _, error) = Cli.Run("check", estate.Path, "--no-builtin-rules", "--rules", dir.Path, "--as-of", "2017-01-01");

        Assert.Contains("no loaded rule was in force on 2017-01-01; the earliest, GDPR-", error, StringComparison.Ordinal);
        Assert.Contains("takes effect on 2018-05-25; nothing could be found", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AsOfBeforeThePolicysPacks_CountsOnlyThePolicysRules()
    {
        // Without the policy, rules of other packs were in force in 2017; with it, only the GDPR pack is loaded.
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", "apiVersion: compliance/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  packs: [eu-gdpr-chapter-v]\n");

        var (_, _, error) = Cli.Run("check", Examples, "--as-of", "2017-01-01", "--policy", policy);

        Assert.Contains("no loaded rule was in force on 2017-01-01; the earliest, GDPR-", error, StringComparison.Ordinal);
        Assert.DoesNotContain("loaded rules were in force", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AsOfWithRulesInForce_SaysNothingAboutIt()
    {
        var (_, _, error) = Cli.Run("check", Examples, "--as-of", "2026-11-25");

        Assert.DoesNotContain("no loaded rule was in force", error, StringComparison.Ordinal);
    }
}

/// <summary>Summaries list the jurisdictions with findings, every loaded one only when asked.</summary>
public sealed class JurisdictionSummaryTests
{
    private static readonly string Examples = Repo.Path("examples", "estate");

    private static List<string> Summary(params string[] extra)
    {
        var (_, output, _) = Cli.Run(["check", Examples, "--as-of", "2026-11-25", "--format", "json", .. extra]);
        using var report = JsonDocument.Parse(output);
        return [.. report.RootElement.GetProperty("summary").GetProperty("byJurisdiction").EnumerateObject().Select(p => p.Name)];
    }

    [Fact]
    public void Check_Summary_OnlyJurisdictionsWithFindings()
    {
        Assert.Equal(["CH", "EU", "IN", "JP"], Summary());
    }

    [Fact]
    public void Check_AllJurisdictions_ListsEveryLoadedOne()
    {
        var all = Summary("--all-jurisdictions");

        Assert.Contains("AE", all);
        Assert.True(all.Count >= 17, string.Join(",", all));
    }

    [Fact]
    public void Check_JUnit_HasNoSuiteForAJurisdictionWithoutFindings()
    {
        var (_, output, _) = Cli.Run("check", Examples, "--as-of", "2026-11-25", "--format", "junit");

        Assert.Contains("name=\"EU\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"AE\"", output, StringComparison.Ordinal);
    }
}

public sealed class SarifRulesOptionTests
{
    private static (int Rules, int RuleIdsOfResults) Sarif(params string[] extra)
    {
        var (_, output, _) = Cli.Run(["check", Repo.Path("examples", "estate"), "--as-of", "2026-11-25", "--format", "sarif", .. extra]);
        using var doc = JsonDocument.Parse(output);
        var run = doc.RootElement.GetProperty("runs")[0];
        return (run.GetProperty("tool").GetProperty("driver").GetProperty("rules").GetArrayLength(),
            run.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ruleId").GetString()).Distinct().Count());
    }

    [Fact]
    public void Check_Sarif_ListsTheRulesThatFired_AllWithTheOption()
    {
        var (rules, fired) = Sarif();
        var (all, _) = Sarif("--sarif-all-rules");

        Assert.Equal(fired, rules);
        Assert.True(all > rules, $"{all} rules with --sarif-all-rules, {rules} without");
    }
}
