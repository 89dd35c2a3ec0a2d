using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Loading;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Core.Tests.Evaluation;

/// <summary>
/// An evaluation's report keeps its findings as rows (sorted and root causes linked on rows, each finding made when read):
/// the findings are the ones the report made and held before, in the same order, with the same root causes.
/// </summary>
public sealed class RowFindingsTests
{
    /// <summary>The dense generated estate, with a cluster in a region no catalog knows (its transfers are indeterminate, one root cause per site).</summary>
    private static readonly Lazy<Estate> Dense = new(() =>
    {
        var yaml = new System.Text.StringBuilder(ParallelEvaluationTests.GeneratedEstate(seed: 11, clusters: 24, stores: 120, flows: 900));
        yaml.Append(Estates.Cluster("nowhere", "aws", "xx-nowhere-9", ""));
        yaml.Append(Estates.Store("lost", "nowhere", ""));
        for (var i = 0; i < 6; i++)
        {
            yaml.Append(Estates.Flow($"to-lost-{i}", $"s{i * 7}", "lost", "[scc]"));
            yaml.Append(Estates.Flow($"from-lost-{i}", "lost", $"s{i * 11 + 1}", "[]"));
        }
        return TestEngine.Estate(yaml.ToString());
    });

    private static EvaluationOptions Options(bool passes, int threads) => new()
    {
        AsOf = new DateOnly(2026, 11, 25),
        IncludePasses = passes,
        MaxDegreeOfParallelism = threads,
        ChunkSize = 97,
    };

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(false, 4)]
    public void Evaluate_RowBackedReport_SameFindingsAsMadeAndHeld(bool passes, int threads)
    {
        // Explain keeps each finding's fact, so its report makes and holds the findings: the reference.
        var held = TestEngine.AllPacks.Explain(Dense.Value, Options(passes, threads)).Report;
        var rows = TestEngine.AllPacks.Evaluate(Dense.Value, Options(passes, threads));

        Assert.True(held.Findings.IsHeld);
        Assert.False(rows.Findings.IsHeld);
        Assert.True(rows.Findings.Count > 500, $"many findings, made {rows.Findings.Count}");
        Assert.Contains(rows.Findings, f => f.RootCause != f.Id);
        Assert.Contains(rows.Findings, f => f.Status == FindingStatus.Indeterminate && f.Place is { IsTransfer: true });
        Assert.Equal(held.ByJurisdiction, rows.ByJurisdiction);
        Assert.Equal(held.Findings.Count, rows.Findings.Count);
        for (var i = 0; i < held.Findings.Count; i++)
        {
            var (a, b) = (held.Findings[i], rows.Findings[i]);
            Assert.Equal(a, b);
            Assert.Equal(a.RootCause, b.RootCause);
            Assert.Equal(a.Status, rows.Findings.StatusOf(i));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Evaluate_RowBackedReport_FieldsReadFromTheRowAreTheFindingsFields(bool passes)
    {
        var report = TestEngine.AllPacks.Evaluate(Dense.Value, Options(passes, threads: 2));
        var findings = report.Findings;
        Assert.False(findings.IsHeld);

        // Read from the rows: no finding made, nothing allocated.
        _ = findings.FieldsOf(0);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var caused = 0;
        for (var i = 0; i < findings.Count; i++)
        {
            if (findings.FieldsOf(i).CausedByAnother) caused++;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1024, $"{allocated} bytes allocated reading the fields of {findings.Count} findings");
        Assert.True(caused > 0, "some findings are caused by another");

        for (var i = 0; i < findings.Count; i++)
        {
            var (f, fields) = (findings[i], findings.FieldsOf(i));
            Assert.Equal(f.RuleId, fields.RuleId);
            Assert.Equal(f.RuleTitle, fields.RuleTitle);
            Assert.Equal(f.Jurisdiction, fields.Jurisdiction);
            Assert.Equal(f.Severity, fields.Severity);
            Assert.Equal(f.Status, fields.Status);
            Assert.Same(f.Subject, fields.Subject);
            Assert.Equal(f.Path, fields.Path);
            Assert.Same(f.Place, fields.Place);
            Assert.Equal(f.Evidence, fields.Evidence);
            Assert.Equal(f.RootCause != f.Id, fields.CausedByAnother);
            // Every field a writer writes: the id and root cause as numbers, the text as templates and values.
            Assert.True(fields.TryGetIdNumbers(out _, out _), "a row's id is a number");
            Assert.Equal(f.Id, fields.Id);
            Assert.Equal(f.RootCause, fields.RootCause);
            Assert.Equal(f.Citation, fields.Citation);
            Assert.Equal(f.Confidence, fields.Confidence);
            Assert.Equal(f.Message, fields.Message);
            Assert.Equal(f.Remediation, fields.Remediation);
            Assert.Equal(f.MessageWithPathToken("{path}"), fields.MessageWithPathToken("{path}"));
            Assert.Equal(f.RemediationWithPathToken("{path}"), fields.RemediationWithPathToken("{path}"));
            Assert.Same(f.RenderedText!.MessageTemplate, fields.MessageTemplate);
            Assert.Equal(f.RenderedText.Values, fields.Values);
            Assert.Equal(BaselineState.None, fields.BaselineState);
            Assert.Null(fields.WaiverName);
        }
    }

    [Fact]
    public void Evaluate_RowBackedReport_MakesAFindingOnEachRead()
    {
        var report = TestEngine.AllPacks.Evaluate(Dense.Value, Options(passes: false, threads: 2));

        var first = report.Findings[0];
        var again = report.Findings[0];

        Assert.Equal(first, again);
        Assert.NotSame(first, again);
    }
}
