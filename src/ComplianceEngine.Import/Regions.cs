using System.Text.RegularExpressions;

namespace ComplianceEngine.Import;

/// <summary>Provider names and region spellings of source files, normalised to the region catalog's.</summary>
internal static partial class Regions
{
    /// <summary>Our provider for a Terraform provider (<c>registry.terraform.io/hashicorp/aws</c>) or Velero plugin (<c>velero.io/aws</c>).</summary>
    public static string? Provider(string? name)
    {
        if (name is null) return null;
        var last = name.Split('/')[^1].ToLowerInvariant();
        return last switch
        {
            "aws" => "aws",
            "azurerm" or "azure" => "azure",
            "google" or "google-beta" or "gcp" or "gce" => "gcp",
            _ => null,
        };
    }

    /// <summary>Azure locations come as <c>West Europe</c> or <c>westeurope</c>: lower-case, no spaces.</summary>
    public static string Azure(string location) => location.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>The region of a zone: AWS <c>eu-central-1b</c> (and Local Zones <c>us-east-1-bos-1a</c>), GCP <c>europe-west3-b</c>, AKS <c>germanywestcentral-1</c>.</summary>
    public static string RegionOfZone(string provider, string zone)
    {
        switch (provider)
        {
            case "aws":
                var local = AwsLocalZone().Match(zone);
                if (local.Success) return local.Groups[1].Value;
                return AwsZone().IsMatch(zone) ? zone[..^1] : zone;
            case "gcp":
                return GcpZone().IsMatch(zone) ? zone[..zone.LastIndexOf('-')] : zone;
            case "azure":
                var dash = zone.LastIndexOf('-');
                return dash > 0 && zone[(dash + 1)..].All(char.IsAsciiDigit) ? zone[..dash] : zone;
            default:
                return zone;
        }
    }

    /// <summary>True when a GCP location is a zone (<c>europe-west3-b</c>).</summary>
    public static bool IsGcpZone(string location) => GcpZone().IsMatch(location);

    [GeneratedRegex("^([a-z]{2}(?:-gov)?-[a-z]+-[0-9]+)-[a-z]+-[0-9]+[a-z]$")]
    private static partial Regex AwsLocalZone();

    [GeneratedRegex("^[a-z]{2}(?:-gov)?-[a-z]+-[0-9]+[a-z]$")]
    private static partial Regex AwsZone();

    [GeneratedRegex("^[a-z]+-[a-z]+[0-9]+-[a-z]$")]
    private static partial Regex GcpZone();
}
