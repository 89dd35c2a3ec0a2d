using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Reporting.Tests;

/// <summary>
/// The JSON report's lines rendered by hand into UTF-8 (in parallel chunks, written in order) give the bytes
/// <see cref="Utf8JsonWriter"/> gave: same escaping, same order, whichever output and however many threads.
/// </summary>
public sealed class JsonWritingTests
{
    private static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string ByWriter(string value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, Options)) w.WriteStringValue(value);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string ByLine(string value)
    {
        using var line = new JsonLine(16);
        line.String(value);
        return Encoding.UTF8.GetString(line.Written);
    }

    public static TheoryData<string> Texts => new()
    {
        "plain ASCII text, with punctuation: a -> b; (c) [d] {e} <f> & 'g' `h` ~ ^ | $ # @ ! ? * + = %",
        "quotes \" and backslashes \\ and a slash /",
        "line\nbreak\ttab\rreturn\u0001control\u007fdelete",
        "unicode: Zürich – São Paulo — 東京 — emoji 🚀 — U+2028 \u2028 U+2029 \u2029 — nbsp \u00a0 — soft hyphen \u00ad",
        "",
        "<script>alert('x')</script>",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void String_AnyText_SameBytesAsUtf8JsonWriter(string text) => Assert.Equal(ByWriter(text), ByLine(text));

    [Fact]
    public void String_EveryCharacterOfTheFirstPlanes_SameBytesAsUtf8JsonWriter()
    {
        for (var c = 0; c < 0xD800; c++)
        {
            var text = "a" + (char)c + "b";
            Assert.Equal(ByWriter(text), ByLine(text));
        }
    }

    [Fact]
    public void String_Null_WritesNull() => Assert.Equal("null", ByLine(null!));

    private static string Outcome(Func<string, string> write, string text)
    {
        try
        {
            return write(text);
        }
        catch (ArgumentException ex)
        {
            return "refused: " + ex.GetType().Name;
        }
    }

    [Fact]
    public void String_LoneSurrogates_SameOutcomeAsUtf8JsonWriter()
    {
        foreach (var text in new[] { "bad \ud800 text", "bad \udc00", "\ud83d", "ok \ud83d\ude80" })
            Assert.Equal(Outcome(ByWriter, text), Outcome(ByLine, text));
    }

    [Fact]
    public void Content_EscapedText_HasNoQuotes() => Assert.Equal("a \\\"b\\\" ü", Encoding.UTF8.GetString(Content("a \"b\" ü")));

    private static byte[] Content(string value)
    {
        using var line = new JsonLine(4);
        line.Content(value);
        return line.Written.ToArray();
    }

    /// <summary>The report written to a UTF-8 <see cref="StreamWriter"/> (bytes straight to its stream).</summary>
    private static byte[] ToStream(JsonReportWriter writer, Report report)
    {
        using var memory = new MemoryStream();
        using (var text = new StreamWriter(memory, new UTF8Encoding(false), 1024, leaveOpen: true)) writer.Write(report, text);
        return memory.ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void Write_LargeReport_SameBytesOnEveryOutputAndThreadCount(int threads)
    {
        // More findings than a few chunks, so the lines are rendered in parallel and copied in order.
        var report = LargeReportTests.Onward(JsonLines.ChunkSize * 5 + 17);
        var reference = ReportFixture.Render(new JsonReportWriter { MaxDegreeOfParallelism = 1 }, report);

        Assert.Equal(reference, ReportFixture.Render(new JsonReportWriter { MaxDegreeOfParallelism = threads }, report));
        Assert.Equal(Encoding.UTF8.GetBytes(reference), ToStream(new JsonReportWriter { MaxDegreeOfParallelism = threads }, report));
    }

    [Fact]
    public void Write_FixtureToStream_MatchesTheGoldenFile()
    {
        var golden = File.ReadAllBytes(TestFiles.Output(Path.Combine("Golden", "report.json")));

        Assert.Equal(golden, ToStream(new JsonReportWriter(), ReportFixture.Build()));
    }

    [Fact]
    public void Write_StreamWriterWithByteOrderMark_GetsTheTextThroughTheWriter()
    {
        using var memory = new MemoryStream();
        using (var text = new StreamWriter(memory, new UTF8Encoding(true), 1024, leaveOpen: true)) new JsonReportWriter().Write(ReportFixture.Build(), text);
        var expected = new UTF8Encoding(true).GetPreamble().Concat(File.ReadAllBytes(TestFiles.Output(Path.Combine("Golden", "report.json"))));

        Assert.Equal(expected, memory.ToArray());
    }

    [Fact]
    public void Lines_RenderFails_TheFailureIsThrownAndNothingHangs()
    {
        using var memory = new MemoryStream();
        using var w = new Utf8JsonWriter(memory);
        w.WriteStartObject();

        var ex = Assert.Throws<InvalidOperationException>(() => JsonLines.Write(w, memory, "items", JsonLines.ChunkSize * 8, (line, i) =>
        {
            if (i == JsonLines.ChunkSize * 3 + 5) throw new InvalidOperationException("item " + i);
            line.Number(i);
        }, parallelism: 3));
        Assert.Equal($"item {JsonLines.ChunkSize * 3 + 5}", ex.Message);
    }

    private static Finding Templated(string id, string message, string remediation, ImmutableArray<string?> values, ImmutableArray<string> path) =>
        new(id, "R1", "Rule one", "EU", Severity.High, FindingStatus.Violation, new FindingSubject("DataFlow", id, new SourceLocation("f.yaml", 1, 1)),
            path, "Art. 1", "verified", new FindingText(TextTemplate.Parse(message), TextTemplate.Parse(remediation), values, []));

    public static TheoryData<string, string, string?> Templates => new()
    {
        { "Data of {store} goes ({path}) to \"{dest}\".", "Sign {{SCCs}} for {dest}.", "Zürich 🚀" },
        { "{path}", "{dest}", "quote \" backslash \\ newline \n" },
    };

    [Fact]
    public void Write_TemplateLiteralEndingInsideASurrogatePair_WrittenWhole() =>
        // A literal ending inside a surrogate pair that a value completes: the text is written whole, as before.
        Write_TemplatedText_MessageAndRemediationAsRenderedWithThePathToken("rocket \ud83d{dest}", "none", "\ude80 launched");

    [Theory]
    [MemberData(nameof(Templates))]
    public void Write_TemplatedText_MessageAndRemediationAsRenderedWithThePathToken(string message, string remediation, string? value)
    {
        var messageValues = TextTemplate.Parse(message).Placeholders.Select(p => p == "path" ? null : value);
        var remediationValues = TextTemplate.Parse(remediation).Placeholders.Select(p => p == "path" ? null : value);
        var f = Templated("t1", message, remediation, [.. messageValues, .. remediationValues], ["a", "b", "c"]);

        using var doc = JsonDocument.Parse(ReportFixture.Render(new JsonReportWriter(), ReportFixture.With([f])));
        var written = doc.RootElement.GetProperty("findings")[0];

        Assert.Equal(f.MessageWithPathToken(JsonReportWriter.PathToken), written.GetProperty("message").GetString());
        Assert.Equal(f.RemediationWithPathToken(JsonReportWriter.PathToken), written.GetProperty("remediation").GetString());
    }

    [Fact]
    public void Write_MessageGivenAsText_OverTemplate_WritesTheGivenText()
    {
        var f = Templated("t1", "From {path}.", "Fix {path}.", [null, null], ["a", "b"]) with { Message = "Given a -> b." };

        using var doc = JsonDocument.Parse(ReportFixture.Render(new JsonReportWriter(), ReportFixture.With([f])));
        var written = doc.RootElement.GetProperty("findings")[0];

        Assert.Equal("Given {path}.", written.GetProperty("message").GetString());
        Assert.Equal("Fix {path}.", written.GetProperty("remediation").GetString());
    }

    /// <summary>The table as it was built before evidence was looked up by reference: every entry rendered and hashed.</summary>
    private static (List<FactTable.Fact> Entries, List<int[]> Evidence) Naive(IReadOnlyList<Finding> findings)
    {
        var ids = new Dictionary<FactTable.Fact, int>();
        var entries = new List<FactTable.Fact>();
        var counts = new List<int>();
        var evidence = new List<int[]>();
        foreach (var f in findings)
        {
            var pathText = f.Path.Length < 2 ? null : string.Join(" -> ", f.Path);
            evidence.Add([.. f.Evidence.Select(e =>
            {
                var value = pathText is null ? e.Value : e.Value.Replace(pathText, JsonReportWriter.PathToken, StringComparison.Ordinal);
                var fact = !e.Location.IsKnown ? new FactTable.Fact(e.Fact, value, null, 0, false)
                    : e.Location.Line == f.Subject.Location.Line && e.Location.File == f.Subject.Location.File ? new FactTable.Fact(e.Fact, value, null, 0, true)
                    : new FactTable.Fact(e.Fact, value, e.Location.File, e.Location.Line, false);
                if (!ids.TryGetValue(fact, out var id))
                {
                    ids.Add(fact, id = entries.Count);
                    entries.Add(fact);
                    counts.Add(0);
                }
                counts[id]++;
                return id;
            })]);
        }
        var order = Enumerable.Range(0, entries.Count).OrderByDescending(id => counts[id]).ThenBy(id => id).ToArray();
        var renumbered = new int[order.Length];
        for (var rank = 0; rank < order.Length; rank++) renumbered[order[rank]] = rank;
        return ([.. order.Select(id => entries[id])], [.. evidence.Select(ix => ix.Select(i => renumbered[i]).ToArray())]);
    }

    [Fact]
    public void FactTable_SharedEvidenceObjects_SameTableAsRenderingEveryEntry()
    {
        var file = new SourceLocation("flows.yaml", 10, 3);
        var shared = new Evidence("purpose", "analytics", file);                      // on one finding's subject line, off another's
        var unknown = new Evidence("mechanisms", "none", SourceLocation.None);
        var withPath = new Evidence("implied by", "onward a -> b -> c", SourceLocation.None); // holds a path: per finding
        var ending = Evidence.EndingWithPath("via", "from x via ", ["a", "b", "c"], file);
        var findings = new List<Finding>();
        for (var i = 0; i < 40; i++)
        {
            ImmutableArray<string> path = i % 3 == 0 ? ["a", "b", "c"] : i % 3 == 1 ? ["a", "b"] : ["solo"];
            var subject = new SourceLocation("flows.yaml", i % 2 == 0 ? 10 : 20 + i, 1);
            findings.Add(new Finding($"f{i}", "R", "T", "EU", Severity.High, FindingStatus.Violation, new FindingSubject("DataFlow", $"f{i}", subject),
                path, "c", "verified", "m", "r", i % 4 == 0 ? [shared, unknown, withPath, ending] : [ending, shared, withPath, unknown, shared]));
        }

        var table = FactTable.Build(findings);
        var (entries, evidence) = Naive(findings);

        Assert.Equal(entries, table.Entries);
        for (var i = 0; i < findings.Count; i++) Assert.Equal(evidence[i], table.Of(i));
    }

    [Fact]
    public void FactTable_EvidenceEndingWithTheFindingsPath_SameTableAsReplacingInTheJoinedValue()
    {
        // Prefixes that hold the path, or end with its start so that the first occurrence runs on into the path: replacing
        // in the joined value replaces there, not at the end; the table must say the same.
        var at = new SourceLocation("flows.yaml", 5, 1);
        (string Prefix, string[] Path)[] cases =
        [
            ("from x via ", ["a", "b", "c"]),
            ("a -> a via ", ["a", "a"]),
            ("via a -> ", ["a", "a", "a"]),
            ("via a", ["a", "a"]),
            ("a -> ", ["a", "a", "b"]),
            ("a -> b -> ", ["a", "b", "a", "b"]),
            ("", ["p", "q"]),
        ];
        var findings = new List<Finding>();
        for (var i = 0; i < cases.Length * 3; i++)
        {
            var (prefix, path) = cases[i % cases.Length];
            ImmutableArray<string> own = [.. path];
            // The evidence's path the finding's own array, an equal copy, or another path.
            ImmutableArray<string> ending = i / cases.Length == 0 ? own : i / cases.Length == 1 ? [.. path] : [.. path, "z"];
            findings.Add(new Finding($"f{i}", "R", "T", "EU", Severity.High, FindingStatus.Violation, new FindingSubject("DataFlow", $"f{i}", at),
                own, "c", "verified", "m", "r", [Evidence.EndingWithPath("implied by", prefix, ending, SourceLocation.None)]));
        }

        var table = FactTable.Build(findings);
        var (entries, evidence) = Naive(findings);

        Assert.Equal(entries, table.Entries);
        for (var i = 0; i < findings.Count; i++) Assert.Equal(evidence[i], table.Of(i));
        Assert.Contains(table.Entries, e => e.Value == "from x via {path}");
        Assert.Contains(table.Entries, e => e.Value == "via {path} -> a");
    }

    [Fact]
    public void FactTable_PathOnlyAtEnd_TrueOnlyWhereReplacingLeavesThePrefix()
    {
        // Every prefix of up to 6 pieces and path of 2-3 names over a small alphabet: where it says true, replacing every
        // occurrence in the joined value gives the prefix and the token.
        string[] pieces = ["a", "b", " -> ", "a -> ", "-"];
        var random = new Random(7);
        var trues = 0;
        for (var n = 0; n < 20_000; n++)
        {
            var prefix = string.Concat(Enumerable.Range(0, random.Next(0, 7)).Select(_ => pieces[random.Next(pieces.Length)]));
            ImmutableArray<string> path = [.. Enumerable.Range(0, random.Next(2, 4)).Select(_ => random.Next(4) switch { 0 => "b", 1 => "", 2 => "a -> a", _ => "a" })];
            var pathText = string.Join(" -> ", path);
            var replaced = (prefix + pathText).Replace(pathText, "{path}", StringComparison.Ordinal);
            if (FactTable.PathOnlyAtEnd(prefix, path))
            {
                trues++;
                Assert.Equal(prefix + "{path}", replaced);
            }
            else Assert.NotEqual(prefix + "{path}", replaced);
        }
        Assert.True(trues > 1000, $"{trues} of 20000");
    }

    [Fact]
    public void FactTable_DistinctEvidenceObjectsWithTheSameFactAndLocation_ToldApartAsRenderingEveryEntry()
    {
        // Objects with the same fact and location share their hash in the table's identity lookup: each must still be its
        // own object there (equal values one entry, different values different entries), re-cited or not.
        var at = new SourceLocation("stores.yaml", 7, 3);
        var objects = Enumerable.Range(0, 300).Select(i => new Evidence("country", $"C{i % 40}", at)).ToList();
        var findings = new List<Finding>();
        for (var i = 0; i < 900; i++)
        {
            var subject = new SourceLocation("stores.yaml", i % 3 == 0 ? 7 : 100 + i, 1);
            findings.Add(new Finding($"f{i}", "R", "T", "EU", Severity.High, FindingStatus.Violation, new FindingSubject("DataStore", $"s{i}", subject),
                ["solo"], "c", "verified", "m", "r", [objects[i % objects.Count], objects[(i * 7) % objects.Count]]));
        }

        var table = FactTable.Build(findings);
        var (entries, evidence) = Naive(findings);

        Assert.Equal(entries, table.Entries);
        Assert.Equal(80, table.Entries.Count); // 40 values, each on and off its citing finding's subject line
        for (var i = 0; i < findings.Count; i++) Assert.Equal(evidence[i], table.Of(i));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void FactTable_InParallelRanges_SameTableAsOneThread(int parallelism)
    {
        // Enough findings for several ranges; facts cited first in a late range, facts cited in every range, facts cited
        // once, values holding each finding's path, on and off the subject line: numbered as one pass over all of them.
        var random = new Random(parallelism);
        var findings = new List<Finding>();
        for (var i = 0; i < 30_000; i++)
        {
            ImmutableArray<string> path = random.Next(3) == 0 ? [$"s{random.Next(50)}", $"c{random.Next(20)}", $"d{random.Next(20)}"] : [$"s{random.Next(50)}", "c"];
            var subject = new SourceLocation($"f{random.Next(5)}.yaml", random.Next(40), 1);
            var evidence = new List<Evidence>();
            for (var e = random.Next(6); e > 0; e--)
            {
                var at = random.Next(3) switch
                {
                    0 => SourceLocation.None,
                    1 => subject,
                    _ => new SourceLocation($"f{random.Next(5)}.yaml", random.Next(40), 1),
                };
                var value = random.Next(4) switch
                {
                    0 => string.Join(" -> ", path),
                    1 => $"late {random.Next(i / 1000 + 1)}",
                    2 => $"once {i}",
                    _ => $"v{random.Next(30)}",
                };
                evidence.Add(new Evidence($"fact{random.Next(8)}", value, at));
            }
            findings.Add(new Finding($"f{i}", "R", "T", "EU", Severity.High, FindingStatus.Violation, new FindingSubject("DataFlow", $"f{i}", subject),
                path, "c", "verified", "m", "r", [.. evidence]));
        }

        var table = FactTable.Build(findings, parallelism);
        var (entries, evidence1) = Naive(findings);

        Assert.Equal(entries, table.Entries);
        for (var i = 0; i < findings.Count; i++) Assert.Equal(evidence1[i], table.Of(i));
    }

    [Fact]
    public void FirstInListingOrder_ManyFindingsWithTies_TheFirstOfTheFullSort()
    {
        var random = new Random(7);
        var findings = Enumerable.Range(0, 600).Select(i => new Finding($"id{random.Next(50):D3}", $"R{random.Next(3)}", "T", random.Next(2) == 0 ? "EU" : "GB",
            Severity.High, FindingStatus.Violation,
            new FindingSubject("DataFlow", $"flow-{random.Next(30)}", new SourceLocation($"flows-{random.Next(12)}.yaml", random.Next(5), 1)),
            ["a", "b"], "c", "verified", $"m{i}", "r", [])).ToList();

        foreach (var count in new[] { 0, 1, 7, 50, 599, 600, 700 })
            Assert.Equal(ConsoleSummaryWriter.InListingOrder(findings).Take(count).Select(f => f.Message), ConsoleSummaryWriter.FirstInListingOrder(findings, count).Select(f => f.Message));
    }
}
