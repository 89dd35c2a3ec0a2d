using System.Net;
using System.Text.Json;
using ComplianceEngine.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Host.Tests;

/// <summary>Hot reload of rules (good and broken) and watched estates, over the real host and real file watchers.</summary>
public sealed class ReloadAndWatchTests : IDisposable
{
    private readonly TempDir _work = new();

    public void Dispose() => _work.Dispose();

    private static Uri U(string url) => new(url, UriKind.Relative);

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static async Task<JsonElement> Status(HttpClient client)
    {
        using var doc = JsonDocument.Parse(await client.GetStringAsync(U("/v1/rules/status")));
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task Rules_ChangedFileIsSwappedIn_BrokenFileKeepsLastGoodSet()
    {
        var rules = Path.Combine(_work.Path, "rules");
        Copy(Repo.Path("rules"), rules);
        using var factory = new HostFactory(new() { ["ComplianceEngine:Serve:Rules:0"] = rules });
        using var client = factory.CreateClient();
        var first = (await Status(client)).GetProperty("version").GetString();

        var pack = Path.Combine(rules, "eu-gdpr", "rules.yaml");
        await File.AppendAllTextAsync(pack, "\n# reviewed\n");
        await HostFactory.Eventually(async () => (await Status(client)).GetProperty("version").GetString() != first, "the changed rules to be served");
        var second = (await Status(client)).GetProperty("version").GetString();

        await File.WriteAllTextAsync(Path.Combine(rules, "eu-gdpr", "zz-broken.yaml"), "apiVersion: compliance/v1\nkind: RulePack\nmetadata: [\n");
        await HostFactory.Eventually(async () => (await Status(client)).GetProperty("lastAttemptResult").GetString() == "failed", "the broken reload to be reported");
        var status = await Status(client);
        Assert.Equal(second, status.GetProperty("version").GetString());
        var diagnostics = status.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetString()!).ToList();
        Assert.Contains(diagnostics, d => d.Contains("CE8003", StringComparison.Ordinal) && d.Contains(second!, StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Contains("zz-broken.yaml", StringComparison.Ordinal) && d.Contains("CE1010", StringComparison.Ordinal));

        // Still serving: evaluations work, on the last good set.
        using var evaluated = await client.PostAsync(U("/v1/evaluations?asOf=2026-11-25"), HostFactory.Yaml(HostFactory.ExampleEstate()));
        Assert.Equal(HttpStatusCode.Created, evaluated.StatusCode);
        Assert.Equal(second, evaluated.Headers.GetValues("X-Compliance-RuleSet").Single());

        File.Delete(Path.Combine(rules, "eu-gdpr", "zz-broken.yaml"));
        await HostFactory.Eventually(async () => (await Status(client)).GetProperty("lastAttemptResult").GetString() == "ok", "the fixed rules to load");
    }

    [Fact]
    public async Task WatchedEstate_EditedFile_ReportReEvaluated()
    {
        var estate = Path.Combine(_work.Path, "shop");
        Copy(Repo.Path("examples", "estate"), estate);
        using var factory = new HostFactory(new() { ["ComplianceEngine:Serve:Watch:0"] = estate });
        using var client = factory.CreateClient();

        using var before = await client.GetAsync(U("/v1/estates/shop/report"));
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal("fail", before.Headers.GetValues("X-Compliance-Result").Single());
        var revision = before.Headers.GetValues("X-Compliance-Revision").Single();
        var findings = JsonDocument.Parse(await before.Content.ReadAsStringAsync()).RootElement.GetProperty("findings").GetArrayLength();

        File.Delete(Path.Combine(estate, "flows.yaml"));
        HttpResponseMessage? after = null;
        await HostFactory.Eventually(async () =>
        {
            after?.Dispose();
            after = await client.GetAsync(U("/v1/estates/shop/report"));
            return after.Headers.GetValues("X-Compliance-Revision").Single() != revision;
        }, "the edited estate to be re-evaluated");
        using (after)
        {
            Assert.NotEqual(findings, JsonDocument.Parse(await after!.Content.ReadAsStringAsync()).RootElement.GetProperty("findings").GetArrayLength());
        }

        // Every evaluation of the watched estate is in history.
        using var history = JsonDocument.Parse(await client.GetStringAsync(U("/v1/reports?estate=shop")));
        Assert.True(history.RootElement.GetProperty("total").GetInt32() >= 2);
        Assert.Equal("watch:shop", history.RootElement.GetProperty("reports")[0].GetProperty("who").GetString());

        // A broken file: the estate reports why instead of a stale pass.
        await File.WriteAllTextAsync(Path.Combine(estate, "broken.yaml"), "a: [\n");
        await HostFactory.Eventually(async () =>
        {
            using var r = await client.GetAsync(U("/v1/estates/shop/report"));
            return r.StatusCode == HttpStatusCode.UnprocessableEntity && (await r.Content.ReadAsStringAsync()).Contains("CE1010", StringComparison.Ordinal);
        }, "the broken estate to be reported");

        using var unknown = await client.GetAsync(U("/v1/estates/shoq/report"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("did you mean 'shop'", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
    [Fact]
    public async Task WatchedEstate_EditedFile_OnlyThatFileReread_ReportEqualsAFullEvaluation()
    {
        var estate = Path.Combine(_work.Path, "shop");
        Copy(Repo.Path("examples", "estate"), estate);
        using var factory = new HostFactory(new() { ["ComplianceEngine:Serve:Watch:0"] = estate });
        using var client = factory.CreateClient();
        using var before = await client.GetAsync(U("/v1/estates/shop/report"));
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var revision = before.Headers.GetValues("X-Compliance-Revision").Single();
        var first = await before.Content.ReadAsStringAsync();
        var watcher = factory.Services.GetRequiredService<Server.Estates.EstateWatcher>();
        Assert.Equal(5, watcher.Get("shop")!.FilesRead);

        // A cluster moves from Frankfurt to Virginia: its stores' data now rests in the US.
        var clusters = Path.Combine(estate, "clusters.yaml");
        await File.WriteAllTextAsync(clusters, (await File.ReadAllTextAsync(clusters)).Replace("region: eu-central-1", "region: us-east-1", StringComparison.Ordinal));
        var changed = System.Diagnostics.Stopwatch.StartNew();
        HttpResponseMessage? after = null;
        await HostFactory.Eventually(async () =>
        {
            after?.Dispose();
            after = await client.GetAsync(U("/v1/estates/shop/report"));
            return after.Headers.GetValues("X-Compliance-Revision").Single() != revision;
        }, "the edited estate to be re-evaluated");
        var served = changed.Elapsed;
        using (after)
        {
            var body = await after!.Content.ReadAsStringAsync();
            Assert.NotEqual(first, body);
            var state = watcher.Get("shop")!;
            Assert.Equal(1, state.FilesRead);
            Assert.NotNull(state.Update);
            Assert.False(state.Update.Restarted);
            Assert.True(state.Update.Unchanged > 0, state.Update.ToString());

            // The same bytes as a full evaluation of the folder, read from scratch, at the same time.
            var rules = factory.Services.GetRequiredService<Server.Rules.RuleSetHost>().Current!;
            var full = factory.Services.GetRequiredService<Hosting.ComplianceService>().Check(
                new Hosting.CheckRequest([estate], [], DateOnly.FromDateTime(state.EvaluatedAt.UtcDateTime), state.EvaluatedAt) { Prepared = rules.Default });
            Assert.NotNull(full.Report);
            Assert.Equal(factory.Services.GetRequiredService<Server.Serving.EvaluationRecorder>().Render(full.Report, "json"), body);
        }
        // Within a second of the change on a quiet machine; the bound here leaves room for a loaded test runner.
        Assert.True(served < TimeSpan.FromSeconds(5), $"served after {served}");
    }
    [Fact]
    public async Task WatchedEstate_FlowEditedInPlace_OnlyItsFactsDerived_ReportEqualsAFullEvaluation()
    {
        var estate = Path.Combine(_work.Path, "shop");
        Copy(Repo.Path("examples", "estate"), estate);
        using var factory = new HostFactory(new() { ["ComplianceEngine:Serve:Watch:0"] = estate });
        using var client = factory.CreateClient();
        using var before = await client.GetAsync(U("/v1/estates/shop/report"));
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var revision = before.Headers.GetValues("X-Compliance-Revision").Single();
        var watcher = factory.Services.GetRequiredService<Server.Estates.EstateWatcher>();

        // One flow names a further safeguard, Viet Nam's transfer impact dossier, which no rule on this flow's path reads (an
        // unknown mechanism would now be an error, CE2060): the file is read again (every flow in it is a new object), but
        // only that flow's transfer and the hops along it are derived again.
        var flows = Path.Combine(estate, "flows.yaml");
        var text = await File.ReadAllTextAsync(flows);
        var at = text.IndexOf("mechanisms: [scc]", StringComparison.Ordinal);
        Assert.True(at >= 0);
        await File.WriteAllTextAsync(flows, string.Concat(text.AsSpan(0, at), "mechanisms: [scc, tia-dossier]", text.AsSpan(at + "mechanisms: [scc]".Length)));
        HttpResponseMessage? after = null;
        await HostFactory.Eventually(async () =>
        {
            after?.Dispose();
            after = await client.GetAsync(U("/v1/estates/shop/report"));
            return after.Headers.GetValues("X-Compliance-Revision").Single() != revision;
        }, "the edited estate to be re-evaluated");
        using (after)
        {
            var body = await after!.Content.ReadAsStringAsync();
            var state = watcher.Get("shop")!;
            Assert.NotNull(state.Update);
            Assert.True(state.Update.Patched, state.Update.NotPatchedBecause);
            Assert.InRange(state.Update.Changed, 1, state.Update.Facts / 2);

            var rules = factory.Services.GetRequiredService<Server.Rules.RuleSetHost>().Current!;
            var full = factory.Services.GetRequiredService<Hosting.ComplianceService>().Check(
                new Hosting.CheckRequest([estate], [], DateOnly.FromDateTime(state.EvaluatedAt.UtcDateTime), state.EvaluatedAt) { Prepared = rules.Default });
            Assert.NotNull(full.Report);
            Assert.Equal(factory.Services.GetRequiredService<Server.Serving.EvaluationRecorder>().Render(full.Report, "json"), body);
        }
    }

    [Fact]
    public async Task WatchedEstate_RulesReloaded_NewSessionFromScratch_ReportEqualsAFullEvaluation()
    {
        var rules = Path.Combine(_work.Path, "rules");
        Copy(Repo.Path("rules"), rules);
        var estate = Path.Combine(_work.Path, "shop");
        Copy(Repo.Path("examples", "estate"), estate);
        using var factory = new HostFactory(new() { ["ComplianceEngine:Serve:Rules:0"] = rules, ["ComplianceEngine:Serve:Watch:0"] = estate });
        using var client = factory.CreateClient();
        var watcher = factory.Services.GetRequiredService<Server.Estates.EstateWatcher>();
        var host = factory.Services.GetRequiredService<Server.Rules.RuleSetHost>();
        await HostFactory.Eventually(() => Task.FromResult(watcher.Get("shop") is not null), "the watched estate to be evaluated");
        var first = watcher.Get("shop")!;
        var version = first.RuleSetVersion;

        // A rule file changes: the new set is a new engine, and the estate's session starts again under it.
        await File.AppendAllTextAsync(Path.Combine(rules, "eu-gdpr", "rules.yaml"), "\n# reviewed\n");
        await HostFactory.Eventually(() => Task.FromResult(watcher.Get("shop")!.RuleSetVersion != version), "the estate to be re-evaluated under the new rules");
        var state = watcher.Get("shop")!;
        Assert.NotNull(state.Update);
        Assert.True(state.Update.Restarted);
        Assert.Equal(state.Update.Facts, state.Update.Added);
        Assert.Equal(0, state.FilesRead);

        var full = factory.Services.GetRequiredService<Hosting.ComplianceService>().Check(
            new Hosting.CheckRequest([estate], [], DateOnly.FromDateTime(state.EvaluatedAt.UtcDateTime), state.EvaluatedAt) { Prepared = host.Current!.Default });
        var recorder = factory.Services.GetRequiredService<Server.Serving.EvaluationRecorder>();
        Assert.Equal(recorder.Render(full.Report!, "json"), recorder.Render(state.Report!, "json"));
    }
}
