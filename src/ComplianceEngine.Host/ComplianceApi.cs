using System.Globalization;
using System.Text;
using ComplianceEngine.Hosting;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;
using ComplianceEngine.Reporting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ComplianceEngine.Host;

/// <summary>
/// The hosted engine's HTTP API: the same service as the CLI. <c>POST /v1/check</c> takes an estate as YAML (any
/// number of documents) and returns the report in the asked format; mistakes are RFC 7807 problem details with the
/// diagnostics, never a stack trace.
/// </summary>
public static class ComplianceApi
{
    /// <summary>The largest request body accepted, in bytes.</summary>
    public const long MaxBodyBytes = 16 * 1024 * 1024;

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["json"] = "application/json", ["sarif"] = "application/sarif+json", ["junit"] = "application/xml",
        ["html"] = "text/html; charset=utf-8", ["csv"] = "text/csv; charset=utf-8", ["markdown"] = "text/markdown; charset=utf-8",
        ["text"] = "text/plain; charset=utf-8",
    };

    /// <summary>Maps the API under <c>/v1</c>.</summary>
    public static IEndpointRouteBuilder MapComplianceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1");
        api.MapPost("/check", CheckAsync);
        api.MapGet("/rules", Rules);
        return app;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> CheckAsync(
        HttpRequest request, ComplianceService service, IEnumerable<IReportWriter> writers, TimeProvider clock,
        string? asOf = null, string? format = null, string? failOn = null, string? failOnIndeterminate = null)
    {
        var formatName = format ?? "json";
        var writer = writers.FirstOrDefault(w => w.Format == formatName);
        if (writer is null)
            return Problem(StatusCodes.Status400BadRequest, $"format '{formatName}' is not one of {string.Join(", ", writers.Select(w => w.Format).Order(StringComparer.Ordinal))}", []);
        var date = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (asOf is not null && !DateOnly.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            return Problem(StatusCodes.Status400BadRequest, $"asOf '{asOf}' is not a date like 2026-01-26", []);
        if (failOn is not null && !Model.Findings.Gate.FailOnValues.Contains(failOn))
            return Problem(StatusCodes.Status400BadRequest, $"failOn '{failOn}' is not one of {string.Join(", ", Model.Findings.Gate.FailOnValues)}", []);
        if (failOnIndeterminate is not (null or "true" or "false"))
            return Problem(StatusCodes.Status400BadRequest, $"failOnIndeterminate '{failOnIndeterminate}' is not true or false", []);
        if (request.ContentLength > MaxBodyBytes)
            return Problem(StatusCodes.Status413PayloadTooLarge, $"the estate is larger than {MaxBodyBytes:N0} bytes", []);

        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var yaml = await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        var result = service.CheckText(yaml, "request.yaml", date, clock.GetUtcNow(), includePasses: formatName == "junit", failOn,
            failOnIndeterminate is null ? null : failOnIndeterminate == "true");
        if (result.Report is not { } report)
            return Problem(StatusCodes.Status422UnprocessableEntity, "the estate or the rules could not be read", result.Diagnostics);

        using var output = new StringWriter(CultureInfo.InvariantCulture);
        writer.Write(report, output);
        request.HttpContext.Response.Headers["X-Compliance-Result"] = report.Gate.Failed ? "fail" : "pass";
        return TypedResults.Text(output.ToString(), ContentTypes.GetValueOrDefault(formatName, "text/plain"), Encoding.UTF8);
    }

    private static Results<Ok<IEnumerable<RuleInfo>>, ProblemHttpResult> Rules(ComplianceService service)
    {
        var (engine, diagnostics) = service.GetEngine([]);
        if (engine is null) return Problem(StatusCodes.Status500InternalServerError, "the built-in rules could not be loaded", diagnostics);
        return TypedResults.Ok(engine.Rules.Rules.Select(r => new RuleInfo(r.Definition.Id, r.Definition.Jurisdiction, r.Definition.Title,
            r.Definition.Severity.ToName(), r.Definition.CitationText, r.Definition.Effective.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            r.Definition.Effective.Until?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.Definition.Confidence)));
    }

    private static ProblemHttpResult Problem(int status, string detail, IEnumerable<Diagnostic> diagnostics) =>
        TypedResults.Problem(detail: detail, statusCode: status, extensions: new Dictionary<string, object?>
        {
            ["diagnostics"] = diagnostics.Select(d => new { code = d.Code, severity = d.SeverityText,
                message = d.Message, file = d.Location.File, line = d.Location.Line, column = d.Location.Column }).ToList(),
        });

    /// <summary>A rule as the API lists it.</summary>
    public sealed record RuleInfo(string Id, string Jurisdiction, string Title, string Severity, string Citation, string? From, string? Until, string Confidence);
}
