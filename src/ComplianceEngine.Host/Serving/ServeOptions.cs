using System.Globalization;
using System.Net;
using ComplianceEngine.Hosting.Keys;
using ComplianceEngine.Model.Diagnostics;
using Microsoft.Extensions.Options;

namespace ComplianceEngine.Server.Serving;

/// <summary>The hosted engine's settings (configuration section <c>ComplianceEngine:Serve</c>; appsettings, environment, command line).</summary>
public sealed class ServeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ComplianceEngine:Serve";

    /// <summary>Where the server listens when nothing says otherwise: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>The data folder: API keys and history.</summary>
    public string Data { get; set; } = ".compliance";

    /// <summary>
    /// An Npgsql connection string: history in PostgreSQL (shared by replicas) instead of SQLite in the data folder.
    /// Checked on start: a malformed string or an unreachable database stops the server (CE8010, CE8011).
    /// </summary>
    public string? PostgreSql { get; set; }

    /// <summary>Rule folders; empty: the built-in rules.</summary>
    public List<string> Rules { get; set; } = [];

    /// <summary>Policy files; the first applies by default, a request names another with <c>?policy=NAME</c>.</summary>
    public List<string> Policies { get; set; } = [];

    /// <summary>Estate folders re-evaluated on change, each served at <c>/v1/estates/{folder name}/report</c>.</summary>
    public List<string> Watch { get; set; } = [];

    /// <summary>
    /// Largest request body, in bytes, counted on the bytes read (chunked uploads too). The YAML caps of a request follow
    /// from it (<see cref="Hosting.Pipeline.RequestLimits.ForBody"/>), and a body at the cap must fit
    /// <see cref="EvaluationMemoryBudgetMegabytes"/> (checked on start, CE8020). At most 1 GiB.
    /// </summary>
    public long MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The most <see cref="MaxBodyBytes"/> may be: a body is read into one array and decoded into one string.</summary>
    public const long MaxBodyBytesLimit = 1L << 30;

    /// <summary>Evaluations run at once (memory permitting); more wait in the queue.</summary>
    public int MaxConcurrentEvaluations { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Memory that running evaluations may hold together, in MiB: each reserves <see cref="EvaluationBytesPerBodyByte"/>
    /// times its body's size before its body is read, and waits (in the queue's order) until that fits. Must hold one
    /// body at <see cref="MaxBodyBytes"/> (CE8020): 768 MiB holds 16 MiB at 48 bytes per byte. The process needs about
    /// 150 MiB beside it (runtime, rules, history).
    /// </summary>
    public int EvaluationMemoryBudgetMegabytes { get; set; } = 768;

    /// <summary>
    /// How much memory an evaluation holds at its peak per byte of YAML body (the body and its text, parsed documents,
    /// the estate, facts, findings and the report rendered into history): measured with <c>bench host-memory</c> at
    /// 41-42 on generated estates of 15k and 60k flows and 37 on a body of 4 million list items (the densest the node
    /// cap lets through), plus a margin (README, Limits).
    /// </summary>
    public int EvaluationBytesPerBodyByte { get; set; } = 48;

    /// <summary>Evaluations that may wait; past that, 429 with Retry-After.</summary>
    public int QueueLimit { get; set; } = 32;

    /// <summary>Longest a request may take, in seconds (reading its body included).</summary>
    public int RequestTimeoutSeconds { get; set; } = 60;

    /// <summary>History older than this many days is deleted; 0 keeps it forever.</summary>
    public int RetainDays { get; set; }

    /// <summary>Only the newest this many evaluations are kept; 0 keeps all.</summary>
    public int RetainCount { get; set; }

    /// <summary>How long file changes settle before rules or a watched estate are read again, in milliseconds.</summary>
    public int ReloadDelayMilliseconds { get; set; } = 250;
}

