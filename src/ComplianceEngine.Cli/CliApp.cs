using System.CommandLine;
using ComplianceEngine.Cli.Commands;
using ComplianceEngine.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ComplianceEngine.Cli;

/// <summary>The <c>compliance</c> command, composed on Microsoft.Extensions.Hosting (the same services the hosted engine uses).</summary>
public static class CliApp
{
    /// <summary>Runs the CLI with <paramref name="args"/>; returns the exit code (0 ok, 1 findings, 2 unreadable inputs or usage).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Action<IServiceCollection>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ApplicationName = "compliance",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddComplianceEngine(builder.Configuration);
        configure?.Invoke(builder.Services);
        using var host = builder.Build();

        var root = new RootCommand("ComplianceEngine: data-sovereignty checks for multi-cluster estates, with reports per jurisdiction.");
        var console = new CliConsole(stdout, stderr);
        foreach (var command in CommandFactory.All(host.Services, console)) root.Add(command);

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine($"compliance: {error.Message}");
            stderr.WriteLine("Run 'compliance --help' for usage.");
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
public sealed record CliConsole(TextWriter Out, TextWriter Error);
