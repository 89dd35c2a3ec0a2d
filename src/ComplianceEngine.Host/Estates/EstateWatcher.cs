using System.Collections.Concurrent;
using ComplianceEngine.Server.Rules;
using ComplianceEngine.Server.Serving;
using ComplianceEngine.Hosting;
using ComplianceEngine.Hosting.Pipeline;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Core.Evaluation.Incremental;
using Microsoft.Extensions.Options;

namespace ComplianceEngine.Server.Estates;

/// <summary>The current state of a watched estate.</summary>
/// <param name="Report">The latest report, or null when the estate's files could not be read (see <paramref name="Diagnostics"/>).</param>
/// <param name="Revision">Counts evaluations since start.</param>
public sealed record EstateState(string Name, string Folder, Report? Report, string? RecordId, IReadOnlyList<Diagnostic> Diagnostics, string RuleSetVersion,
    DateTimeOffset EvaluatedAt, int Revision)
{
    /// <summary>Files read again for this evaluation (new or changed since the last; the others' documents were kept).</summary>
    public int FilesRead { get; init; }

    /// <summary>What the incremental session did for this evaluation (null when the estate could not be read).</summary>
    public IncrementalUpdate? Update { get; init; }
}

/// <summary>
/// Watches estate folders (<c>--watch DIR</c>, named after the folder) and re-evaluates one when its files or the
/// rules change; every evaluation is stored in history (who: <c>watch:NAME</c>). Each folder's documents are kept in
/// memory per file, and its facts in a long-lived incremental session (<see cref="IncrementalEvaluation"/>): a change
/// re-reads only the files it touched, rebuilds the estate from every file's documents, and updates the session, which
/// re-judges only the facts that changed. The report is the full pipeline's (policy, waivers, gate) and equals a full
/// evaluation's. New rules (a hot reload) start a new session; a broken file makes the estate report its diagnostics.
/// </summary>
public sealed class EstateWatcher : IHostedService, IDisposable
{
    private readonly ServeOptions _options;
    private readonly RuleSetHost _rules;
    private readonly EvaluationRecorder _recorder;
    private readonly TimeProvider _clock;
    private readonly ILogger<EstateWatcher> _logger;
    private readonly ConcurrentDictionary<string, EstateState> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WatchedFolder> _estates = new(StringComparer.Ordinal);
    private readonly ComplianceService _service;
    private readonly List<FileSystemWatcher> _watchers = [];

    /// <summary>Creates the watcher; folders are read on start.</summary>
    public EstateWatcher(IOptions<ServeOptions> options, RuleSetHost rules, EvaluationRecorder recorder, TimeProvider clock, ILogger<EstateWatcher> logger,
        ComplianceService service)
    {
        _service = service;
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _rules = rules;
        _recorder = recorder;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>The names of the watched estates.</summary>
    public IReadOnlyCollection<string> Names => _estates.Keys;

    /// <summary>The current state of <paramref name="name"/>; null when it is not watched or not yet evaluated.</summary>
    public EstateState? Get(string name) => _states.GetValueOrDefault(name);

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var folder in _options.Watch)
        {
            var name = ServeOptionsValidator.EstateName(folder);
            var timer = new Timer(_ => _ = EvaluateAsync(name, CancellationToken.None));
            var watched = new WatchedFolder(Path.GetFullPath(folder), timer);
            _estates[name] = watched;
            var watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName };
            FileSystemEventHandler changed = (_, e) =>
            {
                watched.Touched(e.FullPath);
                Schedule(name);
            };
            watcher.Changed += changed;
            watcher.Created += changed;
            watcher.Deleted += changed;
            watcher.Renamed += (_, e) =>
            {
                watched.Touched(e.OldFullPath);
                watched.Touched(e.FullPath);
                Schedule(name);
            };
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
        _rules.Changed += OnRulesChanged;
        foreach (var name in _estates.Keys) await EvaluateAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Re-evaluates <paramref name="name"/> now (file events call this after the files settle).</summary>
    public async Task EvaluateAsync(string name, CancellationToken cancellationToken)
    {
        if (!_estates.TryGetValue(name, out var estate) || _rules.Current is not { } serving) return;
        await estate.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = ComplianceClock.Now(_clock);
            var (loaded, hash) = estate.Read(_service.CreateLoader());
            // New rules are a new engine: its session starts from scratch (every fact judged by the new rules).
            if (!ReferenceEquals(estate.Incremental?.Engine, serving.Default.Engine)) estate.Incremental = serving.Default.Engine.StartIncremental();
            var request = new CheckRequest([estate.Folder], [], DateOnly.FromDateTime(now.UtcDateTime), now)
            {
                Prepared = serving.Default,
                Loaded = loaded,
                Incremental = estate.Incremental,
            };
            var (result, recorded) = await _recorder.EvaluateAsync(request, $"watch:{name}", hash, name, cancellationToken).ConfigureAwait(false);
            var revision = (_states.GetValueOrDefault(name)?.Revision ?? 0) + 1;
            _states[name] = new EstateState(name, estate.Folder, result.Report, recorded?.Record.Id, result.Diagnostics, serving.Version, now, revision)
            {
                FilesRead = estate.LastReread,
                Update = result.Report is null ? null : estate.Incremental?.LastUpdate,
            };
            if (result.Report is null && _logger.IsEnabled(LogLevel.Warning)) _logger.LogWarning("Watched estate {Name} could not be read: {Diagnostics}", name, string.Join(Environment.NewLine, result.Diagnostics));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            _logger.LogError(ex, "Watched estate {Name} was not re-evaluated", name);
        }
        finally
        {
            estate.Gate.Release();
        }
    }

    private void OnRulesChanged(ServingRules serving)
    {
        foreach (var name in _estates.Keys) Schedule(name);
    }

    private void Schedule(string name)
    {
        if (_estates.TryGetValue(name, out var estate)) estate.Timer.Change(_options.ReloadDelayMilliseconds, Timeout.Infinite);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _rules.Changed -= OnRulesChanged;
        foreach (var watcher in _watchers) watcher.EnableRaisingEvents = false;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var watcher in _watchers) watcher.Dispose();
        foreach (var estate in _estates.Values)
        {
            estate.Timer.Dispose();
            estate.Gate.Dispose();
        }
    }
}
