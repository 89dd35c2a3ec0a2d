using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ComplianceEngine.Cli;

/// <summary>
/// A logger provider that builds the one it stands for (the console logger) when the first message reaches it, not when
/// a logger is created. Every command's services take an <see cref="ILogger{T}"/>, and a command usually logs nothing at
/// the CLI's level (warnings and errors): building the console logger costs its options, formatters, their configuration
/// binding and a writer thread at every start (bench/RESULTS.md, "Start-up, tenth round"). What is logged is written by
/// the same console logger, with the same settings, as before.
/// </summary>
internal sealed class DeferredLoggerProvider<TProvider> : ILoggerProvider, ISupportExternalScope
    where TProvider : class, ILoggerProvider
{
    private readonly Lazy<TProvider> _provider;
    private IExternalScopeProvider? _scopes;

    public DeferredLoggerProvider(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _provider = new Lazy<TProvider>(() =>
        {
            var provider = services.GetRequiredService<TProvider>();
            if (provider is ISupportExternalScope scoped && Volatile.Read(ref _scopes) is { } scopes) scoped.SetScopeProvider(scopes);
            return provider;
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>True once a message has made it build the provider it stands for.</summary>
    public bool IsBuilt => _provider.IsValueCreated;

    /// <summary>The provider it stands for (built on first call).</summary>
    public TProvider Provider => _provider.Value;

    public ILogger CreateLogger(string categoryName) => new DeferredLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        Volatile.Write(ref _scopes, scopeProvider);
        if (_provider.IsValueCreated && _provider.Value is ISupportExternalScope scoped) scoped.SetScopeProvider(scopeProvider);
    }

    /// <summary>Nothing to dispose: the provider it stands for is the container's, which disposes it if it was built.</summary>
    public void Dispose()
    {
    }

    /// <summary>A logger whose messages go to the real provider's logger of the same category, created on the first one.</summary>
    private sealed class DeferredLogger(DeferredLoggerProvider<TProvider> owner, string category) : ILogger
    {
        private ILogger? _logger;

        private ILogger Logger => _logger ??= owner.Provider.CreateLogger(category);

        // The logger factory applies the minimum level and filters before asking; the console logger itself only turns
        // away None, so answering that here does not build it.
        public bool IsEnabled(LogLevel logLevel) => _logger?.IsEnabled(logLevel) ?? logLevel != LogLevel.None;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => Logger.BeginScope(state);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Logger.Log(logLevel, eventId, state, exception, formatter);
    }
}
