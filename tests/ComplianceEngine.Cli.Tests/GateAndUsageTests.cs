using System.Text.Json;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary>Issue "Nothing passes silently": the gate fails closed, the report says what it judged, and the command line checks every word.</summary>
public sealed class GateAndUsageTests
{
    private static readonly string Examples = Repo.Path("examples", "estate");
    private static readonly string Rules = Repo.Path("rules");

    /// <summary>An EU store whose flow goes to a cluster in a region no catalog knows: one indeterminate EU finding, nothing else.</summary>
    private const string UnknownDestination = """
        apiVersion: compliance/v1
        kind: Organization
        metadata: {name: acme}
        spec: {country: DE, attributes: {ciio: false}}
        ---
        apiVersion: compliance/v1
        kind: Cluster
        metadata: {name: fra}
        spec: {provider: aws, region: eu-central-1}
        ---
        apiVersion: compliance/v1
        kind: Cluster
        metadata: {name: far}
        spec: {provider: aws, region: eu-moon-1}
        ---
        apiVersion: compliance/v1
        kind: DataStore
        metadata: {name: db}
        spec: {cluster: fra, categories: [user.contact], subjects: [EU], subjectTypes: [customer]}
        ---
        apiVersion: compliance/v1
        kind: DataFlow
        metadata: {name: out}
        spec: {from: db, to: far}
        """;

    private const string Policy = """
        apiVersion: compliance/v1
        kind: Policy
        metadata: {name: lenient}
        spec: {failOnIndeterminate: false}
        """;

    [Fact]
    public void Check_OnlyIndeterminateFindings_FailsByDefault()
    {
        using var dir = new TempDir();
        dir.Write("estate.yaml", UnknownDestination);

        var (exit, output, _) = Cli.Run("check", dir.Path, "--rules", Rules, "--as-of", "2026-11-25");

        Assert.Contains("indeterminate", output, StringComparison.Ordinal);
        Assert.DoesNotContain(" violation ", output, StringComparison.Ordinal);
        Assert.Contains("violations and indeterminate findings at low and above fail the run. Result: FAIL", output, StringComparison.Ordinal);
        Assert.Equal(1, exit);
    }

