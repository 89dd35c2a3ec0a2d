using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;
using Json.Schema;

namespace ComplianceEngine.Reporting.Tests;

/// <summary>
/// The JSON report of schema 3 against docs/report.schema.json, and read back: whole (nothing lost by writing each fact and
/// remediation once), from reports of schema 1 and 2, in pieces, and never past a report it does not understand.
/// </summary>
public sealed class JsonReportReaderTests
{
    private static JsonSchema ReportSchema() => JsonSchema.FromText(File.ReadAllText(TestFiles.Output(Path.Combine("Schemas", "report.schema.json"))));

    private static EvaluationResults Validate(string json) =>
        ReportSchema().Evaluate(JsonNode.Parse(json), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

    private static string Errors(EvaluationResults results) =>
        string.Join("\n", results.Details.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));

    private static List<ReportedFinding> Read(string json, int chunk = int.MaxValue) =>
        [.. JsonReportReader.ReadFindings(new ChunkedStream(Encoding.UTF8.GetBytes(json), chunk))];

    private static List<ReportedFinding> ReadFile(string name) => Read(File.ReadAllText(TestFiles.Output(Path.Combine("Reports", name))));

    public static TheoryData<string> Reports => new() { "fixture", "onward" };

    private static Report ReportNamed(string name) => name == "fixture" ? ReportFixture.Build() : LargeReportTests.Onward(50);

    [Theory]
    [MemberData(nameof(Reports))]
    public void Write_Report_ValidatesAgainstTheReportSchema(string name)
    {
        var results = Validate(ReportFixture.Render(new JsonReportWriter(), ReportNamed(name)));

        Assert.True(results.IsValid, Errors(results));
    }

    [Fact]
    public void SchemaCheck_RejectsEvidenceWrittenInline()
    {
        // Guards the schema check itself: schema 2's inline evidence is not schema 3.
        var json = JsonNode.Parse(ReportFixture.Render(new JsonReportWriter()))!;
        json["findings"]![0]!["evidence"] = new JsonArray(new JsonObject { ["fact"] = "country", ["value"] = "DE" });

        Assert.False(Validate(json.ToJsonString()).IsValid);
    }

    [Fact]
    public void SchemaCheck_RejectsAFindingWithoutItsRemediation()
    {
        var json = JsonNode.Parse(ReportFixture.Render(new JsonReportWriter()))!;
        json["findings"]![0]!.AsObject().Remove("remediation");

        Assert.False(Validate(json.ToJsonString()).IsValid);
    }

    [Theory]
    [MemberData(nameof(Reports))]
    public void ReadFindings_Schema3_GivesBackEveryFindingWhole(string name)
    {
        var report = ReportNamed(name);
        var expected = report.Findings.Where(f => f.Status != FindingStatus.Pass).ToList();

        var read = Read(ReportFixture.Render(new JsonReportWriter(), report));

        Assert.Equal(expected.Count, read.Count);
        foreach (var (f, r) in expected.Zip(read))
        {
            Assert.Equal(f.Id, r.Id);
            Assert.Equal(f.RuleId, r.RuleId);
            Assert.Equal(f.Jurisdiction, r.Jurisdiction);
            Assert.Equal(f.Severity.ToName(), r.Severity);
            Assert.Equal(f.Status.ToName(), r.Status);
            Assert.Equal(f.RootCause ?? f.Id, r.RootCause);
            Assert.Equal(new ReportedSubject(f.Subject.Kind, f.Subject.Name, f.Subject.Location.File, f.Subject.Location.Line), r.Subject);
            Assert.Equal<string>(f.Path, r.Path);
            Assert.Equal(f.Citation, r.Citation);
            Assert.Equal(f.Message, r.Message);
            Assert.Equal(f.Remediation, r.Remediation);
            Assert.Equal<ReportedEvidence>([.. f.Evidence.Select(e => new ReportedEvidence(e.Fact, e.Value, e.Location.IsKnown ? e.Location.File : null, e.Location.IsKnown ? e.Location.Line : 0))], r.Evidence);
        }
    }

