using System.CommandLine;

namespace ComplianceEngine.Cli.Commands;

/// <summary>Every sub-command.</summary>
internal static class CommandFactory
{
    public static IEnumerable<Command> All(IServiceProvider services, CliConsole console) =>
    [
        CheckCommand.Create(services, console),
        TestCommand.Create(services, console),
        RulesCommand.Create(services, console),
        RulesCommand.Jurisdictions(services, console),
        ExplainCommand.Create(services, console),
        PacksCommand.Create(services, console),
        InitCommand.Create(console),
        ImportCommand.Create(services, console),
        ServeCommand.Create(services, console),
        KeysCommand.Create(services, console),
    ];
}
