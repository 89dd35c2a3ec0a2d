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

    /// <summary>
    /// The objects of <paramref name="kind"/> by name. Schedules name their locations by name only, so a second location of
    /// the same name (in another namespace, say) is ambiguous: an error (CE7007), and the first one is used.
    /// </summary>
    private static Dictionary<string, T> ByName<T>(ImportSession session, List<KubeObject> objects, string kind, Func<KubeObject, T> read)
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        var first = new Dictionary<string, KubeObject>(StringComparer.Ordinal);
        foreach (var o in objects.Where(o => o.Kind == kind))
        {
            if (first.TryGetValue(o.Name!, out var earlier))
            {
                session.Diagnostics.Error(DiagnosticCodes.SourceDuplicateName,
                    $"two Velero {kind}s are named '{o.Name}' (the first at {earlier.Object.Location}); schedules name locations by name only, so give each its own name",
                    o.Object.Location);
                continue;
            }
            first[o.Name!] = o;
            result[o.Name!] = read(o);
        }
        return result;
    }

    public static void Read(ImportSession session, IReadOnlyList<SourceDocument> documents)
    {
        var objects = documents.SelectMany(KubernetesObjects.Objects).Where(o => Accepts(o.ApiVersion, o.Kind)).ToList();
        foreach (var o in objects.Where(o => o.Name is null))
            session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, $"a Velero {o.Kind} needs metadata.name", o.Object.Location);
        objects = [.. objects.Where(o => o.Name is not null)];

        var bsls = ByName(session, objects, "BackupStorageLocation", o => StorageLocation(session, o));
        var vsls = ByName(session, objects, "VolumeSnapshotLocation", o => SnapshotLocations(session, o));
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
        var included = Patterns(session, o, spec["includedNamespaces"]);
        var excluded = Patterns(session, o, spec["excludedNamespaces"]);
        var all = spec["includedNamespaces"].Strings.Count == 0 || spec["includedNamespaces"].Strings.Contains("*");
        var cluster = o.Labels.Text(AnnotationKeys.Cluster) ?? o.Annotations.Text(AnnotationKeys.Cluster);
        return [.. session.Drafts.Where(d => d.Kind == DocumentKind.DataStore && d.Namespace is { } ns
            && (all || included.Any(p => p.IsMatch(ns))) && !excluded.Any(p => p.IsMatch(ns))
            && (cluster is null || (d.Get("cluster") as YamlScalar)?.Value == cluster))];
    }

    /// <summary>
    /// The namespace patterns of an include or exclude list, as Velero (1.18 and later) reads them: <c>*</c> any run of
    /// characters, <c>?</c> one character, <c>[abc]</c> and <c>[a-z]</c> one of a set; a name without them matches only
    /// itself. A pattern Velero rejects (<c>**</c>, <c>|</c>, <c>()</c>, <c>!</c>, <c>{}</c>, <c>,</c>, an empty or unclosed
    /// bracket) is an error at the item and matches nothing (velero.io/docs/v1.18/namespace-glob-patterns).
    /// </summary>
    private static List<System.Text.RegularExpressions.Regex> Patterns(ImportSession session, KubeObject o, Cursor list)
    {
        var result = new List<System.Text.RegularExpressions.Regex>();
        foreach (var item in list.Items)
        {
            if (item.String is not { } pattern) continue;
            if (NamespacePattern(pattern) is { } regex) result.Add(regex);
            else
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                    $"Velero {o.Kind} '{o.Name}': '{pattern}' is not a namespace pattern Velero accepts (* any run, ? one character, [abc] or [a-z] one of a set; no **, |, (), !, {{}} or commas)",
                    item.Location);
        }
        return result;
    }

    /// <summary>The anchored expression of a Velero namespace glob, or null when Velero rejects the pattern.</summary>
    internal static System.Text.RegularExpressions.Regex? NamespacePattern(string pattern)
    {
        if (pattern.Length == 0 || pattern.Contains("**", StringComparison.Ordinal) || pattern.IndexOfAny(['|', '(', ')', '!', '{', '}', ',']) >= 0) return null;
        var sb = new System.Text.StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close < 0 || close == i + 1) return null;
                    var set = pattern[(i + 1)..close];
                    if (!set.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.')) return null;
                    sb.Append('[').Append(set).Append(']');
                    i = close;
                    break;
                case ']': return null;
                default: sb.Append(System.Text.RegularExpressions.Regex.Escape(c.ToString())); break;
            }
        }
        try
        {
            return new System.Text.RegularExpressions.Regex(sb.Append('$').ToString(), System.Text.RegularExpressions.RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            return null; // a range written backwards ([z-a])
        }
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
        foreach (var store in stores) ImportSession.BackUp(store, target, referencedAt);
    }
}
