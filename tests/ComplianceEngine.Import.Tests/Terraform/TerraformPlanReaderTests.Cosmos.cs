using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Terraform;

/// <summary>
/// Azure Cosmos DB accounts and BigQuery datasets, read from the providers' argument references:
/// hashicorp/terraform-provider-azurerm@571664ac1748d2eb46f342caaaadca7933239919 <c>website/docs/r/cosmosdb_account.html.markdown</c>
/// (<c>geo_location</c>: "the geographic locations the data is replicated to", <c>failover_priority</c> 0 the write
/// region; <c>backup</c> <c>type</c> Periodic/Continuous, <c>storage_redundancy</c> Geo/Local/Zone: periodic backups are
/// geo-redundant unless it says otherwise) and hashicorp/terraform-provider-google@020769f48841f7819930edf0aaa5b9741feb875f
/// <c>website/docs/r/bigquery_dataset.html.markdown</c> (<c>location</c>: a region or a multi-region; "The default value
/// is multi-regional location US").
/// </summary>
public sealed partial class TerraformPlanReaderTests
{
    private const string Tags = "\"tags\":{\"compliance-engine.io/categories\":\"user.contact\"}";

    [Fact]
    public void Cosmos_GeoLocations_AreThePrimaryAndItsReplicas()
    {
        var after = "{\"name\":\"orders\",\"location\":\"West Europe\",\"geo_location\":[{\"location\":\"eastus\",\"failover_priority\":1},{\"location\":\"westeurope\",\"failover_priority\":0}]," + Tags + "}";
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(Change("azurerm_cosmosdb_account.orders", "azurerm_cosmosdb_account", after)));
        Assert.DoesNotContain(diagnostics, d => d.Code is DiagnosticCodes.SourceNotRead or DiagnosticCodes.SourceResourceTypeUnknown);
        var store = Assert.Single(estate.Stores);
        Assert.Equal("orders", store.Name);
        Assert.Equal("azure-westeurope", store.Cluster!.Name);
        Assert.Equal(["azure-eastus"], store.Replicas.Select(r => r.Name));
        Assert.True(store.GeoRedundant); // periodic backups, geo-redundant by default
    }

    [Theory]
    [InlineData("[{\"type\":\"Continuous\"}]")]
    [InlineData("[{\"type\":\"Periodic\",\"storage_redundancy\":\"Local\"}]")]
    public void Cosmos_BackupsThatStayInTheRegion_AreNotGeoRedundant(string backup)
    {
        var after = "{\"name\":\"orders\",\"location\":\"westeurope\",\"geo_location\":[{\"location\":\"westeurope\",\"failover_priority\":0}],\"backup\":" + backup + "}";
        var (estate, _) = ImportHarness.Load("plan.json", Plan(Change("azurerm_cosmosdb_account.orders", "azurerm_cosmosdb_account", after)));
        Assert.False(Assert.Single(estate.Stores).GeoRedundant);
    }

    [Fact]
    public void Cosmos_GeoLocationUnknownUntilApply_IsAnIndeterminateReplica()
    {
        var after = "{\"name\":\"orders\",\"location\":\"westeurope\",\"geo_location\":[{\"location\":\"westeurope\",\"failover_priority\":0},{\"failover_priority\":1}]}";
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(Change("azurerm_cosmosdb_account.orders", "azurerm_cosmosdb_account", after)));
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.SourceValueUnknown && d.Message.Contains("geo_location[1].location", StringComparison.Ordinal));
        Assert.Equal(["azure-unknown"], Assert.Single(estate.Stores).Replicas.Select(r => r.Name));
    }

    [Theory]
    [InlineData("\"location\":\"EU\",", "gcp-EU")]
    [InlineData("\"location\":\"europe-west3\",", "gcp-europe-west3")]
    [InlineData("", "gcp-US")]
    public void BigQueryDataset_RestsAtItsLocation_USByDefault(string location, string site)
    {
        var after = "{\"dataset_id\":\"events\"," + location + "\"labels\":{\"compliance-engine.io/categories\":\"user.contact\"}}";
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(Change("google_bigquery_dataset.events", "google_bigquery_dataset", after)));
        Assert.DoesNotContain(diagnostics, d => d.Code is DiagnosticCodes.SourceNotRead or DiagnosticCodes.SourceResourceTypeUnknown);
        var store = Assert.Single(estate.Stores);
        Assert.Equal("events", store.Name);
        Assert.Equal(site, store.Cluster!.Name);
    }

    [Fact]
    public void BigQueryDataset_LocationUnknownUntilApply_IsIndeterminate()
    {
        var (estate, diagnostics) = ImportHarness.Load("plan.json", Plan(Change("google_bigquery_dataset.events", "google_bigquery_dataset", "{\"dataset_id\":\"events\"}", unknown: "{\"location\":true}")));
        Assert.Contains(diagnostics, d => d.Code is DiagnosticCodes.SourceValueUnknown or DiagnosticCodes.SourceRegionUnresolved);
        Assert.Equal("gcp-unknown", Assert.Single(estate.Stores).Cluster!.Name);
    }
}
