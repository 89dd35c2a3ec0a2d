using ComplianceEngine.Loading.Catalog;
using ComplianceEngine.Model.Diagnostics;
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
}
