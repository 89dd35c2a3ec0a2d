using System.Collections.Immutable;
using System.Text;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Reporting.Tests;

/// <summary>
/// Writers over a report whose findings are made as they are read (<see cref="FindingList.From"/>, as an evaluation's
/// report keeps its rows): the bytes are the golden files', and no writer holds the findings it has read.
/// </summary>
public sealed class StreamingWriterTests
{
    public static TheoryData<string> AllFormats => ["json", "markdown", "sarif", "junit", "html", "csv", "text"];

    private static IReportWriter WriterOf(string format) => format == "text" ? new ConsoleSummaryWriter() : ReportFixture.Writer(format);

    [Theory]
    [MemberData(nameof(GoldenFileTests.Formats), MemberType = typeof(GoldenFileTests))]
    public void Write_FindingsMadeAsRead_MatchesGoldenFile(string format, string golden)
    {
        var source = new MadeOnRead(ReportFixture.Findings, ReportFixture.Findings.Length);
        var report = ReportFixture.With(ReportFixture.Findings) with { Findings = FindingList.From(source) };

        var actual = ReportFixture.Render(ReportFixture.Writer(format), report);

        Assert.True(source.Made > 0, "the writer read the findings");
        Assert.Equal(File.ReadAllText(TestFiles.Output(Path.Combine("Golden", golden)), Encoding.UTF8), actual);
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public void Write_FindingsMadeAsRead_HoldsFewAtOnce(string format)
    {
        const int Count = 3000;
        var source = new MadeOnRead(ReportFixture.Findings, Count) { CollectEvery = 200 };
        var report = ReportFixture.With(ReportFixture.Findings) with { Findings = FindingList.From(source) };

        var text = ReportFixture.Render(WriterOf(format), report);

        Assert.NotEmpty(text);
        Assert.True(source.Made >= Count, $"every finding read at least once, made {source.Made}");
        // A writer that kept what it read would hold thousands by the last collections.
        Assert.True(source.MostAlive <= 400, $"{format}: {source.MostAlive} of {source.Made} made findings alive at once");
    }

    [Theory]
    [MemberData(nameof(GoldenFileTests.Formats), MemberType = typeof(GoldenFileTests))]
    public void Write_FieldsReadWithoutMaking_MatchesGoldenFile(string format, string golden)
    {
        var source = new MadeOnRead(ReportFixture.Findings, ReportFixture.Findings.Length) { ReadsFields = true };
        var report = ReportFixture.With(ReportFixture.Findings) with { Findings = FindingList.From(source) };

        var actual = ReportFixture.Render(ReportFixture.Writer(format), report);

        Assert.Equal(File.ReadAllText(TestFiles.Output(Path.Combine("Golden", golden)), Encoding.UTF8), actual);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Json_FieldsReadWithoutMaking_MakesEachWrittenFindingOnce(int threads)
    {
        // The facts table, the rules' first findings and the estate read fields; only the finding's own line makes it
        // (and each rule's first finding is made once more, for the rules list).
        const int Count = 20_000;
        var source = new MadeOnRead(ReportFixture.Findings, Count) { ReadsFields = true };
        var report = ReportFixture.With(ReportFixture.Findings) with { Findings = FindingList.From(source) };
        var written = Enumerable.Range(0, Count).Count(i => ReportFixture.Findings[i % ReportFixture.Findings.Length].Status != FindingStatus.Pass);
        var rules = ReportFixture.Findings.Where(f => f.Status != FindingStatus.Pass).Select(f => f.RuleId).Distinct().Count();

        var text = ReportFixture.Render(new JsonReportWriter { MaxDegreeOfParallelism = threads }, report);

        Assert.Contains("\"findings\":", text, StringComparison.Ordinal);
        Assert.True(source.Made <= written + rules, $"made {source.Made} findings for {written} written ({rules} rules)");
    }

    [Theory]
    [InlineData("json", 1)]
    [InlineData("json", 4)]
    [InlineData("html", 1)]
    [InlineData("text", 1)]
    public void Write_FieldsReadWithoutMaking_MakesNoFinding(string format, int threads)
    {
        // Every line, card and listed finding is written from the finding's fields: where the report keeps rows, none is made.
        const int Count = 5_000;
        var source = new MadeOnRead(ReportFixture.Findings, Count) { ReadsFields = true };
        var report = ReportFixture.With(ReportFixture.Findings) with { Findings = FindingList.From(source) };
        var writer = format == "json" ? new JsonReportWriter { MaxDegreeOfParallelism = threads } : WriterOf(format);

        var text = ReportFixture.Render(writer, report);

        Assert.NotEmpty(text);
        Assert.True(source.FieldsRead >= Count, $"every finding's fields read, {source.FieldsRead}");
        Assert.Equal(0, source.Made);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(40)]
    public void Terminal_FirstListed_FromFields_AreTheWholeListingsFirst(int max)
    {
        // The terminal's first findings, picked one by one from each finding's keys, are the first of the whole listing
        // (sorted), ties (equal but for the id) included; no finding is made either way.
        const int Count = 2_000;
        var source = new MadeOnRead(ReportFixture.Findings, Count) { ReadsFields = true };
        var report = ReportFixture.With(ReportFixture.Findings) with { Findings = FindingList.From(source) };
        // A listed finding is a line followed by its message, indented by four spaces.
        static string[] Listed(string text)
        {
            var lines = text.Split('\n');
            return [.. lines.Where((l, i) => i + 1 < lines.Length && lines[i + 1].StartsWith("    ", StringComparison.Ordinal))];
        }
        using var first = new StringWriter();
        using var whole = new StringWriter();

        ConsoleSummaryWriter.Write(report, first, max);
        ConsoleSummaryWriter.Write(report, whole, maxFindings: null);

        Assert.Equal(0, source.Made);
        var all = Listed(whole.ToString());
        Assert.True(all.Length > max, $"{all.Length} listed");
        Assert.Equal(all.Take(max), Listed(first.ToString()));
    }

    [Fact]
    public void FindingList_FieldsOf_HeldSourceAndMapped_AreTheFindingsFields()
    {
        var source = new MadeOnRead(ReportFixture.Findings, ReportFixture.Findings.Length) { ReadsFields = true };
        FindingList held = ReportFixture.Findings;
        var made = FindingList.From(source);
        var mapped = made.Map(f => f with { Status = FindingStatus.Waived, Severity = Model.Rules.Severity.Low });

        for (var i = 0; i < ReportFixture.Findings.Length; i++)
        {
            var f = ReportFixture.Findings[i];
            AssertFields(f, held.FieldsOf(i));
            AssertFields(f, made.FieldsOf(i));
            AssertFields(f with { Status = FindingStatus.Waived, Severity = Model.Rules.Severity.Low }, mapped.FieldsOf(i));
        }
        Assert.Equal(ReportFixture.Findings.Length, source.Made);
        Assert.Equal(ReportFixture.Findings.Length, source.FieldsRead);
    }

    private static void AssertFields(Finding f, FindingFields fields)
    {
        Assert.Equal(f.RuleId, fields.RuleId);
        Assert.Equal(f.RuleTitle, fields.RuleTitle);
        Assert.Equal(f.Jurisdiction, fields.Jurisdiction);
        Assert.Equal(f.Severity, fields.Severity);
        Assert.Equal(f.Status, fields.Status);
        Assert.Equal(f.Subject, fields.Subject);
        Assert.Equal(f.Path, fields.Path);
        Assert.Equal(f.Place, fields.Place);
        Assert.Equal(f.Evidence, fields.Evidence);
        Assert.Equal(f.RootCause is not null && f.RootCause != f.Id, fields.CausedByAnother);
    }

    [Fact]
    public void MadeOnRead_WriterThatKeepsFindings_IsCaught()
    {
        const int Count = 3000;
        var source = new MadeOnRead(ReportFixture.Findings, Count) { CollectEvery = 200 };
        var report = ReportFixture.With(ReportFixture.Findings) with { Findings = FindingList.From(source) };

        var kept = report.Findings.ToList();

        Assert.Equal(Count, kept.Count);
        Assert.True(source.MostAlive >= Count - 200, $"the probe sees kept findings: {source.MostAlive}");
        GC.KeepAlive(kept);
    }

    [Fact]
    public void FindingList_FromSource_MakesEachReadAndHoldsNone()
    {
        var source = new MadeOnRead(ReportFixture.Findings, ReportFixture.Findings.Length);
        var list = FindingList.From(source);

        var first = list[0];
        var again = list[0];

        Assert.False(list.IsHeld);
        Assert.Equal(ReportFixture.Findings.Length, list.Count);
        Assert.Equal(first, again);
        Assert.NotSame(first, again);
        Assert.Equal(2, source.Made);
        Assert.Equal(ReportFixture.Findings[0].Status, list.StatusOf(0));
        Assert.Equal(ReportFixture.Findings.ToArray(), list.ToImmutableArray().ToArray());
    }

    [Fact]
    public void FindingList_Map_OnSource_AppliesAsRead()
    {
        var source = new MadeOnRead(ReportFixture.Findings, ReportFixture.Findings.Length);
        var list = FindingList.From(source).Map(f => f with { WaiverName = "w" });

        Assert.Equal(0, source.Made);
        Assert.All(list, f => Assert.Equal("w", f.WaiverName));
        Assert.Equal(ReportFixture.Findings.Length, source.Made);
    }

    [Fact]
    public void FindingList_Held_IsTheArray()
    {
        FindingList list = ReportFixture.Findings;

        Assert.True(list.IsHeld);
        Assert.Same(ReportFixture.Findings[1], list[1]);
        Assert.Equal(ReportFixture.Findings.Length, list.Length);
    }

    /// <summary>
    /// Findings made from templates on every read (the <paramref name="count"/>-th a copy of template count mod n, with an id
    /// of its own beyond the templates), each tracked by a weak reference; every <see cref="CollectEvery"/> reads it collects
    /// and counts how many made findings are still alive.
    /// </summary>
    private sealed class MadeOnRead(ImmutableArray<Finding> templates, int count) : FindingSource
    {
        private readonly List<WeakReference<Finding>> _made = [];
        private readonly Lock _lock = new();

        public int CollectEvery { get; init; }

        public int Made
        {
            get
            {
                lock (_lock) return _made.Count;
            }
        }

        public int MostAlive { get; private set; }

        public override int Count => count;

        /// <summary>Whether <see cref="FieldsOf"/> reads the fields without making a finding (as a source of rows does), counted in <see cref="FieldsRead"/>.</summary>
        public bool ReadsFields { get; init; }

        private int _fieldsRead;

        public int FieldsRead => Volatile.Read(ref _fieldsRead);

        public override FindingFields FieldsOf(int index)
        {
            if (!ReadsFields) return base.FieldsOf(index);
            Interlocked.Increment(ref _fieldsRead);
            return new FindingFields(Copy(index));
        }

        private Finding Copy(int index)
        {
            var t = templates[index % templates.Length];
            return index < templates.Length ? t with { } : t with { Id = index.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) };
        }

        public override Finding Make(int index)
        {
            var f = Copy(index);
            lock (_lock)
            {
                _made.Add(new WeakReference<Finding>(f));
                if (CollectEvery > 0 && _made.Count % CollectEvery == 0)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    var alive = _made.Count(w => w.TryGetTarget(out _));
                    MostAlive = Math.Max(MostAlive, alive);
                }
            }
            return f;
        }
    }
}