    [Fact]
    public void Check_FailOnIndeterminateFalse_PassesAndReportSaysItWasRelaxed()
    {
        using var dir = new TempDir();
        dir.Write("estate.yaml", UnknownDestination);

        var (exit, output, _) = Cli.Run("check", dir.Path, "--rules", Rules, "--as-of", "2026-11-25", "--fail-on-indeterminate", "false", "--format", "json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var gate = doc.RootElement.GetProperty("gate");
        Assert.False(gate.GetProperty("failOnIndeterminate").GetBoolean());
        Assert.Equal("--fail-on-indeterminate false", gate.GetProperty("relaxedBy").GetString());
        Assert.Equal("pass", gate.GetProperty("result").GetString());
    }

    [Fact]
    public void Check_PolicyRelaxesIndeterminate_ReportNamesThePolicy()
    {
        using var dir = new TempDir();
        dir.Write("estate/estate.yaml", UnknownDestination);
        var policy = dir.Write("policy.yaml", Policy);

        var (exit, output, _) = Cli.Run("check", Path.Combine(dir.Path, "estate"), "--rules", Rules, "--as-of", "2026-11-25", "--policy", policy);

        Assert.Equal(0, exit);
        Assert.Contains("indeterminate findings do NOT (relaxed by policy 'lenient'", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OptionBeatsPolicy_IndeterminateFailsAgain()
    {
        using var dir = new TempDir();
        dir.Write("estate/estate.yaml", UnknownDestination);
        var policy = dir.Write("policy.yaml", Policy);

        var exit = Cli.Run("check", Path.Combine(dir.Path, "estate"), "--rules", Rules, "--as-of", "2026-11-25", "--policy", policy,
            "--fail-on-indeterminate", "true").Exit;

        Assert.Equal(1, exit);
    }

    [Fact]
    public void Check_NoRuleApplies_SaysNothingWasJudgedNotAllClear()
    {
        using var dir = new TempDir();
        dir.Write("estate.yaml", "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: fra}\nspec: {provider: aws, region: eu-central-1}\n");

        var (exit, output, _) = Cli.Run("check", dir.Path, "--rules", Rules, "--as-of", "2026-11-25");
        var json = Cli.Run("check", dir.Path, "--rules", Rules, "--as-of", "2026-11-25", "--format", "json").Out;

        // A run that judged nothing fails its gate (design section 7): it never reports "nothing wrong".
        Assert.Equal(1, exit);
        Assert.Contains("Nothing was judged", output, StringComparison.Ordinal);
        Assert.Contains("Result: FAIL (nothing was judged", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Result: pass", output, StringComparison.Ordinal);
        Assert.DoesNotContain("No violations, warnings or undecided checks.", output, StringComparison.Ordinal);
        Assert.Contains("not judged Cluster/fra: no data is declared on it", output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json);
        Assert.True(doc.RootElement.GetProperty("coverage").GetProperty("nothingJudged").GetBoolean());
        var item = Assert.Single(doc.RootElement.GetProperty("notJudged").EnumerateArray());
        Assert.Equal("fra", item.GetProperty("name").GetString());
    }

    /// <summary>
    /// A policy of the GDPR pack alone: every rule of it has a start date, so on 0001-01-01 none is in force and nothing is
    /// judged. (With every built-in pack, the US sectoral rules have no start date: they are in force on any date, and
    /// look at, and judge, the example estate's US stores.)
    /// </summary>
    private static TempDir GdprOnly(out string policy)
    {
        var dir = new TempDir();
        policy = dir.Write("policy.yaml", "apiVersion: compliance/v1\nkind: Policy\nmetadata: {name: gdpr-only}\nspec:\n  packs: [eu-gdpr-chapter-v]\n");
        return dir;
    }

    [Fact]
    public void Check_ExamplesBeforeAnyRuleIsInForce_NothingJudged_ExitsOneAndJsonSaysWhy()
    {
        using var dir = GdprOnly(out var policy);
        var (exit, output, _) = Cli.Run("check", Examples, "--rules", Rules, "--policy", policy, "--as-of", "0001-01-01");
        var json = Cli.Run("check", Examples, "--rules", Rules, "--policy", policy, "--as-of", "0001-01-01", "--format", "json").Out;

        Assert.Equal(1, exit);
        Assert.Contains("Result: FAIL (nothing was judged", output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json);
        var gate = doc.RootElement.GetProperty("gate");
        Assert.Equal("fail", gate.GetProperty("result").GetString());
        Assert.Equal(0, gate.GetProperty("failing").GetInt32());
        Assert.True(gate.GetProperty("nothingJudged").GetBoolean());
        Assert.Equal(JsonValueKind.Null, gate.GetProperty("nothingJudgedRelaxedBy").ValueKind);
        Assert.StartsWith("nothing was judged", gate.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NothingJudged_FailOnNone_ExitsZeroAndSaysItWasRelaxed()
    {
        using var dir = GdprOnly(out var policy);
        var (exit, output, _) = Cli.Run("check", Examples, "--rules", Rules, "--policy", policy, "--as-of", "0001-01-01", "--fail-on", "none");
        var json = Cli.Run("check", Examples, "--rules", Rules, "--policy", policy, "--as-of", "0001-01-01", "--fail-on", "none", "--format", "json").Out;

        Assert.Equal(0, exit);
        Assert.Contains("nothing was judged", output, StringComparison.Ordinal);
        Assert.Contains("relaxed by --fail-on none", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Result: pass", output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json);
        var gate = doc.RootElement.GetProperty("gate");
        Assert.Equal("pass", gate.GetProperty("result").GetString());
        Assert.True(gate.GetProperty("nothingJudged").GetBoolean());
        Assert.Equal("--fail-on none", gate.GetProperty("nothingJudgedRelaxedBy").GetString());
        Assert.Contains("relaxed by --fail-on none", gate.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NothingJudged_FailOnNothingJudgedFalse_ExitsZeroYetViolationsStillFail()
    {
        using var dir = GdprOnly(out var policy);
        var relaxed = Cli.Run("check", Examples, "--rules", Rules, "--policy", policy, "--as-of", "0001-01-01", "--fail-on-nothing-judged", "false", "--format", "json");
        var judged = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--fail-on-nothing-judged", "false");

        Assert.Equal(0, relaxed.Exit);
        using var doc = JsonDocument.Parse(relaxed.Out);
        var gate = doc.RootElement.GetProperty("gate");
        Assert.Equal("pass", gate.GetProperty("result").GetString());
        Assert.Equal("--fail-on-nothing-judged false", gate.GetProperty("nothingJudgedRelaxedBy").GetString());
        Assert.Contains("relaxed by --fail-on-nothing-judged false", gate.GetProperty("reason").GetString(), StringComparison.Ordinal);
        // Only the empty run is let through: the example estate's violations still fail the gate.
        Assert.Equal(1, judged.Exit);
    }

    [Fact]
    public void Check_FailOnNothingJudgedUnknownValue_IsAUsageError()
    {
        var (exit, _, error) = Cli.Run("check", Examples, "--fail-on-nothing-judged", "no");

        Assert.Equal(2, exit);
        Assert.Contains("'no'", error, StringComparison.Ordinal);
        Assert.Contains("'true'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SomethingJudgedAndPassing_JsonGateHasNoReason()
    {
        var json = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--fail-on", "none", "--format", "json").Out;

        using var doc = JsonDocument.Parse(json);
        var gate = doc.RootElement.GetProperty("gate");
        Assert.False(gate.GetProperty("nothingJudged").GetBoolean());
        Assert.Equal(JsonValueKind.Null, gate.GetProperty("reason").ValueKind);
    }

    [Fact]
    public void Check_Examples_JsonCarriesCoveragePerJurisdiction()
    {
        var output = Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--format", "json").Out;

        using var doc = JsonDocument.Parse(output);
        var eu = doc.RootElement.GetProperty("coverage").GetProperty("byJurisdiction").GetProperty("EU");
        Assert.True(eu.GetProperty("flows").GetInt32() > 0);
        Assert.True(eu.GetProperty("transfers").GetProperty("declared").GetInt32() > 0);
        Assert.Equal(8, doc.RootElement.GetProperty("coverage").GetProperty("documents").GetProperty("flows").GetInt32());
    }

    [Theory]
    [InlineData("--polcy", "--policy")]
    [InlineData("--fail-onn", "--fail-on")]
    [InlineData("-x", null)]
    [InlineData("--as-off=2020-01-01", "--as-of")]
    public void Check_UnknownOption_IsAUsageErrorNotAPath(string option, string? suggestion)
    {
        var (exit, _, error) = Cli.Run("check", Examples, "--rules", Rules, option, "x");

        Assert.Equal(2, exit);
        Assert.Contains("CE1030", error, StringComparison.Ordinal);
        Assert.Contains($"unknown option '{option.Split('=')[0]}' for 'check'", error, StringComparison.Ordinal);
        if (suggestion is not null) Assert.Contains($"did you mean '{suggestion}'?", error, StringComparison.Ordinal);
        Assert.DoesNotContain("no such file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnknownCommand_SuggestsTheClosestOne()
    {
        var (exit, _, error) = Cli.Run("chek", Examples);

        Assert.Equal(2, exit);
        Assert.Contains("unknown command 'chek', did you mean 'check'?", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("json", "report.xml", "names a junit file but --format is json")]
    [InlineData("sarif", "report.json", "names a json file but --format is sarif")]
    [InlineData(null, "report.out", "cannot tell the report format from the name")]
    public void Check_OutputNameAndFormatDisagree_RefusedAndNothingWritten(string? format, string name, string message)
    {
        using var dir = new TempDir();
        var target = Path.Combine(dir.Path, name);
        string[] args = ["check", Examples, "--rules", Rules, "--output", target, .. format is null ? Array.Empty<string>() : ["--format", format]];

        var (exit, _, error) = Cli.Run(args);

        Assert.Equal(2, exit);
        Assert.Contains("CE1031", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
    }

    [Theory]
    [InlineData("report.junit", "<?xml")]
    [InlineData("report.sarif.json", "\"$schema\"")]
    [InlineData("report.md", "# Data-sovereignty compliance report")]
    public void Check_FormatFollowsOutputName_WhenNoFormatGiven(string name, string start)
    {
        using var dir = new TempDir();
        var target = Path.Combine(dir.Path, name);

        Cli.Run("check", Examples, "--rules", Rules, "--as-of", "2026-11-25", "--output", target);

        Assert.Contains(start, File.ReadAllText(target), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OutputIsAFolder_OneLineWithCodeAndPath()
    {
        using var dir = new TempDir();

        var (exit, _, error) = Cli.Run("check", Examples, "--rules", Rules, "--output", dir.Path, "--format", "json");

        Assert.Equal(2, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("CE1008", StringComparison.Ordinal));
        Assert.Contains(dir.Path, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Access to the path", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NRulesRunner_WritesTheSameReportAsTheBatchRunner()
    {
        var batch = Cli.Run("check", Examples, "--as-of", "2026-11-25", "--format", "json", "--fail-on", "none");
        var nrules = Cli.Run("check", Examples, "--as-of", "2026-11-25", "--format", "json", "--fail-on", "none", "--runner", "nrules");

        Assert.Equal(0, batch.Exit);
        Assert.Equal(0, nrules.Exit);
        Assert.Contains("violation", batch.Out, StringComparison.Ordinal);
        // Same bytes apart from the timestamp of the run.
        static string WithoutTimestamp(string json) => System.Text.RegularExpressions.Regex.Replace(json, "\"generatedAt\": \"[^\"]*\"", "");
        Assert.Equal(WithoutTimestamp(batch.Out), WithoutTimestamp(nrules.Out));
    }

    [Fact]
    public void Check_UnknownRunner_IsAUsageError()
    {
        var (exit, _, error) = Cli.Run("check", Examples, "--runner", "rete");

        Assert.Equal(2, exit);
        Assert.Contains("rete", error, StringComparison.Ordinal);
    }
}
