using ComplianceEngine.Reporting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ComplianceEngine.Hosting;

/// <summary>Registers the engine's services: one composition for the CLI and the hosted service.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ComplianceService"/>, the options, logging (if not added yet) and every report writer. With no
    /// configuration the built-in rules are the ones shipped beside the application (the package copies them to
    /// <c>rules/</c> in the output folder).
    /// </summary>
    public static IServiceCollection AddComplianceEngine(this IServiceCollection services, IConfiguration? configuration = null)
    {
        services.AddLogging();
        var options = services.AddOptions<ComplianceEngineOptions>();
        if (configuration is not null) options.Bind(configuration.GetSection(ComplianceEngineOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ComplianceService>();
        // Terraform plans, Kubernetes objects, Velero, Istio... read beside native documents (design section 8).
        services.TryAddSingleton<Loading.Sources.ISourceReader, Import.EstateImporter>();
        services.AddSingleton<IReportWriter, JsonReportWriter>();
        services.AddSingleton<IReportWriter, MarkdownReportWriter>();
        services.AddSingleton<IReportWriter, ConsoleSummaryWriter>();
        services.AddSingleton<IReportWriter, SarifReportWriter>();
        services.AddSingleton<IReportWriter, JUnitReportWriter>();
        services.AddSingleton<IReportWriter, HtmlReportWriter>();
        services.AddSingleton<IReportWriter, CsvReportWriter>();
        return services;
    }
}
