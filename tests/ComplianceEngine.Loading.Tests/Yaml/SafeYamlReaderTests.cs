using System.Diagnostics;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Loading.Tests.Yaml;

public sealed class SafeYamlReaderTests
{
    private static (IReadOnlyList<YamlNode> Docs, IReadOnlyList<Diagnostic> Diagnostics) Read(string text, YamlLimits? limits = null)
    {
        var bag = new DiagnosticBag();
        var docs = SafeYamlReader.Read(text, "f.yaml", bag, limits);
        return (docs, bag.Sorted());
    }

    [Fact]
    public void Read_MultipleDocuments_ReturnsEachWithPositions()
    {
        var (docs, diags) = Read("a: 1\n---\nb: [x, y]\n");
        Assert.Empty(diags);
        Assert.Equal(2, docs.Count);
        var second = Assert.IsType<YamlMapping>(docs[1]);
        Assert.Equal(3, second.Location.Line);
        var seq = Assert.IsType<YamlSequence>(second.Get("b"));
        Assert.Equal(2, seq.Items.Length);
        Assert.Equal(4, seq.Location.Column);
    }

    [Fact]
    public void Read_AliasBomb_RejectedAtTheAnchor()
    {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
        var (docs, diags) = Read(bomb);
        Assert.Empty(docs);
        var d = Assert.Single(diags);
        Assert.Equal(DiagnosticCodes.YamlAliasRejected, d.Code);
        Assert.Equal(1, d.Location.Line);
    }

    [Fact]
    public void Read_ExplicitTag_Rejected()
    {
        var (_, diags) = Read("a: !!python/object:os.system echo\n");
        Assert.Equal(DiagnosticCodes.YamlTagRejected, Assert.Single(diags).Code);
    }

    [Fact]
    public void Read_200000NestedBrackets_DiagnosticWithoutCrashOrHang()
    {
        var text = new string('[', 200_000);
        var watch = Stopwatch.StartNew();
        var (docs, diags) = Read(text);
        Assert.Empty(docs);
        var d = Assert.Single(diags);
        Assert.Equal(DiagnosticCodes.YamlTooDeep, d.Code);
        Assert.Equal(1, d.Location.Line);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "a hostile file must not hang the loader");
    }

    [Fact]
    public void Read_UnclosedBracket_SyntaxErrorWithPosition()
    {
        var (_, diags) = Read("a: [1, 2\nb: 3\n");
        var d = Assert.Single(diags);
        Assert.Equal(DiagnosticCodes.YamlSyntax, d.Code);
        Assert.True(d.Location.Line >= 1);
        Assert.Equal("f.yaml", d.Location.File);
    }

    [Fact]
    public void Read_DuplicateKey_ReportedAtTheSecondKey()
    {
        var (docs, diags) = Read("a: 1\nb: 2\na: 3\n");
        Assert.Empty(docs);
        var d = Assert.Single(diags);
        Assert.Equal(DiagnosticCodes.YamlDuplicateKey, d.Code);
        Assert.Equal(3, d.Location.Line);
    }

    [Fact]
    public void Read_TooManyEvents_Capped()
    {
        var (_, diags) = Read("[" + string.Join(",", Enumerable.Repeat("1", 100)) + "]", new YamlLimits { MaxEvents = 50 });
        Assert.Equal(DiagnosticCodes.YamlTooManyNodes, Assert.Single(diags).Code);
    }

    [Fact]
    public void Read_QuotedScalar_MarkedQuoted()
    {
        var (docs, _) = Read("a: 'true'\nb: true\n");
        var map = Assert.IsType<YamlMapping>(Assert.Single(docs));
        Assert.True(((YamlScalar)map.Get("a")!).Quoted);
        Assert.False(((YamlScalar)map.Get("b")!).Quoted);
    }
}
