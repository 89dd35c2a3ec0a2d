using ComplianceEngine.Core.Evaluation.Incremental;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Facts;

/// <summary>
/// What an onward hop holds (issue 13): what a transfer shares with the hops along it is the edge's own (held once, not
/// copied per hop), and a hop's path is traced from its own edge and node in its regime's search.
/// </summary>
public sealed class OnwardHopShapeTests
{
    private static readonly EvaluationContext Context = new(new DateOnly(2026, 11, 25), null);

    private static readonly Site Fra = new("Cluster", "fra", "DE", null, ["EU"], ["EU"], SourceLocation.None);
    private static readonly Site Zrh = new("Cluster", "zrh", "CH", null, [], ["CH"], SourceLocation.None);

    private static readonly CarriedData Customers = new(["user.contact"], ["EU"], ["customer"], [], 1_000, null);

    private static TransferFact Edge(string name, Site from, string fromNode, Site to, string toNode, string[]? mechanisms = null) =>
        new(Context, new FindingSubject("DataFlow", name, new SourceLocation("flows.yaml", 3, 1)), [fromNode, toNode], from, to, "analytics")
        {
            Data = Customers,
            CarriesOnlyItsCategories = true,
            Regimes = from.Regimes,
            Origins = from.Regimes,
            FromNode = "DataStore/" + fromNode,
            ToNode = "DataStore/" + toNode,
            Mechanisms = [.. mechanisms ?? []],
            EncryptedInTransit = true,
            RetentionHours = 48,
            KeyCountry = "CH",
            DeclaredAt = new SourceLocation("flows.yaml", 3, 1),
        };

    /// <summary>EU data reaches a Swiss store, which sends it on to three other Swiss stores.</summary>
    private static List<TransferFact> Fan()
    {
        var transfers = new List<TransferFact> { Edge("in", Fra, "crm", Zrh, "hub") };
        for (var i = 0; i < 3; i++) transfers.Add(Edge($"out-{i}", Zrh, "hub", Zrh, $"leaf-{i}", [$"m{i}"]));
        return transfers;
    }

    [Fact]
    public void OnwardHop_ReadsItsEdgesOwnFields()
    {
        var transfers = Fan();

        var hops = FlowAnalyzer.Onward(transfers);

        Assert.Equal(3, hops.Count);
        for (var i = 0; i < 3; i++)
        {
            var (hop, edge) = (hops[i], transfers[i + 1]);
            Assert.Same(edge.Source, hop.Source);
            Assert.Same(edge.Destination, hop.Destination);
            Assert.Equal($"m{i}", Assert.Single(hop.Mechanisms));
            Assert.Equal((edge.Purpose, edge.EncryptedInTransit, edge.Pseudonymised, edge.RetentionHours, edge.KeyCountry, edge.FromNode, edge.ToNode, edge.DeclaredAt),
                (hop.Purpose, hop.EncryptedInTransit, hop.Pseudonymised, hop.RetentionHours, hop.KeyCountry, hop.FromNode, hop.ToNode, hop.DeclaredAt));
            // What is a hop's own is not its edge's.
            Assert.Equal(2, hop.Hop);
            Assert.True(hop.Implied);
            Assert.Empty(hop.Attributes);
            Assert.False(hop.CarriesOnlyItsCategories);
            Assert.Same(hop.Data, hop.Held);
            Assert.Null(edge.ImpliedBy);
            Assert.StartsWith("onward transfer of data from fra", hop.ImpliedBy, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ExportVolumes_TransfersAndHopsLeavingOneCountry_ShareOneTotals()
    {
        var transfers = Fan();
        transfers.Add(new TransferFact(Context, new FindingSubject("DataFlow", "abroad", SourceLocation.None), ["hub", "us"], Zrh,
            new Site("Recipient", "us-vendor", "US", null, [], ["US"], SourceLocation.None), "support")
        { Data = Customers, FromNode = "DataStore/hub", ToNode = "Recipient/us-vendor" });
        var volumes = ExportVolumes.Of(transfers);

        foreach (var t in transfers) volumes.Apply(t);
        var hops = FlowAnalyzer.Onward(transfers).Select(volumes.Apply).ToList();

        // Swiss exports: the one cross-border flow's 1,000 individuals, on every transfer and hop leaving Switzerland.
        Assert.Equal(1_000, hops[0].ExportedIndividuals);
        Assert.Equal(0, transfers[1].ExportedSensitiveIndividuals);
        Assert.All(hops.Concat(transfers.Skip(1)), t => Assert.Same(transfers[1].Exported, t.Exported));
        // Germany exports what the flow into Switzerland moves (1,000 individuals, none counted as sensitive).
        Assert.Equal((1_000, 0), (transfers[0].ExportedIndividuals, transfers[0].ExportedSensitiveIndividuals));
    }

    [Fact]
    public void OnwardHop_PathsOfOneSearch_EachTracedFromItsOwnEdge()
    {
        var hops = FlowAnalyzer.Onward(Fan());

        // The hops of one search share one path tracer; each path is its own chain.
        Assert.Equal("crm -> hub -> leaf-0", string.Join(" -> ", hops[0].Path));
        Assert.Equal("crm -> hub -> leaf-1", string.Join(" -> ", hops[1].Path));
        Assert.Equal("crm -> hub -> leaf-2", string.Join(" -> ", hops[2].Path));
        Assert.Equal("onward transfer of data from fra (DE, EU) via crm -> hub -> leaf-2", hops[2].ImpliedBy);
    }

    [Fact]
    public void OnwardHop_SettingAnEdgeFieldOnAHop_Throws()
    {
        var edge = Fan()[1];

        // A hop's edge fields are its edge's: setting one on the hop would change the edge and every hop along it.
        Assert.Throws<InvalidOperationException>(() => new TransferFact(edge, new FixedPath()) { Mechanisms = ["scc"] });
        Assert.Empty(edge.Mechanisms.Where(m => m == "scc"));
    }

    [Fact]
    public void Rebase_AlongANewVersionOfTheEdge_ReadsTheNewEdgesFields_AndKeepsThePath()
    {
        var transfers = Fan();
        var hop = FlowAnalyzer.Onward(transfers)[0];
        var newer = Edge("out-0", Zrh, "hub", Zrh, "leaf-0", ["scc"]);

        var rebased = RegimeSearch.Rebase(hop, newer);

        Assert.Equal("scc", Assert.Single(rebased.Mechanisms));
        Assert.Equal("m0", Assert.Single(hop.Mechanisms));
        Assert.Equal<string>(hop.Path, rebased.Path);
        Assert.Equal((hop.Hop, hop.Origin, hop.OnwardRegime), (rebased.Hop, rebased.Origin, rebased.OnwardRegime));
    }

    [Fact]
    public void StructuralEquality_HopsDifferingOnlyInTheirPlaceInTheSearch_Equal()
    {
        // The same hop found in another version of the estate can be along an edge of another number: it holds the same values.
        var a = FlowAnalyzer.Onward(Fan())[0];
        var shifted = Fan();
        shifted.Insert(0, Edge("unrelated", Zrh, "elsewhere", Zrh, "other"));
        var b = FlowAnalyzer.Onward(shifted)[0];

        Assert.NotEqual(a.OnwardEdge, b.OnwardEdge);
        Assert.True(StructuralEquality.Equal(a, b));
    }

    /// <summary>A path given as it is.</summary>
    private sealed class FixedPath : LazyPath
    {
        public override System.Collections.Immutable.ImmutableArray<string> Build(Fact fact) => ["a", "b"];
    }
}
