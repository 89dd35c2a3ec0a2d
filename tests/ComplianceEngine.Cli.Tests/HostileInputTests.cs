using System.Diagnostics;
using System.Text;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary>
/// The hostile corpus of issue 14 and the YAML attacks, generated in a temporary folder and run through the real CLI:
/// each ends in the expected diagnostic and exit code, with no stack trace, within a time bound and a memory bound
/// (bytes allocated by the run, an upper bound on what it can hold).
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private const string AsOf = "2026-11-25";
    private static readonly string Rules = Repo.Path("rules");
    private readonly TempDir _dir = new();

    public HostileInputTests()
    {
        foreach (var f in Directory.EnumerateFiles(Repo.Path("examples", "estate"))) File.Copy(f, Path.Combine(Estate, Path.GetFileName(f)));
    }

    private string Estate => Directory.CreateDirectory(Path.Combine(_dir.Path, "est")).FullName;

    public void Dispose() => _dir.Dispose();

    private static async Task<(int Exit, string Out, string Err)> Run(long maxAllocated, int seconds, params string[] args)
    {
        var run = Task.Run(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var result = Cli.Run(args);
            return (result, GC.GetAllocatedBytesForCurrentThread() - before);
        });
        var (result, allocated) = await run.WaitAsync(TimeSpan.FromSeconds(seconds));
        Assert.DoesNotContain("   at ", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", result.Err, StringComparison.Ordinal);
        Assert.True(allocated < maxAllocated, $"allocated {allocated:N0} bytes");
        return result;
    }

    private static async Task Rejected(string code, params string[] args)
    {
        var (exit, _, err) = await Run(300_000_000, 30, args);
        Assert.Equal(2, exit);
        Assert.Contains($" {code}: ", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check", "/dev/zero")]
    [InlineData("check", "/dev/urandom")]
    [InlineData("check", "EST", "--policy", "/dev/zero")]
    [InlineData("check", "EST", "--rules", "/dev/zero")]
    [InlineData("check", "EST", "--baseline", "/dev/zero")]
    public async Task Devices_NotRead(params string[] args) =>
        await Rejected(DiagnosticCodes.NotRegularFile, [.. args.Select(a => a == "EST" ? Estate : a), "--as-of", AsOf]);

    [Fact]
    public async Task FifoInEstateFolder_NoHang()
    {
        Process.Start("mkfifo", [Path.Combine(Estate, "pipe.yaml")])!.WaitForExit();
        await Rejected(DiagnosticCodes.NotRegularFile, "check", Estate, "--rules", Rules, "--as-of", AsOf);
    }

    [Fact]
    public async Task TwoSymlinkLoops_SaidOnceEach_NoDuplicateNames()
    {
        Directory.CreateSymbolicLink(Path.Combine(Estate, "s1"), ".");
        Directory.CreateSymbolicLink(Path.Combine(Estate, "s2"), ".");
        var (exit, _, err) = await Run(2_000_000_000, 60, "check", Estate, "--rules", Rules, "--as-of", AsOf);
        Assert.Equal(1, exit); // the example estate has violations
        Assert.Equal(2, err.Split('\n').Count(l => l.Contains(DiagnosticCodes.ReachedTwice, StringComparison.Ordinal)));
        Assert.DoesNotContain(DiagnosticCodes.DuplicateName, err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HugeSparseBaseline_DiagnosticNotOverflow()
    {
        var big = Path.Combine(_dir.Path, "big.json");
        using (var f = File.Create(big)) f.SetLength(2_200_000_000L);
        await Rejected(DiagnosticCodes.BaselineInvalid, "check", Estate, "--rules", Rules, "--baseline", big, "--as-of", AsOf);
    }

    [Fact]
    public async Task UnreadableFolder_DiagnosticWithPath()
    {
        var locked = Directory.CreateDirectory(Path.Combine(Estate, "locked")).FullName;
        File.Copy(Path.Combine(Estate, "flows.yaml"), Path.Combine(locked, "more.yaml"));
        if (!OperatingSystem.IsLinux()) return;
        File.SetUnixFileMode(locked, UnixFileMode.None);
        try
        {
            string err;
            int exit;
            if (Environment.UserName != "root")
            {
                (exit, _, err) = await Run(300_000_000, 30, "check", Estate, "--rules", Rules, "--as-of", AsOf);
            }
            else
            {
                // Root reads every folder: run the CLI as 'nobody' for this one.
                File.SetUnixFileMode(_dir.Path, (UnixFileMode)0b111_101_101);
                var psi = new ProcessStartInfo("setpriv",
                    ["--reuid=65534", "--regid=65534", "--clear-groups", "dotnet", Path.Combine(AppContext.BaseDirectory, "compliance.dll"), "check", Estate, "--rules", Rules, "--as-of", AsOf])
                { RedirectStandardError = true, RedirectStandardOutput = true };
                psi.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
                psi.Environment["HOME"] = Path.GetTempPath();
                using var p = Process.Start(psi)!;
                var errTask = p.StandardError.ReadToEndAsync();
                _ = await p.StandardOutput.ReadToEndAsync();
                await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
                (exit, err) = (p.ExitCode, await errTask);
            }
            Assert.Equal(2, exit);
            Assert.Contains($"est/locked: error {DiagnosticCodes.FileUnreadable}: cannot read the folder", err, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task HugeList_NodeCap_MemoryBounded()
    {
        File.WriteAllText(Path.Combine(Estate, "huge.yaml"), "[" + string.Join(",", Enumerable.Repeat("1", 7_500_000)) + "]");
        var (exit, _, err) = await Run(900_000_000, 30, "check", Estate, "--rules", Rules, "--as-of", AsOf);
        Assert.Equal(2, exit);
        Assert.Contains(DiagnosticCodes.YamlTooManyNodes, err, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> YamlAttacks() => new()
    {
        { DiagnosticCodes.YamlAliasRejected, "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n" },
        { DiagnosticCodes.YamlTooDeep, new string('[', 200_000) + new string(']', 200_000) },
        { DiagnosticCodes.YamlTagRejected, "apiVersion: compliance/v1\nkind: !!python/object:os.system Cluster\n" },
        { DiagnosticCodes.YamlDuplicateKey, "apiVersion: compliance/v1\nkind: Cluster\nkind: DataFlow\n" },
        { DiagnosticCodes.YamlSyntax, "apiVersion: [compliance/v1\n\u0001\u0002\u0003: {{{\n" },
    };

    [Theory]
    [MemberData(nameof(YamlAttacks))]
    public async Task YamlAttacks_Rejected(string code, string yaml)
    {
        File.WriteAllText(Path.Combine(Estate, "attack.yaml"), yaml);
        await Rejected(code, "check", Estate, "--rules", Rules, "--as-of", AsOf);
    }

    [Fact]
    public async Task BinaryGarbage_Rejected()
    {
        var bytes = new byte[64 * 1024];
        new Random(14).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(Estate, "garbage.yaml"), bytes);
        var (exit, _, err) = await Run(300_000_000, 30, "check", Estate, "--rules", Rules, "--as-of", AsOf);
        Assert.Equal(2, exit);
        Assert.Contains("garbage.yaml:", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutputOverInputReachedThroughSymlink_Refused_InputIntact()
    {
        var link = Path.Combine(_dir.Path, "estlink");
        Directory.CreateSymbolicLink(link, Estate);
        var flows = Path.Combine(Estate, "flows.yaml");
        var before = File.ReadAllBytes(flows);
        await Rejected(DiagnosticCodes.OutputRefused, "check", link, "--rules", Rules, "--output", flows, "--as-of", AsOf);
        Assert.Equal(before, File.ReadAllBytes(flows));
    }

    [Fact]
    public async Task OutputOverRuleFile_Refused()
    {
        var rules = Directory.CreateDirectory(Path.Combine(_dir.Path, "rules", "eu-gdpr")).FullName;
        foreach (var f in Directory.EnumerateFiles(Repo.Path("rules", "eu-gdpr"))) File.Copy(f, Path.Combine(rules, Path.GetFileName(f)));
        var target = Path.Combine(rules, "rules.yaml");
        var before = File.ReadAllBytes(target);
        await Rejected(DiagnosticCodes.OutputRefused, "check", Estate, "--rules", Path.Combine(_dir.Path, "rules"), "--output", target, "--as-of", AsOf);
        Assert.Equal(before, File.ReadAllBytes(target));
    }

    [Fact]
    public async Task OutputIntoFolderPolicyIncludes_Refused()
    {
        var org = Directory.CreateDirectory(Path.Combine(_dir.Path, "org")).FullName;
        foreach (var f in Directory.EnumerateFiles(Repo.Path("policies", "org-baseline"), "*.yaml")) File.Copy(f, Path.Combine(org, Path.GetFileName(f)));
        var policy = Path.Combine(_dir.Path, "policy.yaml");
        File.WriteAllText(policy, "apiVersion: compliance/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  include: [org]\n");
        var target = Path.Combine(org, "rules.yaml");
        var before = File.ReadAllBytes(target);
        await Rejected(DiagnosticCodes.OutputRefused, "check", Estate, "--rules", Rules, "--policy", policy, "--write-baseline", target, "--as-of", AsOf);
        Assert.Equal(before, File.ReadAllBytes(target));
    }

    [Theory]
    [InlineData("/dev/null")]
    [InlineData("/dev/stdout")]
    public async Task OutputToDeviceOrLink_Refused_LeftAlone(string target)
    {
        var before = Loading.FileSystem.FileProbe.Stat(target, followLinks: false).Kind;
        await Rejected(DiagnosticCodes.OutputRefused, "check", Estate, "--rules", Rules, "--output", target, "--as-of", AsOf);
        Assert.Equal(before, Loading.FileSystem.FileProbe.Stat(target, followLinks: false).Kind);
    }

    [Fact]
    public async Task OutputDash_IsStandardOutput()
    {
        var (exit, output, _) = await Run(2_000_000_000, 60, "check", Estate, "--rules", Rules, "--output", "-", "--format", "json", "--as-of", AsOf);
        Assert.Equal(1, exit);
        Assert.StartsWith("{", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaleTempFileOfKilledRun_RemovedByNextWrite()
    {
        var outDir = Directory.CreateDirectory(Path.Combine(_dir.Path, "out")).FullName;
        var stale = Path.Combine(outDir, $".report.json{Hosting.AtomicFile.TempMarker}{int.MaxValue - 3}-deadbeef");
        File.WriteAllText(stale, "half of a 700 MB report");
        var (exit, _, _) = await Run(2_000_000_000, 60, "check", Estate, "--rules", Rules, "--output", Path.Combine(outDir, "report.json"), "--as-of", AsOf);
        Assert.Equal(1, exit);
        Assert.Equal(["report.json"], Directory.EnumerateFiles(outDir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task InvalidUtf8FileName_Diagnostic()
    {
        var psi = new ProcessStartInfo("/bin/sh", ["-c", "touch \"bad$(printf '\\377').yaml\""]) { WorkingDirectory = Estate };
        Process.Start(psi)!.WaitForExit();
        await Rejected(DiagnosticCodes.BadFileName, "check", Estate, "--rules", Rules, "--as-of", AsOf);
    }

    [Fact]
    public async Task NulInPath_Diagnostic() =>
        await Rejected(DiagnosticCodes.BadFileName, "check", Estate + "\0/flows.yaml", "--rules", Rules, "--as-of", AsOf);

    [Fact]
    public async Task ControlCharactersInName_Diagnostic_NotEchoedRaw()
    {
        File.Copy(Path.Combine(Estate, "flows.yaml"), Path.Combine(Estate, "x\u001b]0;owned\u0007.yaml"));
        var (exit, _, err) = await Run(300_000_000, 30, "check", Estate, "--rules", Rules, "--as-of", AsOf);
        Assert.Equal(2, exit);
        Assert.Contains(DiagnosticCodes.BadFileName, err, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', err);
    }

    [Fact]
    public async Task Dash_ReadsStandardInput()
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "compliance.dll"), "check", "-", "--rules", Rules, "--as-of", AsOf, "--format", "json"])
        { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        foreach (var f in Directory.EnumerateFiles(Estate).Order(StringComparer.Ordinal))
        {
            await p.StandardInput.WriteAsync("---\n" + await File.ReadAllTextAsync(f));
        }
        p.StandardInput.Close();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(p.ExitCode == 1, await errors);
        using var report = System.Text.Json.JsonDocument.Parse(await output);
        Assert.Contains(report.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("subject").GetProperty("file").GetString() == "-");
    }

    [Fact]
    public async Task PolicyIncludeWithNulOrEscape_Diagnostic_NoCrash()
    {
        var policy = Path.Combine(_dir.Path, "policy.yaml");
        File.WriteAllText(policy, "apiVersion: compliance/v1\nkind: Policy\nmetadata: {name: p}\nspec:\n  include: [\"org\\0x\", \"bad\\e[2J\"]\n");
        var (exit, _, err) = await Run(300_000_000, 30, "check", Estate, "--rules", Rules, "--policy", policy, "--as-of", AsOf);
        Assert.Equal(2, exit);
        Assert.Equal(2, err.Split('\n').Count(l => l.Contains(DiagnosticCodes.BadFileName, StringComparison.Ordinal)));
        Assert.DoesNotContain('\u001b', err);
        Assert.DoesNotContain(DiagnosticCodes.InternalError, err, StringComparison.Ordinal);
    }
}
