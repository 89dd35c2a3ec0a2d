using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using ComplianceEngine.Server.Rules;
using ComplianceEngine.Server.Security;
using ComplianceEngine.Server.Serving;
using ComplianceEngine.Hosting;
using ComplianceEngine.Hosting.History;
using ComplianceEngine.Hosting.Keys;
using ComplianceEngine.Hosting.Pipeline;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Reporting;
using Microsoft.Extensions.Options;

namespace ComplianceEngine.Server.Endpoints;

/// <summary>
/// <c>POST /v1/evaluations</c> (and the older <c>POST /v1/check</c>): a YAML stream in, the report out, stored in
/// history before the answer; <c>GET /v1/reports</c> and <c>GET /v1/reports/{id}</c> read history.
/// </summary>
public static class EvaluationEndpoints
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["json"] = "application/json", ["sarif"] = "application/sarif+json", ["junit"] = "application/xml",
        ["html"] = "text/html; charset=utf-8", ["csv"] = "text/csv; charset=utf-8", ["markdown"] = "text/markdown; charset=utf-8",
        ["text"] = "text/plain; charset=utf-8",
    };

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapEvaluations(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").RejectUnknownQueryNames();
        api.MapPost("/evaluations", (HttpContext context, string? asOf, string? failOn, string? failOnIndeterminate, string? failOnNothingJudged, string? format, string? policy, string? estate) =>
                EvaluateAsync(context, new RequestParameters { AsOf = asOf, FailOn = failOn, FailOnIndeterminate = failOnIndeterminate, FailOnNothingJudged = failOnNothingJudged, Format = format, Policy = policy },
                    estate, created: true))
            .RequireScope(ApiScope.Evaluate)
            .WithSummary("Evaluate an estate (YAML stream); the report is stored in history before the answer");
        api.MapPost("/check", (HttpContext context, string? asOf, string? failOn, string? failOnIndeterminate, string? failOnNothingJudged, string? format, string? policy, string? estate) =>
                EvaluateAsync(context, new RequestParameters { AsOf = asOf, FailOn = failOn, FailOnIndeterminate = failOnIndeterminate, FailOnNothingJudged = failOnNothingJudged, Format = format, Policy = policy },
                    estate, created: false))
            .RequireScope(ApiScope.Evaluate)
            .WithSummary("As POST /v1/evaluations, answering 200 with the report (kept for older clients)");
        api.MapGet("/reports", ListAsync).RequireScope(ApiScope.Read).WithSummary("History, newest first: filter by jurisdiction, since, until, estate; page with limit and offset");
        api.MapGet("/reports/{id}", GetAsync).RequireScope(ApiScope.Read).WithSummary("A stored report in any format");
        api.MapGet("/reports/{id}/diff", DiffAsync).RequireScope(ApiScope.Read)
            .WithSummary("What changed since another stored report (?against=ID): findings new, fixed and unchanged, by stable finding id");
        return app;
    }

    /// <summary>The content type of a report format.</summary>
    public static string ContentType(string format) => ContentTypes.GetValueOrDefault(format, "text/plain; charset=utf-8");

    private static async Task<IResult> EvaluateAsync(HttpContext context, RequestParameters parameters, string? estate, bool created)
    {
        var services = context.RequestServices;
        var rules = services.GetRequiredService<RuleSetHost>();
        var recorder = services.GetRequiredService<EvaluationRecorder>();
        var options = services.GetRequiredService<IOptions<ServeOptions>>().Value;
        var clock = services.GetRequiredService<TimeProvider>();
        if (rules.Current is not { } serving) return Problems.Of(StatusCodes.Status503ServiceUnavailable, "no rule set is loaded", rules.Status.Diagnostics);

        var diagnostics = new DiagnosticBag();
        var now = ComplianceClock.Now(clock);
        var valid = ParameterValidator.Validate(parameters, DateOnly.FromDateTime(now.UtcDateTime), recorder.Formats, serving.ByPolicy.Keys.ToList(), diagnostics);
        if (estate is { } name && !ApiKeyStore.IsValidName(name))
            diagnostics.Error(DiagnosticCodes.InvalidParameter, $"estate '{name}' must be 1-64 letters, digits, '.', '_' or '-'", SourceLocation.Parameters);
        if (valid is null || diagnostics.HasErrors)
            return Problems.Of(StatusCodes.Status400BadRequest, string.Join("; ", diagnostics.Sorted().Select(d => d.Message)), diagnostics.Sorted());

        // Admitted by memory before the body is read (by its announced length, or the body cap when it is chunked):
        // waiting requests hold no body in memory.
        if (context.Request.ContentLength > options.MaxBodyBytes) return TooLarge(options.MaxBodyBytes);
        var gate = services.GetRequiredService<EvaluationGate>();
        EvaluationGate.Admission admission;
        try
        {
            admission = await gate.AdmitAsync(context.Request.ContentLength ?? options.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "timed out waiting to be admitted (evaluation slots and memory); nothing was evaluated", []);
        }
        using var admitted = admission;
        switch (admission.Outcome)
        {
            case AdmissionOutcome.QueueFull:
                services.GetRequiredService<ComplianceMetrics>().Refused("queue_full");
                var seconds = (long)Math.Ceiling(admission.RetryAfter.TotalSeconds);
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return Problems.Of(StatusCodes.Status429TooManyRequests,
                    $"too many evaluations are running or waiting; retry after {seconds} s (Retry-After)", []);
            case AdmissionOutcome.OverBudget:
                services.GetRequiredService<ComplianceMetrics>().Refused("over_budget");
                var over = new DiagnosticBag();
                over.Error(DiagnosticCodes.RequestOverMemoryBudget, string.Create(CultureInfo.InvariantCulture,
                    $"evaluating this body would need about {admission.ReservedBytes / 1048576.0:N0} MiB ({options.EvaluationBytesPerBodyByte} bytes per body byte), " +
                    $"more than the server's whole evaluation budget of {options.EvaluationMemoryBudgetMegabytes:N0} MiB; split the estate"), SourceLocation.Parameters);
                return Problems.Of(StatusCodes.Status413PayloadTooLarge, over.Sorted()[0].Message, over.Sorted());
        }
        var body = await ReadBodyAsync(context.Request, options.MaxBodyBytes, context.RequestAborted).ConfigureAwait(false);
        if (body is null) return TooLarge(options.MaxBodyBytes);
        // A chunked body was admitted for the body cap: what it did not need goes back to the budget.
        admission.Shrink(body.Length);
        // The bytes are hashed and decoded, then let go: only the text is held while the estate is evaluated.
        var (text, inputHash) = Decode(ref body);

        var prepared = valid.Policy is { } policy ? serving.ByPolicy[policy] : serving.Default;
        var request = new CheckRequest([], [], valid.AsOf, now, IncludePasses: valid.Format == "junit")
        {
            Documents = [new InlineDocument("request.yaml", text)],
            DocumentLimits = RequestLimits.ForBody(options.MaxBodyBytes, services.GetRequiredService<IOptions<ComplianceEngineOptions>>().Value.MaxDepth),
            Prepared = prepared,
            FailOn = valid.FailOn,
            FailOnIndeterminate = valid.FailOnIndeterminate,
            FailOnIndeterminateOption = "failOnIndeterminate=false",
            FailOnNothingJudged = valid.FailOnNothingJudged,
            FailOnNothingJudgedOption = "failOnNothingJudged=false",
            FailOnNoneOption = "failOn=none",
        };
        var (result, recorded) = await recorder.EvaluateAsync(request, context.Caller().Name, inputHash, estate, context.RequestAborted)
            .ConfigureAwait(false);
        if (recorded is null)
            return Problems.Of(StatusCodes.Status422UnprocessableEntity, "the estate could not be read", result.Diagnostics);

        var headers = context.Response.Headers;
        headers["X-Compliance-Result"] = recorded.Report.Gate.Failed ? "fail" : "pass";
        headers["X-Compliance-RuleSet"] = recorded.Record.RuleSetVersion;
        headers["X-Compliance-Report"] = recorded.Record.Id;
        if (created)
        {
            headers.Location = $"/v1/reports/{recorded.Record.Id}";
            context.Response.StatusCode = StatusCodes.Status201Created;
        }
        return Uncompressed(recorded.Gzipped[valid.Format], valid.Format);
    }

    private static IResult TooLarge(long max)
    {
        var tooLarge = new DiagnosticBag();
        tooLarge.Error(DiagnosticCodes.RequestTooLarge, $"the request body is larger than {max.ToString("N0", CultureInfo.InvariantCulture)} bytes", SourceLocation.Parameters);
        return Problems.Of(StatusCodes.Status413PayloadTooLarge, tooLarge.Sorted()[0].Message, tooLarge.Sorted());
    }

    // Streamed out of the compressed copy: a large report is never held as text.
    private static Microsoft.AspNetCore.Http.HttpResults.FileStreamHttpResult Uncompressed(byte[] gzipped, string format) =>
        TypedResults.Stream(new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress), ContentType(format));

    private static (string Text, string Hash) Decode(ref byte[]? body)
    {
        var bytes = body!;
        body = null;
        return (Encoding.UTF8.GetString(bytes), RuleSetVersion.OfContent([bytes]));
    }

    /// <summary>
    /// The body, or null when it is larger than <paramref name="max"/>: counted on the bytes read, so a chunked upload
    /// without Content-Length is cut off at the limit rather than buffered. With a Content-Length the bytes are read
    /// straight into one array of that size; without, into pooled chunks copied once into the result (never a
    /// doubling buffer and a copy of it).
    /// </summary>
    internal static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long max, CancellationToken cancellationToken)
    {
        if (request.ContentLength > max) return null;
        try
        {
            if (request.ContentLength is { } length)
            {
                var exact = new byte[length];
                var filled = 0;
                int read;
                while (filled < exact.Length && (read = await request.Body.ReadAsync(exact.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
                    filled += read;
                // Fewer bytes than announced: Kestrel fails the read; more cannot arrive (it stops at Content-Length).
                return filled == exact.Length ? exact : exact[..filled];
            }
            return await ReadChunkedAsync(request.Body, max, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null; // Kestrel's own limit (set to the same size) tripped first
        }
    }

    private static async Task<byte[]?> ReadChunkedAsync(Stream body, long max, CancellationToken cancellationToken)
    {
        const int ChunkSize = 256 * 1024;
        var chunks = new List<byte[]>();
        long total = 0;
        try
        {
            while (true)
            {
                var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
                chunks.Add(chunk);
                var filled = 0;
                int read;
                while (filled < ChunkSize && (read = await body.ReadAsync(chunk.AsMemory(filled, ChunkSize - filled), cancellationToken).ConfigureAwait(false)) > 0)
                    filled += read;
                total += filled;
                if (total > max) return null;
                if (filled < ChunkSize)
                {
                    var result = new byte[total];
                    for (var i = 0; i < chunks.Count; i++)
                        chunks[i].AsSpan(0, (int)Math.Min(ChunkSize, total - (long)i * ChunkSize)).CopyTo(result.AsSpan(i * ChunkSize));
                    return result;
                }
            }
        }
        finally
        {
            foreach (var chunk in chunks) ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static async Task<IResult> ListAsync(IEvaluationStore store, RuleSetHost rules, string? jurisdiction, string? since, string? until, string? estate, string? limit,
        string? offset, CancellationToken cancellationToken)
    {
        var diagnostics = new DiagnosticBag();
        var from = Time(since, "since", diagnostics);
        var to = Time(until, "until", diagnostics);
        var take = Number(limit, "limit", 50, 1, 500, diagnostics);
        var skip = Number(offset, "offset", 0, 0, int.MaxValue, diagnostics);
        if (diagnostics.HasErrors) return Problems.Of(StatusCodes.Status400BadRequest, string.Join("; ", diagnostics.Sorted().Select(d => d.Message)), diagnostics.Sorted());
        var (page, total) = await store.ListAsync(new EvaluationQuery(jurisdiction, from, to, estate, take, skip), cancellationToken).ConfigureAwait(false);
        // A code the rules do not know that matches nothing is a typo (eu, UK), not an empty history; a code of older rules still lists its reports.
        if (total == 0 && jurisdiction is { } code && rules.Current?.Default.Engine.Jurisdictions is { } known && known.Regime(code) is null)
        {
            var codes = known.Regimes.Select(r => r.Code).ToList();
            var near = codes.FirstOrDefault(c => string.Equals(c, code, StringComparison.OrdinalIgnoreCase));
            return Problems.Of(StatusCodes.Status400BadRequest,
                $"jurisdiction '{code}' is not a jurisdiction of the loaded rules ({string.Join(", ", codes)}) and no stored report has it{(near is null ? "" : $", did you mean '{near}'?")}", []);
        }
        return TypedResults.Ok(new ReportPage(total, take, skip, [.. page.Select(r => new ReportListing(r.Id, r.StoredAt, r.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            r.Who, r.InputHash, r.RuleSetVersion, r.Estate, r.Jurisdictions, r.GateFailed ? "fail" : "pass", r.FailingFindings, $"/v1/reports/{r.Id}"))]));
    }

    private static async Task<IResult> GetAsync(string id, string? format, IEvaluationStore store, EvaluationRecorder recorder, HttpContext context,
        CancellationToken cancellationToken)
    {
        var name = format ?? "json";
        if (!recorder.Formats.Contains(name))
            return Problems.Of(StatusCodes.Status400BadRequest, $"format '{name}' is not one of {string.Join(", ", recorder.Formats.Order(StringComparer.Ordinal))}", []);
        var record = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var gzipped = record is null ? null : await store.GetGzippedReportAsync(id, name, cancellationToken).ConfigureAwait(false);
        if (record is null || gzipped is null) return Problems.Of(StatusCodes.Status404NotFound, $"no report '{id}'", []);
        context.Response.Headers["X-Compliance-Result"] = record.GateFailed ? "fail" : "pass";
        context.Response.Headers["X-Compliance-RuleSet"] = record.RuleSetVersion;
        return Uncompressed(gzipped, name);
    }

    private static async Task<IResult> DiffAsync(string id, string? against, IEvaluationStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(against))
            return Problems.Of(StatusCodes.Status400BadRequest, "give the earlier report to compare with: ?against=ID", []);
        var current = await store.GetGzippedReportAsync(id, "json", cancellationToken).ConfigureAwait(false);
        var earlier = await store.GetGzippedReportAsync(against, "json", cancellationToken).ConfigureAwait(false);
        if (current is null || earlier is null)
            return Problems.Of(StatusCodes.Status404NotFound, $"no report '{(current is null ? id : against)}'", []);
        var now = Findings(current);
        var before = Findings(earlier);
        List<DiffEntry> Pick(Dictionary<string, DiffEntry> from, Func<string, bool> keep) =>
            [.. from.Where(f => keep(f.Key)).Select(f => f.Value).OrderBy(f => f.Id, StringComparer.Ordinal)];
        return TypedResults.Ok(new ReportDiff(id, against,
            Pick(now, k => !before.ContainsKey(k)), Pick(before, k => !now.ContainsKey(k)), Pick(now, before.ContainsKey)));
    }

    // The findings that are not passes, by their stable id; streamed from a report of any schema version (1, 2, 3).
    private static Dictionary<string, DiffEntry> Findings(byte[] gzippedJson)
    {
        using var json = new GZipStream(new MemoryStream(gzippedJson), CompressionMode.Decompress);
        var findings = new Dictionary<string, DiffEntry>(StringComparer.Ordinal);
        foreach (var f in JsonReportReader.ReadFindings(json))
        {
            if (f.Status == "pass") continue;
            findings[f.Id] = new DiffEntry(f.Id, f.RuleId, f.Status, f.Severity);
        }
        return findings;
    }

    private static DateTimeOffset? Time(string? text, string name, DiagnosticBag diagnostics)
    {
        if (text is null) return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) return time;
        diagnostics.Error(DiagnosticCodes.InvalidParameter, $"{name} '{text}' is not a time like 2026-01-26 or 2026-01-26T10:00:00Z", SourceLocation.Parameters);
        return null;
    }

    private static int Number(string? text, string name, int fallback, int min, int max, DiagnosticBag diagnostics)
    {
        if (text is null) return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        diagnostics.Error(DiagnosticCodes.InvalidParameter, $"{name} '{text}' is not a whole number from {min} to {max}", SourceLocation.Parameters);
        return fallback;
    }

    /// <summary>What changed between two stored reports.</summary>
    public sealed record ReportDiff(string Id, string Against, IReadOnlyList<DiffEntry> New, IReadOnlyList<DiffEntry> Fixed, IReadOnlyList<DiffEntry> Unchanged);

    /// <summary>A finding in a diff.</summary>
    public sealed record DiffEntry(string Id, string RuleId, string Status, string Severity);

    /// <summary>A page of history.</summary>
    public sealed record ReportPage(int Total, int Limit, int Offset, IReadOnlyList<ReportListing> Reports);

    /// <summary>One evaluation in history.</summary>
    public sealed record ReportListing(string Id, DateTimeOffset StoredAt, string AsOf, string Who, string InputHash, string RuleSetVersion, string? Estate,
        IReadOnlyList<string> Jurisdictions, string Result, int FailingFindings, string Href);
}
