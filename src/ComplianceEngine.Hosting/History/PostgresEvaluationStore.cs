using Npgsql;
using NpgsqlTypes;

namespace ComplianceEngine.Hosting.History;

/// <summary>
/// History in PostgreSQL, for replicas that share one history (design section 9, "past one machine"). Behaves as
/// <see cref="SqliteEvaluationStore"/>: a record and its reports are committed in one transaction before
/// <see cref="AddAsync"/> returns. Tables are created in the first schema of the connection's search path when missing
/// (under an advisory lock, so replicas starting together do not race).
/// </summary>
public sealed class PostgresEvaluationStore : IEvaluationStore, IDisposable
{
    // Any fixed number: the advisory lock that serializes schema creation across replicas.
    private const long SchemaLockKey = 0x436f6d706c69616e;

    private const string Columns = "id, stored_at, as_of, who, input_hash, rule_set_version, estate, jurisdictions, gate_failed, failing_findings";

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>
    /// Connects with <paramref name="connectionString"/> and creates the tables when missing.
    /// </summary>
    /// <exception cref="HistoryStoreException">The connection string is invalid, or the database cannot be reached or
    /// its tables created.</exception>
    public PostgresEvaluationStore(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        try
        {
            _dataSource = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException ex)
        {
            throw new HistoryStoreException($"the PostgreSQL connection string is invalid: {ex.Message}", ex);
        }
        try
        {
            using var connection = _dataSource.OpenConnection();
            // Tables made beforehand (by an administrator, for a role that may only read and write rows) are used as they are.
            using (var exists = new NpgsqlCommand("SELECT to_regclass('evaluations') IS NOT NULL AND to_regclass('reports') IS NOT NULL", connection))
            {
                if ((bool)exists.ExecuteScalar()!) return;
            }
            using var transaction = connection.BeginTransaction();
            using var command = new NpgsqlCommand($"""
                SELECT pg_advisory_xact_lock({SchemaLockKey});
                CREATE TABLE IF NOT EXISTS evaluations (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    stored_at TIMESTAMPTZ NOT NULL,
                    as_of DATE NOT NULL,
                    who TEXT NOT NULL,
                    input_hash TEXT NOT NULL,
                    rule_set_version TEXT NOT NULL,
                    estate TEXT NULL,
                    jurisdictions TEXT[] NOT NULL,
                    gate_failed BOOLEAN NOT NULL,
                    failing_findings INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS evaluations_stored_at ON evaluations (stored_at DESC, id DESC);
                CREATE TABLE IF NOT EXISTS reports (
                    id TEXT COLLATE "C" NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
                    format TEXT NOT NULL,
                    body BYTEA NOT NULL,
                    PRIMARY KEY (id, format));
                """, connection, transaction);
            command.ExecuteNonQuery();
            transaction.Commit();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            _dataSource.Dispose();
            throw new HistoryStoreException($"PostgreSQL history is not usable: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public async Task AddAsync(EvaluationRecord record, IReadOnlyDictionary<string, byte[]> gzippedReports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(gzippedReports);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch.ConfigureAwait(false))
        {
            var insert = new NpgsqlBatchCommand($"INSERT INTO evaluations ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.Id });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = record.StoredAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = record.AsOf });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.Who });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.InputHash });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.RuleSetVersion });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)record.Estate ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. record.Jurisdictions] });
            insert.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = record.GateFailed });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = record.FailingFindings });
            batch.BatchCommands.Add(insert);
            foreach (var (format, body) in gzippedReports)
            {
                var report = new NpgsqlBatchCommand("INSERT INTO reports (id, format, body) VALUES ($1, $2, $3)");
                report.Parameters.Add(new NpgsqlParameter<string> { TypedValue = record.Id });
                report.Parameters.Add(new NpgsqlParameter<string> { TypedValue = format });
                report.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = body });
                batch.BatchCommands.Add(report);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<EvaluationRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var select = _dataSource.CreateCommand($"SELECT {Columns} FROM evaluations WHERE id = $1");
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetGzippedReportAsync(string id, string format, CancellationToken cancellationToken)
    {
        await using var select = _dataSource.CreateCommand("SELECT body FROM reports WHERE id = $1 AND format = $2");
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = format });
        return await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    /// <inheritdoc />
    public async Task<(IReadOnlyList<EvaluationRecord> Page, int Total)> ListAsync(EvaluationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new List<string>();
        var parameters = new List<NpgsqlParameter>();
        void Filter(string clause, NpgsqlParameter parameter)
        {
            parameters.Add(parameter);
            where.Add(clause.Replace("@", "$" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }
        if (query.Jurisdiction is { } j) Filter("@ = ANY (jurisdictions)", new NpgsqlParameter<string> { TypedValue = j });
        if (query.Since is { } since) Filter("stored_at >= @", new NpgsqlParameter<DateTime> { TypedValue = since.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        if (query.Until is { } until) Filter("stored_at < @", new NpgsqlParameter<DateTime> { TypedValue = until.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        if (query.Estate is { } estate) Filter("estate = @", new NpgsqlParameter<string> { TypedValue = estate });
        var clause = where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where);
        var limit = $"${parameters.Count + 1}";
        var offset = $"${parameters.Count + 2}";
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for the count and the page.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM evaluations{clause}", connection, transaction);
        foreach (var p in parameters) count.Parameters.Add(p.Clone());
        var total = (int)(long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await using var select = new NpgsqlCommand($"SELECT {Columns} FROM evaluations{clause} ORDER BY stored_at DESC, id DESC LIMIT {limit} OFFSET {offset}",
            connection, transaction);
        foreach (var p in parameters) select.Parameters.Add(p.Clone());
        select.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Limit });
        select.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Offset });
        var page = new List<EvaluationRecord>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) page.Add(Read(reader));
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (page, total);
    }

    /// <inheritdoc />
    public async Task<int> PruneAsync(DateTimeOffset? before, int? keep, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        var parameters = new List<NpgsqlParameter>();
        if (before is { } b)
        {
            parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = b.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            where.Add($"stored_at < ${parameters.Count}");
        }
        if (keep is { } k)
        {
            parameters.Add(new NpgsqlParameter<int> { TypedValue = k });
            where.Add($"id NOT IN (SELECT id FROM evaluations ORDER BY stored_at DESC, id DESC LIMIT ${parameters.Count})");
        }
        if (where.Count == 0) return 0;
        // Reports go with their record (ON DELETE CASCADE); one statement, one transaction.
        await using var delete = _dataSource.CreateCommand($"DELETE FROM evaluations WHERE {string.Join(" OR ", where)}");
        foreach (var p in parameters) delete.Parameters.Add(p);
        return await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> IsWritableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var probe = new NpgsqlCommand("INSERT INTO evaluations SELECT * FROM evaluations WHERE false", connection, transaction);
            await probe.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _dataSource.Dispose();

    private static EvaluationRecord Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc)),
        reader.GetFieldValue<DateOnly>(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        [.. reader.GetFieldValue<string[]>(7)],
        reader.GetBoolean(8),
        reader.GetInt32(9));
}

/// <summary>The configured history store cannot be used (bad settings, database unreachable): the server does not start.</summary>
public sealed class HistoryStoreException(string message, Exception? inner = null) : Exception(message, inner);
