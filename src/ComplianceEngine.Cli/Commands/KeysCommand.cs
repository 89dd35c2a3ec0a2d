using System.CommandLine;
using System.Globalization;
using ComplianceEngine.Hosting;
using ComplianceEngine.Hosting.Keys;
using ComplianceEngine.Model.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Cli.Commands;

/// <summary><c>compliance keys add|list|revoke</c>: the hosted engine's API keys (only their salted hashes are stored).</summary>
internal static class KeysCommand
{
    private static Option<string> Data() => new("--data") { Description = "Data folder of the server; default ./.compliance", DefaultValueFactory = _ => ".compliance" };

    public static Command Create(IServiceProvider services, CliConsole console)
    {
        var name = new Argument<string>("name") { Description = "The key's name (who it is for): letters, digits, '.', '_', '-'" };
        var scope = new Option<string>("--scope") { Description = "read | evaluate (includes read) | admin", Required = true };
        scope.AcceptOnlyFromAmong("read", "evaluate", "admin");
        var data = Data();
        var add = new Command("add", "Create a key; it is printed once, on the last line, and only its hash is kept") { name, scope, data };
        add.SetAction(parse =>
        {
            var keyName = parse.GetValue(name)!;
            if (!ApiKeyStore.IsValidName(keyName))
            {
                console.Error.WriteLine($"compliance: error {DiagnosticCodes.KeyInvalid}: key name '{keyName}' must be 1-64 letters, digits, '.', '_' or '-'");
                return ExitCodes.InvalidInput;
            }
            var store = new ApiKeyStore(parse.GetValue(data)!);
            try
            {
                var (key, record) = store.Add(keyName, Enum.Parse<ApiScope>(parse.GetValue(scope)!, ignoreCase: true),
                    ComplianceClock.Now(services.GetRequiredService<TimeProvider>()));
                console.Out.WriteLine($"Created key '{record.Name}' (scope {Scope(record.Scope)}). It is shown once; send it as 'Authorization: Bearer KEY':");
                console.Out.WriteLine(key);
                return ExitCodes.Ok;
            }
            catch (ArgumentException ex)
            {
                console.Error.WriteLine($"compliance: error {DiagnosticCodes.KeyInvalid}: {ex.Message.Split(" (Parameter", 2)[0]}");
                return ExitCodes.InvalidInput;
            }
        });

        var listData = Data();
        var list = new Command("list", "List keys: name, scope, created, revoked") { listData };
        list.SetAction(parse =>
        {
            var keys = new ApiKeyStore(parse.GetValue(listData)!).All();
            foreach (var k in keys.OrderBy(k => k.Name, StringComparer.Ordinal).ThenBy(k => k.Created))
                console.Out.WriteLine(string.Join("  ", k.Name, Scope(k.Scope), k.Created.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    k.Revoked is { } r ? "revoked " + r.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "active"));
            console.Out.WriteLine($"{keys.Length} key(s)");
            return ExitCodes.Ok;
        });

        var revokeName = new Argument<string>("name") { Description = "The key to revoke" };
        var revokeData = Data();
        var revoke = new Command("revoke", "Revoke a key (a running server refuses it on the next request)") { revokeName, revokeData };
        revoke.SetAction(parse =>
        {
            var store = new ApiKeyStore(parse.GetValue(revokeData)!);
            var keyName = parse.GetValue(revokeName)!;
            if (store.Revoke(keyName, ComplianceClock.Now(services.GetRequiredService<TimeProvider>())))
            {
                console.Out.WriteLine($"Revoked key '{keyName}'.");
                return ExitCodes.Ok;
            }
            console.Error.WriteLine($"compliance: error {DiagnosticCodes.KeyInvalid}: no active key named '{keyName}'" +
                Suggestions.DidYouMean(keyName, store.All().Where(k => k.Active).Select(k => k.Name)));
            return ExitCodes.InvalidInput;
        });
        return new Command("keys", "Manage the hosted engine's API keys") { add, list, revoke };
    }

    private static string Scope(ApiScope scope) => scope.ToString().ToLowerInvariant();
}
