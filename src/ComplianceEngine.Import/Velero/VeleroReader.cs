using ComplianceEngine.Import.Kubernetes;
using ComplianceEngine.Import.Mapping;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Velero;

/// <summary>
/// Reads Velero BackupStorageLocations, VolumeSnapshotLocations, Schedules and Backups: the stores in a schedule's
/// namespaces back up to a store at the location's region (and the snapshot location's <c>altRegion</c>).
/// </summary>
internal static class VeleroReader
{
    public const string Name = "velero";

    private static bool Accepts(string api, string kind) =>
        api.StartsWith("velero.io/", StringComparison.Ordinal) && kind is "BackupStorageLocation" or "VolumeSnapshotLocation" or "Schedule" or "Backup";

    public static bool Recognises(SourceDocument doc) => KubernetesObjects.Holds(doc, Accepts);

    private sealed record Location(KubeObject Object, string Provider, string? Region, SourceLocation RegionAt, string StoreName);

    public static void Read(ImportSession session, IReadOnlyList<SourceDocument> documents)
    {
        var objects = documents.SelectMany(KubernetesObjects.Objects).Where(o => Accepts(o.ApiVersion, o.Kind)).ToList();
        foreach (var o in objects.Where(o => o.Name is null))
            session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, $"a Velero {o.Kind} needs metadata.name", o.Object.Location);
        objects = [.. objects.Where(o => o.Name is not null)];

        var bsls = objects.Where(o => o.Kind == "BackupStorageLocation").ToDictionary(o => o.Name!, o => StorageLocation(session, o), StringComparer.Ordinal);
        var vsls = objects.Where(o => o.Kind == "VolumeSnapshotLocation").ToDictionary(o => o.Name!, o => SnapshotLocations(session, o), StringComparer.Ordinal);
        var defaultBsl = objects.FirstOrDefault(o => o.Kind == "BackupStorageLocation" && o.Object["spec"]["default"].IsTrue)?.Name;

