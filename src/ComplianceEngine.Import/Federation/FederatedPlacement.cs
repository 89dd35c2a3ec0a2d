using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Federation;

/// <summary>What Karmada and OCM readers share: clusters from a control plane's view, and placing stores on them.</summary>
internal static class FederatedPlacement
{
    /// <summary>Our provider for the free-text provider of a control plane (<c>AWS</c>, <c>Amazon</c>, <c>Azure</c>, <c>GCP</c>, <c>BareMetal</c>...).</summary>
    public static string? Provider(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "aws" or "amazon" or "eks" => "aws",
        "azure" or "aks" or "microsoft" => "azure",
        "gcp" or "google" or "gke" => "gcp",
        "baremetal" or "bare-metal" or "vsphere" or "openstack" or "onprem" or "on-prem" or "kind" => "onprem",
        "edge" => "edge",
        _ => null,
    };

    /// <summary>
    /// Adds a Cluster seen by a control plane unless the cluster is already imported (its Nodes are better evidence).
    /// An unknown provider or region makes the cluster indeterminate, with a warning.
    /// </summary>
    public static void AddCluster(ImportSession session, string name, string? providerText, Cursor? region, SourceLocation at, string reader, Mapping.DataFacts mapped)
    {
        if (session.Find(DocumentKind.Cluster, name) is not null) return;
        var provider = mapped.Provider?.Value ?? Provider(providerText);
        var draft = new NativeDraft(DocumentKind.Cluster, name, at, reader);
        var regionText = mapped.Region?.Value ?? region?.String;
        var regionAt = mapped.Region?.At ?? region?.Location ?? at;
        if (mapped.Country is { } country)
        {
            draft.Set("provider", NativeDraft.Text(provider ?? "onprem", at));
            if (regionText is not null && provider is "aws" or "azure" or "gcp") draft.Set("region", NativeDraft.Text(Normalise(provider, regionText), regionAt));
            draft.Set("country", NativeDraft.Text(country.Value, country.At));
        }
        else if (provider is "aws" or "azure" or "gcp" && regionText is not null)
        {
            draft.Set("provider", NativeDraft.Text(provider, at));
            draft.Set("region", NativeDraft.Text(Normalise(provider, regionText), regionAt));
        }
        else
        {
            session.Diagnostics.Warning(Model.Diagnostics.DiagnosticCodes.SourceValueUnknown,
                $"Cluster '{name}': {(provider is null ? $"provider '{providerText ?? "(none)"}' is not a cloud the engine knows" : "no region")}; give its provider and region (or country) with an ImportMapping rule (match: {{name: {name}}}); until then its facts are indeterminate", at);
            draft.Set("provider", NativeDraft.Text(provider ?? "other", at));
            if (provider is "aws" or "azure" or "gcp") draft.Set("region", NativeDraft.Text("unknown", at));
            else draft.Set("country", NativeDraft.Text(ImportSession.UnknownCountry, at));
        }
        session.Add(draft);
    }

    private static string Normalise(string provider, string region) => provider == "azure" ? Regions.Azure(region) : region.ToLowerInvariant();

    /// <summary>The imported workload stores whose source is <c>namespace/Kind/name</c> matching the given parts (null = any).</summary>
    public static IEnumerable<NativeDraft> Stores(ImportSession session, string? ns, string? kind, string? name) =>
        session.Drafts.Where(d => d.Kind == DocumentKind.DataStore && d.Namespace is not null && d.SourceKey is { } key
            && (ns is null || key.Namespace == ns) && (kind is null || key.Kind == kind) && (name is null || key.Name == name));

    /// <summary>The store rests on every placed cluster: each one other than its own is a replica (judged as an implied transfer).</summary>
    public static void Place(NativeDraft store, IEnumerable<string> clusters, SourceLocation at)
    {
        var own = (store.Get("cluster") as YamlScalar)?.Value;
        store.Append("replicas", clusters.Where(c => c != own).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(c => (YamlNode)NativeDraft.Text(c, at)));
    }
}
