using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Federation;

/// <summary>What Karmada and OCM readers share: clusters from a control plane's view, and placing stores on them.</summary>
internal static class FederatedPlacement
{
    /// <summary>
    /// Our provider for the free-text provider of a control plane (<c>AWS</c>, <c>Amazon</c>, <c>Azure</c>, <c>GCP</c>,
    /// <c>Alibaba Cloud</c>, <c>IBM</c>, <c>Oracle</c>, <c>BareMetal</c>...): the names the native reader suggests for a
    /// provider (<see cref="InventoryReader.ProviderAlias"/>), and <c>kind</c> (a local cluster); null for any other.
    /// </summary>
    public static string? Provider(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "kind" => "onprem",
        var t => InventoryReader.ProviderAlias(t) is { } p and not "other" ? p : null,
    };

    /// <summary>Providers whose regions the region catalog lists: a region of theirs is looked up, not given as a country.</summary>
    public static bool IsCloud(string? provider) => provider is "aws" or "azure" or "gcp" or "oci" or "alibaba" or "ibm";

    /// <summary>
    /// Adds a Cluster seen by a control plane. An unknown provider or region makes the cluster indeterminate, with a
    /// warning. A cluster already imported (from its Nodes, a Terraform plan, or the other control plane) is merged with
    /// what this one says (see <see cref="Merge"/>): nothing either source says is dropped silently.
    /// </summary>
    public static void AddCluster(ImportSession session, string name, string? providerText, Cursor? region, SourceLocation at, string reader, Mapping.DataFacts mapped,
        (string Text, SourceLocation At)? regionOfZones = null)
    {
        var provider = mapped.Provider?.Value ?? Provider(providerText);
        var draft = new NativeDraft(DocumentKind.Cluster, name, at, reader);
        var regionText = mapped.Region?.Value ?? region?.String ?? regionOfZones?.Text;
        var regionAt = mapped.Region?.At ?? region?.Location ?? regionOfZones?.At ?? at;
        string? unknown = null;
        if (mapped.Country is { } country)
        {
            draft.Set("provider", NativeDraft.Text(provider ?? "onprem", at));
            if (regionText is not null && IsCloud(provider)) draft.Set("region", NativeDraft.Text(Normalise(provider!, regionText), regionAt));
            draft.Set("country", NativeDraft.Text(country.Value, country.At));
        }
        else if (IsCloud(provider) && regionText is not null)
        {
            draft.Set("provider", NativeDraft.Text(provider!, at));
            draft.Set("region", NativeDraft.Text(Normalise(provider!, regionText), regionAt));
        }
        else
        {
            unknown = provider is null ? $"provider '{providerText ?? "(none)"}' is not a cloud the engine knows" : "no region";
            draft.Set("provider", NativeDraft.Text(provider ?? "other", at));
            if (IsCloud(provider)) draft.Set("region", NativeDraft.Text("unknown", at));
            else draft.Set("country", NativeDraft.Text(ImportSession.UnknownCountry, at));
        }
        if (session.Find(DocumentKind.Cluster, name) is { } existing)
        {
            Merge(session, existing, draft);
            return;
        }
        if (unknown is not null)
            session.Diagnostics.Warning(Model.Diagnostics.DiagnosticCodes.SourceValueUnknown,
                $"Cluster '{name}': {unknown}; give its provider and region (or country) with an ImportMapping rule (match: {{name: {name}}}); until then its facts are indeterminate", at);
        session.Add(draft);
    }

    /// <summary>The location fields of a Cluster, and the value of each that says nothing.</summary>
    private static readonly (string Field, string Unknown)[] LocationFields = [("provider", "other"), ("region", "unknown"), ("country", ImportSession.UnknownCountry)];

    /// <summary>
    /// Merges a second description of a cluster into the first. Fields both give alike are kept; a field only the
    /// second gives is added, with a warning naming both sources (CE7009); fields both give differently are a
    /// conflict: an error naming both sources and positions (CE7008), and the location becomes unknown (the
    /// cluster's facts indeterminate) until the sources agree or an ImportMapping rule says.
    /// </summary>
    private static void Merge(ImportSession session, NativeDraft first, NativeDraft second)
    {
        string? Known(NativeDraft d, string field, string unknown) =>
            (d.Get(field) as YamlScalar)?.Value is { } v && !string.Equals(v, unknown, StringComparison.OrdinalIgnoreCase) ? v : null;
        string Where(NativeDraft d, string field) => $"{d.Reader} at {d.Get(field)?.Location ?? d.At}";

        var conflicts = new List<string>();
        var added = new List<(string Field, YamlNode Value)>();
        foreach (var (field, unknown) in LocationFields)
        {
            var (mine, theirs) = (Known(first, field, unknown), Known(second, field, unknown));
            if (theirs is null || string.Equals(mine, theirs, StringComparison.OrdinalIgnoreCase)) continue;
            if (mine is null) added.Add((field, second.Get(field)!));
            else conflicts.Add($"{field} '{mine}' ({Where(first, field)}) vs '{theirs}' ({Where(second, field)})");
        }
        if (conflicts.Count > 0)
        {
            session.Diagnostics.Error(Model.Diagnostics.DiagnosticCodes.SourceConflict,
                $"Cluster '{first.Name}' is described by {first.Reader} (first from {first.At}) and by {second.Reader} ({second.At}), and they disagree: {string.Join("; ", conflicts)}; "
                + $"its location is unknown (its facts indeterminate) until they agree: correct the wrong source, or give the location with an ImportMapping rule (match: {{name: {first.Name}}})",
                second.At);
            var provider = (first.Get("provider") as YamlScalar)?.Value;
            if (first.Get("region") is not null || IsCloud(provider)) first.Set("region", NativeDraft.Text("unknown", second.At));
            if (first.Get("country") is not null || !IsCloud(provider)) first.Set("country", NativeDraft.Text(ImportSession.UnknownCountry, second.At));
            return;
        }
        if (added.Count == 0) return; // the second source agrees, or says less: nothing to add
        var replacesUnknown = added.Any(a => first.Get(a.Field) is not null);
        foreach (var (field, value) in added) first.Set(field, value);
        session.Diagnostics.Warning(Model.Diagnostics.DiagnosticCodes.SourceMerged,
            $"Cluster '{first.Name}' is described by {first.Reader} (first from {first.At}) and by {second.Reader} ({second.At}); {second.Reader} adds "
            + string.Join(", ", added.Select(a => $"{a.Field} '{((YamlScalar)a.Value).Value}' ({a.Value.Location})"))
            + $" that {first.Reader} did not give, and it is used{(replacesUnknown ? " (an earlier 'unknown' for this cluster no longer applies)" : "")}; describe the cluster in one place, or confirm it with an ImportMapping rule (match: {{name: {first.Name}}})",
            second.At);
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
