using System.Net;
using System.Text.Json;
using ComplianceEngine.Hosting.History;
using ComplianceEngine.Server.Serving;
using ComplianceEngine.Tests;
using Npgsql;

namespace ComplianceEngine.Host.Tests;

/// <summary>
/// History in PostgreSQL selected by configuration (<c>ComplianceEngine:Serve:PostgreSql</c>), checked on start. The
/// end-to-end test needs a server (<c>COMPLIANCE_TEST_POSTGRES</c>, set by <c>bash .ci/run</c> when PostgreSQL is
/// installed) and reports itself as skipped without one.
/// </summary>
public sealed class PostgresHistoryTests
{
    private const string Variable = "COMPLIANCE_TEST_POSTGRES";

    private static Uri U(string url) => new(url, UriKind.Relative);

    private static async Task<(int Exit, string Err)> Serve(string connectionString)
    {
        using var data = new TempDir();
        using var error = new StringWriter();
        var exit = await ComplianceServer.RunAsync(["--urls", "http://127.0.0.1:0", "--ComplianceEngine:Serve:Data", data.Path,
            "--ComplianceEngine:Serve:PostgreSql", connectionString], error);
        return (exit, error.ToString());
    }

    [Fact]
    public async Task Serve_MalformedPostgreSqlSetting_Exit2WithCE8010_WithoutEchoingIt()
    {
        var (exit, err) = await Serve("Host=db;Password=hunter2;Nonsense Keyword=1");
        Assert.Equal(2, exit);
        Assert.Contains("CE8010: PostgreSql is not a valid connection string", err, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_UnreachablePostgreSql_Exit2WithCE8011()
    {
        using var nowhere = new TempDir();
        var (exit, err) = await Serve($"Host={nowhere.Path};Username=x;Timeout=3;Pooling=false");
        Assert.Equal(2, exit);
        Assert.Contains("CE8011: PostgreSQL history is not usable", err, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Evaluations_StoredInPostgreSql_ListedDiffedAndReady()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        Skip.If(string.IsNullOrEmpty(configured), $"PostgreSQL not available: {Variable} is not set (bash .ci/run sets it when PostgreSQL is installed)");
        var schema = "h_" + Guid.NewGuid().ToString("N");
        Execute(configured, $"CREATE SCHEMA {schema}");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(configured) { SearchPath = schema }.ConnectionString;
            using var factory = new HostFactory(new() { ["ComplianceEngine:Serve:PostgreSql"] = connection });
            using var client = factory.CreateClient();
            using var first = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25&estate=prod"), HostFactory.Yaml(HostFactory.ExampleEstate()));
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            var body = await first.Content.ReadAsStringAsync();
            Assert.Equal(body, await client.GetStringAsync(first.Headers.Location));
            using var second = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25"), HostFactory.Yaml(HostFactory.ExampleEstate()));
            var a = first.Headers.GetValues("X-Compliance-Report").Single();
            var b = second.Headers.GetValues("X-Compliance-Report").Single();

            using var list = JsonDocument.Parse(await client.GetStringAsync(U("/v1/reports?estate=prod&jurisdiction=EU")));
            Assert.Equal(a, Assert.Single(list.RootElement.GetProperty("reports").EnumerateArray()).GetProperty("id").GetString());
            using var diff = JsonDocument.Parse(await client.GetStringAsync(U($"/v1/reports/{b}/diff?against={a}")));
            Assert.Empty(diff.RootElement.GetProperty("new").EnumerateArray());
            Assert.NotEmpty(diff.RootElement.GetProperty("unchanged").EnumerateArray());
            using var ready = await client.GetAsync(U("/readyz"));
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

            // The rows are in PostgreSQL, and no SQLite file was made in the data folder.
            Assert.False(File.Exists(Path.Combine(factory.Data.Path, SqliteEvaluationStore.FileName)));
            using var count = new NpgsqlConnection(connection);
            count.Open();
            using var command = new NpgsqlCommand("SELECT COUNT(*) FROM evaluations", count);
            Assert.Equal(2L, command.ExecuteScalar());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Execute(configured, $"DROP SCHEMA {schema} CASCADE");
        }
    }

    private static void Execute(string? connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
