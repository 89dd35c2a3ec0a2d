using ComplianceEngine.Reporting;
using Microsoft.Extensions.DependencyInjection;

namespace ComplianceEngine.Hosting.Tests;

public sealed class ServiceCollectionExtensionsTests
{
    [Fact]
    public void AddComplianceEngine_ReportWriters_OneForEveryFormat()
    {
        using var provider = new ServiceCollection().AddComplianceEngine().BuildServiceProvider();

        var formats = provider.GetServices<IReportWriter>().Select(w => w.Format).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["csv", "html", "json", "junit", "markdown", "sarif", "text"], formats);
    }
}
