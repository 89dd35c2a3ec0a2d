using System.Collections.Immutable;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.Data.Sqlite;

namespace ComplianceEngine.Hosting.History;

/// <summary>
/// History in a SQLite file (WAL journal, full sync): a record is committed before <see cref="AddAsync"/> returns, so
/// an acknowledged evaluation survives the process being killed. Reports are kept gzip-compressed in every format.
/// </summary>
public sealed class SqliteEvaluationStore : IEvaluationStore
{
    /// <summary>The database file's name in the data folder.</summary>
    public const string FileName = "history.db";

    private readonly string _connectionString;

    /// <summary>Opens (creating when needed) the database in <paramref name="dataDirectory"/>.</summary>
    public SqliteEvaluationStore(string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, FileName),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS evaluations (
                id TEXT PRIMARY KEY,
                stored_at TEXT NOT NULL,
                as_of TEXT NOT NULL,
                who TEXT NOT NULL,
                input_hash TEXT NOT NULL,
                rule_set_version TEXT NOT NULL,
                estate TEXT NULL,
                jurisdictions TEXT NOT NULL,
                gate_failed INTEGER NOT NULL,
                failing_findings INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS evaluations_stored_at ON evaluations (stored_at DESC);
            CREATE TABLE IF NOT EXISTS reports (
                id TEXT NOT NULL REFERENCES evaluations (id),
                format TEXT NOT NULL,
                body BLOB NOT NULL,
                PRIMARY KEY (id, format));
            """);
    }

    /// <inheritdoc />
    public async Task AddAsync(EvaluationRecord record, IReadOnlyDictionary<string, byte[]> gzippedReports, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(gzippedReports);
        var compressed = gzippedReports;
        await using var connection = Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO evaluations (id, stored_at, as_of, who, input_hash, rule_set_version, estate, jurisdictions, gate_failed, failing_findings)
                VALUES ($id, $storedAt, $asOf, $who, $inputHash, $version, $estate, $jurisdictions, $failed, $failing);
                """;
            insert.Parameters.AddWithValue("$id", record.Id);
            insert.Parameters.AddWithValue("$storedAt", Stamp(record.StoredAt));
            insert.Parameters.AddWithValue("$asOf", record.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            insert.Parameters.AddWithValue("$who", record.Who);
            insert.Parameters.AddWithValue("$inputHash", record.InputHash);
            insert.Parameters.AddWithValue("$version", record.RuleSetVersion);
            insert.Parameters.AddWithValue("$estate", (object?)record.Estate ?? DBNull.Value);
            // ",EU,GB," so a jurisdiction filter is one LIKE on whole codes.
            insert.Parameters.AddWithValue("$jurisdictions", "," + string.Join(",", record.Jurisdictions) + ",");
            insert.Parameters.AddWithValue("$failed", record.GateFailed ? 1 : 0);
            insert.Parameters.AddWithValue("$failing", record.FailingFindings);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        foreach (var (format, body) in compressed)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO reports (id, format, body) VALUES ($id, $format, $body);";
            insert.Parameters.AddWithValue("$id", record.Id);
            insert.Parameters.AddWithValue("$format", format);
            insert.Parameters.AddWithValue("$body", body);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<EvaluationRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var select = connection.CreateCommand();
        select.CommandText = $"SELECT {Columns} FROM evaluations WHERE id = $id;";
        select.Parameters.AddWithValue("$id", id);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetGzippedReportAsync(string id, string format, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT body FROM reports WHERE id = $id AND format = $format;";
        select.Parameters.AddWithValue("$id", id);
        select.Parameters.AddWithValue("$format", format);
        var body = await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return body as byte[];
    }

    /// <inheritdoc />
    public async Task<(IReadOnlyList<EvaluationRecord> Page, int Total)> ListAsync(EvaluationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = Open();
        var where = new List<string>();
        await using var count = connection.CreateCommand();
        await using var select = connection.CreateCommand();
        void Filter(string clause, string name, object value)
        {
            where.Add(clause);
            count.Parameters.AddWithValue(name, value);
            select.Parameters.AddWithValue(name, value);
        }
        if (query.Jurisdiction is { } j) Filter("jurisdictions LIKE $j ESCAPE '\\'", "$j", "%," + Escape(j) + ",%");
        if (query.Since is { } since) Filter("stored_at >= $since", "$since", Stamp(since));
        if (query.Until is { } until) Filter("stored_at < $until", "$until", Stamp(until));
        if (query.Estate is { } estate) Filter("estate = $estate", "$estate", estate);
        var clause = where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where);
        count.CommandText = $"SELECT COUNT(*) FROM evaluations{clause};";
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        select.CommandText = $"SELECT {Columns} FROM evaluations{clause} ORDER BY stored_at DESC, id DESC LIMIT $limit OFFSET $offset;";
        select.Parameters.AddWithValue("$limit", query.Limit);
        select.Parameters.AddWithValue("$offset", query.Offset);
        var page = new List<EvaluationRecord>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) page.Add(Read(reader));
        return (page, total);
    }

    /// <inheritdoc />
    public async Task<int> PruneAsync(DateTimeOffset? before, int? keep, CancellationToken cancellationToken)
    {
        var where = new List<string>();
        if (before is not null) where.Add("stored_at < $before");
        if (keep is not null) where.Add("id NOT IN (SELECT id FROM evaluations ORDER BY stored_at DESC, id DESC LIMIT $keep)");
        if (where.Count == 0) return 0;
        var clause = string.Join(" OR ", where);
        await using var connection = Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = $"""
            CREATE TEMP TABLE IF NOT EXISTS doomed (id TEXT PRIMARY KEY);
            DELETE FROM doomed;
            INSERT INTO doomed SELECT id FROM evaluations WHERE {clause};
            DELETE FROM reports WHERE id IN (SELECT id FROM doomed);
            DELETE FROM evaluations WHERE id IN (SELECT id FROM doomed);
            SELECT COUNT(*) FROM doomed;
            """;
        if (before is { } b) delete.Parameters.AddWithValue("$before", Stamp(b));
        if (keep is { } k) delete.Parameters.AddWithValue("$keep", k);
        var deleted = Convert.ToInt32(await delete.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <inheritdoc />
    public async Task<bool> IsWritableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = Open();
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var probe = connection.CreateCommand();
            probe.Transaction = transaction;
            probe.CommandText = "CREATE TEMP TABLE IF NOT EXISTS ready_probe (x INTEGER); INSERT INTO evaluations SELECT * FROM evaluations WHERE 0;";
            await probe.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private const string Columns = "id, stored_at, as_of, who, input_hash, rule_set_version, estate, jurisdictions, gate_failed, failing_findings";

    private static EvaluationRecord Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
        DateOnly.ParseExact(reader.GetString(2), "yyyy-MM-dd", CultureInfo.InvariantCulture),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        [.. reader.GetString(7).Split(',', StringSplitOptions.RemoveEmptyEntries)],
        reader.GetInt32(8) != 0,
        reader.GetInt32(9));

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // Fixed width, so text order is time order.
    private static string Stamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
        .Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Compresses <paramref name="text"/> as the store keeps reports.</summary>
    public static byte[] Compress(string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(Encoding.UTF8.GetBytes(text));
        return buffer.ToArray();
    }

    /// <summary>The text of a compressed report.</summary>
    public static string Decompress(byte[] bytes)
    {
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
