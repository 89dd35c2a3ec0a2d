using ComplianceEngine.Core.Location;
using ComplianceEngine.Loading;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Core.Tests.Location;

/// <summary>Region lookup over the shipped catalog: each normalisation, and each miss.</summary>
public sealed class RegionCatalogTests
{
    private static readonly Lazy<RegionCatalog> Shipped = new(() =>
    {
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules", "catalog")], bag);
        Assert.Empty(bag.Sorted());
        return new RegionCatalog(source.Regions);
    });

    private static RegionLookup Lookup(string provider, string text) => Shipped.Value.Lookup(provider, text);

    // Misses first: what must not resolve.

    [Fact]
    public void Lookup_Typo_UnknownWithTheClosestRegionOfTheProvider()
    {
        var r = Lookup("aws", "eu-centrl-1");
        Assert.Equal(RegionMatch.Unknown, r.Match);
        Assert.False(r.IsKnown);
        Assert.Null(r.Region);
        Assert.Equal("eu-central-1", r.Suggestion);
    }

    [Fact]
    public void Lookup_Nonsense_UnknownWithoutSuggestion()
    {
        var r = Lookup("aws", "mars-north-9");
        Assert.Equal(RegionMatch.Unknown, r.Match);
        Assert.Null(r.Suggestion);
    }

    [Fact]
    public void Lookup_ZoneOfAnotherProvidersForm_Unknown()
    {
        // GCP zones end in -letter; an AWS-style zone of a GCP region is not read as one.
        Assert.Equal(RegionMatch.Unknown, Lookup("gcp", "us-west1b").Match);
        Assert.Equal(RegionMatch.Unknown, Lookup("aws", "eu-central-1-a").Match);
    }

    [Fact]
    public void Lookup_AwsLocalZone_NotTakenAsTheParentRegionsCountry()
    {
        // us-east-1-qro-1a is in Querétaro, Mexico, not in the parent region's US.
        var r = Lookup("aws", "us-east-1-qro-1a");
        Assert.Equal(RegionMatch.ZoneOutsideRegion, r.Match);
        Assert.False(r.IsKnown);
        Assert.Null(r.Canonical);
        Assert.Equal("us-east-1", r.Region!.Region);
    }

    [Fact]
    public void Lookup_AwsWavelengthZone_NotTakenAsTheParentRegionsCountry() =>
        Assert.Equal(RegionMatch.ZoneOutsideRegion, Lookup("aws", "us-east-1-wl1-bos-wlz-1").Match);

    [Fact]
    public void Lookup_DisplayNameOfAnotherProvider_Unknown() =>
        Assert.Equal(RegionMatch.Unknown, Lookup("gcp", "Brazil South").Match);

    // Normalisations.

    [Fact]
    public void Lookup_ExactCode_Exact()
    {
        var r = Lookup("aws", "eu-central-1");
        Assert.Equal(RegionMatch.Exact, r.Match);
        Assert.Equal("DE", r.Region!.Country);
    }

    [Theory]
    [InlineData("gcp", "US-CENTRAL1", "us-central1", "US")]
    [InlineData("azure", "BrazilSouth", "brazilsouth", "BR")]
    [InlineData("aws", " EU-WEST-1 ", "eu-west-1", "IE")]
    public void Lookup_OtherCase_TheCatalogRegion(string provider, string text, string region, string country)
    {
        var r = Lookup(provider, text);
        Assert.Equal(RegionMatch.Case, r.Match);
        Assert.Equal(region, r.Canonical);
        Assert.Equal(country, r.Region!.Country);
    }

    [Theory]
    [InlineData("aws", "eu-central-1a", "eu-central-1", "DE")]
    [InlineData("aws", "ap-southeast-2c", "ap-southeast-2", "AU")]
    [InlineData("gcp", "us-west1-b", "us-west1", "US")]
    [InlineData("gcp", "europe-west10-a", "europe-west10", "DE")]
    [InlineData("gcp", "EUROPE-WEST1-B", "europe-west1", "BE")]
    [InlineData("azure", "westeurope-1", "westeurope", "NL")]
    [InlineData("alibaba", "cn-hangzhou-b", "cn-hangzhou", "CN")]
    [InlineData("alibaba", "ap-southeast-1a", "ap-southeast-1", "SG")]
    public void Lookup_Zone_ItsRegion(string provider, string text, string region, string country)
    {
        var r = Lookup(provider, text);
        Assert.Equal(RegionMatch.Zone, r.Match);
        Assert.Equal(region, r.Canonical);
        Assert.Equal(country, r.Region!.Country);
    }

    [Theory]
    [InlineData("azure", "Brazil South", "brazilsouth")]
    [InlineData("azure", "West Europe", "westeurope")]
    [InlineData("azure", "west  europe", "westeurope")]
    [InlineData("azure", "China North", "chinanorth")]
    [InlineData("azure-china", "China North", "chinanorth")]
    [InlineData("aws", "Europe (Frankfurt)", "eu-central-1")]
    public void Lookup_DisplayName_ItsRegion(string provider, string text, string region)
    {
        var r = Lookup(provider, text);
        Assert.Equal(RegionMatch.DisplayName, r.Match);
        Assert.Equal(region, r.Canonical);
    }

    [Theory]
    [InlineData("EU", "BE", 11)]
    [InlineData("eur4", "FI", 2)]
    [InlineData("NAM4", "US", 2)]
    [InlineData("asia1", "JP", 2)]
    public void Lookup_MultiRegion_EveryMemberHomeFirst(string text, string homeCountry, int members)
    {
        var r = Lookup("gcp", text);
        Assert.Equal(RegionMatch.MultiRegion, r.Match);
        Assert.True(r.IsKnown);
        Assert.Equal(homeCountry, r.Region!.Country);
        Assert.Equal(members, r.Members.Length);
        Assert.Equal(r.Members[0], r.Region);
    }

    [Fact]
    public void Lookup_EuMultiRegion_NeverLondonOrZurich()
    {
        var r = Lookup("gcp", "EU");
        Assert.DoesNotContain(r.Members, m => m.Country is "GB" or "CH");
    }
}
