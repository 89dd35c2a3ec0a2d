using System.Diagnostics;
using System.Text.RegularExpressions;
using ComplianceEngine.Hosting;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Hosting.Tests.Embedding;

/// <summary>
/// The contract of design section 10: the program at the top of docs/embedding.md, built against the packed
/// <c>ComplianceEngine</c> package and nothing else of the repository, checks a folder with the built-in rules and prints
/// the same findings as the CLI's pipeline.
/// </summary>
public sealed partial class EmbeddingSampleTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public void DocumentedProgram_BuiltAgainstThePackedPackage_PrintsTheSameFindingsAsTheCli()
    {
        var doc = File.ReadAllText(Repo.Path("docs", "embedding.md"));
        var program = FirstBlock(doc, "csharp");
        var project = FirstBlock(doc, "xml");
        Assert.Contains("<PackageReference Include=\"ComplianceEngine\" Version=\"0.1.0\" />", project, StringComparison.Ordinal);

        using var work = new TempDir();
        // A version no earlier run used, so no cached copy of the package can stand in for this one.
        var version = "0.1.0-t" + Guid.NewGuid().ToString("N")[..12];
        var feed = Path.Combine(work.Path, "feed");
        Run("dotnet", ["pack", Repo.Path("src", "ComplianceEngine.Package", "ComplianceEngine.Package.csproj"), "-c", Configuration, "--no-build",
            "-o", feed, $"-p:PackageVersion={version}", "-nodeReuse:false"], Repo.Root);

        var app = Path.Combine(work.Path, "check-estate");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "Program.cs"), program);
        File.WriteAllText(Path.Combine(app, "check-estate.csproj"), project.Replace("Version=\"0.1.0\"", $"Version=\"{version}\"", StringComparison.Ordinal));
        // Only the temporary feed, plus the packages this machine already restored for the repository (read-only).
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config><add key="globalPackagesFolder" value="{Path.Combine(work.Path, "packages")}" /></config>
              <packageSources><clear /><add key="test-feed" value="{feed}" /></packageSources>
              <fallbackPackageFolders><clear /><add key="restored" value="{RestoredPackages()}" /></fallbackPackageFolders>
            </configuration>
            """);
        var output = Path.Combine(work.Path, "out");
        Run("dotnet", ["build", app, "-c", "Release", "-o", output, "-nodeReuse:false", "-p:UseSharedCompilation=false"], app);
        Assert.True(File.Exists(Path.Combine(output, "rules", "eu-gdpr", "rules.yaml")), "the package copies the built-in rules beside the program");

        var (code, stdout, stderr) = Run("dotnet", [Path.Combine(output, "check-estate.dll"), "examples/estate"], Repo.Root, check: false);

        Assert.True(code == 1, $"exit {code}; stderr: {stderr}");
        var expected = CliFindings().Select(f => $"{f.RuleId} {f.Jurisdiction} {f.Status.ToName()} {f.Subject.Kind}/{f.Subject.Name}").ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>The findings of the pipeline behind <c>compliance check examples/estate</c>, as of today.</summary>
    private static System.Collections.Immutable.ImmutableArray<Finding> CliFindings()
    {
        using var services = new ServiceCollection().AddComplianceEngine().BuildServiceProvider();
        var result = services.GetRequiredService<ComplianceService>().Check(Repo.Path("examples", "estate"));
        Assert.NotNull(result.Report);
        return result.Report.Findings.ToImmutableArray();
    }

    private static string FirstBlock(string markdown, string language)
    {
        var match = Regex.Match(markdown, "```" + language + "\\n(.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, $"docs/embedding.md has no ```{language} block");
        return match.Groups[1].Value;
    }

    private static string RestoredPackages() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static (int Code, string Stdout, string Stderr) Run(string file, string[] args, string directory, bool check = true)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} took longer than 3 minutes");
        }
        var result = (process.ExitCode, stdout.Result, stderr.Result);
        if (check) Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{result.Item2}\n{result.Item3}");
        return result;
    }
}

/// <summary><c>AddComplianceEngine()</c> with no configuration and no paths: the built-in rules beside the application.</summary>
public sealed class BuiltInRulesTests
{
    [Fact]
    public void AddComplianceEngine_NoConfiguration_ChecksWithTheRulesCopiedBesideTheApplication()
    {
        using var services = new ServiceCollection().AddComplianceEngine().BuildServiceProvider();
        var engine = services.GetRequiredService<ComplianceService>();

        var result = engine.Check(Repo.Path("examples", "estate"));

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "rules"), Assert.Single(engine.DefaultRules));
        Assert.NotNull(result.Report);
        Assert.DoesNotContain(result.Diagnostics, d => d.Severity == Model.Diagnostics.DiagnosticSeverity.Error);
        Assert.Contains(result.Report.Findings, f => f.Status == FindingStatus.Violation);
        Assert.True(result.GateFailed);
    }

    [Fact]
    public void GetEngine_BuiltInRules_AreNamedBuiltinRulesNotTheOutputFolder()
    {
        using var services = new ServiceCollection().AddComplianceEngine().BuildServiceProvider();
        var (engine, diagnostics) = services.GetRequiredService<ComplianceService>().GetEngine([]);

        Assert.NotNull(engine);
        var files = engine.Jurisdictions.Regimes.Select(r => r.Location.File).ToList();
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.StartsWith("builtin:rules/", f, StringComparison.Ordinal));
        Assert.Contains("builtin:rules/eu-gdpr/jurisdiction.yaml", files);
        Assert.DoesNotContain(diagnostics, d => d.Location.File.Contains("bin/", StringComparison.Ordinal));
    }
}
