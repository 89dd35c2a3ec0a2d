using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using ComplianceEngine.Hosting;
using ComplianceEngine.Hosting.History;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Reporting;

namespace ComplianceEngine.Server.Serving;

/// <summary>A report stored in history, and its id.</summary>
/// <param name="Gzipped">The report in every format, gzip-compressed UTF-8 (rendered straight into the compressor: a large
/// report never sits in memory as text).</param>
public sealed record RecordedEvaluation(EvaluationRecord Record, Report Report, IReadOnlyDictionary<string, byte[]> Gzipped);

/// <summary>Runs the pipeline and stores what it reports: the one place a served evaluation is made and kept.</summary>
public sealed class EvaluationRecorder(ComplianceService service, IEvaluationStore store, IEnumerable<IReportWriter> writers, ComplianceMetrics metrics,
    Microsoft.Extensions.Options.IOptions<ServeOptions> options, TimeProvider clock)
{
    private readonly IReadOnlyList<IReportWriter> _writers = [.. writers];

    /// <summary>The report formats.</summary>
    public IReadOnlyCollection<string> Formats => [.. _writers.Select(w => w.Format)];

    /// <summary>Writes <paramref name="report"/> in <paramref name="format"/>.</summary>
    public string Render(Report report, string format)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        _writers.First(w => w.Format == format).Write(report, output);
        return output.ToString();
    }

    private static byte[] Compressed(Report report, IReportWriter writer)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var text = new StreamWriter(gzip, new UTF8Encoding(false), 64 * 1024))
            writer.Write(report, text);
        return buffer.ToArray();
    }

    /// <summary>
    /// Evaluates <paramref name="request"/> and, when it produced a report, stores it in every format before returning
    /// (so a caller told "201" can always read it back). The result's report is null when inputs could not be read.
    /// </summary>
    public async Task<(CheckResult Result, RecordedEvaluation? Recorded)> EvaluateAsync(CheckRequest request, string who, string inputHash, string? estate,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = Stopwatch.GetTimestamp();
        var result = service.Check(request);
        if (result.Report is not { } report)
        {
            metrics.Rejected();
            return (result, null);
        }
        var rendered = _writers.ToDictionary(w => w.Format, w => Compressed(report, w), StringComparer.Ordinal);
        var record = new EvaluationRecord(Guid.CreateVersion7().ToString("N"), EvaluationRecord.ToStoredPrecision(clock.GetUtcNow()), report.AsOf, who, inputHash,
            result.RuleSetVersion ?? "unknown", estate,
            [.. report.Findings.Where(f => f.Status != FindingStatus.Pass).Select(f => f.Jurisdiction).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            report.Gate.Failed, report.Gate.FailingFindings);
        await store.AddAsync(record, rendered, cancellationToken).ConfigureAwait(false);
        var retention = options.Value;
        if (retention.RetainDays > 0 || retention.RetainCount > 0)
        {
            // Retention after the new record is committed: a failure here never loses the evaluation just stored.
            await store.PruneAsync(retention.RetainDays > 0 ? clock.GetUtcNow().AddDays(-retention.RetainDays) : null,
                retention.RetainCount > 0 ? retention.RetainCount : null, CancellationToken.None).ConfigureAwait(false);
        }
        metrics.Evaluated(report, Stopwatch.GetElapsedTime(started));
        return (result, new RecordedEvaluation(record, report, rendered));
    }
}
