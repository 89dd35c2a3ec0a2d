using System.Collections.Immutable;
using ComplianceEngine.Server.Serving;
using ComplianceEngine.Hosting;
using ComplianceEngine.Hosting.Pipeline;
using ComplianceEngine.Model.Diagnostics;
using Microsoft.Extensions.Options;

namespace ComplianceEngine.Server.Rules;

/// <summary>The rule set serving now: one compilation per server policy (or one without a policy), all from the same files.</summary>
/// <param name="Default">What a request without <c>?policy=</c> is judged by.</param>
/// <param name="ByPolicy">Compilations by policy name.</param>
public sealed record ServingRules(PreparedRules Default, ImmutableSortedDictionary<string, PreparedRules> ByPolicy, string Version, DateTimeOffset LoadedAt);

/// <summary>What <c>/v1/rules/status</c> says: the version serving, and what the last reload attempt found.</summary>
public sealed record ReloadStatus(string? Version, DateTimeOffset? LoadedAt, DateTimeOffset? LastAttempt, bool LastAttemptFailed, int Reloads, int Failures,
    IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>Raised when the rules could not be loaded at start: the server does not start without rules.</summary>
public sealed class RuleSetLoadException(IReadOnlyList<Diagnostic> diagnostics)
    : Exception("the rules could not be loaded:" + Environment.NewLine + string.Join(Environment.NewLine, diagnostics))
{
    /// <summary>What went wrong.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
}

/// <summary>
/// Keeps the rule set serving and reloads it when rule or policy files change: the new set is loaded and compiled to
/// the side and swapped in at once; a set that fails to load or compile keeps the last good one serving, with its
/// diagnostics in <see cref="Status"/> and the log.
/// </summary>
public sealed class RuleSetHost : IHostedService, IDisposable
{
    private readonly ComplianceService _service;
    private readonly ServeOptions _options;
    private readonly ILogger<RuleSetHost> _logger;
    private readonly ComplianceMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly object _reloadGate = new();
    private Timer? _debounce;
    private ServingRules? _current;
    private ReloadStatus _status = new(null, null, null, false, 0, 0, []);

    /// <summary>Creates the host; rules load on start.</summary>
    public RuleSetHost(ComplianceService service, IOptions<ServeOptions> options, ILogger<RuleSetHost> logger, ComplianceMetrics metrics, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        _service = service;
        _options = options.Value;
        _logger = logger;
        _metrics = metrics;
        _clock = clock;
    }

    /// <summary>Raised after a new rule set is swapped in.</summary>
    public event Action<ServingRules>? Changed;

    /// <summary>The rule set serving now (null only before start).</summary>
    public ServingRules? Current => Volatile.Read(ref _current);

    /// <summary>The last reload's outcome.</summary>
    public ReloadStatus Status => Volatile.Read(ref _status);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Reload()) throw new RuleSetLoadException(Status.Diagnostics);
        foreach (var path in _options.Rules.Count == 0 ? _service.DefaultRules : _options.Rules)
            Watch(Directory.Exists(path) ? path : Path.GetDirectoryName(Path.GetFullPath(path))!, Directory.Exists(path) ? "*" : Path.GetFileName(path), true);
        foreach (var policy in _options.Policies)
            Watch(Path.GetDirectoryName(Path.GetFullPath(policy))!, Path.GetFileName(policy), false);
        foreach (var include in Current!.ByPolicy.Values.SelectMany(p => IncludedFolders(p)).Distinct(StringComparer.Ordinal).Where(Directory.Exists))
            Watch(include, "*", true);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var watcher in _watchers) watcher.EnableRaisingEvents = false;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Loads and compiles the rule set from the files now, and swaps it in when it compiled; true when it did. A set
    /// that fails keeps the one serving.
    /// </summary>
    public bool Reload()
    {
        lock (_reloadGate)
        {
            var now = _clock.GetUtcNow();
            var (serving, diagnostics) = Compile(now);
            var previous = Status;
            if (serving is null)
            {
                _metrics.ReloadFailed();
                var kept = new Diagnostic(DiagnosticCodes.RuleReloadFailed, DiagnosticSeverity.Error, previous.Version is null
                    ? "the rules failed to load; nothing is serving"
                    : $"the changed rules failed to load; rule set {previous.Version} keeps serving until they are fixed", SourceLocation.None);
                diagnostics = [kept, .. diagnostics];
                Volatile.Write(ref _status, previous with { LastAttempt = now, LastAttemptFailed = true, Failures = previous.Failures + 1, Diagnostics = diagnostics });
                if (_logger.IsEnabled(LogLevel.Error)) _logger.LogError("Rules failed to load; {Serving}. {Diagnostics}",
                    previous.Version is null ? "nothing is serving" : $"still serving {previous.Version}", string.Join(Environment.NewLine, diagnostics));
                return false;
            }
            var changed = Current?.Version != serving.Version;
            if (changed || Current is null) Volatile.Write(ref _current, serving);
            Volatile.Write(ref _status, new ReloadStatus(Current!.Version, Current.LoadedAt, now, false, previous.Reloads + (changed ? 1 : 0), previous.Failures, diagnostics));
            _metrics.RuleSetLoaded(Current.Version);
            if (changed)
            {
                if (_logger.IsEnabled(LogLevel.Information)) _logger.LogInformation("Serving rule set {Version} ({Rules} rules)", serving.Version, serving.Default.Engine.Rules.Rules.Length);
                Changed?.Invoke(serving);
            }
            return true;
        }
    }

    private (ServingRules? Serving, IReadOnlyList<Diagnostic> Diagnostics) Compile(DateTimeOffset now)
    {
        var all = new List<Diagnostic>();
        if (_options.Policies.Count == 0)
        {
            var (rules, diagnostics) = _service.PrepareRules(_options.Rules, null);
            return rules is null ? (null, diagnostics) : (new ServingRules(rules, ImmutableSortedDictionary<string, PreparedRules>.Empty, rules.Version, now), diagnostics);
        }
        var byPolicy = ImmutableSortedDictionary.CreateBuilder<string, PreparedRules>(StringComparer.Ordinal);
        PreparedRules? first = null;
        foreach (var path in _options.Policies)
        {
            var (rules, diagnostics) = _service.PrepareRules(_options.Rules, path);
            all.AddRange(diagnostics);
            if (rules is null) continue;
            if (byPolicy.ContainsKey(rules.Policy!.Name))
            {
                all.Add(new Diagnostic(DiagnosticCodes.DuplicateName, DiagnosticSeverity.Error, $"two policy files name policy '{rules.Policy.Name}'", rules.Policy.Location));
                continue;
            }
            byPolicy[rules.Policy.Name] = rules;
            first ??= rules;
        }
        var sorted = all.Distinct().Order().ToList();
        if (first is null || sorted.Any(d => d.Severity == DiagnosticSeverity.Error)) return (null, sorted);
        // One version for the whole served set: the hash of each compilation's.
        var version = byPolicy.Count == 1 ? first.Version : "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(string.Join("\n", byPolicy.Values.Select(p => p.Version)))))[..16];
        return (new ServingRules(first, byPolicy.ToImmutable(), version, now), sorted);
    }

    private static IEnumerable<string> IncludedFolders(PreparedRules rules) => rules.Policy is null
        ? []
        : rules.Policy.Include.Select(i => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(rules.Policy.Location.File))!, i));

    private void Watch(string folder, string filter, bool recursive)
    {
        if (!Directory.Exists(folder)) return;
        var watcher = new FileSystemWatcher(folder, filter) { IncludeSubdirectories = recursive, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName };
        watcher.Changed += (_, _) => Schedule();
        watcher.Created += (_, _) => Schedule();
        watcher.Deleted += (_, _) => Schedule();
        watcher.Renamed += (_, _) => Schedule();
        watcher.EnableRaisingEvents = true;
        _watchers.Add(watcher);
    }

    private void Schedule()
    {
        var timer = _debounce ??= new Timer(_ =>
        {
            try
            {
                Reload();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogError(ex, "Rules reload failed; the last good set keeps serving");
            }
        });
        timer.Change(_options.ReloadDelayMilliseconds, Timeout.Infinite);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var watcher in _watchers) watcher.Dispose();
        _debounce?.Dispose();
    }
}
