using System.Text.Json;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary>The location probes of issue 9 through the command line: each gives the fail-closed result.</summary>
public sealed class LocationTests
{
    private static readonly string Rules = Repo.Path("rules");
    private static readonly string ZoneEstate = Repo.Path("rules", "eu-gdpr", "tests", "zone-and-case-regions", "inventory.yaml");

    private static List<JsonElement> Findings(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.Clone())];
    }

    /// <summary>A copy of the GDPR pack and the catalog with <paramref name="edit"/> applied to cloud-regions.tsv.</summary>
    private static TempDir RulesWithCatalog(Func<string, string> edit)
    {
        var dir = new TempDir();
        foreach (var folder in new[] { "catalog", "eu-gdpr" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Rules, folder), "*", SearchOption.TopDirectoryOnly))
                dir.Write(Path.Combine(folder, Path.GetFileName(file)), File.ReadAllText(file));
        }
        var catalog = Path.Combine(dir.Path, "catalog", "cloud-regions.tsv");
        File.WriteAllText(catalog, edit(File.ReadAllText(catalog)));
        return dir;
    }

    // The catalog's misses.

    [Fact]
    public void Check_EmptyRegionCatalog_ExitsTwoAtTheFile()
    {
        using var rules = RulesWithCatalog(_ => string.Empty);
        var (exit, _, error) = Cli.Run("check", ZoneEstate, "--rules", rules.Path, "--as-of", "2026-11-25");
        Assert.Equal(2, exit);
        Assert.Contains("cloud-regions.tsv:1:1: error CE4008", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DuplicateRegionLineWithAnotherCountry_ExitsTwoWithTheLine()
    {
        using var rules = RulesWithCatalog(text => text + "aws\teu-central-1\tParis\tFR\t\ttest\n");
        var (exit, _, error) = Cli.Run("check", ZoneEstate, "--rules", rules.Path, "--as-of", "2026-11-25");
        Assert.Equal(2, exit);
        var lines = File.ReadAllLines(Path.Combine(rules.Path, "catalog", "cloud-regions.tsv")).Length;
        Assert.Contains($"cloud-regions.tsv:{lines}:1: error CE4008", error, StringComparison.Ordinal);
        Assert.Contains("different countries: DE", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_PairedNowhere_ExitsTwo()
    {
        using var rules = RulesWithCatalog(text => text.Replace("paired=southcentralus; ASYMMETRIC", "paired=nowhere; ASYMMETRIC", StringComparison.Ordinal));
        var (exit, _, error) = Cli.Run("check", ZoneEstate, "--rules", rules.Path, "--as-of", "2026-11-25");
        Assert.Equal(2, exit);
        Assert.Contains("error CE4008: azure region 'brazilsouth' is paired with 'nowhere'", error, StringComparison.Ordinal);
    }

    // What users write.

    [Fact]
    public void Check_AzureDisplayNameGeoRedundant_BrLgpd33Violation()
    {
        var estate = Repo.Path("rules", "br-lgpd", "tests", "geo-redundant-azure-display-name", "inventory.yaml");
        var (exit, output, error) = Cli.Run("check", estate, "--rules", Rules, "--as-of", "2026-03-01", "--format", "json");
        Assert.Equal(1, exit);
        var f = Assert.Single(Findings(output), f => f.GetProperty("ruleId").GetString() == "BR-LGPD-33");
        Assert.Equal("violation", f.GetProperty("status").GetString());
        Assert.Equal("orders > gru > azure/southcentralus", string.Join(" > ", f.GetProperty("path").EnumerateArray().Select(p => p.GetString())));
        Assert.Contains("note CE3005: Cluster 'gru': azure 'Brazil South' is the display name of region 'brazilsouth'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ZonesAndUpperCase_NoIndeterminateAndANoteEach()
    {
        var (exit, output, error) = Cli.Run("check", ZoneEstate, "--rules", Rules, "--as-of", "2026-11-25", "--format", "json");
        Assert.Equal(1, exit);
        var findings = Findings(output);
        Assert.DoesNotContain(findings, f => f.GetProperty("status").GetString() == "indeterminate");
        Assert.Equal(2, findings.Count(f => f.GetProperty("ruleId").GetString() == "GDPR-CH5-TRANSFER" && f.GetProperty("status").GetString() == "violation"));
        Assert.Contains("'eu-central-1a' is a zone of region 'eu-central-1'", error, StringComparison.Ordinal);
        Assert.Contains("'us-west1-b' is a zone of region 'us-west1'", error, StringComparison.Ordinal);
        Assert.Contains("'US-CENTRAL1' is the catalog's region 'us-central1'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("CE3003", error, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(3, doc.RootElement.GetProperty("diagnostics").EnumerateArray().Count(d => d.GetProperty("severity").GetString() == "note"));
    }

    [Fact]
    public void Check_RegionTypo_DidYouMeanAndIndeterminate()
    {
        var estate = Repo.Path("rules", "eu-gdpr", "tests", "region-typo-indeterminate", "inventory.yaml");
        var (_, output, error) = Cli.Run("check", estate, "--rules", Rules, "--as-of", "2026-11-25", "--format", "json");
        Assert.Contains("warning CE3003: Cluster 'fra': aws region 'eu-centrl-1' is not in the region catalog (did you mean 'eu-central-1'?)", error, StringComparison.Ordinal);
        Assert.Contains(Findings(output), f => f.GetProperty("status").GetString() == "indeterminate");
    }
}