    [Fact]
    public void ReadFindings_InPiecesOfAFewBytes_ReadsTheSame()
    {
        var json = ReportFixture.Render(new JsonReportWriter(), LargeReportTests.Onward(200));

        Assert.Equal(Read(json), Read(json, chunk: 7), new FindingComparer());
    }

    [Theory]
    [InlineData("fixture-schema1.json")]
    [InlineData("fixture-schema2.json")]
    public void ReadFindings_OlderSchema_ReadsTheSameFindingsAsSchema3(string file)
    {
        // The fixture as schema 1 and 2 wrote it (their golden files): the same findings, read whole.
        var old = ReadFile(file);
        var now = Read(ReportFixture.Render(new JsonReportWriter()));

        Assert.Equal(now.Select(f => (f.Id, f.RuleId, f.Jurisdiction, f.Severity, f.Status, f.Subject)), old.Select(f => (f.Id, f.RuleId, f.Jurisdiction, f.Severity, f.Status, f.Subject)));
        Assert.Equal(now.Select(f => f.Path), old.Select(f => f.Path), new PathComparer());
        Assert.DoesNotContain(old, f => f.Message.Contains(JsonReportWriter.PathToken, StringComparison.Ordinal));
        Assert.DoesNotContain(old, f => f.Evidence.Any(e => e.Value.Contains(JsonReportWriter.PathToken, StringComparison.Ordinal)));
    }

    [Fact]
    public void ReadFindings_Schema2_MatchesSchema3Exactly()
    {
        Assert.Equal(Read(ReportFixture.Render(new JsonReportWriter())), ReadFile("fixture-schema2.json"), new FindingComparer());
    }

    [Fact]
    public void ReadFindings_UnknownSchemaVersion_Refuses()
    {
        var json = ReportFixture.Render(new JsonReportWriter()).Replace("\"schemaVersion\": \"3\"", "\"schemaVersion\": \"4\"", StringComparison.Ordinal);

        var ex = Assert.Throws<InvalidDataException>(() => Read(json));
        Assert.Contains("schema version '4'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFindings_FactNotInTheTable_Refuses()
    {
        var json = JsonNode.Parse(ReportFixture.Render(new JsonReportWriter()))!;
        json["findings"]![0]!["evidence"] = new JsonArray(9999);

        var ex = Assert.Throws<InvalidDataException>(() => Read(json.ToJsonString()));
        Assert.Contains("cites fact 9999", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"schemaVersion\": \"3\"}")]
    public void ReadFindings_NotAReport_Refuses(string json)
    {
        Assert.Throws<InvalidDataException>(() => Read(json));
    }

    [Fact]
    public void ReadFindings_CutShort_IsAJsonError()
    {
        var json = ReportFixture.Render(new JsonReportWriter());

        Assert.ThrowsAny<JsonException>(() => Read(json[..(json.Length / 2)], chunk: 100));
    }

    private sealed class FindingComparer : IEqualityComparer<ReportedFinding>
    {
        public bool Equals(ReportedFinding? x, ReportedFinding? y) =>
            x is not null && y is not null && x with { Path = [], Evidence = [] } == y with { Path = [], Evidence = [] }
            && x.Path.SequenceEqual(y.Path) && x.Evidence.SequenceEqual(y.Evidence);

        public int GetHashCode(ReportedFinding obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }

    private sealed class PathComparer : IEqualityComparer<System.Collections.Immutable.ImmutableArray<string>>
    {
        public bool Equals(System.Collections.Immutable.ImmutableArray<string> x, System.Collections.Immutable.ImmutableArray<string> y) => x.SequenceEqual(y);
        public int GetHashCode(System.Collections.Immutable.ImmutableArray<string> obj) => obj.Length;
    }

    /// <summary>A read-only stream that hands out at most <c>chunk</c> bytes per read, to cross every buffer boundary.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);
    }
}
