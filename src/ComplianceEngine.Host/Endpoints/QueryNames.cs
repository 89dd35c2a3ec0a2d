using System.Reflection;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Server.Endpoints;

/// <summary>
/// Refuses a query parameter an endpoint does not read (400, CE1033, with "did you mean"). ASP.NET Core binds query
/// values by parameter name and ignores every other name, so a misspelt filter (<c>?jurisdicton=EU</c>) returned the
/// unfiltered history and a misspelt gate option (<c>?fail-on=high</c>) judged at the default: fail open. The names an
/// endpoint reads are its handler's parameters of simple types (case-insensitive, as binding is), less its route values.
/// </summary>
public static class QueryNames
{
    /// <summary>Adds the check to every endpoint of <paramref name="builder"/>.</summary>
    public static TBuilder RejectUnknownQueryNames<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var known = factory.MethodInfo.GetParameters()
                .Where(p => p.Name is not null && IsQueryBound(p))
                .Select(p => p.Name!)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            return invocation => Unknown(invocation.HttpContext.Request, known) is { } problem
                ? ValueTask.FromResult<object?>(problem)
                : next(invocation);
        });

    private static bool IsQueryBound(ParameterInfo parameter)
    {
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        return type == typeof(string) || type.IsPrimitive || type == typeof(DateOnly) || type == typeof(DateTimeOffset);
    }

    private static IResult? Unknown(HttpRequest request, HashSet<string> known)
    {
        if (request.Query.Count == 0 || request.Query.Keys.All(known.Contains) && !request.Query.Keys.Any(request.RouteValues.ContainsKey))
            return null; // the usual request: nothing to report, nothing allocated for it
        var names = known.Where(n => !request.RouteValues.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
        var diagnostics = new DiagnosticBag();
        foreach (var name in request.Query.Keys.Order(StringComparer.Ordinal))
        {
            if (names.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
            var hint = names.Count == 0
                ? ": this endpoint takes no query parameters"
                : Suggestions.DidYouMean(name, names) is { Length: > 0 } mean ? mean : $"; it reads {string.Join(", ", names)}";
            diagnostics.Error(DiagnosticCodes.InvalidParameter, $"unknown query parameter '{name}'{hint}", SourceLocation.Parameters);
        }
        return diagnostics.HasErrors
            ? Problems.Of(StatusCodes.Status400BadRequest, string.Join("; ", diagnostics.Sorted().Select(d => d.Message)), diagnostics.Sorted())
            : null;
    }
}
