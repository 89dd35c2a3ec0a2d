using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Model.Tests;

public sealed class DiagnosticTests
{
    [Fact]
    public void ToString_FileLineColumnSeverityCodeMessage() =>
        Assert.Equal("a.yaml:3:7: error CE2004: bad", Diagnostic.Error("CE2004", "bad", new SourceLocation("a.yaml", 3, 7)).ToString());

    [Fact]
    public void Note_IsNeitherErrorNorWarning()
    {
        var bag = new DiagnosticBag();
        bag.Note("CE3005", "read as eu-central-1", new SourceLocation("a.yaml", 1, 1));
        var d = Assert.Single(bag.Sorted());
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.Equal("note", d.SeverityText);
        Assert.Equal("a.yaml:1:1: note CE3005: read as eu-central-1", d.ToString());
        Assert.False(bag.HasErrors);
    }

    [Fact]
    public void Sorted_ByFileLineColumnThenCode_Deduplicated()
    {
        var bag = new DiagnosticBag();
        bag.Error("CE2", "x", new SourceLocation("b.yaml", 1, 1));
        bag.Error("CE1", "x", new SourceLocation("a.yaml", 10, 1));
        bag.Error("CE1", "x", new SourceLocation("a.yaml", 2, 5));
        bag.Error("CE1", "x", new SourceLocation("a.yaml", 2, 5));
        bag.Warning("CE3", "w", new SourceLocation("a.yaml", 2, 1));
        var sorted = bag.Sorted();
        Assert.Equal(["a.yaml:2:1", "a.yaml:2:5", "a.yaml:10:1", "b.yaml:1:1"], sorted.Select(d => d.Location.ToString()).ToArray());
        Assert.True(bag.HasErrors);
        Assert.Equal(4, bag.ErrorCount);
    }

    [Fact]
    public void DidYouMean_CloseWordSuggested_FarWordNot()
    {
        Assert.Equal(", did you mean 'region'?", Suggestions.DidYouMean("regoin", ["region", "provider"]));
        Assert.Equal("", Suggestions.DidYouMean("zzzzzz", ["region", "provider"]));
    }

    [Theory]
    [InlineData("critical", Severity.Critical)]
    [InlineData("info", Severity.Info)]
    public void Severity_ParsesContractNames(string text, Severity expected)
    {
        Assert.True(SeverityNames.TryParse(text, out var s));
        Assert.Equal(expected, s);
        Assert.Equal(text, s.ToName());
    }

    [Fact]
    public void Severity_UnknownName_Rejected() => Assert.False(SeverityNames.TryParse("severe", out _));

    [Fact]
    public void EffectivePeriod_ClosedOpen()
    {
        var p = new EffectivePeriod(new DateOnly(2026, 1, 26), new DateOnly(2027, 1, 1));
        Assert.False(p.Contains(new DateOnly(2026, 1, 25)));
        Assert.True(p.Contains(new DateOnly(2026, 1, 26)));
        Assert.False(p.Contains(new DateOnly(2027, 1, 1)));
    }
}