        foreach (var o in objects.Where(o => o.Kind is "Schedule" or "Backup"))
        {
            var spec = o.Kind == "Schedule" ? o.Object["spec"]["template"] : o.Object["spec"];
            var owner = $"Velero {o.Kind} '{o.Name}'";
            var stores = StoresIn(session, o, spec);
            if (stores.Count == 0)
            {
                session.Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                    $"{owner}: no imported DataStore is in the namespaces it backs up ({Describe(spec)}); annotate the workloads there with {AnnotationKeys.Categories}", o.Object.Location);
                continue;
            }
            var bslName = spec["storageLocation"].String ?? defaultBsl ?? "default";
            if (bsls.TryGetValue(bslName, out var bsl))
                BackUp(session, stores, bsl, spec["storageLocation"].Exists ? spec["storageLocation"].Location : o.Object.Location);
            else
                session.Diagnostics.Error(DiagnosticCodes.SourceDanglingReference,
                    $"{owner}: backup storage location '{bslName}' is not among the inputs{Suggestions.DidYouMean(bslName, bsls.Keys)}; add its BackupStorageLocation so the backups' location is known",
                    spec["storageLocation"].Exists ? spec["storageLocation"].Location : o.Object.Location);
            foreach (var vsl in spec["volumeSnapshotLocations"].Items)
            {
                if (vsl.String is { } v && vsls.TryGetValue(v, out var locations))
                {
                    foreach (var l in locations) BackUp(session, stores, l, vsl.Location);
                }
                else
                    session.Diagnostics.Error(DiagnosticCodes.SourceDanglingReference, $"{owner}: volume snapshot location '{vsl.String}' is not among the inputs", vsl.Location);
            }
        }
    }

    private static string Describe(Cursor spec)
    {
        var included = spec["includedNamespaces"].Strings;
        var excluded = spec["excludedNamespaces"].Strings;
        return (included.Count == 0 ? "all namespaces" : string.Join(", ", included)) + (excluded.Count > 0 ? $" except {string.Join(", ", excluded)}" : "");
    }

    private static List<NativeDraft> StoresIn(ImportSession session, KubeObject o, Cursor spec)
    {
        var included = spec["includedNamespaces"].Strings;
        var excluded = spec["excludedNamespaces"].Strings.ToHashSet(StringComparer.Ordinal);
        var all = included.Count == 0 || included.Contains("*");
        var cluster = o.Labels.Text(AnnotationKeys.Cluster) ?? o.Annotations.Text(AnnotationKeys.Cluster);
        return [.. session.Drafts.Where(d => d.Kind == DocumentKind.DataStore && d.Namespace is { } ns
            && (all || included.Contains(ns)) && !excluded.Contains(ns)
            && (cluster is null || (d.Get("cluster") as YamlScalar)?.Value == cluster))];
    }

    private static Location StorageLocation(ImportSession session, KubeObject o)
    {
        var spec = o.Object["spec"];
        var provider = Regions.Provider(spec["provider"].String);
        var bucket = spec["objectStorage"]["bucket"];
        if (!bucket.Exists) session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, $"BackupStorageLocation '{o.Name}': spec.objectStorage.bucket is required", spec.Location);
        var config = spec["config"];
        var storeName = bucket.String ?? o.Name!;
        string? region = null;
        var at = o.Object.Location;
        if (provider == "aws" && config["s3Url"].Exists)
            provider = null; // S3-compatible storage (MinIO...): where it is comes from the mapping
        else if (provider == "aws" && config["region"].String is { } r) (region, at) = (r, config["region"].Location);
        else if (provider == "azure" && config["storageAccount"].String is { } account) storeName = account;

        var mapped = session.Mapping.For(new SourceObject(Name, o.Kind, storeName, $"{o.Namespace}/{o.Kind}/{o.Name}"));
        if (mapped.Region is { } mr) (region, at) = (provider == "azure" ? Regions.Azure(mr.Value) : mr.Value, mr.At);
        provider = mapped.Provider?.Value ?? provider;
        if (region is null)
            session.Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown,
                $"BackupStorageLocation '{o.Name}': its region is not in the object ({(provider is null ? "S3-compatible or unknown provider" : provider == "azure" ? "Azure locations are the storage account's" : "no config.region")}); give it with an ImportMapping rule (match: {{name: {storeName}}}, provider, region); until then backups to it are indeterminate",
                o.Object.Location);
        return new Location(o, provider ?? "other", region, at, storeName);
    }

    private static List<Location> SnapshotLocations(ImportSession session, KubeObject o)
    {
        var spec = o.Object["spec"];
        var provider = Regions.Provider(spec["provider"].String) ?? "other";
        var config = spec["config"];
        var result = new List<Location>();
        foreach (var key in new[] { "region", "altRegion", "snapshotLocation" })
        {
            if (config[key].String is { } region)
                result.Add(new Location(o, provider, provider == "azure" ? Regions.Azure(region) : region, config[key].Location, $"{o.Name}-snapshots-{region.ToLowerInvariant()}"));
        }
        if (result.Count == 0)
            session.Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown, $"VolumeSnapshotLocation '{o.Name}': no region in spec.config; snapshots stay with the volumes' own provider region", o.Object.Location);
        return result;
    }

    private static void BackUp(ImportSession session, List<NativeDraft> stores, Location location, SourceLocation referencedAt)
    {
        var target = session.Find(DocumentKind.DataStore, location.StoreName);
        if (target is null)
        {
            var site = session.Site(location.Provider, location.Region, location.RegionAt, Name);
            target = session.Store(location.StoreName, site, location.Object.Object.Location, DataFacts.None, Name);
            target.Label("compliance-engine.io/source", $"{location.Object.Namespace}/{location.Object.Kind}/{location.Object.Name}", location.Object.Object["metadata"]["name"].Location);
        }
        foreach (var store in stores)
        {
            store.Append("backups", [NativeDraft.Text(target.Name, referencedAt)]);
            // The backup holds the union of what the stores it backs up hold.
            foreach (var key in new[] { "categories", "subjects", "subjectTypes" })
            {
                var union = target.Strings(key).Concat(store.Strings(key)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                if (union.Count > 0) target.Set(key, NativeDraft.List(union, store.Get(key)?.Location ?? referencedAt));
            }
        }
    }
}
