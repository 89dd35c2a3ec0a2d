using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Reporting;

/// <summary>Writes a finished report in one format. A writer never evaluates anything.</summary>
public interface IReportWriter
{
    /// <summary>The format name used by <c>--format</c>.</summary>
    string Format { get; }

    /// <summary>The usual file extension, with the dot.</summary>
    string Extension { get; }

    /// <summary>Writes <paramref name="report"/> to <paramref name="output"/>.</summary>
    void Write(Report report, TextWriter output);
}
