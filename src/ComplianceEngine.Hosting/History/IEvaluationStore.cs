using System.Collections.Immutable;

namespace ComplianceEngine.Hosting.History;

/// <summary>One stored evaluation: what it was judged from, by whom, and its outcome (the report itself is stored in every format beside it).</summary>
/// <param name="StoredAt">When it was stored, to the microsecond (<see cref="ToStoredPrecision"/>): what every store keeps.</param>
/// <param name="Id">Stable id (<c>/v1/reports/{id}</c>).</param>
/// <param name="InputHash">SHA-256 of the inputs as received.</param>
/// <param name="RuleSetVersion">Content hash of the rule and policy files.</param>
/// <param name="Who">The API key's name, or how the evaluation was started (<c>watch:NAME</c>, <c>loopback</c>).</param>
/// <param name="Estate">The estate's name when it has one (a watched folder, or the request's <c>estate</c> parameter).</param>
public sealed record EvaluationRecord(
    string Id,
    DateTimeOffset StoredAt,
    DateOnly AsOf,
    string Who,
    string InputHash,
    string RuleSetVersion,
    string? Estate,
    ImmutableArray<string> Jurisdictions,
    bool GateFailed,
    int FailingFindings)
{
    /// <summary><paramref name="time"/> cut to whole microseconds, the precision every store keeps (PostgreSQL's).</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);
}

/// <summary>A page of history: which records, newest first.</summary>
/// <param name="Jurisdiction">Only reports with findings in this jurisdiction.</param>
/// <param name="Since">Stored at or after.</param>
/// <param name="Until">Stored before.</param>
public sealed record EvaluationQuery(string? Jurisdiction = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, string? Estate = null,
    int Limit = 50, int Offset = 0);

/// <summary>
/// Where evaluations are kept (design section 9): written before a request is acknowledged, and surviving a crash.
/// SQLite on one machine (<see cref="SqliteEvaluationStore"/>); a shared database behind the same interface past one.
/// </summary>
public interface IEvaluationStore
{
    /// <summary>
    /// Stores a record and its report rendered in each format (format name to gzip-compressed UTF-8), durably: committed
    /// when the task completes.
    /// </summary>
    Task AddAsync(EvaluationRecord record, IReadOnlyDictionary<string, byte[]> gzippedReports, CancellationToken cancellationToken);

    /// <summary>The record with <paramref name="id"/>, or null.</summary>
    Task<EvaluationRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The stored report of <paramref name="id"/> in <paramref name="format"/>, gzip-compressed UTF-8, or null.</summary>
    Task<byte[]?> GetGzippedReportAsync(string id, string format, CancellationToken cancellationToken);

    /// <summary>Records matching <paramref name="query"/>, newest first, and how many match in all.</summary>
    Task<(IReadOnlyList<EvaluationRecord> Page, int Total)> ListAsync(EvaluationQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes records stored before <paramref name="before"/> and all but the newest <paramref name="keep"/> (each
    /// when given); returns how many were deleted.
    /// </summary>
    Task<int> PruneAsync(DateTimeOffset? before, int? keep, CancellationToken cancellationToken);

    /// <summary>True when a write would succeed now (readiness).</summary>
    Task<bool> IsWritableAsync(CancellationToken cancellationToken);
}
