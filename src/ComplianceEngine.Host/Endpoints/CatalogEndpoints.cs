using System.Globalization;
using System.Text;
using ComplianceEngine.Server.Estates;
using ComplianceEngine.Server.Rules;
using ComplianceEngine.Server.Security;
using ComplianceEngine.Server.Serving;
using ComplianceEngine.Hosting;
using ComplianceEngine.Hosting.History;
using ComplianceEngine.Hosting.Keys;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Server.Endpoints;

/// <summary>The loaded rule set (<c>/v1/rules</c>, <c>/v1/packs</c>, <c>/v1/jurisdictions</c>, <c>/v1/rules/status</c>), watched estates, and operations.</summary>
public static class CatalogEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").RequireScope(ApiScope.Read).RejectUnknownQueryNames();
        api.MapGet("/rules", (RuleSetHost rules, HttpContext context) => Serving(rules, context, s =>
            TypedResults.Ok(s.Default.Engine.Rules.Rules.Select(r => new RuleInfo(r.Definition.Id, r.Definition.Jurisdiction, r.Definition.Title,
                r.Definition.Severity.ToName(), r.Definition.CitationText, Date(r.Definition.Effective.From), Date(r.Definition.Effective.Until),
                r.Definition.Confidence)))))
            .WithSummary("The rules serving (the default policy's packs)");
        api.MapGet("/packs", (RuleSetHost rules, HttpContext context) => Serving(rules, context, s =>
            TypedResults.Ok(s.Default.Packs.Select(p => new PackInfo(p.Name, p.Title, p.Jurisdiction, p.Rules.Length, p.Location.File)))))
            .WithSummary("The rule packs serving");
        api.MapGet("/jurisdictions", (RuleSetHost rules, HttpContext context, TimeProvider clock) => Serving(rules, context, s =>
            TypedResults.Ok(s.Default.Engine.AdequacyOn(ComplianceClock.Today(clock)).Select(r => new JurisdictionInfo(r.Regime.Code, r.Regime.Title, r.Regime.Law,
                [.. r.Regime.Countries], [.. r.InForce.Select(e => e.Country ?? e.Group ?? "")])))))
            .WithSummary("Regimes and the adequacy entries in force today");
        api.MapGet("/rules/status", (RuleSetHost rules) =>
        {
            var status = rules.Status;
            return TypedResults.Ok(new RuleStatus(status.Version, status.LoadedAt, status.LastAttempt, status.LastAttemptFailed ? "failed" : "ok", status.Reloads,
                status.Failures, rules.Current?.ByPolicy.Keys.ToList() ?? [], [.. status.Diagnostics.Select(d => d.ToString())]));
        }).WithSummary("The rule-set version serving and what the last reload found");
        api.MapGet("/estates", (EstateWatcher estates) => TypedResults.Ok(estates.Names.Order(StringComparer.Ordinal).Select(n => new
        {
            name = n, href = $"/v1/estates/{n}/report", evaluatedAt = estates.Get(n)?.EvaluatedAt, revision = estates.Get(n)?.Revision,
        }))).WithSummary("The watched estates");
        api.MapGet("/estates/{name}/report", (string name, string? format, EstateWatcher estates, EvaluationRecorder recorder, HttpContext context) =>
        {
            var formatName = format ?? "json";
            if (!recorder.Formats.Contains(formatName))
                return Problems.Of(StatusCodes.Status400BadRequest, $"format '{formatName}' is not one of {string.Join(", ", recorder.Formats.Order(StringComparer.Ordinal))}", []);
            if (!estates.Names.Contains(name))
                return Problems.Of(StatusCodes.Status404NotFound,
                    $"no watched estate '{name}'{Model.Diagnostics.Suggestions.DidYouMean(name, estates.Names)}; the server watches folders given with --watch", []);
            if (estates.Get(name) is not { } state) return Problems.Of(StatusCodes.Status503ServiceUnavailable, $"estate '{name}' has not been evaluated yet", []);
            if (state.Report is not { } report)
                return Problems.Of(StatusCodes.Status422UnprocessableEntity, $"estate '{name}' could not be read (as of {state.EvaluatedAt:O})", state.Diagnostics);
            var headers = context.Response.Headers;
            headers["X-Compliance-Result"] = report.Gate.Failed ? "fail" : "pass";
            headers["X-Compliance-RuleSet"] = state.RuleSetVersion;
            headers["X-Compliance-Revision"] = state.Revision.ToString(CultureInfo.InvariantCulture);
            if (state.RecordId is { } id) headers["X-Compliance-Report"] = id;
            return TypedResults.Text(recorder.Render(report, formatName), EvaluationEndpoints.ContentType(formatName), Encoding.UTF8);
        }).WithSummary("The current report of a watched folder, re-evaluated when its files change");
        return app;
    }

    /// <summary>Maps <c>/healthz</c> (the process answers) and <c>/readyz</c> (rules loaded, history writable).</summary>
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).WithSummary("Liveness");
        app.MapGet("/readyz", async (RuleSetHost rules, IEvaluationStore store, CancellationToken cancellationToken) =>
        {
            var loaded = rules.Current is not null;
            var writable = await store.IsWritableAsync(cancellationToken).ConfigureAwait(false);
            var body = new { status = loaded && writable ? "ready" : "not ready", rules = loaded ? rules.Current!.Version : null, storageWritable = writable };
            return loaded && writable ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        }).WithSummary("Readiness: rules loaded and history writable");
        return app;
    }

    private static IResult Serving(RuleSetHost rules, HttpContext context, Func<ServingRules, IResult> answer)
    {
        if (rules.Current is not { } serving) return Problems.Of(StatusCodes.Status503ServiceUnavailable, "no rule set is loaded", rules.Status.Diagnostics);
        context.Response.Headers["X-Compliance-RuleSet"] = serving.Version;
        return answer(serving);
    }

    private static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A rule as the API lists it.</summary>
    public sealed record RuleInfo(string Id, string Jurisdiction, string Title, string Severity, string Citation, string? From, string? Until, string Confidence);

    /// <summary>A rule pack.</summary>
    public sealed record PackInfo(string Name, string Title, string Jurisdiction, int Rules, string File);

    /// <summary>A regime, where it binds, and the places adequate today.</summary>
    public sealed record JurisdictionInfo(string Code, string Title, string Law, IReadOnlyList<string> AppliesTo, IReadOnlyList<string> Adequate);

    /// <summary>The reload status.</summary>
    public sealed record RuleStatus(string? Version, DateTimeOffset? LoadedAt, DateTimeOffset? LastAttempt, string LastAttemptResult, int Reloads, int Failures,
        IReadOnlyList<string> Policies, IReadOnlyList<string> Diagnostics);
}
