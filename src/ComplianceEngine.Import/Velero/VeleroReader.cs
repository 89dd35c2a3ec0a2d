using ComplianceEngine.Import.Federation;
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
internal static partial class VeleroReader
{
    public const string Name = "velero";

    internal static bool Accepts(string api, string kind) =>
        api.StartsWith("velero.io/", StringComparison.Ordinal) && kind is "BackupStorageLocation" or "VolumeSnapshotLocation" or "Schedule" or "Backup";

    public static bool Recognises(SourceDocument doc) => KubernetesObjects.Holds(doc, Accepts) || KubernetesObjects.Objects(doc).Any(IsResourcePolicies);

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
        var policyMaps = documents.SelectMany(KubernetesObjects.Objects).Where(IsResourcePolicies).ToList();

        var bsls = ByName(session, objects, "BackupStorageLocation", o => StorageLocation(session, o));
        var vsls = ByName(session, objects, "VolumeSnapshotLocation", o => SnapshotLocations(session, o));
        // A backup naming no location gets the first BackupStorageLocation marked default in Velero's list order (by name),
        // else the server's default name (velero.io/v1.18 pkg/controller/backup_controller.go prepareBackupRequest).
        var defaultBsl = objects.Where(o => o.Kind == "BackupStorageLocation" && o.Object["spec"]["default"].IsTrue).Select(o => o.Name!).Order(StringComparer.Ordinal).FirstOrDefault();

        var vslProviders = objects.Where(o => o.Kind == "VolumeSnapshotLocation").GroupBy(o => o.Name!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Object["spec"]["provider"].String ?? "", StringComparer.Ordinal);

