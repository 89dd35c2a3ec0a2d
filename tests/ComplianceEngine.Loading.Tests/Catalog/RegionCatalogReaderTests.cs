using ComplianceEngine.Loading.Catalog;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Jurisdictions;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Catalog;

public sealed class RegionCatalogReaderTests
{
    [Fact]
    public void Read_ShippedCatalog_KnowsAzurePairsAndCountries()
    {
        var bag = new DiagnosticBag();
        var regions = RegionCatalogReader.Read(File.ReadAllText(Repo.Path("rules", "catalog", "cloud-regions.tsv")), "cloud-regions.tsv", bag);
        Assert.Empty(bag.Sorted());
        Assert.True(regions.Length > 250);
        var brazil = Assert.Single(regions, r => r.Provider == "azure" && r.Region == "brazilsouth");
        Assert.Equal("BR", brazil.Country);
        Assert.Equal("southcentralus", brazil.PairedRegion);
        Assert.Null(Assert.Single(regions, r => r.Provider == "azure" && r.Region == "austriaeast").PairedRegion);
        Assert.Equal("DE", Assert.Single(regions, r => r.Provider == "aws" && r.Region == "eu-central-1").Country);
    }

    [Fact]
    public void Read_BadLine_DiagnosticWithLine()
    {
        var bag = new DiagnosticBag();
        RegionCatalogReader.Read("provider\tregion\tlocation\tcountry\tnotes\tsource\naws\tx\n", "r.tsv", bag);
        var d = Assert.Single(bag.Sorted());
        Assert.Equal(DiagnosticCodes.CatalogInvalid, d.Code);
        Assert.Equal(2, d.Location.Line);
    }

    private const string Header = "provider\tregion\tlocation\tcountry\tnotes\tsource\n";

    private static (RegionData Data, IReadOnlyList<Diagnostic> Diagnostics) Load(string regions, string zones = "", string multi = "")
    {
        var bag = new DiagnosticBag();
        var data = new RegionData(
            RegionCatalogReader.Read(regions, "r.tsv", bag),
            zones.Length == 0 ? [] : RegionCatalogReader.ReadZones(zones, "z.tsv", bag),
            multi.Length == 0 ? [] : RegionCatalogReader.ReadMultiRegions(multi, "m.tsv", bag));
        RegionCatalogReader.Validate(data, bag);
        return (data, bag.Sorted());
    }

    [Fact]
    public void Read_HeaderOnly_EmptyCatalogIsAnErrorAtLineOne()
    {
        var (_, diagnostics) = Load(Header);
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.CatalogInvalid, d.Code);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal("r.tsv:1:1", d.Location.ToString());
        Assert.Contains("no region lines", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EmptyFile_IsAnError()
    {
        var (_, diagnostics) = Load("");
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.CatalogInvalid && d.Message.Contains("no region lines", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SameRegionTwice_ErrorAtTheSecondLineNamingTheFirst()
    {
        var (_, diagnostics) = Load(Header + "aws\teu-central-1\tFrankfurt\tDE\t\ts\naws\teu-central-1\tFrankfurt\tDE\t\ts\n");
        var d = Assert.Single(diagnostics);
        Assert.Equal(3, d.Location.Line);
        Assert.Contains("listed twice (first at r.tsv:2:1)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameRegionWithAnotherCountry_ConflictError()
    {
        var (_, diagnostics) = Load(Header + "aws\teu-central-1\tFrankfurt\tDE\t\ts\naws\tEU-CENTRAL-1\tParis\tFR\t\ts\n");
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("different countries: DE at r.tsv:2:1, FR here", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PairedWithARegionNotInTheCatalog_ErrorWithLine()
    {
        var (_, diagnostics) = Load(Header + "azure\tbrazilsouth\tSao Paulo\tBR\tpaired=nowhere\ts\n");
        var d = Assert.Single(diagnostics);
        Assert.Equal("r.tsv:2:1", d.Location.ToString());
        Assert.Contains("paired with 'nowhere'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PairedTypo_SuggestsTheRegion()
    {
        var (_, diagnostics) = Load(Header + "azure\tbrazilsouth\tSao Paulo\tBR\tpaired=southcentralsu\ts\nazure\tsouthcentralus\tTexas\tUS\t\ts\n");
        Assert.Contains("did you mean 'southcentralus'", Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NameNotes_BecomeDisplayNames()
    {
        var (data, diagnostics) = Load(Header + "aws\teu-central-1\tFrankfurt\tDE\tpartition=aws; name=\"Europe (Frankfurt)\"; default-enabled\ts\n");
        Assert.Empty(diagnostics);
        Assert.Equal("Europe (Frankfurt)", Assert.Single(Assert.Single(data.Regions).Names));
    }

    [Fact]
    public void ReadZones_BadPatternAndPlacement_Errors()
    {
        const string zones = "provider\tsuffix\tplacement\texample\tsource\naws\t[a-\tregion\tx\ts\naws\t[a-z]\tnearby\tx\ts\n";
        var (data, diagnostics) = Load(Header + "aws\teu-central-1\tFrankfurt\tDE\t\ts\n", zones);
        Assert.Empty(data.Zones);
        Assert.Equal([2, 3], diagnostics.Select(d => d.Location.Line));
    }

    [Fact]
    public void ReadMultiRegions_MemberNotInTheCatalog_Error()
    {
        const string multi = "provider\tlocation\tkind\tmembers\tsource\ngcp\tEUR4\tdual-region\teurope-north1,europe-wst4\ts\n";
        var (_, diagnostics) = Load(Header + "gcp\teurope-north1\tHamina\tFI\t\ts\ngcp\teurope-west4\tEemshaven\tNL\t\ts\n", multi: multi);
        var d = Assert.Single(diagnostics);
        Assert.Equal("m.tsv:2:1", d.Location.ToString());
        Assert.Contains("'europe-wst4'", d.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'europe-west4'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadRules_ShippedCatalog_ValidWithZonesAndMultiRegions()
    {
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules", "catalog")], bag);
        Assert.Empty(bag.Sorted());
        Assert.Contains(source.Regions.Zones, z => z.Provider == "aws" && z.InRegion);
        Assert.Contains(source.Regions.MultiRegions, m => m.Name == "EUR4" && m.Members.SequenceEqual(["europe-north1", "europe-west4"]));
        Assert.Contains(source.Regions.Regions, r => r.Region == "westeurope" && r.Names.Contains("West Europe"));
    }
}
