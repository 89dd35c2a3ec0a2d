using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Loading.Tests.Yaml;

/// <summary>
/// The reader reuses one frame per nesting level and finds duplicate keys by scanning small mappings and with a set in
/// large ones: duplicates must be found on both paths, and nothing of one mapping may leak into the next.
/// </summary>
public sealed class SafeYamlReaderFrameTests
{
    private static (IReadOnlyList<YamlNode> Docs, IReadOnlyList<Diagnostic> Diagnostics) Read(string text)
    {
        var bag = new DiagnosticBag();
        var docs = SafeYamlReader.Read(text, "f.yaml", bag);
        return (docs, bag.Sorted());
    }

    private static string Keys(int count, string prefix = "k") =>
        string.Concat(Enumerable.Range(1, count).Select(i => $"{prefix}{i}: {i}\n"));

    [Theory]
    [InlineData(3)]   // found by scanning the keys
    [InlineData(15)]
    [InlineData(16)]  // the set takes over here
    [InlineData(40)]
    public void Read_DuplicateKeyAfterManyKeys_ReportedAtTheDuplicate(int keys)
    {
        var (docs, diags) = Read(Keys(keys) + "k2: again\n");
        Assert.Empty(docs);
        var d = Assert.Single(diags);
        Assert.Equal(DiagnosticCodes.YamlDuplicateKey, d.Code);
        Assert.Equal("duplicate key 'k2' in the same mapping", d.Message);
        Assert.Equal(new SourceLocation("f.yaml", keys + 1, 1), d.Location);
    }

    [Fact]
    public void Read_LargeMappingThenSmallOneWithTheSameKeys_NoDuplicate()
    {
        // Documents and sibling mappings reuse the same frames: keys of one must not count as keys of the next.
        var (docs, diags) = Read(Keys(30) + "---\n" + Keys(3) + "---\nouter:\n  a: {" + string.Join(", ", Enumerable.Range(1, 20).Select(i => $"x{i}: 1")) + "}\n  b: {x1: 1, x2: 2}\n");
        Assert.Empty(diags);
        Assert.Equal(3, docs.Count);
        Assert.Equal(30, Assert.IsType<YamlMapping>(docs[0]).Entries.Length);
        Assert.Equal(["k1", "k2", "k3"], Assert.IsType<YamlMapping>(docs[1]).Entries.Select(e => e.Key.Name));
        var outer = Assert.IsType<YamlMapping>(Assert.IsType<YamlMapping>(docs[2]).Get("outer"));
        Assert.Equal(["x1", "x2"], Assert.IsType<YamlMapping>(outer.Get("b")).Entries.Select(e => e.Key.Name));
    }

    [Fact]
    public void Read_NestedListsAndMappings_EachNodeKeepsItsOwnItemsAndPosition()
    {
        var (docs, diags) = Read("a:\n  - [1, 2]\n  - {b: [3], c: 4}\n  - [5]\nd: [6, [7, 8]]\n");
        Assert.Empty(diags);
        var root = Assert.IsType<YamlMapping>(Assert.Single(docs));
        var a = Assert.IsType<YamlSequence>(root.Get("a"));
        Assert.Equal(3, a.Items.Length);
        Assert.Equal(["1", "2"], Assert.IsType<YamlSequence>(a.Items[0]).Items.Select(i => ((YamlScalar)i).Value));
        var m = Assert.IsType<YamlMapping>(a.Items[1]);
        Assert.Equal(new SourceLocation("f.yaml", 3, 5), m.Location);
        Assert.Equal(["3"], Assert.IsType<YamlSequence>(m.Get("b")).Items.Select(i => ((YamlScalar)i).Value));
        Assert.Equal(["5"], Assert.IsType<YamlSequence>(a.Items[2]).Items.Select(i => ((YamlScalar)i).Value));
        var d = Assert.IsType<YamlSequence>(root.Get("d"));
        Assert.Equal(new SourceLocation("f.yaml", 5, 4), d.Location);
        Assert.Equal(["7", "8"], Assert.IsType<YamlSequence>(d.Items[1]).Items.Select(i => ((YamlScalar)i).Value));
        Assert.Equal(new SourceLocation("f.yaml", 5, 1), root.Entries[1].Key.Location);
    }
}
