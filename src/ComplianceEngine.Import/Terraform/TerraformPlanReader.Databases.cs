using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Terraform;

/// <summary>
/// Azure Cosmos DB accounts and BigQuery datasets. A Cosmos DB account rests in its write region (the
/// <c>geo_location</c> with <c>failover_priority</c> 0, else <c>location</c>) and is replicated to every other
/// <c>geo_location</c>; its periodic backups (the default) go to geo-redundant storage, copied to the paired region,
/// unless <c>backup</c> says <c>Continuous</c> or a <c>storage_redundancy</c> of <c>Local</c> or <c>Zone</c>. A BigQuery
/// dataset rests at its <c>location</c>, a region or a multi-region (<c>EU</c>, <c>US</c>), <c>US</c> when not given.
/// </summary>
internal sealed partial class TerraformPlanReader
{
    private void CosmosAccount(Change c)
    {
        var name = c.Values["name"].String ?? c.ResourceName;
        var geo = c.Values["geo_location"].Items.ToList();
        var primary = geo.FirstOrDefault(g => g["failover_priority"].String == "0");
        var (region, at) = primary.Node is not null && primary["location"].String is { Length: > 0 } write
            ? (Regions.Azure(write), primary["location"].Location)
            : Region(c, "azure", "location");
        var store = _session.Find(DocumentKind.DataStore, AddStore(c, name, "azure", region, at))!;
        var index = 0;
        foreach (var g in geo)
        {
            if (g.Node != primary.Node)
            {
                var location = g["location"];
                if (location.String is { Length: > 0 } l)
                    store.Append("replicas", [NativeDraft.Text(_session.Site("azure", Regions.Azure(l), location.Location, Name), location.Location)]);
                else
                {
                    Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown,
                        $"{c.Describe}: geo_location[{index}].location is unknown until apply; the replica there is indeterminate", g.Location);
                    store.Append("replicas", [NativeDraft.Text(_session.Site("azure", null, g.Location, Name), g.Location)]);
                }
            }
            index++;
        }
        if (geo.Count == 0 && c.Unknown["geo_location"].IsTrue)
        {
            Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown,
                $"{c.Describe}: geo_location is unknown until apply, so the regions it replicates to are unknown; its replicas are indeterminate", c.Resource.Location);
            store.Append("replicas", [NativeDraft.Text(_session.Site("azure", null, c.Resource.Location, Name), c.Resource.Location)]);
        }
        var backup = c.Values["backup"].Items.FirstOrDefault();
        var type = backup.Node is null ? null : backup["type"].String;
        var redundancy = backup["storage_redundancy"];
        if (type is null or "Periodic" && redundancy.String is null or "Geo")
            store.Set("geoRedundant", NativeDraft.Flag(true, redundancy.String is not null ? redundancy.Location : backup.Node is not null ? backup.Location : c.Resource.Location));
    }

    private void BigQueryDataset(Change c)
    {
        var name = c.Values["dataset_id"].String ?? c.ResourceName;
        var location = c.Values["location"];
        if (location.String is { Length: > 0 } l)
        {
            // As a bucket's: a region lower case, a multi-region upper case (the catalog spans its countries).
            AddStore(c, name, "gcp", l.Contains('-', StringComparison.Ordinal) ? l.ToLowerInvariant() : l.ToUpperInvariant(), location.Location);
            return;
        }
        if (c.Unknown["location"].IsTrue)
        {
            Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown,
                $"{c.Describe}: location is unknown until apply (change.after_unknown.location); its facts are indeterminate", c.Resource.Location);
            AddStore(c, name, "gcp", null, c.Resource.Location);
            return;
        }
        AddStore(c, name, "gcp", "US", c.Resource.Location); // the provider's documented default
    }
}
