using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Core.Location;

/// <summary>Works out where every cluster and recipient is: region -> country -> groups and regimes.</summary>
public sealed class LocationResolver
{
    private readonly RegionCatalog _regions;
    private readonly JurisdictionCatalog _jurisdictions;

    /// <summary>Creates a resolver over the catalogs.</summary>
    public LocationResolver(RegionCatalog regions, JurisdictionCatalog jurisdictions)
    {
        _regions = regions;
        _jurisdictions = jurisdictions;
    }

    /// <summary>The site of a cluster.</summary>
    public Site Resolve(Cluster cluster, Organization? organization)
    {
        string? country = null;
        string? reason = null;
        string? paired = null;
        if (cluster.Region is { } region && cluster.Provider is not ("onprem" or "edge" or "other"))
        {
            var info = _regions.Find(cluster.Provider, region);
            if (info is not null)
            {
                country = info.Country;
                paired = info.PairedRegion;
                if (cluster.Country is { } declared && declared != info.Country)
                {
                    reason = $"cluster declares country {declared} but {cluster.Provider} region {region} is in {info.Country}";
                    country = null;
                }
            }
            else if (cluster.Country is null)
            {
                reason = $"{cluster.Provider} region '{region}' is not in the region catalog";
            }
        }
        country ??= reason is null ? cluster.Country : null;
        if (country is null && reason is null) reason = "no region or country declared";
        var site = Build("Cluster", cluster.Name, country, reason, cluster.Info.Location);
        return new Site(site.Kind, site.Name, site.Country, site.UnknownReason, site.Groups, site.Regimes, site.Location)
        {
            Provider = cluster.Provider,
            Region = cluster.Region,
            Environment = cluster.Environment,
            Role = cluster.Role,
            Operator = cluster.Operator,
            Attributes = cluster.Info.Attributes,
            Certifications = organization?.Certifications ?? [],
            Agreements = cluster.Agreements,
            PairedRegion = paired,
        };
    }

    /// <summary>A provider region as a site of its own (the paired region of geo-redundant storage).</summary>
    public Site ResolveRegion(string provider, string region, Organization? organization, SourceLocation location)
    {
        var info = _regions.Find(provider, region);
        var site = Build("Region", $"{provider}/{region}", info?.Country, info is null ? $"{provider} region '{region}' is not in the region catalog" : null, location);
        return new Site(site.Kind, site.Name, site.Country, site.UnknownReason, site.Groups, site.Regimes, site.Location)
        {
            Provider = provider,
            Region = region,
            Certifications = organization?.Certifications ?? [],
        };
    }

    /// <summary>The site of a recipient.</summary>
    public Site Resolve(Recipient recipient)
    {
        var site = Build("Recipient", recipient.Name, recipient.Country, null, recipient.Info.Location);
        return new Site(site.Kind, site.Name, site.Country, site.UnknownReason, site.Groups, site.Regimes, site.Location)
        {
            RecipientRole = recipient.Role,
            Certifications = recipient.Certifications,
            Agreements = recipient.Agreements,
            Attributes = recipient.Info.Attributes,
        };
    }

    /// <summary>The groups a (known) country is in.</summary>
    public ImmutableArray<string> GroupsOf(string? country) => country is null ? [] : _jurisdictions.GroupsOf(country);

    /// <summary>The regimes binding an exporter in a (known) country.</summary>
    public ImmutableArray<string> RegimesOf(string? country) => country is null ? [] : _jurisdictions.RegimesOf(country);

    private Site Build(string kind, string name, string? country, string? reason, SourceLocation location)
    {
        if (country is not null && !_jurisdictions.IsKnownCountry(country))
        {
            reason = $"country '{country}' is not in the country catalog";
            country = null;
        }
        return new Site(kind, name, country, reason, GroupsOf(country), RegimesOf(country), location);
    }
}
