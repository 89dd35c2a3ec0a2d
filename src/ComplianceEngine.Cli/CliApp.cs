using System.CommandLine;
using ComplianceEngine.Cli.Commands;
using ComplianceEngine.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace ComplianceEngine.Cli;

/// <summary>The <c>compliance</c> command, composed on Microsoft.Extensions.Hosting (the same services the hosted engine uses).</summary>
public static class CliApp
{
    /// <summary>Runs the CLI with <paramref name="args"/>; returns the exit code (0 ok, 1 findings, 2 unreadable inputs or usage).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Action<IServiceCollection>? configure = null) =>
        Run(args, new CliConsole(stdout, stderr), configure);

    /// <summary>Runs the CLI with <paramref name="args"/> on <paramref name="console"/> (which says whether standard error is a terminal).</summary>
    public static int Run(string[] args, CliConsole console, Action<IServiceCollection>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var (stdout, stderr) = (console.Out, console.Error);
        WarmUp(args);
        var builder = CreateHostBuilder();
        configure?.Invoke(builder.Services);
        using var host = builder.Build();
        CheckCommand.PrepareRulesAhead(args, host);

        var root = new RootCommand("ComplianceEngine: data-sovereignty checks for multi-cluster estates, with reports per jurisdiction.");
        foreach (var command in CommandFactory.All(host, console)) root.Add(command);

        var parse = root.Parse(args);
        var usage = UsageErrors(parse, root);
        if (usage.Count > 0)
        {
            foreach (var error in usage) stderr.WriteLine($"compliance: error {Model.Diagnostics.DiagnosticCodes.UnknownOption}: {error}");
            stderr.WriteLine($"Run 'compliance {CommandPath(parse.CommandResult, root)}--help' for usage.");
            return ExitCodes.InvalidInput;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (IOException ex)
        {
            stderr.WriteLine($"compliance: error: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
        catch (UnauthorizedAccessException ex)
        {
            stderr.WriteLine($"compliance: error: {ex.Message}");
            return ExitCodes.InvalidInput;
        }
    }

    /// <summary>The names of <paramref name="result"/>'s command and its parents below the root, each followed by a space (<c>rules list </c>).</summary>
    private static string CommandPath(System.CommandLine.Parsing.CommandResult result, RootCommand root)
    {
        var names = new List<string>();
        for (var r = result; r is not null && r.Command != root; r = r.Parent as System.CommandLine.Parsing.CommandResult) names.Insert(0, r.Command.Name);
        return string.Concat(names.Select(n => n + " "));
    }

    /// <summary>
    /// The CLI's services: the engine's, configured from appsettings.json beside the binary (and
    /// appsettings.{DOTNET_ENVIRONMENT}.json) and environment variables (<c>ComplianceEngine__MaxFileBytes</c>), warnings
    /// and errors logged to standard error. Not a generic host (Microsoft.Extensions.Hosting): a command runs for a
    /// moment and uses none of what a host adds (lifetime, hosted services, a content-root file provider, its default
    /// loggers and a file-system watcher on every folder under the binary to reload appsettings), and building one costs
    /// start-up time and assemblies. (<c>compliance serve</c> builds a server host of its own, with ASP.NET Core's defaults.)
    /// </summary>
    internal static CliHostBuilder CreateHostBuilder() => CreateHostBuilder(AppContext.BaseDirectory);

    /// <summary>The CLI's services, with the settings files of <paramref name="directory"/> (the binary's).</summary>
    internal static CliHostBuilder CreateHostBuilder(string directory)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 } named ? named : "Production";
        var configuration = new ConfigurationBuilder();
        foreach (var name in (string[])["appsettings.json", $"appsettings.{environment}.json"])
        {
            // Both files are optional and read once: one that is not there adds nothing, so its source is left out, and
            // with it the file provider and JSON reader that every start paid for to find no file.
            var file = Path.Combine(directory, name);
            if (File.Exists(file)) configuration.AddJsonFile(file, optional: true, reloadOnChange: false);
        }
        configuration.AddEnvironmentVariables();
        var builder = new CliHostBuilder(configuration);
        builder.Services.AddLogging(logging =>
        {
            logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            logging.SetMinimumLevel(LogLevel.Warning);
        });
        // The console logger is built when the first message reaches it, not with the first service that takes a logger.
        builder.Services.RemoveAll<ILoggerProvider>();
        builder.Services.AddSingleton<ConsoleLoggerProvider>();
        builder.Services.AddSingleton<ILoggerProvider, DeferredLoggerProvider<ConsoleLoggerProvider>>();
        builder.Services.AddComplianceEngine(builder.Configuration);
        return builder;
    }

    /// <summary>The commands that begin by loading and compiling rules.</summary>
    internal static IReadOnlyList<string> RuleCommands { get; } = ["check", "test", "explain", "rules", "jurisdictions", "packs"];

    /// <summary>
    /// For a command that loads rules: starts, on another core, the one-time set-up that loading needs (the rule
    /// validators, the YAML parser's tables, the field catalog), while this thread builds the host and parses the command
    /// line; the command then finds it done instead of doing it. Nothing it does is visible: a failure there is left for
    /// the command itself to meet and report. Returns whether it started.
    /// </summary>
    internal static bool WarmUp(string[] args)
    {
        if (args.Length == 0 || !RuleCommands.Contains(args[0], StringComparer.Ordinal)) return false;
        ThreadPool.UnsafeQueueUserWorkItem(static _ =>
        {
            try
            {
                System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Loading.WorkspaceLoader).TypeHandle);
                new Loading.Documents.DocumentLoader().LoadText("apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: warm-up}\n", "warm-up.yaml",
                    new Model.Diagnostics.DiagnosticBag());
                _ = Core.Rules.FieldCatalog.Instance;
            }
#pragma warning disable CA1031 // Not swallowed: the command does the same work next and reports what fails there.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }, null);
        return true;
    }

    /// <summary>
    /// Everything wrong with the command line, "did you mean" included: the parser's errors, plus any word that starts
    /// with '-' where a path is expected (an unknown or misspelt option is never read as a file name; write ./-x for
    /// a file called -x). A lone '-' (standard input) is a path.
    /// </summary>
    internal static List<string> UsageErrors(ParseResult parse, RootCommand root)
    {
        var command = parse.CommandResult.Command;
        var options = command.Options.Concat(root.Options).SelectMany(o => o.Aliases.Prepend(o.Name)).Distinct(StringComparer.Ordinal).ToList();
        var errors = new List<string>();
        if (command == root && parse.UnmatchedTokens.Count > 0 && !parse.UnmatchedTokens[0].StartsWith('-'))
        {
            var word = parse.UnmatchedTokens[0];
            errors.Add($"unknown command '{word}'{Model.Diagnostics.Suggestions.DidYouMean(word, root.Subcommands.Select(c => c.Name))}");
            return errors;
        }
        // Values of arguments and of options (a list option such as --rules takes the next words too).
        var unknown = parse.CommandResult.Children.SelectMany(c => c.Tokens).Select(t => t.Value)
            .Concat(parse.UnmatchedTokens)
            .Where(v => v.Length > 1 && v[0] == '-')
            .Distinct(StringComparer.Ordinal).ToList();
        foreach (var token in unknown)
        {
            var name = token.Split('=', 2)[0];
            errors.Add($"unknown option '{name}'{(command == root ? "" : $" for '{command.Name}'")}{Model.Diagnostics.Suggestions.DidYouMean(name, options)}");
        }
        foreach (var error in parse.Errors)
        {
            if (parse.UnmatchedTokens.Any(t => t.StartsWith('-') && error.Message.Contains($"'{t}'", StringComparison.Ordinal))) continue; // said above
            errors.Add(error.Message);
        }
        return errors;
    }
}

/// <summary>The exit codes of the contract.</summary>
public static class ExitCodes
{
    /// <summary>No finding at or above the fail-on severity.</summary>
    public const int Ok = 0;
    /// <summary>Findings at or above the fail-on severity (or failing test cases).</summary>
    public const int Findings = 1;
    /// <summary>Inputs or rules could not be read, or the command line is wrong.</summary>
    public const int InvalidInput = 2;
}

/// <summary>Where commands write.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error)
{
    /// <summary>True when <see cref="Error"/> is a terminal (a person watching): long runs then show their progress there.</summary>
    public bool ErrorIsTerminal { get; init; }

    /// <summary>How long a run goes quietly before it shows progress.</summary>
    public TimeSpan ProgressAfter { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>The CLI's configuration and services, built into the provider its commands take their services from.</summary>
internal sealed class CliHostBuilder
{
    private readonly IConfigurationBuilder _sources;

    public CliHostBuilder(IConfigurationBuilder sources)
    {
        _sources = sources;
        Configuration = sources.Build();
        Services.AddSingleton<IConfiguration>(Configuration);
    }

    /// <summary>Where the configuration comes from, in order (later sources win).</summary>
    public IList<IConfigurationSource> Sources => _sources.Sources;

    /// <summary>The configuration, read once (no source is watched).</summary>
    public IConfigurationRoot Configuration { get; }

    /// <summary>The services; the CLI's tests add their own before <see cref="Build"/>.</summary>
    public IServiceCollection Services { get; } = new ServiceCollection();

    /// <summary>The service provider (disposing it flushes the console logger).</summary>
    public ServiceProvider Build() => Services.BuildServiceProvider();
}
