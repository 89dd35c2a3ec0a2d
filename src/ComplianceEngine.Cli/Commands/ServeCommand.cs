using System.CommandLine;
using System.Globalization;
using ComplianceEngine.Hosting;
using ComplianceEngine.Server.Serving;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Cli.Commands;

/// <summary>
/// <c>compliance serve</c>: runs the hosted engine (design section 9). The options become the server's configuration
/// (<c>ComplianceEngine:Serve:*</c>), so appsettings and environment variables set the rest.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(IServiceProvider services, CliConsole console)
    {
        var urls = new Option<string?>("--urls") { Description = $"Where to listen (';'-separated); default {ServeOptions.DefaultUrls}. Beyond loopback only with API keys" };
        var data = new Option<string?>("--data") { Description = "Data folder (API keys, history); default ./.compliance" };
        var rules = new RuleOptions();
        var policy = new Option<string[]>("--policy") { Description = "Policy file (repeatable); the first applies by default, ?policy=NAME picks another" };
        var watch = new Option<string[]>("--watch") { Description = "Estate folder to keep evaluated (repeatable): /v1/estates/{folder name}/report" };
        var command = rules.AddTo(new Command("serve", "Run the hosted engine: HTTP API with keys, history, hot-reloaded rules and watched estates") { urls, data, policy, watch });
        command.SetAction(parse =>
        {
            // --rules adds to the built-in rules here too (RuleOptions); the server gets the resolved folders.
            var folders = rules.Resolve(parse, services.GetRequiredService<ComplianceService>(), console.Error);
            if (folders is null) return ExitCodes.InvalidInput;
            return ComplianceServer.RunAsync(Arguments(parse.GetValue(urls), parse.GetValue(data), [.. folders],
                parse.GetValue(policy) ?? [], parse.GetValue(watch) ?? []), console.Error).GetAwaiter().GetResult();
        });
        return command;
    }

    /// <summary>The server's command-line configuration for the given options.</summary>
    internal static string[] Arguments(string? urls, string? data, string[] rules, string[] policies, string[] watch)
    {
        var args = new List<string>();
        if (urls is not null) args.AddRange(["--urls", urls]);
        if (data is not null) args.AddRange([$"--{ServeOptions.Section}:Data", Path.GetFullPath(data)]);
        Add("Rules", rules);
        Add("Policies", policies);
        Add("Watch", watch);
        return [.. args];

        void Add(string name, string[] values)
        {
            for (var i = 0; i < values.Length; i++)
                args.AddRange([$"--{ServeOptions.Section}:{name}:{i.ToString(CultureInfo.InvariantCulture)}", Path.GetFullPath(values[i])]);
        }
    }
}
