using ComplianceEngine.Host;
using ComplianceEngine.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddComplianceEngine(builder.Configuration);
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseExceptionHandler();
app.MapComplianceApi();
app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }));
app.Run();

/// <summary>The hosted engine's entry point (public for functional tests).</summary>
public partial class Program;
