using System.Globalization;
using ComplianceEngine.Bench;

// bench generate --flows N --out DIR [--seed S] [--rules DIR] [--topology layered|dense]
// bench once     --flows N [--mode memory|yaml] [--dir DIR] [--seed S] [--rules DIR] [--topology ...] [--live] [--report FILE] [--no-json]
// bench run      [--sizes 1000,10000,100000,1000000] [--mode memory|yaml|both|none] [--seed S] [--rules DIR] [--work DIR]
//                [--topology ...] [--cli PATH] [--cli-max-flows N] [--live] [--timeout-minutes M]
// bench sources  [--nodes 1000] [--workloads 10000] [--clusters 20] [--work DIR] [--rules DIR]
// bench sidebyside [--flows 100000] [--reps 15] [--only hand,compiled,batch,nrules,rulesengine] [--min-ms 100] [--out FILE] [--seed S] [--rules DIR] [--chunk 8192]
// bench load     --url URL --body FILE [--clients 200] [--seconds 60] [--key KEY] [--pid PID]   (a running `compliance serve`)
// bench incremental --flows N [--reps 5] [--edits mechanism,chain,status,reroute,store,cluster,recipient] [--seed S] [--rules DIR] [--threads N] [--verify]   (one-flow changes: incremental vs full)
// bench host-memory [--flows 25000 | --body FILE] [--clients 8] [--host DLL] [--server-arg "ARG ..."]   (starts the real host)
// bench loading  [--dir DIR | --flows N] [--rounds 5] [--rules DIR]   (the estate loader vs raw YamlDotNet parser events)
// bench onward   [--flows 100000] [--rounds 5] [--paths] [--topology ...]   (the onward search alone, with a checksum of its hops)
// bench findings [--flows 100000] [--rounds 5] [--topology ...]   (building findings alone, with a checksum of what they say)
// (`bench help` explains each option.)
try
{
    var command = args.Length > 0 ? args[0] : "help";
    var options = Options.Parse(args.Skip(1));
    return command switch
    {
        "generate" => Commands.Generate(options),
        "once" => Commands.Once(options),
        "run" => Harness.Run(options),
        "sources" => SourcesBench.Run(options),
        "load" => LoadCommand.Run(options),
        "sidebyside" => ComplianceEngine.Bench.SideBySide.SideBySideCommand.Run(options),
        "incremental" => IncrementalBench.Run(options),
        "host-memory" => HostMemoryBench.Run(options),
        "loading" => LoadingBench.Run(options),
        "onward" => OnwardBench.Run(options),
        "findings" => FindingsBench.Run(options),
        _ => Commands.Help(),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"bench: {ex.Message}");
    return 2;
}

namespace ComplianceEngine.Bench
{
    /// <summary>--name value pairs and --flags.</summary>
    internal sealed class Options
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

        public static Options Parse(IEnumerable<string> args)
        {
            var o = new Options();
            string? key = null;
            foreach (var a in args)
            {
                if (a.StartsWith("--", StringComparison.Ordinal))
                {
                    if (key is not null) o._values[key] = "true";
                    key = a[2..];
                }
                else if (key is not null)
                {
                    o._values[key] = a;
                    key = null;
                }
                else
                {
                    throw new ArgumentException($"unexpected argument '{a}'");
                }
            }
            if (key is not null) o._values[key] = "true";
            return o;
        }

        public string? Get(string key) => _values.GetValueOrDefault(key);

        public string Get(string key, string fallback) => _values.GetValueOrDefault(key) ?? fallback;

        public bool Flag(string key) => _values.TryGetValue(key, out var v) && v == "true";

        /// <summary>An integer option; a value that is not one is an ArgumentException (exit 2), never a crash.</summary>
        public int Int(string key, int fallback) =>
            !_values.TryGetValue(key, out var v) ? fallback
            : int.TryParse(v.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
            : throw new ArgumentException($"--{key} is an integer, not '{v}'");

        public int RequiredInt(string key) =>
            _values.ContainsKey(key) ? Int(key, 0) : throw new ArgumentException($"--{key} is required");
    }
}
