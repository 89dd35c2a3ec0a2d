using ComplianceEngine.Hosting.History;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Hosting.Tests.History;

/// <summary>
/// What every <see cref="IEvaluationStore"/> does, run against each store by a subclass that says how to open one
/// (<see cref="SqliteEvaluationStoreTests"/>, <see cref="PostgresEvaluationStoreTests"/>).
/// </summary>
public abstract class EvaluationStoreContract : IDisposable
{
    private static readonly DateOnly AsOf = new(2026, 1, 26);
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 30, 15, TimeSpan.Zero);

    /// <summary>Opens the store under test: the same storage each call (a second call is the store after a restart).</summary>
    protected abstract IEvaluationStore Open();

    /// <summary>Says why the test cannot run here (skips it), or nothing.</summary>
    protected virtual void SkipUnlessAvailable()
    {
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    private IEvaluationStore Store()
    {
        SkipUnlessAvailable();
        return Open();
    }

    private static EvaluationRecord Record(int i, string[]? jurisdictions = null, string? estate = null, DateTimeOffset? at = null) =>
        new($"id{i:D2}", at ?? T0.AddDays(i), AsOf.AddDays(i), $"key{i}", $"sha256:in{i}", "sha256:rules", estate, [.. jurisdictions ?? ["EU"]], i % 2 == 0, i);

    private static Dictionary<string, byte[]> Reports(int i) => new(StringComparer.Ordinal)
    {
        ["json"] = SqliteEvaluationStore.Compress($"{{\"n\": {i}}}"),
        ["text"] = SqliteEvaluationStore.Compress($"report {i}"),
    };

    private static async Task<IEvaluationStore> Filled(IEvaluationStore store, int count)
    {
        for (var i = 0; i < count; i++)
            await store.AddAsync(Record(i, i < 3 ? ["EU", "GB"] : ["E_"], i % 2 == 0 ? "prod" : null), Reports(i), CancellationToken.None);
        return store;
    }

    private static void AssertSameRecord(EvaluationRecord expected, EvaluationRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Jurisdictions = [] }, actual with { Jurisdictions = [] });
        Assert.Equal(expected.Jurisdictions.ToArray(), actual.Jurisdictions.ToArray());
    }

    private static async Task<string[]> Ids(IEvaluationStore store, EvaluationQuery query) =>
        [.. (await store.ListAsync(query, CancellationToken.None)).Page.Select(r => r.Id)];

    [SkippableFact]
    public async Task Add_ThenGet_ReturnsEveryFieldAndEachFormat()
    {
        var store = Store();
        var record = Record(7, ["CN", "EU"], "prod", T0.AddTicks(1234560)) with { Who = "ünïcode 'quoted'" };
        await store.AddAsync(record, Reports(7), CancellationToken.None);

        AssertSameRecord(record, await store.GetAsync("id07", CancellationToken.None));
        Assert.Equal("report 7", SqliteEvaluationStore.Decompress((await store.GetGzippedReportAsync("id07", "text", CancellationToken.None))!));
        Assert.Equal("{\"n\": 7}", SqliteEvaluationStore.Decompress((await store.GetGzippedReportAsync("id07", "json", CancellationToken.None))!));
    }

    [SkippableFact]
    public async Task Get_UnknownIdOrFormat_IsNull()
    {
        var store = await Filled(Store(), 1);
        Assert.Null(await store.GetAsync("nope", CancellationToken.None));
        Assert.Null(await store.GetGzippedReportAsync("nope", "json", CancellationToken.None));
        Assert.Null(await store.GetGzippedReportAsync("id00", "sarif", CancellationToken.None));
    }

    [SkippableFact]
    public async Task Add_IsDurable_ReadByAStoreOpenedAfterwards()
    {
        var record = Record(3, estate: "prod");
        await Store().AddAsync(record, Reports(3), CancellationToken.None);
        var reopened = Open();
        AssertSameRecord(record, await reopened.GetAsync("id03", CancellationToken.None));
        Assert.Equal("report 3", SqliteEvaluationStore.Decompress((await reopened.GetGzippedReportAsync("id03", "text", CancellationToken.None))!));
    }

    [SkippableFact]
    public async Task Add_SameIdTwice_Fails_AndKeepsTheFirst()
    {
        var store = await Filled(Store(), 1);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => store.AddAsync(Record(0) with { Who = "second" }, Reports(9), CancellationToken.None));
        Assert.Equal("key0", (await store.GetAsync("id00", CancellationToken.None))!.Who);
        Assert.Equal("report 0", SqliteEvaluationStore.Decompress((await store.GetGzippedReportAsync("id00", "text", CancellationToken.None))!));
    }

    [SkippableFact]
    public async Task List_NewestFirst_PagedWithTotal()
    {
        var store = await Filled(Store(), 5);
        var (page, total) = await store.ListAsync(new EvaluationQuery(Limit: 2, Offset: 1), CancellationToken.None);
        Assert.Equal(5, total);
        Assert.Equal(["id03", "id02"], page.Select(r => r.Id));
        Assert.Equal(["id00"], await Ids(store, new EvaluationQuery(Limit: 2, Offset: 4)));
        Assert.Empty(await Ids(store, new EvaluationQuery(Offset: 5)));
    }

    [SkippableFact]
    public async Task List_SameTime_OrderedByIdDescending()
    {
        var store = Store();
        foreach (var i in new[] { 2, 0, 1 }) await store.AddAsync(Record(i, at: T0), Reports(i), CancellationToken.None);
        Assert.Equal(["id02", "id01", "id00"], await Ids(store, new EvaluationQuery()));
    }

    [SkippableFact]
    public async Task List_ByJurisdiction_MatchesWholeCodesOnly()
    {
        var store = await Filled(Store(), 5);
        Assert.Equal(["id02", "id01", "id00"], await Ids(store, new EvaluationQuery(Jurisdiction: "EU")));
        Assert.Equal(3, (await store.ListAsync(new EvaluationQuery(Jurisdiction: "GB"), CancellationToken.None)).Total);
        Assert.Empty(await Ids(store, new EvaluationQuery(Jurisdiction: "E"))); // no prefix match
        Assert.Empty(await Ids(store, new EvaluationQuery(Jurisdiction: "E%"))); // '%' and '_' are not wildcards
        Assert.Empty(await Ids(store, new EvaluationQuery(Jurisdiction: "_U")));
        Assert.Equal(["id04", "id03"], await Ids(store, new EvaluationQuery(Jurisdiction: "E_"))); // a code holding '_' matches itself
    }

    [SkippableFact]
    public async Task List_ByTimeWindowAndEstate_Combined()
    {
        var store = await Filled(Store(), 5);
        Assert.Equal(["id02", "id01"], await Ids(store, new EvaluationQuery(Since: T0.AddDays(1), Until: T0.AddDays(3)))); // since inclusive, until exclusive
        Assert.Equal(["id04", "id02", "id00"], await Ids(store, new EvaluationQuery(Estate: "prod")));
        var (page, total) = await store.ListAsync(new EvaluationQuery("EU", T0.AddDays(1), null, "prod"), CancellationToken.None);
        Assert.Equal(1, total);
        Assert.Equal("id02", Assert.Single(page).Id);
        Assert.Empty(await Ids(store, new EvaluationQuery(Estate: "staging")));
    }

    [SkippableFact]
    public async Task List_Since_ComparesInstantsAcrossOffsets()
    {
        var store = await Filled(Store(), 3);
        var sameInstant = T0.AddDays(1).ToOffset(TimeSpan.FromHours(-5));
        Assert.Equal(["id02", "id01"], await Ids(store, new EvaluationQuery(Since: sameInstant)));
    }

    [SkippableFact]
    public async Task Prune_ByAgeAndCount_DeletesRecordsWithTheirReports()
    {
        var store = await Filled(Store(), 5);
        Assert.Equal(1, await store.PruneAsync(T0.AddDays(1), null, CancellationToken.None)); // id00 is older
        Assert.Equal(2, await store.PruneAsync(null, 2, CancellationToken.None)); // keeps id04, id03
        Assert.Equal(["id04", "id03"], await Ids(store, new EvaluationQuery()));
        Assert.Null(await store.GetAsync("id02", CancellationToken.None));
        Assert.Null(await store.GetGzippedReportAsync("id02", "json", CancellationToken.None));
        Assert.NotNull(await store.GetGzippedReportAsync("id04", "json", CancellationToken.None));
        Assert.Equal(0, await store.PruneAsync(null, null, CancellationToken.None));
    }

    [SkippableFact]
    public async Task Prune_AgeOrCount_EitherCondition()
    {
        var store = await Filled(Store(), 5);
        Assert.Equal(3, await store.PruneAsync(T0.AddDays(1), 2, CancellationToken.None)); // id00 by age; id02, id01 by count
        Assert.Equal(["id04", "id03"], await Ids(store, new EvaluationQuery()));
        // Re-adding a pruned id works: nothing of it was left behind.
        await store.AddAsync(Record(1), Reports(1), CancellationToken.None);
        Assert.Equal("report 1", SqliteEvaluationStore.Decompress((await store.GetGzippedReportAsync("id01", "text", CancellationToken.None))!));
    }

    [SkippableFact]
    public async Task Add_Concurrently_StoresEvery()
    {
        var store = Store();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => store.AddAsync(Record(i), Reports(i), CancellationToken.None))));
        Assert.Equal(16, (await store.ListAsync(new EvaluationQuery(), CancellationToken.None)).Total);
    }

    [SkippableFact]
    public async Task IsWritable_OnAWorkingStore()
    {
        Assert.True(await Store().IsWritableAsync(CancellationToken.None));
    }
}

/// <summary>The contract on SQLite, in a fresh folder per test.</summary>
public sealed class SqliteEvaluationStoreTests : EvaluationStoreContract
{
    private readonly TempDir _dir = new();

    protected override IEvaluationStore Open() => new SqliteEvaluationStore(_dir.Path);

    public override void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
        base.Dispose();
    }
}
