using System.CommandLine;

namespace ComplianceEngine.Cli.Commands;

/// <summary>Every sub-command.</summary>
internal static class CommandFactory
{
    public static IEnumerable<Command> All(IServiceProvider services, CliConsole console) =>
    [
        CheckCommand.Create(services, console),
    ];
}
