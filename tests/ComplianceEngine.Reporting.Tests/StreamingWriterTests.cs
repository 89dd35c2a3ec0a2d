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

        public override Finding Make(int index)
        {
            var t = templates[index % templates.Length];
            var f = index < templates.Length ? t with { } : t with { Id = index.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) };
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
