using System.Diagnostics;
using System.Text;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Documents;

public sealed class BaselineReaderTests
{
    private static (HashSet<string>? Ids, IReadOnlyList<Diagnostic> Diagnostics) Read(string path, long? maxBytes = null)
    {
        var bag = new DiagnosticBag();
        var ids = maxBytes is { } max ? BaselineReader.Read(path, bag, max) : BaselineReader.Read(path, bag);
        return (ids, bag.Sorted());
    }

    [Fact]
    public void Read_Report_FindingIds()
    {
        using var dir = new TempDir();
        var path = dir.Write("b.json", """{"tool": {"findings": [{"id": "no"}]}, "findings": [{"id": "a", "x": {"id": 3}}, {"message": "m", "id": "b"}], "after": 1}""");
        var (ids, diagnostics) = Read(path);
        Assert.Empty(diagnostics);
        Assert.Equal(["a", "b"], ids!.Order(StringComparer.Ordinal));
    }

    /// <summary>A baseline is a JSON report of any schema version written so far: 1 (indented), 2 (root causes) and 3 (facts and rules tables).</summary>
    [Theory]
    [InlineData("""
        {
          "schemaVersion": "1",
          "findings": [
            {
              "id": "a",
              "ruleId": "R",
              "title": "t",
              "subject": {"kind": "DataFlow", "name": "f", "file": "f.yaml", "line": 1},
              "evidence": [{"fact": "source.name", "value": "x", "file": "c.yaml", "line": 2}]
            },
            {"id": "b", "ruleId": "R", "evidence": []}
          ]
        }
        """)]
    [InlineData("""
        {
          "schemaVersion": "2",
          "rules": [{"id": "R", "title": "t"}],
          "findings": [{"id":"a","ruleId":"R","rootCause":"a","evidence":[{"fact":"implied by","value":"via {path}"}]},{"id":"b","ruleId":"R","rootCause":"a","evidence":[]}],
          "waivers": []
        }
        """)]
    [InlineData("""
        {
          "schemaVersion": "3",
          "rules": [
            {"id":"R","title":"t","remediation":"fix"}
          ],
          "facts": [
            {"fact":"mechanisms","value":"none","atSubject":true},
            {"fact":"source.name","value":"x","file":"c.yaml","line":2}
          ],
          "findings": [
            {"id":"a","ruleId":"R","remediation":"fix it","evidence":[0,1]},
            {"id":"b","ruleId":"R","rootCause":"a","remediation":"fix it","evidence":[1]}
          ],
          "waivers": []
        }
        """)]
    public void Read_ReportOfEachSchemaVersion_FindingIds(string json)
    {
        using var dir = new TempDir();
        var (ids, diagnostics) = Read(dir.Write("b.json", json));
        Assert.Empty(diagnostics);
        Assert.Equal(["a", "b"], ids!.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""[]""")]
    [InlineData("""{"findings": {}}""")]
    [InlineData("""{"summary": {}}""")]
    [InlineData("""{"findings": [{"id": 1}]}""")]
    [InlineData("""{"findings": [{"rule": "x"}]}""")]
    [InlineData("""{"findings": ["a"]}""")]
    public void Read_NotAReport_Diagnostic(string json)
    {
        using var dir = new TempDir();
        var (ids, diagnostics) = Read(dir.Write("b.json", json));
        Assert.Null(ids);
        Assert.Equal(DiagnosticCodes.BaselineInvalid, Assert.Single(diagnostics).Code);
    }

    [Theory]
    [InlineData("""{"schemaVersion": "4", "findings": [{"id": "a"}]}""", "'4'")]
    [InlineData("""{"schemaVersion": "v3", "findings": [{"id": "a"}]}""", "'v3'")]
    [InlineData("""{"findings": [{"id": "a"}], "schemaVersion": "9"}""", "'9'")]
    [InlineData("""{"schemaVersion": 3, "findings": [{"id": "a"}]}""", "a string")]
    public void Read_SchemaVersionThisEngineDoesNotRead_Diagnostic(string json, string said)
    {
        // A report of a schema this engine does not know may carry ids made another way: read as a baseline, it could hide
        // every finding or none. Refused, not guessed.
        using var dir = new TempDir();
        var (ids, diagnostics) = Read(dir.Write("b.json", json));

        Assert.Null(ids);
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.BaselineInvalid, d.Code);
        Assert.Contains(said, d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    [InlineData("3")]
    public void Read_EverySchemaVersionWritten_Reads(string version)
    {
        using var dir = new TempDir();
        var (ids, diagnostics) = Read(dir.Write("b.json", "{\"schemaVersion\": \"" + version + "\", \"findings\": [{\"id\": \"a\"}]}"));

        Assert.Empty(diagnostics);
        Assert.Equal(["a"], ids!);
    }

    [Fact]
    public void Read_BrokenJson_Position()
    {
        using var dir = new TempDir();
        var (_, diagnostics) = Read(dir.Write("b.json", "{\"findings\": [\n  {\"id\": \"a\"},\n  {\"id\": }]}"));
        var d = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticCodes.BaselineInvalid, 3), (d.Code, d.Location.Line));
    }

    [Fact]
    public void Read_Device_NotRead()
    {
        var (ids, diagnostics) = Read("/dev/zero");
        Assert.Null(ids);
        Assert.Equal(DiagnosticCodes.NotRegularFile, Assert.Single(diagnostics).Code);
    }

    [Fact]
    public void Read_SparseFileOver2GiB_DiagnosticQuickly()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "big.json");
        using (var f = File.Create(path)) f.SetLength(2_200_000_000L); // sparse: no disk used
        var clock = Stopwatch.StartNew();
        var (ids, diagnostics) = Read(path);
        Assert.Null(ids);
        Assert.Equal(DiagnosticCodes.BaselineInvalid, Assert.Single(diagnostics).Code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Read_OverTheCap_CountsBytesRead()
    {
        using var dir = new TempDir();
        var path = dir.Write("b.json", """{"findings": [""" + string.Join(",", Enumerable.Range(0, 10_000).Select(i => $"{{\"id\": \"f{i}\"}}")) + "]}");
        var (ids, diagnostics) = Read(path, maxBytes: 100_000);
        Assert.Null(ids);
        Assert.Equal(DiagnosticCodes.FileTooLarge, Assert.Single(diagnostics).Code);
        Assert.Equal(10_000, Read(path, maxBytes: 1_000_000).Ids!.Count);
    }

    [Fact]
    public void Read_LargeReport_MemoryDoesNotFollowFileSize()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "b.json");
        var padding = new string('x', 2000);
        using (var w = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            w.Write("{\"findings\": [");
            for (var i = 0; i < 25_000; i++) w.Write($"{(i > 0 ? "," : "")}{{\"id\": \"f{i}\", \"message\": \"{padding}\"}}");
            w.Write("]}");
        }
        Assert.True(new FileInfo(path).Length > 50_000_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (ids, diagnostics) = Read(path);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Empty(diagnostics);
        Assert.Equal(25_000, ids!.Count);
        Assert.True(allocated < 10_000_000, $"allocated {allocated:N0} bytes for a 50 MB baseline");
    }
}

public sealed class BaselinePathTests
{
    [Fact]
    public void Read_NulInPath_Diagnostic()
    {
        var bag = new DiagnosticBag();
        Assert.Null(BaselineReader.Read("base\0line.json", bag));
        Assert.Equal(DiagnosticCodes.BadFileName, Assert.Single(bag.Sorted()).Code);
    }
}

/// <summary>R3: a baseline says which rules it was made under (<c>ruleSetVersion</c>), so a run under other rules can say so.</summary>
public sealed class BaselineRuleSetVersionTests
{
    private static (Baseline? Baseline, IReadOnlyList<Diagnostic> Diagnostics) Read(string json)
    {
        using var dir = new TempDir();
        var bag = new DiagnosticBag();
        var baseline = BaselineReader.ReadBaseline(dir.Write("b.json", json), bag);
        return (baseline, bag.Sorted());
    }

    [Fact]
    public void ReadBaseline_WithRuleSetVersion_GivesItAndTheIds()
    {
        var (baseline, diagnostics) = Read("""{"schemaVersion": "3", "tool": {"ruleSetVersion": "no"}, "ruleSetVersion": "sha256:00112233aabbccdd", "findings": [{"id": "a"}]}""");
        Assert.Empty(diagnostics);
        Assert.Equal("sha256:00112233aabbccdd", baseline!.RuleSetVersion);
        Assert.Equal(["a"], baseline.Ids);
    }

    [Theory]
    [InlineData("""{"schemaVersion": "2", "findings": [{"id": "a"}]}""")]
    [InlineData("""{"schemaVersion": "3", "ruleSetVersion": null, "findings": [{"id": "a"}]}""")]
    public void ReadBaseline_OldOrUnversioned_ReadableWithoutVersion(string json)
    {
        var (baseline, diagnostics) = Read(json);
        Assert.Empty(diagnostics);
        Assert.Null(baseline!.RuleSetVersion);
        Assert.Equal(["a"], baseline.Ids);
    }

    [Theory]
    [InlineData("""{"ruleSetVersion": 3, "findings": []}""")]
    [InlineData("""{"ruleSetVersion": ["sha256:1"], "findings": []}""")]
    public void ReadBaseline_RuleSetVersionNotAString_Refused(string json)
    {
        // Fail closed: a version that cannot be compared is not read as "the same rules".
        var (baseline, diagnostics) = Read(json);
        Assert.Null(baseline);
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.BaselineInvalid, d.Code);
        Assert.Contains("ruleSetVersion", d.Message, StringComparison.Ordinal);
    }
}
