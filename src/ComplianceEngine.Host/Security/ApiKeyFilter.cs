using System.Net;
using ComplianceEngine.Hosting.Keys;

namespace ComplianceEngine.Server.Security;

/// <summary>
/// Asks for <c>Authorization: Bearer KEY</c> with enough scope (401 without a valid key, 403 with too little scope,
/// both problem details). While no key exists the server is loopback-only: it serves loopback callers without a key
/// and refuses any other.
/// </summary>
public static class ApiKeyFilter
{
    private const string CallerItem = "compliance.caller";

    /// <summary>Requires <paramref name="scope"/> on every endpoint of <paramref name="builder"/>.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, ApiScope scope) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var keys = http.RequestServices.GetRequiredService<ApiKeyStore>();
            if (!keys.AnyActive)
            {
                var remote = http.Connection.RemoteIpAddress;
                if (remote is not null && !IPAddress.IsLoopback(remote))
                    return Unauthorized("this server has no API keys and serves loopback callers only");
                http.Items[CallerItem] = new ApiCaller("loopback", ApiScope.Admin);
                return await next(context).ConfigureAwait(false);
            }
            var header = http.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
                return Unauthorized("send an API key: Authorization: Bearer KEY (create one with 'compliance keys add NAME --scope read|evaluate|admin')");
            var caller = keys.Verify(header["Bearer ".Length..].Trim());
            if (caller is null) return Unauthorized("the API key is not valid (unknown, malformed or revoked)");
            if (!caller.Allows(scope))
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                    detail: $"key '{caller.Name}' has scope {caller.Scope.ToString().ToLowerInvariant()}; this needs {scope.ToString().ToLowerInvariant()}");
            http.Items[CallerItem] = caller;
            return await next(context).ConfigureAwait(false);

            IResult Unauthorized(string detail)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);
            }
        });

    /// <summary>Who made the request (set by the filter).</summary>
    public static ApiCaller Caller(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[CallerItem] as ApiCaller ?? throw new InvalidOperationException("the endpoint has no RequireScope");
    }
}
