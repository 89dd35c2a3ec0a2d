using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Server.Endpoints;

/// <summary>RFC 9457 problem details carrying diagnostics (code, message, file, line, column), never a stack trace.</summary>
public static class Problems
{
    /// <summary>A problem with <paramref name="status"/> and the diagnostics behind it.</summary>
    public static IResult Of(int status, string detail, IEnumerable<Diagnostic> diagnostics) =>
        TypedResults.Problem(detail: detail, statusCode: status, extensions: new Dictionary<string, object?>
        {
            ["diagnostics"] = diagnostics.Select(d => new
            {
                code = d.Code, severity = d.Severity == DiagnosticSeverity.Error ? "error" : "warning",
                message = d.Message, file = d.Location.File, line = d.Location.Line, column = d.Location.Column,
            }).ToList(),
        });
}
