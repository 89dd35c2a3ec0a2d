using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Facts;

/// <summary>
/// Onward hops carry data lots (issue 11, item 1): the subjects, subject types, designations and individuals of the
/// regime's data that reached the edge, not the edge's own.
/// </summary>
public sealed class LotTests
{
    private static readonly EvaluationContext Context = new(new DateOnly(2026, 11, 25), null);

    private static readonly Site Fra = new("Cluster", "fra", "DE", null, ["EU"], ["EU"], SourceLocation.None);
    private static readonly Site Zrh = new("Cluster", "zrh", "CH", null, [], ["CH"], SourceLocation.None);
    private static readonly Site Us = new("Recipient", "us-vendor", "US", null, [], ["US"], SourceLocation.None);

    private static CarriedData Data(string[] categories, string[] subjects, string[] subjectTypes, double? individuals) =>
        new([.. categories], [.. subjects], [.. subjectTypes], [], individuals, null);

    private static TransferFact Edge(string name, Site from, string fromNode, Site to, string toNode, CarriedData data, CarriedData? held = null) =>
        new(Context, new FindingSubject("DataFlow", name, SourceLocation.None), [fromNode, toNode], from, to, "processing")
        {
            Data = data,
            Held = held ?? data,
            CarriesOnlyItsCategories = true,
            Regimes = from.Regimes,
            Origins = from.Regimes,
            FromNode = "DataStore/" + fromNode,
            ToNode = toNode.StartsWith("us", StringComparison.Ordinal) ? "Recipient/" + toNode : "DataStore/" + toNode,
        };

    /// <summary>The Swiss store holds its own customers' and employees' data beside the EU customers' contact data.</summary>
    private static readonly CarriedData Swiss = Data(["user.contact", "user.job_title"], ["CH", "EU"], ["customer", "employee"], 5_000);

    private static readonly CarriedData EuCustomers = Data(["user.contact", "user.financial"], ["EU"], ["customer"], 1_000);

    [Fact]
    public void OnwardHop_CarriesTheLotsSubjectsSubjectTypesAndIndividuals_NotTheEdges()
    {
        var toZrh = Edge("to-zrh", Fra, "crm", Zrh, "ch-store", EuCustomers with { Categories = ["user.contact"], Individuals = 800 }, EuCustomers);
        var toUs = Edge("to-us", Zrh, "ch-store", Us, "us-vendor", Swiss);

        var hop = Assert.Single(FlowAnalyzer.Onward([toZrh, toUs]));

        Assert.Equal("EU", string.Join(", ", hop.Regimes));
        Assert.Equal("user.contact", string.Join(", ", hop.Categories));
        Assert.Equal("EU", string.Join(", ", hop.Subjects)); // not the Swiss store's CH subjects
        Assert.Equal("customer", string.Join(", ", hop.SubjectTypes)); // not its employees
        Assert.Equal(1_000, hop.Individuals); // the EU store's individuals (at most what the edge moves: 5,000)
    }

    [Fact]
    public void OnwardHop_EdgeMovingFewerIndividualsThanTheLotHolds_TheEdgesCount()
    {
        var toZrh = Edge("to-zrh", Fra, "crm", Zrh, "ch-store", EuCustomers with { Categories = ["user.contact"] });
        var toUs = Edge("to-us", Zrh, "ch-store", Us, "us-vendor", Swiss with { Individuals = 40 });

        var hop = Assert.Single(FlowAnalyzer.Onward([toZrh, toUs]));

        Assert.Equal(40, hop.Individuals); // both are upper bounds: the smaller one holds
    }

    [Fact]
    public void OnwardHop_OnlyTheLotsInTheCategoriesItDeclares()
    {
        // Two kinds of EU data reach the Swiss store: customers' contact data and employees' job titles. A flow of only
        // user.job_title carries only the employees' lot.
        var hr = Data(["user.job_title"], ["EU"], ["employee"], 300);
        var toZrh1 = Edge("crm-to-zrh", Fra, "crm", Zrh, "ch-store", EuCustomers with { Categories = ["user.contact"] });
        var toZrh2 = Edge("hr-to-zrh", Fra, "hr", Zrh, "ch-store", hr);
        var toUs = Edge("to-us", Zrh, "ch-store", Us, "us-vendor", Swiss with { Categories = ["user.job_title"] });

        var hop = Assert.Single(FlowAnalyzer.Onward([toZrh1, toZrh2, toUs]));

        Assert.Equal("user.job_title", string.Join(", ", hop.Categories));
        Assert.Equal("employee", string.Join(", ", hop.SubjectTypes));
        Assert.Equal(300, hop.Individuals);
    }

