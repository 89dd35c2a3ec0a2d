using ComplianceEngine.Core.Location;
using ComplianceEngine.Loading;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Core.Tests.Location;

/// <summary>A city written as a region stays unknown (indeterminate: a city is not a region), but suggests the provider's region there.</summary>
public sealed class RegionCityTests
{
    private static readonly Lazy<RegionCatalog> Shipped = new(() =>
    {
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules", "catalog")], bag);
        Assert.Empty(bag.Sorted());
        return new RegionCatalog(source.Regions);
    });

    [Theory]
    [InlineData("aws", "Frankfurt", "eu-central-1")]
    [InlineData("gcp", "frankfurt", "europe-west3")]
    [InlineData("aws", "Cape Town", "af-south-1")]
    public void Lookup_CityOfOneRegion_UnknownSuggestingThatRegion(string provider, string city, string region)
    {
        var r = Shipped.Value.Lookup(provider, city);
        Assert.Equal(RegionMatch.Unknown, r.Match);
        Assert.Null(r.Region);
        Assert.Equal(region, r.Suggestion);
    }
}
