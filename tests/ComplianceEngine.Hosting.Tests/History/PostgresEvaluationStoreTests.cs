using ComplianceEngine.Hosting.History;
using ComplianceEngine.Tests;
using Npgsql;

namespace ComplianceEngine.Hosting.Tests.History;

/// <summary>
/// The contract on a real PostgreSQL, each test in a schema of its own (dropped afterwards). The server is the one
/// named by <see cref="Postgres.Variable"/> (<c>bash .ci/run</c> starts a throwaway one when PostgreSQL is installed);
/// without it these tests report themselves as skipped, with the reason.
/// </summary>
public sealed class PostgresEvaluationStoreTests : EvaluationStoreContract
{
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");
    private readonly List<PostgresEvaluationStore> _opened = [];
    private bool _created;

    protected override void SkipUnlessAvailable() => Postgres.SkipUnlessAvailable();

    protected override IEvaluationStore Open()
    {
        if (!_created)
        {
            Postgres.Execute($"CREATE SCHEMA {_schema}");
            _created = true;
        }
        var store = new PostgresEvaluationStore(Postgres.ConnectionString(_schema));
        _opened.Add(store);
        return store;
    }

    public override void Dispose()
    {
        foreach (var store in _opened) store.Dispose();
        if (_created) Postgres.Execute($"DROP SCHEMA {_schema} CASCADE");
        base.Dispose();
    }

    [SkippableFact]
    public void Open_TwoStoresAtOnce_CreateTheTablesOnce()
    {
        Postgres.SkipUnlessAvailable();
        Postgres.Execute($"CREATE SCHEMA {_schema}");
        _created = true;
        var stores = Enumerable.Range(0, 4).AsParallel().Select(_ => new PostgresEvaluationStore(Postgres.ConnectionString(_schema))).ToList();
        _opened.AddRange(stores);
        Assert.All(stores, s => Assert.True(s.IsWritableAsync(CancellationToken.None).GetAwaiter().GetResult()));
    }

    [SkippableFact]
    public async Task IsWritable_ReadOnlyRole_IsFalse()
    {
        Postgres.SkipUnlessAvailable();
        var store = Open();
        Assert.True(await store.IsWritableAsync(CancellationToken.None));
        var reader = "r_" + _schema;
        Postgres.Execute($"CREATE ROLE {reader} LOGIN; GRANT USAGE ON SCHEMA {_schema} TO {reader}; GRANT SELECT ON ALL TABLES IN SCHEMA {_schema} TO {reader}");
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(Postgres.ConnectionString(_schema)) { Username = reader, Pooling = false };
            // Opening succeeds (the tables exist, so it creates nothing), writing does not.
            using var readOnly = new PostgresEvaluationStore(builder.ConnectionString);
            Assert.False(await readOnly.IsWritableAsync(CancellationToken.None));
        }
        finally
        {
            Postgres.Execute($"DROP OWNED BY {reader}; DROP ROLE {reader}");
        }
    }

    [Fact]
    public void Open_MalformedConnectionString_SaysSo()
    {
        var ex = Assert.Throws<HistoryStoreException>(() => new PostgresEvaluationStore("Host=localhost;Bogus Keyword=1"));
        Assert.Contains("connection string is invalid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_UnreachableServer_SaysSo()
    {
        using var nowhere = new TempDir();
        var ex = Assert.Throws<HistoryStoreException>(() => new PostgresEvaluationStore($"Host={nowhere.Path};Username=x;Timeout=3;Pooling=false"));
        Assert.Contains("not usable", ex.Message, StringComparison.Ordinal);
    }
}

/// <summary>The PostgreSQL server the tests may use.</summary>
internal static class Postgres
{
    /// <summary>The environment variable holding an Npgsql connection string to a database the tests may create schemas in.</summary>
    public const string Variable = "COMPLIANCE_TEST_POSTGRES";

    public static string? Configured => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } text ? text : null;

    public static void SkipUnlessAvailable() =>
        Skip.If(Configured is null, $"PostgreSQL not available: {Variable} is not set (bash .ci/run sets it when PostgreSQL is installed)");

    /// <summary>The configured connection with <paramref name="schema"/> first on the search path.</summary>
    public static string ConnectionString(string schema) =>
        new NpgsqlConnectionStringBuilder(Configured) { SearchPath = schema }.ConnectionString;

    public static void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(Configured);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