/// <summary>
/// Checks <see cref="ServeOptions"/> on start: folders exist, limits are positive, and the server listens beyond
/// loopback only when API keys exist (design section 9).
/// </summary>
public sealed class ServeOptionsValidator(IConfiguration configuration) : IValidateOptions<ServeOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var folder in options.Rules.Where(r => !Directory.Exists(r) && !File.Exists(r)))
            failures.Add($"{DiagnosticCodes.ServeInvalidOption}: rules folder '{folder}' does not exist");
        foreach (var policy in options.Policies.Where(p => !File.Exists(p)))
            failures.Add($"{DiagnosticCodes.ServeInvalidOption}: policy file '{policy}' does not exist");
        foreach (var folder in options.Watch.Where(w => !Directory.Exists(w)))
            failures.Add($"{DiagnosticCodes.ServeInvalidOption}: watched folder '{folder}' does not exist");
        foreach (var clash in options.Watch.GroupBy(EstateName, StringComparer.Ordinal).Where(g => g.Count() > 1))
            failures.Add($"{DiagnosticCodes.ServeInvalidOption}: watched folders {string.Join(" and ", clash)} would both be estate '{clash.Key}'");
        if (options.PostgreSql is { } postgres)
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(postgres);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
            {
                // The message names the bad keyword, never the whole string: it may hold a password.
                failures.Add($"{DiagnosticCodes.HistoryConnectionInvalid}: PostgreSql is not a valid connection string: {ex.Message}");
            }
        }
        if (options.MaxBodyBytes <= 0) failures.Add($"{DiagnosticCodes.ServeInvalidOption}: MaxBodyBytes must be positive");
        if (options.MaxConcurrentEvaluations <= 0) failures.Add($"{DiagnosticCodes.ServeInvalidOption}: MaxConcurrentEvaluations must be positive");
        if (options.EvaluationMemoryBudgetMegabytes <= 0) failures.Add($"{DiagnosticCodes.ServeInvalidOption}: EvaluationMemoryBudgetMegabytes must be positive");
        if (options.EvaluationBytesPerBodyByte <= 0) failures.Add($"{DiagnosticCodes.ServeInvalidOption}: EvaluationBytesPerBodyByte must be positive");
        if (options.MaxBodyBytes > ServeOptions.MaxBodyBytesLimit)
            failures.Add($"{DiagnosticCodes.ServeLimitsInconsistent}: MaxBodyBytes {options.MaxBodyBytes:N0} is more than one request can hold ({ServeOptions.MaxBodyBytesLimit:N0} bytes)");
        else if (options is { MaxBodyBytes: > 0, EvaluationMemoryBudgetMegabytes: > 0, EvaluationBytesPerBodyByte: > 0 }
                 && options.MaxBodyBytes * options.EvaluationBytesPerBodyByte > options.EvaluationMemoryBudgetMegabytes * 1024L * 1024L)
        {
            const double MiB = 1024 * 1024;
            var needed = (long)Math.Ceiling(options.MaxBodyBytes * options.EvaluationBytesPerBodyByte / MiB);
            var fits = options.EvaluationMemoryBudgetMegabytes * 1024L * 1024L / options.EvaluationBytesPerBodyByte;
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{DiagnosticCodes.ServeLimitsInconsistent}: a body of MaxBodyBytes ({options.MaxBodyBytes:N0} bytes) would need {needed:N0} MiB to evaluate " +
                $"({options.EvaluationBytesPerBodyByte} bytes per body byte), more than EvaluationMemoryBudgetMegabytes ({options.EvaluationMemoryBudgetMegabytes:N0}): " +
                $"every body the cap accepts must fit the budget. Raise EvaluationMemoryBudgetMegabytes to at least {needed:N0} or lower MaxBodyBytes to at most {fits:N0}"));
        }
        if (options.QueueLimit < 0) failures.Add($"{DiagnosticCodes.ServeInvalidOption}: QueueLimit must not be negative");
        if (options.RequestTimeoutSeconds <= 0) failures.Add($"{DiagnosticCodes.ServeInvalidOption}: RequestTimeoutSeconds must be positive");
        if (options.RetainDays < 0) failures.Add($"{DiagnosticCodes.ServeInvalidOption}: RetainDays must not be negative");
        if (options.RetainCount < 0) failures.Add($"{DiagnosticCodes.ServeInvalidOption}: RetainCount must not be negative");
        if (options.ReloadDelayMilliseconds < 0) failures.Add($"{DiagnosticCodes.ServeInvalidOption}: ReloadDelayMilliseconds must not be negative");
        try
        {
            Directory.CreateDirectory(options.Data);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            failures.Add($"{DiagnosticCodes.ServeInvalidOption}: data folder '{options.Data}' cannot be created: {ex.Message}");
        }
        var urls = Urls(configuration);
        var open = urls.Where(u => !IsLoopback(u)).ToList();
        if (open.Count > 0 && failures.Count == 0 && !new ApiKeyStore(options.Data).AnyActive)
            failures.Add($"{DiagnosticCodes.ServeNotLoopback}: refusing to listen on {string.Join(", ", open)} without API keys: anyone who can reach it could read " +
                $"and submit reports. Create one with 'compliance keys add NAME --scope evaluate --data {options.Data}', or listen on loopback (--urls {ServeOptions.DefaultUrls})");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The URLs the server will listen on.</summary>
    public static IReadOnlyList<string> Urls(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? ServeOptions.DefaultUrls;
        return text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>True when <paramref name="url"/> listens on the loopback interface only.</summary>
    public static bool IsLoopback(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url.Replace("://*", "://wildcard.invalid", StringComparison.Ordinal).Replace("://+", "://wildcard.invalid", StringComparison.Ordinal),
                UriKind.Absolute, out var uri)) return false;
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>The estate name of a watched folder: the folder's name.</summary>
    public static string EstateName(string folder) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
}