    [Fact]
    public void OnwardHop_TwoLotsOfOneStoreByTwoFlows_CountsItsIndividualsOnce()
    {
        // Two flows out of the same EU store (the same data at rest) bring two parts of it; the hop carrying both counts
        // the store's individuals once.
        var toZrh1 = Edge("contact-to-zrh", Fra, "crm", Zrh, "ch-store", EuCustomers with { Categories = ["user.contact"], Individuals = null }, EuCustomers);
        var toZrh2 = Edge("financial-to-zrh", Fra, "crm", Zrh, "ch-store", EuCustomers with { Categories = ["user.financial"], Individuals = null }, EuCustomers);
        var toUs = Edge("to-us", Zrh, "ch-store", Us, "us-vendor", Swiss with { Categories = ["user.contact", "user.financial"], Individuals = null });

        var hop = Assert.Single(FlowAnalyzer.Onward([toZrh1, toZrh2, toUs]));

        Assert.Equal("user.contact, user.financial", string.Join(", ", hop.Categories));
        Assert.Equal(1_000, hop.Individuals);
    }

    [Fact]
    public void OnwardHop_LotWhoseIndividualsAreUnknown_UnknownUnlessTheEdgeCounts()
    {
        var unknown = EuCustomers with { Individuals = null };
        var toZrh = Edge("to-zrh", Fra, "crm", Zrh, "ch-store", unknown);

        Assert.Null(Assert.Single(FlowAnalyzer.Onward([toZrh, Edge("to-us", Zrh, "ch-store", Us, "us-vendor", Swiss with { Individuals = null })])).Individuals);
        Assert.Equal(5_000, Assert.Single(FlowAnalyzer.Onward([toZrh, Edge("to-us", Zrh, "ch-store", Us, "us-vendor", Swiss)])).Individuals);
    }

    [Fact]
    public void OnwardHops_SameLotsAlongManyEdges_ShareOneDataRecord()
    {
        var toZrh = Edge("to-zrh", Fra, "crm", Zrh, "ch-store", EuCustomers);
        var hops = FlowAnalyzer.Onward([toZrh, Edge("a", Zrh, "ch-store", Us, "us-vendor", Swiss), Edge("b", Zrh, "ch-store", Us, "us-vendor", Swiss)]);

        Assert.Equal(2, hops.Count);
        Assert.Same(hops[0].Data, hops[1].Data);
    }

    [Fact]
    public void CarriedData_FactPropertiesReadTheRecord()
    {
        var fact = new PlacementFact(Context, new FindingSubject("DataStore", "s", SourceLocation.None), ImmutableArray<string>.Empty, Fra, "s") { Data = EuCustomers };

        Assert.Equal(EuCustomers.Categories, fact.Categories);
        Assert.Equal(EuCustomers.Subjects, fact.Subjects);
        Assert.Equal(1_000, fact.Individuals);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(200)]
    public void LotSets_Describe_IsTheSortedUnionOfItsKinds(int words)
    {
        // Kinds over a small vocabulary (described by bits) and over one past 64 words (described by their kinds).
        var random = new Random(words);
        string Word(string prefix) => prefix + random.Next(words).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
        ImmutableArray<string> Some(string prefix) => FactBuilder.Sorted(Enumerable.Range(0, random.Next(4)).Select(_ => Word(prefix)).ToList());
        var data = Enumerable.Range(0, 80).Select(_ => new CarriedData(["user.contact"], Some("s"), Some("t"), Some("d"), null, null)).ToList();
        var sets = new LotSets(new CategoryBits([]));
        var kinds = data.Select(sets.KindOf).ToList();
        for (var round = 0; round < 200; round++)
        {
            var picked = Enumerable.Range(0, data.Count).Where(_ => random.Next(4) == 0).DistinctBy(i => kinds[i]).ToList();
            var set = sets.Of([.. picked.Select(i => new Lot(kinds[i], CategoryBits.All))]);
            var (subjects, subjectTypes, designations) = sets.Describe(set);
            Assert.Equal<string>(FactBuilder.Sorted(picked.SelectMany(i => data[i].Subjects).ToList()), subjects);
            Assert.Equal<string>(FactBuilder.Sorted(picked.SelectMany(i => data[i].SubjectTypes).ToList()), subjectTypes);
            Assert.Equal<string>(FactBuilder.Sorted(picked.SelectMany(i => data[i].Designations).ToList()), designations);
        }
    }

    [Fact]
    public void LotSets_Describe_AfterANewKindShiftsTheVocabulary_NamesTheSetsOwnWords()
    {
        // Kinds named "b" and "c" are described by bits over ["b", "c"]; a kind named "a" that comes later (an onward index's
        // graph patched with data of a new kind) shifts every word's bit: a description cached by the old bits must not be
        // read for the new ones.
        var sets = new LotSets(new CategoryBits([]));
        CarriedData Named(string subject) => new(["user.contact"], [subject], [], [], null, null);
        var b = sets.KindOf(Named("b"));
        var c = sets.KindOf(Named("c"));
        Assert.Equal<string>(["b", "c"], sets.Describe(sets.Of([new Lot(b, CategoryBits.All), new Lot(c, CategoryBits.All)])).Subjects);

        var a = sets.KindOf(Named("a"));

        Assert.Equal<string>(["a", "b"], sets.Describe(sets.Of([new Lot(a, CategoryBits.All), new Lot(b, CategoryBits.All)])).Subjects);
        Assert.Equal<string>(["a", "c"], sets.Describe(sets.Of([new Lot(a, CategoryBits.All), new Lot(c, CategoryBits.All)])).Subjects);
    }
}
