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

    /// <summary>What the regimes' declared sensitive categories let the engine infer (worked out once).</summary>
    internal Facts.SensitivityInference Sensitivity => field ??= Facts.SensitivityInference.Of(_jurisdictions.Regimes);

    /// <summary>The site of a cluster.</summary>
    public Site Resolve(Cluster cluster, Organization? organization)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        string? country = null;
        string? reason = null;
        string? paired = null;
        RegionLookup? lookup = null;
        var region = cluster.Region;
        if (cluster.Region is { } written && cluster.Provider is not ("onprem" or "edge" or "other"))
        {
            lookup = _regions.Lookup(cluster.Provider, written);
            if (lookup.IsKnown && lookup.Region is { } info)
            {
                country = info.Country;
                paired = lookup.Match == RegionMatch.MultiRegion ? null : info.PairedRegion;
                region = lookup.Canonical;
                if (cluster.Country is { } declared && (lookup.Match == RegionMatch.MultiRegion
                        ? lookup.Members.All(m => m.Country != declared)
                        : declared != info.Country))
                {
                    reason = lookup.Match == RegionMatch.MultiRegion
                        ? $"cluster declares country {declared} but {cluster.Provider} {lookup.MultiRegion!.Kind} {lookup.Canonical} spans {string.Join(", ", lookup.Members.Select(m => m.Country).Distinct(StringComparer.Ordinal))}"
                        : $"cluster declares country {declared} but {cluster.Provider} region {lookup.Canonical} is in {info.Country}";
                    country = null;
                }
            }
            else if (cluster.Country is null)
            {
                reason = UnknownText(cluster.Provider, lookup);
            }
        }
        country ??= reason is null ? cluster.Country : null;
        if (country is null && reason is null) reason = "no region or country declared";
        var site = Build("Cluster", cluster.Name, country, reason, cluster.Info.Location);
        return new Site(site.Kind, site.Name, site.Country, site.UnknownReason, site.Groups, site.Regimes, site.Location)
        {
            Provider = cluster.Provider,
            Region = region,
            Environment = cluster.Environment,
            Role = cluster.Role,
            Operator = cluster.Operator,
            Attributes = cluster.Info.Attributes,
            Certifications = organization?.Certifications ?? [],
            Agreements = cluster.Agreements,
            PairedRegion = paired,
            RegionLookup = lookup,
            Spans = site.Country is not null && lookup?.Match == RegionMatch.MultiRegion ? lookup.Members : [],
        };
    }

    /// <summary>
    /// What a user should hear about how a cluster's region was read: a note when a zone, display name or other case
    /// stands for a catalog region, a note naming the countries a multi-region spans, a warning when the region is unknown
    /// (with the closest catalog code) or a zone may lie outside its region's country.
    /// </summary>
    public static ImmutableArray<Diagnostic> Diagnose(Cluster cluster, Site site)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(site);
        var at = cluster.Info.Location;
        // An unknown region is a mistake in one word: point at it (other notes keep the document's position).
        var regionAt = cluster.RegionLocation.IsKnown ? cluster.RegionLocation : at;
        var list = ImmutableArray.CreateBuilder<Diagnostic>();
        var lookup = site.RegionLookup;
        var what = $"Cluster '{cluster.Name}'";
        switch (lookup?.Match)
        {
            case RegionMatch.Case or RegionMatch.DisplayName or RegionMatch.Zone:
                var how = lookup.Match switch
                {
                    RegionMatch.Case => "the catalog's region",
                    RegionMatch.DisplayName => "the display name of region",
                    _ => "a zone of region",
                };
                list.Add(Diagnostic.Note(DiagnosticCodes.RegionNormalised,
                    $"{what}: {cluster.Provider} '{lookup.Text}' is {how} '{lookup.Canonical}' ({lookup.Region!.Location}, {lookup.Region.Country}); judged as '{lookup.Canonical}'", at));
                break;
            case RegionMatch.MultiRegion when site.Country is not null:
                var countries = lookup.Members.Select(m => m.Country).Distinct(StringComparer.Ordinal);
                list.Add(Diagnostic.Note(DiagnosticCodes.MultiRegionLocation,
                    $"{what}: {cluster.Provider} {lookup.MultiRegion!.Kind} '{lookup.MultiRegion.Name}' spans {string.Join(", ", lookup.Members.Select(m => m.Region))} ({string.Join(", ", countries)}); its data is judged in each of these countries", at));
                break;
            case RegionMatch.ZoneOutsideRegion when cluster.Country is not null:
                list.Add(Diagnostic.Warning(DiagnosticCodes.ZoneOutsideRegion,
                    $"{what}: '{lookup.Text}' is a zone of {cluster.Provider} region {lookup.Region!.Region} that may lie in another metro or country; judged in the declared country {cluster.Country}", at));
                break;
            case RegionMatch.Unknown when cluster.Country is not null:
                list.Add(Diagnostic.Warning(DiagnosticCodes.UnknownRegion,
                    $"{what}: {cluster.Provider} region '{lookup.Text}' is not in the region catalog{Hint(lookup)}; judged in the declared country {cluster.Country}", regionAt));
                break;
        }
        if (site.UnknownReason is not null)
        {
            var code = lookup?.Match == RegionMatch.ZoneOutsideRegion ? DiagnosticCodes.ZoneOutsideRegion : DiagnosticCodes.UnknownRegion;
            list.Add(Diagnostic.Warning(code, $"{what}: {site.UnknownReason}; rules that need its country are indeterminate", code == DiagnosticCodes.UnknownRegion ? regionAt : at));
        }
        return list.ToImmutable();
    }

    /// <summary>
    /// Where a geo-redundant store on <paramref name="site"/> is copied: the provider's paired region; a site of unknown
    /// country (so that every rule that needs it is indeterminate) when the region, its pair or the pair's country is
    /// unknown. Null for a multi-region location: its copies are the member regions.
    /// </summary>
    public Site? GeoRedundantCopy(Site site, Organization? organization)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (!site.Spans.IsEmpty) return null;
        var provider = site.Provider ?? string.Empty;
        if (site.PairedRegion is { } paired && site.Provider is not null) return ResolveRegion(site.Provider, paired, organization, site.Location);
        var reason = site.Region is null || site.Provider is null
            ? $"{site.Kind} '{site.Name}' has no provider region, so where its geo-redundant copy goes is unknown"
            : site.RegionLookup is { IsKnown: false }
                ? $"{provider} region '{site.Region}' is not in the region catalog, so its paired region is unknown"
                : $"the region catalog gives no paired region for {provider} region '{site.Region}', so where its geo-redundant copy goes is unknown";
        var name = site.Provider is null ? $"{site.Name} (geo-redundant copy)" : $"{provider}/{site.Region ?? site.Name} (paired region)";
        return new Site("Region", name, null, reason, [], [], site.Location)
        {
            Provider = site.Provider,
            Certifications = organization?.Certifications ?? [],
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

    private static string UnknownText(string provider, RegionLookup lookup) => lookup.Match == RegionMatch.ZoneOutsideRegion
        ? $"'{lookup.Text}' is a zone of {provider} region {lookup.Region!.Region} that may lie in another metro or country (e.g. a Local Zone); declare the cluster's country"
        : $"{provider} region '{lookup.Text}' is not in the region catalog{Hint(lookup)}";

    private static string Hint(RegionLookup lookup) => lookup.Suggestion is { } s ? $" (did you mean '{s}'?)" : string.Empty;

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
        if (country == Model.Jurisdictions.CountryCodes.Unknown)
        {
            reason = $"its country is declared unknown ({country})";
            country = null;
        }
        else if (country is not null && !_jurisdictions.IsKnownCountry(country))
        {
            reason = $"country '{country}' is not in the country catalog";
            country = null;
        }
        return new Site(kind, name, country, reason, GroupsOf(country), RegimesOf(country), location);
    }
}
