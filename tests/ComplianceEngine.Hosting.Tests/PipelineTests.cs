using ComplianceEngine.Hosting.History;
using ComplianceEngine.Hosting.Keys;
using ComplianceEngine.Hosting.Pipeline;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.FileSystem;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Hosting.Tests;

/// <summary>The one pipeline, its parameters, the clock, keys and history storage.</summary>
public sealed class PipelineTests
{
    private static readonly DateOnly AsOf = new(2026, 11, 25);

    private static ComplianceService Service()
    {
        var services = new ServiceCollection().AddLogging().AddComplianceEngine();
        services.Configure<ComplianceEngineOptions>(o => o.BuiltInRules = Repo.Path("rules"));
        return services.BuildServiceProvider().GetRequiredService<ComplianceService>();
    }

    private static IEnumerable<string> Estate() => Directory.EnumerateFiles(Repo.Path("examples", "estate"), "*.yaml").Order(StringComparer.Ordinal);

    private static string Summary(Report report) =>
        string.Join("\n", report.Findings.Select(f => $"{f.Id} {f.Status} {f.Severity}")) + $"\ngate {report.Gate.FailOn} {report.Gate.FailingFindings}";

    private const string OneClusterNoData = "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: fra}\nspec: {provider: aws, region: eu-central-1}\n";

    [Fact]
    public void NothingJudged_FailsTheGate_UnlessFailOnNone()
    {
        var service = Service();
        CheckRequest Request(string? failOn) => new([], [], AsOf, DateTimeOffset.UnixEpoch) { Documents = [new InlineDocument("estate.yaml", OneClusterNoData)], FailOn = failOn };

        var strict = service.Check(Request(null));
        var relaxed = service.Check(Request("none"));

        Assert.NotNull(strict.Report);
        Assert.True(strict.Report.Coverage.NothingJudged);
        Assert.True(strict.GateFailed);
        Assert.Equal(0, strict.Report.Gate.FailingFindings);
        Assert.True(strict.Report.Gate.NothingJudged);
        Assert.Null(strict.Report.Gate.NothingJudgedRelaxedBy);
        Assert.NotNull(relaxed.Report);
        Assert.False(relaxed.GateFailed);
        Assert.Equal("--fail-on none", relaxed.Report.Gate.NothingJudgedRelaxedBy);
    }

    [Fact]
    public void NothingJudged_PolicyFailOnNone_RelaxesAndNamesThePolicy()
    {
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", "apiVersion: compliance/v1\nkind: Policy\nmetadata: {name: quiet}\nspec: {failOn: none}\n");
        var result = Service().Check(new CheckRequest([], [], AsOf, DateTimeOffset.UnixEpoch)
        {
            Documents = [new InlineDocument("estate.yaml", OneClusterNoData)],
            PolicyPath = policy,
        });

        Assert.NotNull(result.Report);
        Assert.False(result.GateFailed);
        Assert.StartsWith("policy 'quiet' (failOn: none at ", result.Report.Gate.NothingJudgedRelaxedBy, StringComparison.Ordinal);
    }

    [Fact]
    public void NothingJudged_PolicyFailOnNothingJudgedFalse_RelaxesOnlyThat()
    {
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", "apiVersion: compliance/v1\nkind: Policy\nmetadata: {name: scoped}\nspec: {failOnNothingJudged: false}\n");
        var result = Service().Check(new CheckRequest([], [], AsOf, DateTimeOffset.UnixEpoch)
        {
            Documents = [new InlineDocument("estate.yaml", OneClusterNoData)],
            PolicyPath = policy,
        });

        Assert.NotNull(result.Report);
        Assert.False(result.GateFailed);
        Assert.Equal("low", result.Report.Gate.FailOn);
        Assert.False(result.Report.Gate.FailOnNothingJudged);
        Assert.StartsWith("policy 'scoped' (failOnNothingJudged: false at ", result.Report.Gate.NothingJudgedRelaxedBy, StringComparison.Ordinal);
    }

    [Fact]
    public void NothingJudged_RequestOverridesThePolicysRelaxation()
    {
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", "apiVersion: compliance/v1\nkind: Policy\nmetadata: {name: scoped}\nspec: {failOnNothingJudged: false}\n");
        var result = Service().Check(new CheckRequest([], [], AsOf, DateTimeOffset.UnixEpoch)
        {
            Documents = [new InlineDocument("estate.yaml", OneClusterNoData)],
            PolicyPath = policy,
            FailOnNothingJudged = true,
        });

        Assert.NotNull(result.Report);
        Assert.True(result.GateFailed);
        Assert.Null(result.Report.Gate.NothingJudgedRelaxedBy);
    }

