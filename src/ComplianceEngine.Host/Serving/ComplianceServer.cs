using ComplianceEngine.Server.Endpoints;
using ComplianceEngine.Server.Estates;
using ComplianceEngine.Server.Rules;
using ComplianceEngine.Hosting;
using ComplianceEngine.Hosting.History;
using ComplianceEngine.Hosting.Keys;
using ComplianceEngine.Model.Diagnostics;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace ComplianceEngine.Server.Serving;

/// <summary>
/// The hosted engine's composition (design section 9), shared by the Host's own entry point and <c>compliance serve</c>:
/// options from appsettings, environment and command line (section <c>ComplianceEngine:Serve</c>, validated on start),
/// the API, limits, keys, history, hot-reloaded rules, watched estates, metrics and OpenAPI.
/// </summary>
public static class ComplianceServer
{
    /// <summary>Builds the server from <paramref name="args"/> (<c>--urls</c>, <c>--ComplianceEngine:Serve:Data DIR</c>, ...).</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (builder.Configuration["urls"] is null && builder.Configuration["ASPNETCORE_URLS"] is null) builder.WebHost.UseUrls(ServeOptions.DefaultUrls);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var services = builder.Services;
        services.AddComplianceEngine(builder.Configuration);
        services.AddProblemDetails();
        services.AddOptions<ServeOptions>().Bind(builder.Configuration.GetSection(ServeOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServeOptions>, ServeOptionsValidator>();
        services.AddSingleton(sp => new ApiKeyStore(sp.GetRequiredService<IOptions<ServeOptions>>().Value.Data));
        services.AddSingleton<IEvaluationStore>(sp => sp.GetRequiredService<IOptions<ServeOptions>>().Value is { PostgreSql: { } postgres }
            ? new PostgresEvaluationStore(postgres)
            : new SqliteEvaluationStore(sp.GetRequiredService<IOptions<ServeOptions>>().Value.Data));
        services.AddSingleton<ComplianceMetrics>();
        services.AddSingleton<EvaluationRecorder>();
        services.AddSingleton<RuleSetHost>();
        services.AddHostedService(sp => sp.GetRequiredService<RuleSetHost>());
        services.AddSingleton<EstateWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<EstateWatcher>());
        services.AddHostedService<StartupNotice>();
        services.AddOpenApi();
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(ComplianceMetrics.MeterName).AddPrometheusExporter());
        // Limits come from the validated options (so appsettings, environment, command line and tests all set them).
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServeOptions>>((k, serve) => k.Limits.MaxRequestBodySize = serve.Value.MaxBodyBytes);
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<ServeOptions>>((o, serve) => o.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = TimeSpan.FromSeconds(serve.Value.RequestTimeoutSeconds),
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
        });
        services.AddSingleton(sp => new EvaluationGate(sp.GetRequiredService<IOptions<ServeOptions>>(), sp.GetRequiredService<TimeProvider>()));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestTimeouts();
        app.MapOperations();
        app.MapEvaluations();
        app.MapCatalog();
        app.MapOpenApi();
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    /// <summary>
    /// Builds and runs the server until it is stopped; returns the exit code: 0, or 2 with one line per problem when
    /// settings or rules are wrong (never a stack trace).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            await using var app = Build(args);
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures) await error.WriteLineAsync($"compliance serve: error {failure}").ConfigureAwait(false);
            return 2;
        }
        catch (RuleSetLoadException ex)
        {
            foreach (var d in ex.Diagnostics) await error.WriteLineAsync(d.ToString()).ConfigureAwait(false);
            await error.WriteLineAsync("compliance serve: the rules could not be loaded; not starting").ConfigureAwait(false);
            return 2;
        }
        catch (HistoryStoreException ex)
        {
            await error.WriteLineAsync($"compliance serve: error {DiagnosticCodes.HistoryUnavailable}: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (IOException ex)
        {
            await error.WriteLineAsync($"compliance serve: error {DiagnosticCodes.ServeInvalidOption}: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
    }

    /// <summary>Says where the server listens and whether it asks for keys.</summary>
    /// <remarks>Takes the history store, so a store that cannot be opened stops the server on start, not on the first request.</remarks>
    private sealed class StartupNotice(IConfiguration configuration, ApiKeyStore keys, IOptions<ServeOptions> options, IEvaluationStore history,
        ILogger<StartupNotice> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!logger.IsEnabled(LogLevel.Information)) return Task.CompletedTask;
            var urls = string.Join(", ", ServeOptionsValidator.Urls(configuration));
            logger.LogInformation("History in {Store}", history is PostgresEvaluationStore ? "PostgreSQL" : $"SQLite ({Path.Combine(options.Value.Data, SqliteEvaluationStore.FileName)})");
            if (keys.AnyActive) logger.LogInformation("Serving on {Urls}; API keys required (data in {Data})", urls, options.Value.Data);
            else logger.LogWarning("Serving on {Urls} without API keys: loopback callers only. Add a key with 'compliance keys add NAME --scope evaluate --data {Data}' to serve beyond loopback", urls, options.Value.Data);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
