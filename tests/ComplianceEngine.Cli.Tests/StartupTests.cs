using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ComplianceEngine.Cli.Tests;

/// <summary>What every command pays before it starts: the host it is composed on.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("System.GC.Server", true)]
    [InlineData("System.GC.Concurrent", true)]
    [InlineData("System.GC.DynamicAdaptationMode", 1)]
    [InlineData("System.Runtime.TieredPGO", false)]
    public void RuntimeConfig_CarriesTheMeasuredSettings(string name, object expected)
    {
        // The tool's runtime settings were measured (bench/RESULTS.md); an SDK default or an edit must not change them unseen.
        var file = Path.Combine(AppContext.BaseDirectory, "compliance.runtimeconfig.json");
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));

        var value = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty(name);

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(expected), value.GetRawText());
    }

    [Fact]
    public void HostBuilder_ConfigurationFiles_AreReadOnceNotWatched()
    {
        using var folder = new SettingsFolder();
        var builder = CliApp.CreateHostBuilder(folder.Path);

        var files = builder.Sources.OfType<FileConfigurationSource>().ToList();
        Assert.NotEmpty(files); // appsettings.json and appsettings.{environment}.json beside the binary, still read
        Assert.All(files, f => Assert.False(f.ReloadOnChange, $"{f.Path} is watched for changes"));
    }

    [Fact]
    public void HostBuilder_NoSettingsFiles_NoFileSources()
    {
        using var folder = new SettingsFolder(write: false);

        var builder = CliApp.CreateHostBuilder(folder.Path);

        Assert.Empty(builder.Sources.OfType<FileConfigurationSource>());
        Assert.Contains(builder.Sources, s => s is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource);
    }

    [Fact]
    public void HostBuilder_SettingsFiles_ConfigureTheEngine_TheEnvironmentFileLast()
    {
        using var folder = new SettingsFolder();

        using var host = CliApp.CreateHostBuilder(folder.Path).Build();

        var options = host.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hosting.ComplianceEngineOptions>>().Value;
        Assert.Equal(12345, options.MaxFileBytes); // appsettings.json
        Assert.Equal(17, options.MaxDepth);        // appsettings.{environment}.json over appsettings.json's 9
    }

    [Fact]
    public void HostBuilder_EnvironmentVariables_StillConfigureTheEngine()
    {
        var builder = CliApp.CreateHostBuilder();

        Assert.Contains(builder.Sources,
            s => s is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource { Prefix: null or "" });
    }

    [Fact]
    public void HostBuilder_Logging_OnlyToTheConsole()
    {
        using var host = CliApp.CreateHostBuilder().Build();

        var provider = Assert.Single(host.GetServices<ILoggerProvider>());
        var deferred = Assert.IsType<DeferredLoggerProvider<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>>(provider);
        Assert.IsType<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(deferred.Provider);
    }

    [Fact]
    public void HostBuilder_ConsoleLogger_BuiltOnlyWhenSomethingIsLogged()
    {
        using var host = CliApp.CreateHostBuilder().Build();
        var deferred = Assert.IsType<DeferredLoggerProvider<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>>(
            Assert.Single(host.GetServices<ILoggerProvider>()));

        // What every command does: take a logger, ask whether debug messages are wanted (the CLI logs warnings and up).
        var logger = host.GetRequiredService<ILogger<StartupTests>>();
        Assert.False(logger.IsEnabled(LogLevel.Debug));
        logger.LogDebug("not written");
        Assert.True(logger.IsEnabled(LogLevel.Warning));
        Assert.False(deferred.IsBuilt);

        logger.LogWarning("written by the console logger");

        Assert.True(deferred.IsBuilt);
        Assert.Same(host.GetRequiredService<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(), deferred.Provider);
    }

    [Fact]
    public void HostBuilder_AppSettingsBesideTheBinary_ConfigureTheEngine()
    {
        using var folder = new SettingsFolder();
        var builder = CliApp.CreateHostBuilder(folder.Path);

        var files = builder.Sources.OfType<FileConfigurationSource>().Select(f => f.Path).ToList();
        Assert.Contains("appsettings.json", files);
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } named ? named : "Production";
        Assert.Contains($"appsettings.{environment}.json", files);
    }

    [Theory]
    [InlineData("check", true)]
    [InlineData("test", true)]
    [InlineData("explain", true)]
    [InlineData("init", false)]
    [InlineData("--help", false)]
    [InlineData("serve", false)]
    public void WarmUp_OnlyForCommandsThatLoadRules(string command, bool warms) =>
        Assert.Equal(warms, CliApp.WarmUp([command]));

    [Fact]
    public void WarmUp_NoArguments_DoesNothing() => Assert.False(CliApp.WarmUp([]));

    [Theory]
    [InlineData(true, "check", "examples/estate")]
    [InlineData(true, "check", "examples/estate", "--format", "json", "--output", "r.json", "-q")]
    [InlineData(false, "check", "examples/estate", "--rules", "mine")]
    [InlineData(false, "check", "examples/estate", "--rules=mine")]
    [InlineData(false, "check", "--no-builtin-rules", "--rules", "mine", "examples/estate")]
    [InlineData(false, "check", "examples/estate", "--policy", "policy.yaml")]
    [InlineData(false, "check", "@check.rsp")]
    [InlineData(false, "check", "--help")]
    [InlineData(false, "check", "-h")]
    [InlineData(false, "test", "rules")]
    [InlineData(false, "explain", "examples/estate", "flow-1")]
    [InlineData(false, "checks", "examples/estate")]
    [InlineData(false)]
    public void OnlyBuiltInRules_TheCheckCommandLinesThatLoadTheBuiltInRulesAlone(bool expected, params string[] args) =>
        Assert.Equal(expected, Commands.CheckCommand.OnlyBuiltInRules(args));

    [Fact]
    public void PrepareRulesAhead_ServiceNotThere_LeftToTheCommand()
    {
        using var services = new ServiceCollection().BuildServiceProvider();

        Assert.False(Commands.CheckCommand.PrepareRulesAhead(["check", "examples/estate"], services));
    }

    /// <summary>A folder standing for the binary's, with appsettings.json and appsettings.{environment}.json (or none).</summary>
    private sealed class SettingsFolder : IDisposable
    {
        public SettingsFolder(bool write = true)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ce-settings-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
            if (!write) return;
            var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } named ? named : "Production";
            File.WriteAllText(System.IO.Path.Combine(Path, "appsettings.json"), """{"ComplianceEngine": {"MaxFileBytes": 12345, "MaxDepth": 9}}""");
            File.WriteAllText(System.IO.Path.Combine(Path, $"appsettings.{environment}.json"), """{"ComplianceEngine": {"MaxDepth": 17}}""");
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