    [Fact]
    public void InlineDocuments_AndFiles_SameFindingsAndGate()
    {
        var service = Service();
        var files = service.Check(new CheckRequest([Repo.Path("examples", "estate")], [], AsOf, DateTimeOffset.UnixEpoch));
        var inline = service.Check(new CheckRequest([], [], AsOf, DateTimeOffset.UnixEpoch)
        {
            Documents = [.. Estate().Select(f => new InlineDocument(Path.GetFileName(f), File.ReadAllText(f)))],
        });

        Assert.NotNull(files.Report);
        Assert.NotNull(inline.Report);
        Assert.Equal(Summary(files.Report), Summary(inline.Report));
        Assert.Equal(files.RuleSetVersion, inline.RuleSetVersion);
        Assert.StartsWith("sha256:", inline.RuleSetVersion, StringComparison.Ordinal);
    }

    [Fact]
    public void PreparedRulesWithPolicy_ApplyThePolicy_ToInlineInputs()
    {
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", "apiVersion: compliance/v1\nkind: Policy\nmetadata:\n  name: lenient\nspec:\n  failOn: critical\n");
        var service = Service();
        var (prepared, diagnostics) = service.PrepareRules([], policy);
        Assert.NotNull(prepared);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);

        var result = service.Check(new CheckRequest([], [], AsOf, DateTimeOffset.UnixEpoch)
        {
            Documents = [new InlineDocument("request.yaml", string.Join("\n---\n", Estate().Select(File.ReadAllText)))],
            Prepared = prepared,
        });
        Assert.Equal("critical", result.Report!.Gate.FailOn);
        Assert.Equal(prepared.Version, result.RuleSetVersion);
        Assert.NotEqual(Service().PrepareRules([], null).Rules!.Version, prepared.Version); // the policy file is part of the version
    }

    [Fact]
    public void PolicyDocumentInRequest_IsAnError_NotSilentlyIgnored()
    {
        var text = string.Join("\n---\n", Estate().Select(File.ReadAllText)) +
            "\n---\napiVersion: compliance/v1\nkind: Policy\nmetadata:\n  name: lax\nspec:\n  failOn: none\n";
        var result = Service().Check(new CheckRequest([], [], AsOf, DateTimeOffset.UnixEpoch) { Documents = [new InlineDocument("request.yaml", text)] });

        Assert.True(result.Failed);
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.RequestPolicyNotApplied && d.Location.File == "request.yaml");
    }

    [Fact]
    public void EmptyRequest_NoInputsDiagnostic_NamesTheRequest()
    {
        var result = Service().Check(new CheckRequest([], [], AsOf, DateTimeOffset.UnixEpoch) { Documents = [new InlineDocument("request.yaml", "")] });
        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.NoInputs && d.Message.Contains("the request", StringComparison.Ordinal));
    }

    [Fact]
    public void Clock_SourceDateEpoch_PinsTheTime_ElseTheClock()
    {
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), ComplianceClock.Now(TimeProvider.System, "1700000000"));
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        Assert.True(ComplianceClock.Now(TimeProvider.System, "not a number") >= before);
        Assert.True(ComplianceClock.Now(TimeProvider.System, null) >= before);
    }

    [Theory]
    [InlineData("2026-02-30", null, null, null, null, "asOf '2026-02-30'")]
    [InlineData(null, "hgih", null, null, null, "did you mean 'high'")]
    [InlineData(null, null, "yes", null, null, "not true or false")]
    [InlineData(null, null, null, "pdf", null, "format 'pdf'")]
    [InlineData(null, null, null, null, "strictt", "did you mean 'strict'")]
    public void Parameters_UnknownValues_AreErrors(string? asOf, string? failOn, string? relax, string? format, string? policy, string message)
    {
        var diagnostics = new DiagnosticBag();
        var valid = ParameterValidator.Validate(new RequestParameters { AsOf = asOf, FailOn = failOn, FailOnIndeterminate = relax, Format = format, Policy = policy },
            AsOf, ["json", "sarif"], ["strict"], diagnostics);
        Assert.Null(valid);
        var error = Assert.Single(diagnostics.Sorted());
        Assert.Equal(DiagnosticCodes.InvalidParameter, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_Valid_DefaultsToday_Json()
    {
        var valid = ParameterValidator.Validate(new RequestParameters { FailOnIndeterminate = "false", Policy = "strict" }, AsOf, ["json"], ["strict"], new DiagnosticBag());
        Assert.Equal(new ValidParameters(AsOf, null, false, "json", "strict"), valid);
    }

    [Fact]
    public void KeyStore_HashOnly_ConstantTimeVerify_Revoke()
    {
        using var dir = new TempDir();
        var store = new ApiKeyStore(dir.Path);
        Assert.False(store.AnyActive);
        var (key, record) = store.Add("ci", ApiScope.Evaluate, DateTimeOffset.UnixEpoch);
        Assert.True(store.AnyActive);
        Assert.DoesNotContain(key, File.ReadAllText(Path.Combine(dir.Path, ApiKeyStore.FileName)), StringComparison.Ordinal);
        Assert.Equal(ApiKeyStore.DefaultIterations, record.Iterations);

        var fresh = new ApiKeyStore(dir.Path); // another process (the CLI) wrote the file
        Assert.Equal(new ApiCaller("ci", ApiScope.Evaluate), fresh.Verify(key));
        Assert.Null(fresh.Verify(key[..^1] + (key[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(fresh.Verify("ce_nothex_secret"));
        Assert.Null(fresh.Verify("Bearer"));
        Assert.True(new ApiCaller("ci", ApiScope.Evaluate).Allows(ApiScope.Read));
        Assert.False(new ApiCaller("ci", ApiScope.Evaluate).Allows(ApiScope.Admin));

        Assert.Throws<ArgumentException>(() => store.Add("ci", ApiScope.Read, DateTimeOffset.UnixEpoch));
        Assert.True(store.Revoke("ci", DateTimeOffset.UnixEpoch));
        Assert.Null(fresh.Verify(key));
        Assert.False(store.Revoke("ci", DateTimeOffset.UnixEpoch));
    }

    /// <summary>The digests a loader records of <paramref name="files"/>, read and parsed as rules are.</summary>
    private static IReadOnlyList<(string File, byte[] Sha256)> Read(params string[] files)
    {
        var read = new FileDigests();
        _ = new DocumentLoader { Digests = read }.ParseFiles(files);
        return read.All;
    }

    [Fact]
    public void RuleSetVersion_ChangesWithContent_StableOtherwise()
    {
        using var dir = new TempDir();
        var a = dir.Write("a.yaml", "x: 1\n");
        var first = RuleSetVersion.Of([dir.Path], Read(a));
        Assert.Equal(first, RuleSetVersion.Of([dir.Path], Read(a)));
        dir.Write("a.yaml", "x: 2\n");
        Assert.NotEqual(first, RuleSetVersion.Of([dir.Path], Read(a)));
        using var elsewhere = new TempDir();
        var copy = elsewhere.Write("a.yaml", "x: 2\n");
        Assert.Equal(RuleSetVersion.Of([dir.Path], Read(a)), RuleSetVersion.Of([elsewhere.Path], Read(copy))); // same files, another folder
        var b = elsewhere.Write("b.yaml", "");
        Assert.NotEqual(RuleSetVersion.Of([dir.Path], Read(a)), RuleSetVersion.Of([elsewhere.Path], Read(copy, b)));
        Assert.NotEqual(RuleSetVersion.Of([dir.Path], []), RuleSetVersion.Of([dir.Path, elsewhere.Path], [])); // each missing root counts
        Assert.Equal(RuleSetVersion.OfContent([[1, 2]]), RuleSetVersion.OfContent([[1, 2]]));
        Assert.NotEqual(RuleSetVersion.OfContent([[1], [2]]), RuleSetVersion.OfContent([[1, 2]]));
    }

    [Fact]
    public void RuleSetVersion_IsOfTheBytesRead_NotOfTheFileAsItIsLater()
    {
        using var dir = new TempDir();
        var a = dir.Write("a.yaml", "x: 1\n");
        var read = Read(a);
        var compiled = RuleSetVersion.Of([dir.Path], read);
        dir.Write("a.yaml", "x: 2\n"); // changed after it was read (a hot reload under way): the compiled rules keep their version

        Assert.Equal(compiled, RuleSetVersion.Of([dir.Path], read));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData("x: 1\n"u8), Assert.Single(read).Sha256);
    }

    [Fact]
    public void PreparedRules_Version_NamesTheFilesCompiled_NotTheTestsBesideThem()
    {
        using var rules = new TempDir();
        foreach (var file in Directory.EnumerateFiles(Repo.Path("rules"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(rules.Path, Path.GetRelativePath(Repo.Path("rules"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var first = Service().PrepareRules([rules.Path], null).Rules!.Version;

        // A pack's scenario tests and a note beside the rules are not compiled: the version stays.
        rules.Write(Path.Combine("eu-gdpr", "tests", "extra", "estate.yaml"), "# a scenario\n");
        rules.Write("NOTES.md", "reviewed\n");
        Assert.Equal(first, Service().PrepareRules([rules.Path], null).Rules!.Version);

        // A rule file or a catalog that is compiled changes it, even by a comment.
        File.AppendAllText(Path.Combine(rules.Path, "eu-gdpr", "rules.yaml"), "\n# reviewed\n");
        var edited = Service().PrepareRules([rules.Path], null).Rules!.Version;
        Assert.NotEqual(first, edited);
        File.AppendAllText(Path.Combine(rules.Path, "catalog", "cloud-regions.tsv"), "\n");
        Assert.NotEqual(edited, Service().PrepareRules([rules.Path], null).Rules!.Version);
    }
}