        foreach (var o in objects.Where(o => o.Kind is "Schedule" or "Backup"))
        {
            var spec = o.Kind == "Schedule" ? o.Object["spec"]["template"] : o.Object["spec"];
            var owner = $"Velero {o.Kind} '{o.Name}'";
            if (o.Kind == "Schedule" && !KeepsPausedSchedule(session, o, owner)) continue;
            if (!Runs(session, o, owner)) continue;
            if (spec["labelSelector"].Exists && spec["orLabelSelectors"].Exists)
            {
                // Velero's backup controller fails such a backup validation (FailedValidation): it backs up nothing.
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                    $"{owner}: labelSelector and orLabelSelectors are both set; Velero fails the backup's validation (only one can be specified), so what it backs up cannot be read: keep one of them",
                    spec["orLabelSelectors"].Location);
                continue;
            }
            var stores = StoresIn(session, o, spec);
            if (stores.Count == 0)
            {
                session.Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                    $"{owner}: no imported DataStore is in the namespaces it backs up ({Describe(spec)}); annotate the workloads there with {AnnotationKeys.Categories}", o.Object.Location);
                continue;
            }
            stores = Selected(session, owner, spec, stores);
            if (stores.Count == 0) continue; // Selected has named the stores it leaves out
            var (includeExclude, policyUnread) = IncludeExcludeOf(policyMaps, o, spec);
            if (PathsOf(session, owner, spec, includeExclude) is not { } paths) continue; // filters Velero rejects: an error has said so
            // A resource policy not read could hold an includeExcludePolicy that adds pods, claims or volumes to the backup's
            // own scoped filters: read as taking them (the policy's warning says it is not applied).
            if (policyUnread && !UsesOldFilters(spec)) paths = paths with { Data = true, Snapshots = true };
            if (!paths.Data)
            {
                session.Diagnostics.Note(DiagnosticCodes.SourceCopyNotMade,
                    $"{owner}: its {paths.Filters} take no pods, persistentvolumeclaims or persistentvolumes, so it copies none of the data in the volumes of {string.Join(", ", stores.Select(s => s.Name))}",
                    paths.At);
                continue;
            }
            var outcomes = ApplyResourcePolicy(session, policyMaps, o, owner, spec, stores);
            var toStorage = outcomes is null ? stores : [.. stores.Where(s => outcomes[s].ToStorage)];
            var bslName = spec["storageLocation"].String ?? defaultBsl ?? "default";
            if (bsls.TryGetValue(bslName, out var bsl))
            {
                if (toStorage.Count > 0) BackUp(session, toStorage, bsl, spec["storageLocation"].Exists ? spec["storageLocation"].Location : o.Object.Location);
            }
            else
                session.Diagnostics.Error(DiagnosticCodes.SourceDanglingReference,
                    $"{owner}: backup storage location '{bslName}' is not among the inputs{Suggestions.DidYouMean(bslName, bsls.Keys)}; add its BackupStorageLocation so the backups' location is known",
                    spec["storageLocation"].Exists ? spec["storageLocation"].Location : o.Object.Location);
            if (!paths.Snapshots)
            {
                foreach (var vsl in spec["volumeSnapshotLocations"].Items.Where(v => v.String is not { } name || !vsls.ContainsKey(name)))
                    session.Diagnostics.Error(DiagnosticCodes.SourceDanglingReference, $"{owner}: volume snapshot location '{vsl.String}' is not among the inputs", vsl.Location);
                if (vslProviders.Count > 0 || spec["volumeSnapshotLocations"].Exists)
                    session.Diagnostics.Note(DiagnosticCodes.SourceCopyNotMade,
                        $"{owner}: its {paths.Filters} take no persistentvolumeclaims or persistentvolumes, so Velero makes no volume snapshots and copies nothing to the snapshot locations (only pods' file-system backups, to the storage location)",
                        paths.At);
                continue;
            }
            Snapshots(session, o, owner, spec, stores, vsls, vslProviders, outcomes);
            if (toStorage.Count > 0) DataMover(session, owner, spec, toStorage, bslName, bsl, NativeSnapshotsTaken(o) is 0);
        }
    }

    /// <summary>
    /// A paused Schedule makes no new backups (Velero's schedule controller skips it; velero.io/docs/v1.18/api-types/schedule).
    /// The backups it made before stay in the location until their ttl: kept when its status shows one
    /// (<c>status.lastBackup</c>) or when the object has no status to say (a manifest, not <c>kubectl get -o yaml</c>);
    /// dropped when its status shows it never made one.
    /// </summary>
    private static bool KeepsPausedSchedule(ImportSession session, KubeObject o, string owner)
    {
        var paused = o.Object["spec"]["paused"];
        if (!paused.IsTrue) return true;
        var status = o.Object["status"];
        if (status.Exists && !status["lastBackup"].Exists)
        {
            session.Diagnostics.Note(DiagnosticCodes.SourceCopyNotMade,
                $"{owner} is paused and its status shows no backup made (no status.lastBackup): Velero makes none while it is paused, so it copies nothing", paused.Location);
            return false;
        }
        var last = status["lastBackup"].String;
        session.Diagnostics.Warning(DiagnosticCodes.SourceCopyNotMade,
            $"{owner} is paused: Velero makes no new backups, but {(last is null ? "the object has no status to say whether it made any before, so" : $"it made one at {last}, and")} the backups it made stay in the location until their ttl; they are read as there. "
            + "Delete the schedule and its backups, or give the status (kubectl get schedule -o yaml), to have them read as gone",
            paused.Location);
        return true;
    }

    /// <summary>The selector that narrows a backup: <c>labelSelector</c>, else <c>orLabelSelectors</c>.</summary>
    private static Cursor SelectorOf(Cursor spec) => spec["labelSelector"].Exists ? spec["labelSelector"] : spec["orLabelSelectors"];

    /// <summary>
    /// The stores whose data a backup's label selector takes, as Velero 1.18 collects items: each resource is listed with
    /// <c>labelSelector</c> (or once per <c>orLabelSelectors</c> item, their union); a selected pod brings in the claims it
    /// mounts (the pod action). A workload's data is in its pods' volumes, so a StatefulSet or Deployment is selected when
    /// its pod template's labels match (or, for a StatefulSet, the labels its claims get: the claim template's and the
    /// selector's <c>matchLabels</c>); a PersistentVolumeClaim when its own labels match. Where the inputs cannot decide (a
    /// claim a pod outside the inputs may mount, a workload without a pod template, a selector that cannot be evaluated)
    /// the store is kept, with a warning (CE2065).
    /// </summary>
    private static List<NativeDraft> Selected(ImportSession session, string owner, Cursor spec, List<NativeDraft> stores)
    {
        List<Cursor> selectors = spec["labelSelector"].Exists ? [spec["labelSelector"]] : [.. spec["orLabelSelectors"].Items];
        if (selectors.Count == 0) return stores;
        var at = SelectorOf(spec).Location;
        var result = new List<NativeDraft>();
        var left = new List<string>();
        foreach (var store in stores)
        {
            var (sets, undecided) = LabelSets(store);
            var outcomes = sets.SelectMany(set => selectors.Select(sel => Selector.Evaluate(sel, set.Labels))).ToList();
            if (outcomes.Contains(true))
            {
                result.Add(store);
                continue;
            }
            var why = outcomes.Contains(null) ? "the selector has an expression Kubernetes cannot evaluate (operator, values)" : undecided;
            if (why is null)
            {
                left.Add(store.Name); // Velero does not take it: nothing it holds goes to this backup
                continue;
            }
            session.Diagnostics.Warning(DiagnosticCodes.SourceSelectorUndecided,
                $"{owner}: whether its label selector takes DataStore '{store.Name}' cannot be decided from the inputs ({why}); it is read as backed up", at);
            result.Add(store);
        }
        if (left.Count > 0)
            session.Diagnostics.Note(DiagnosticCodes.SourceCopyNotMade,
                $"{owner}: its label selector leaves out {string.Join(", ", left)} (their pods' and claims' labels do not match), so it copies none of their data", at);
        return result;
    }

    /// <summary>The label sets that decide whether Velero takes a store's data, and why the inputs cannot decide when none matches (null when they can).</summary>
    private static (List<(string What, IReadOnlyDictionary<string, Cursor> Labels)> Sets, string? Undecided) LabelSets(NativeDraft store)
    {
        var sets = new List<(string, IReadOnlyDictionary<string, Cursor>)>();
        if (store.SourceObject is not { } o || store.SourceKey is not { } key) return (sets, "it does not come from a Kubernetes object");
        if (key.Kind == "PersistentVolumeClaim")
        {
            sets.Add(("its labels", o["metadata"]["labels"].ScalarMap));
            return (sets, "a selected pod that mounts the claim brings it into the backup, and pods are not among the sources");
        }
        var pod = KubernetesObjects.PodTemplate(o, key.Kind);
        var template = pod["metadata"]["labels"];
        if (template.Exists) sets.Add(("its pod template's labels", template.ScalarMap));
        if (key.Kind == "StatefulSet")
        {
            foreach (var claim in o["spec"]["volumeClaimTemplates"].Items)
            {
                var labels = claim["metadata"]["labels"].ScalarMap.ToDictionary(StringComparer.Ordinal);
                foreach (var (k, v) in o["spec"]["selector"]["matchLabels"].Entries) labels[k] = v;
                sets.Add(("its claims' labels", labels));
            }
        }
        if (!template.Exists) return (sets, $"the {key.Kind} has no {KubernetesObjects.PodTemplatePath(key.Kind)}metadata.labels, so its pods' labels are not in the source");
        var claims = pod["spec"]["volumes"].Items.Select(v => v["persistentVolumeClaim"]["claimName"].String).OfType<string>().ToList();
        return (sets, claims.Count > 0 ? $"its pods mount claims ({string.Join(", ", claims)}) whose own labels are not among the inputs, and a claim the selector takes is backed up with its data" : null);
    }

    /// <summary>
    /// The volume snapshot locations a backup copies to, as Velero 1.18's backup controller and volume helper decide:
    /// none when <c>snapshotVolumes: false</c>; none for a workload whose volumes go by file-system backup
    /// (<c>defaultVolumesToFsBackup: true</c>, unless its pods exclude volumes from it); else the locations named in
    /// <c>volumeSnapshotLocations</c>, and for each provider with locations but none named, its only location (with more
    /// than one, the server's default decides, which is not among the inputs: all are kept, with a warning). A
    /// <c>resourcePolicy</c>'s volume policies come first (<see cref="ApplyResourcePolicy"/>): a snapshot action, or a
    /// policy not decided, takes the store's volumes to the locations whatever those settings say; fs-backup and skip
    /// take them to none; volumes no policy matches fall back to the settings.
    /// </summary>
    private static void Snapshots(ImportSession session, KubeObject o, string owner, Cursor spec, List<NativeDraft> stores,
        Dictionary<string, List<Location>> vsls, Dictionary<string, string> vslProviders, Dictionary<NativeDraft, PolicyOutcome>? outcomes)
    {
        var listed = new List<(List<Location> Locations, SourceLocation At)>();
        foreach (var vsl in spec["volumeSnapshotLocations"].Items)
        {
            if (vsl.String is { } v && vsls.TryGetValue(v, out var locations)) listed.Add((locations, vsl.Location));
            else session.Diagnostics.Error(DiagnosticCodes.SourceDanglingReference, $"{owner}: volume snapshot location '{vsl.String}' is not among the inputs", vsl.Location);
        }
        var named = spec["volumeSnapshotLocations"].Strings.Where(vslProviders.ContainsKey).Select(n => vslProviders[n]).ToHashSet(StringComparer.Ordinal);
        foreach (var group in vslProviders.Where(p => !named.Contains(p.Value)).GroupBy(p => p.Value, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var names = group.Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
            if (names.Count > 1)
                session.Diagnostics.Warning(DiagnosticCodes.SourceSelectorUndecided,
                    $"{owner} names no volume snapshot location for provider '{group.Key}', which has {names.Count} ({string.Join(", ", names)}); Velero then uses the server's --default-volume-snapshot-locations, which is not among the inputs, so all of them are read as used: name one in volumeSnapshotLocations",
                    o.Object.Location);
            foreach (var name in names) listed.Add((vsls[name], o.Object.Location));
        }
        if (listed.Count == 0) return;
        if (NoNativeSnapshots(session, o, owner, spec)) return;

        var snapshotsOff = spec["snapshotVolumes"].IsFalse;
        var fsBackup = spec["defaultVolumesToFsBackup"].IsTrue || spec["defaultVolumesToRestic"].IsTrue;
        // A volume policy's snapshot action overrides both settings, and a policy not decided is read as one (over-reported);
        // volumes no policy matches fall back to them; skipped and fs-backup volumes are not snapshotted.
        var forced = outcomes is null ? [] : stores.Where(s => outcomes[s].Snapshots is VolumeAction.Snapshot or VolumeAction.Undecided).ToList();
        var legacy = outcomes is null ? stores : [.. stores.Where(s => outcomes[s].Snapshots == VolumeAction.Legacy)];
        var which = outcomes is null ? "" : $" for the volumes of {string.Join(", ", legacy.Select(s => s.Name))}, which no volume policy matches";
        if (snapshotsOff && legacy.Count > 0)
        {
            session.Diagnostics.Note(DiagnosticCodes.SourceCopyNotMade,
                $"{owner}: snapshotVolumes is false, so Velero takes no volume snapshots{which} and copies nothing{(outcomes is null ? "" : " of them")} to the snapshot locations", spec["snapshotVolumes"].Location);
            legacy = [];
        }
        else if (fsBackup && legacy.Count > 0)
        {
            var at = spec["defaultVolumesToFsBackup"].Exists ? spec["defaultVolumesToFsBackup"].Location : spec["defaultVolumesToRestic"].Location;
            var snapshotted = legacy.Where(s => SnapshotsDespiteFsBackup(session, owner, s, at)).ToList();
            if (snapshotted.Count < legacy.Count)
                session.Diagnostics.Note(DiagnosticCodes.SourceCopyNotMade,
                    $"{owner}: defaultVolumesToFsBackup is true, so the volumes of {string.Join(", ", legacy.Except(snapshotted).Select(s => s.Name))} go by file-system backup to the storage location, not to the snapshot locations",
                    at);
            legacy = snapshotted;
        }
        List<NativeDraft> taken = [.. forced, .. legacy];
        if (taken.Count == 0) return;
        foreach (var (locations, at) in listed)
        foreach (var l in locations)
            BackUp(session, taken, l, at);
    }

    /// <summary>
    /// Under <c>defaultVolumesToFsBackup</c>, a pod's volumes go by file-system backup unless its
    /// <c>backup.velero.io/backup-volumes-excludes</c> annotation names them (those are snapshotted). A claim store's pods
    /// are not among the sources: it is kept, with a warning.
    /// </summary>
    private static bool SnapshotsDespiteFsBackup(ImportSession session, string owner, NativeDraft store, SourceLocation at)
    {
        if (store.SourceObject is not { } o || store.SourceKey is not { Kind: not "PersistentVolumeClaim" })
        {
            session.Diagnostics.Warning(DiagnosticCodes.SourceSelectorUndecided,
                $"{owner}: whether DataStore '{store.Name}' is snapshotted or goes by file-system backup depends on the pods that mount it, which are not among the sources; it is read as snapshotted", at);
            return true;
        }
        return KubernetesObjects.PodTemplate(o, store.SourceKey.Value.Kind)["metadata"]["annotations"]["backup.velero.io/backup-volumes-excludes"].String is { Length: > 0 };
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
            if (item.String is not { } pattern)
            {
                // Skipped, it would leave the list empty, which Velero reads as every namespace (or none excluded).
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                    $"Velero {o.Kind} '{o.Name}': an item of {list.Pointer.Split('/')[^1]} is not a namespace name or pattern; which namespaces it backs up cannot be worked out",
                    item.Location);
                continue;
            }
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
        RequireProvider(session, o);
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
        RequireProvider(session, o);
        var provider = Regions.Provider(spec["provider"].String) ?? "other";
        var config = spec["config"];
        var result = new List<Location>();
        foreach (var key in new[] { "region", "altRegion", "snapshotLocation" })
        {
            if (config[key].String is { } region)
                result.Add(new Location(o, provider, SnapshotRegion(provider, region), config[key].Location, $"{o.Name}-snapshots-{region.ToLowerInvariant()}"));
        }
        if (result.Count == 0 && provider == "gcp")
        {
            // velero-plugin-for-gcp: "If not specified the snapshots are stored in the default location", which for Compute
            // Engine is the multi-region nearest the disk: not the disk's region, and not in the inputs.
            session.Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown,
                $"VolumeSnapshotLocation '{o.Name}': no config.snapshotLocation, so GCP keeps the snapshots in its default location (the multi-region nearest each disk, which can span several countries), which the inputs do not say; the copies to it are indeterminate: set snapshotLocation",
                o.Object.Location);
            result.Add(new Location(o, provider, null, o.Object.Location, $"{o.Name}-snapshots-default"));
        }
        else if (result.Count == 0)
            session.Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown, $"VolumeSnapshotLocation '{o.Name}': no region in spec.config; snapshots stay with the volumes' own provider region", o.Object.Location);
        return result;
    }

    /// <summary>A snapshot location's region as the catalog spells it: Azure without spaces, lower case; a GCP region lower case, a GCP multi-region (<c>EU</c>, <c>us</c>) upper case.</summary>
    private static string SnapshotRegion(string provider, string region) => provider switch
    {
        "azure" => Regions.Azure(region),
        "gcp" => region.Contains('-', StringComparison.Ordinal) ? region.ToLowerInvariant() : region.ToUpperInvariant(),
        _ => region,
    };

    /// <summary><c>spec.provider</c> is required on both kinds of location: without it, which plugin (and cloud) holds the copies is not said.</summary>
    private static void RequireProvider(ImportSession session, KubeObject o)
    {
        if (o.Object["spec"]["provider"].String is { Length: > 0 }) return;
        session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
            $"{o.Kind} '{o.Name}': spec.provider is required (the plugin that stores the copies: aws, azure, gcp, ...); its location is unknown and the copies to it are indeterminate",
            o.Object["spec"].Exists ? o.Object["spec"].Location : o.Object.Location);
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
