using ComplianceEngine.Model.Findings;
using ComplianceEngine.Reporting;

namespace ComplianceEngine.Hosting.Tests;

/// <summary>A report as the JSON writer writes it: what "byte-identical reports" compares.</summary>
internal static class ReportJson
{
    public static string Of(Report report)
    {
        using var text = new StringWriter();
        new JsonReportWriter().Write(report, text);
        return text.ToString();
    }
}
