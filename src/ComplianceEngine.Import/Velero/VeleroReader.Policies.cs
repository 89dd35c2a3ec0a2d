using System.Globalization;
using ComplianceEngine.Import.Kubernetes;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Velero;

/// <summary>
/// A backup's <c>resourcePolicy</c>: a ConfigMap (in the backup's namespace, one data key holding the policies as YAML)
/// whose <c>volumePolicies</c> decide per volume, first match wins, whether it is skipped, backed up by <c>fs-backup</c>
/// (to the storage location) or by <c>snapshot</c>, ahead of <c>snapshotVolumes</c> and <c>defaultVolumesToFsBackup</c>;
/// a volume no policy matches falls back to those settings (vmware-tanzu/velero@d30d389b
/// <c>site/content/docs/main/resource-filtering.md</c> "Resource policies", <c>internal/resourcepolicies</c>). The
/// conditions are the volume's: <c>capacity</c> and <c>storageClass</c> its PersistentVolume's, <c>pvcLabels</c> and
/// <c>pvcPhase</c> its claim's. The inputs hold claims, not volumes: a condition they cannot decide (a capacity the
/// request does not settle, a claim without storageClassName, <c>csi</c>, <c>nfs</c>, <c>volumeTypes</c>, a key or action
/// the reader does not know) leaves the store as copied everywhere the backup's own settings and a snapshot action could
/// take it (over-reported), with a warning naming what was not read.
/// </summary>
internal static partial class VeleroReader
{
    /// <summary>What a backup does with a store's volumes under its volume policies.</summary>
    private enum VolumeAction { Legacy, Skip, FsBackup, Snapshot, Undecided }

    /// <summary>A store's outcome: whether its data goes to the storage location, and how its snapshots are decided.</summary>
    private sealed record PolicyOutcome(bool ToStorage, VolumeAction Snapshots, string? Undecided);

    private static readonly PolicyOutcome LegacyOutcome = new(true, VolumeAction.Legacy, null);

    private static readonly string[] KnownConditions = ["capacity", "storageClass", "pvcLabels", "pvcPhase", "csi", "nfs", "volumeTypes"];

    /// <summary>True for a ConfigMap that holds Velero resource policies (one data key, with volumePolicies or includeExcludePolicy).</summary>
    internal static bool IsResourcePolicies(KubeObject o) =>
        o.ApiVersion == "v1" && o.Kind == "ConfigMap" && o.Object["data"].Entries.ToList() is [(_, var text)]
        && text.String is { } s && (s.Contains("volumePolicies:", StringComparison.Ordinal) || s.Contains("includeExcludePolicy:", StringComparison.Ordinal));

    /// <summary>
    /// The outcome of a backup's resource policy for each store, or null when it names none. Anything not read gives every
    /// store the over-reporting outcome (undecided), with a warning.
    /// </summary>
    private static Dictionary<NativeDraft, PolicyOutcome>? ApplyResourcePolicy(ImportSession session, List<KubeObject> configMaps, KubeObject o, string owner, Cursor spec, List<NativeDraft> stores)
    {
        var policy = spec["resourcePolicy"];
        if (!policy.Exists) return null;
        var name = policy["name"].String;
        var what = $"{owner}: its resourcePolicy (ConfigMap '{o.Namespace}/{name ?? "(no name)"}')";
        Dictionary<NativeDraft, PolicyOutcome> All(string why)
        {
            session.Diagnostics.Warning(DiagnosticCodes.SourceSelectorUndecided,
                $"{what} is not applied: {why}; its includeExcludePolicy can add resources to the backup's scoped filters, and its volumePolicies can skip volumes or choose fs-backup (to the storage location) or snapshots, so every volume is read as copied as the backup's own settings say, and the snapshot locations as used whatever snapshotVolumes or defaultVolumesToFsBackup say (over-reported at worst)",
                policy.Location);
            return stores.ToDictionary(s => s, _ => new PolicyOutcome(true, VolumeAction.Undecided, why));
        }
        var (policies, whyNot) = LoadPolicies(configMaps, o, policy);
        if (whyNot is not null) return All(whyNot);
        var rules = policies["volumePolicies"].Items.ToList();
        var result = new Dictionary<NativeDraft, PolicyOutcome>();
        var skipped = new List<string>();
        var noSnapshots = new List<string>();
        foreach (var store in stores)
        {
            var outcome = Outcome(store, rules);
            result[store] = outcome;
            if (outcome.Undecided is { } why)
                session.Diagnostics.Warning(DiagnosticCodes.SourceSelectorUndecided,
                    $"{what}: which volume policy applies to the volumes of DataStore '{store.Name}' is not decided from the inputs ({why}); they are read as copied to the storage location and the snapshot locations (over-reported at worst)",
                    policy.Location);
            else if (!outcome.ToStorage) skipped.Add(store.Name);
            else if (outcome.Snapshots == VolumeAction.Skip) noSnapshots.Add(store.Name);
        }
        if (skipped.Count > 0)
            session.Diagnostics.Note(DiagnosticCodes.SourceCopyNotMade,
                $"{what}: its volumePolicies skip every volume of {string.Join(", ", skipped)}, so the backup copies none of their data", policy.Location);
        if (noSnapshots.Count > 0)
            session.Diagnostics.Note(DiagnosticCodes.SourceCopyNotMade,
                $"{what}: its volumePolicies back up the volumes of {string.Join(", ", noSnapshots)} by fs-backup (to the storage location) or skip them, so nothing of them goes to the snapshot locations", policy.Location);
        return result;
    }

    /// <summary>
    /// The resource policies a backup names, as Velero reads them (GetResourcePoliciesFromBackup: a ConfigMap of the
    /// backup's namespace, exactly one data key, version v1), or why they cannot be read from the inputs.
    /// </summary>
    private static (Cursor Policies, string? WhyNot) LoadPolicies(List<KubeObject> configMaps, KubeObject o, Cursor policy)
    {
        var name = policy["name"].String;
        if (policy["kind"].String is { } kind && !kind.Equals("configmap", StringComparison.OrdinalIgnoreCase))
            return (default, $"its kind is '{kind}', and Velero reads resource policies from a configmap only");
        var map = configMaps.Where(c => c.Name == name && c.Namespace == o.Namespace).ToList();
        if (map.Count != 1)
            return (default, map.Count == 0 ? "the ConfigMap is not among the inputs (a ConfigMap in the backup's namespace with one data key holding volumePolicies)" : "the inputs hold it more than once");
        var text = map[0].Object["data"].Entries.Single().Value;
        var bag = new DiagnosticBag();
        var nodes = SafeYamlReader.Read(text.String!, map[0].Document.File, bag);
        if (bag.HasErrors || nodes.Count != 1 || nodes[0] is not YamlMapping root)
            return (default, "its data is not a YAML mapping of resource policies");
        var policies = new Cursor(root, "", false, text.Location);
        if (policies["version"].String != "v1")
            return (default, $"its version is '{policies["version"].String}', and Velero supports v1 only (it fails the backup's validation otherwise)");
        return (policies, null);
    }

    /// <summary>A claim as the policies see it: its class (null when not said), its request in bytes, labels, phase.</summary>
    private sealed record Claim(string What, string? StorageClass, decimal? Request, IReadOnlyDictionary<string, Cursor> Labels, string? Phase);

    /// <summary>
    /// The outcome for one store: the first policy each of its claims matches. A store whose claims the inputs do not
    /// hold (a pod volume naming a claim not imported) is undecided; one with no claims is left to the backup's settings.
    /// </summary>
    private static PolicyOutcome Outcome(NativeDraft store, List<Cursor> rules)
    {
        if (store.SourceObject is not { } o || store.SourceKey is not { } key) return new(true, VolumeAction.Undecided, "it does not come from a Kubernetes object");
        var claims = new List<Claim>();
        var otherData = false;
        if (key.Kind == "PersistentVolumeClaim")
            claims.Add(ClaimOf($"claim '{key.Name}'", o, o["metadata"]["labels"].ScalarMap, o["status"]["phase"].String));
        else
        {
            foreach (var t in o["spec"]["volumeClaimTemplates"].Items)
            {
                var labels = t["metadata"]["labels"].ScalarMap.ToDictionary(StringComparer.Ordinal);
                foreach (var (k, v) in o["spec"]["selector"]["matchLabels"].Entries) labels[k] = v;
                claims.Add(ClaimOf($"claim template '{t["metadata"]["name"].String}'", t, labels, null));
            }
            foreach (var v in KubernetesObjects.PodTemplate(o, key.Kind)["spec"]["volumes"].Items)
            {
                if (v["persistentVolumeClaim"]["claimName"].String is { } claimName)
                    return new(true, VolumeAction.Undecided, $"its pods mount claim '{claimName}', whose volume is not among the inputs");
                if (!(v["configMap"].Exists || v["secret"].Exists || v["downwardAPI"].Exists || v["projected"].Exists)) otherData = true;
            }
        }
        if (claims.Count == 0) return LegacyOutcome;
        var actions = new List<VolumeAction>();
        foreach (var claim in claims)
        {
            var (action, why) = Match(claim, rules);
            if (action == VolumeAction.Undecided) return new(true, VolumeAction.Undecided, why);
            actions.Add(action);
        }
        var toStorage = otherData || actions.Any(a => a != VolumeAction.Skip);
        var snapshots = actions.Contains(VolumeAction.Snapshot) ? VolumeAction.Snapshot
            : actions.Contains(VolumeAction.Legacy) ? VolumeAction.Legacy
            : VolumeAction.Skip; // fs-backup or skip: nothing to the snapshot locations
        return new(toStorage, snapshots, null);
    }

    private static Claim ClaimOf(string what, Cursor claim, IReadOnlyDictionary<string, Cursor> labels, string? phase)
    {
        var spec = claim["spec"];
        return new Claim(what, spec["storageClassName"].Exists ? spec["storageClassName"].String : null, Quantity(spec["resources"]["requests"]["storage"].String), labels, phase);
    }

    /// <summary>The action of the first policy a claim's volume matches (Legacy when none), or Undecided with why.</summary>
    private static (VolumeAction Action, string Why) Match(Claim claim, List<Cursor> rules)
    {
        foreach (var rule in rules)
        {
            var matched = true;
            foreach (var (k, condition) in rule["conditions"].Entries)
            {
                bool? m = k switch
                {
                    "capacity" => Capacity(condition.String, claim.Request),
                    "storageClass" => condition.Strings.Count == 0 ? true : claim.StorageClass is null ? null : condition.Strings.Contains(claim.StorageClass, StringComparer.Ordinal),
                    "pvcLabels" => condition.Entries.All(e => claim.Labels.Text(e.Key) == e.Value.String),
                    "pvcPhase" => condition.Strings.Count == 0 ? true : claim.Phase is null ? null : condition.Strings.Contains(claim.Phase, StringComparer.Ordinal),
                    _ => null, // csi, nfs, volumeTypes: the PersistentVolume's source, not among the inputs; an unknown key
                };
                if (m is null)
                    return (VolumeAction.Undecided, KnownConditions.Contains(k, StringComparer.Ordinal)
                        ? $"the {k} condition ({Show(condition)}) of a volume policy is not decided for {claim.What}: {(k is "csi" or "nfs" or "volumeTypes" ? "it is the PersistentVolume's, which is not among the inputs" : k == "storageClass" ? "it has no storageClassName, so the cluster's default class applies" : k == "pvcPhase" ? "its phase is not among the inputs" : "its volume's capacity is not settled by its request")}"
                        : $"a volume policy has condition '{k}', which the reader does not know");
                if (m == false)
                {
                    matched = false;
                    break;
                }
            }
            if (!matched) continue;
            return rule["action"]["type"].String switch
            {
                "skip" => (VolumeAction.Skip, ""),
                "fs-backup" => (VolumeAction.FsBackup, ""),
                "snapshot" => (VolumeAction.Snapshot, ""),
                var other => (VolumeAction.Undecided, $"the volume policy {claim.What} matches has action '{other}', which the reader does not know (skip, fs-backup, snapshot)"),
            };
        }
        return (VolumeAction.Legacy, "");
    }

    private static string Show(Cursor c) => c.String ?? (c.Node is YamlSequence ? string.Join(", ", c.Strings) : string.Join(", ", c.Entries.Select(e => $"{e.Key}: {e.Value.String}")));

    /// <summary>
    /// Whether a volume whose claim requests <paramref name="request"/> bytes falls in a capacity range "lower,upper" (an
    /// empty bound open). The volume's capacity is its PersistentVolume's, at least the request: decided only when the
    /// request is above a closed upper bound (false) or reaches the lower bound of a range open above (true).
    /// </summary>
    private static bool? Capacity(string? range, decimal? request)
    {
        var parts = (range ?? ",").Split(',');
        if (parts.Length != 2) return null;
        var lower = parts[0].Trim().Length == 0 ? 0m : Quantity(parts[0].Trim());
        var upper = parts[1].Trim().Length == 0 ? 0m : Quantity(parts[1].Trim());
        if (lower is null || upper is null) return null;
        if (lower == 0m && upper == 0m) return true; // no bound: every volume
        if (request is null) return null;
        if (upper == 0m) return lower <= request ? true : null;
        if (request > upper) return false;
        return null;
    }

    /// <summary>A Kubernetes quantity in bytes (<c>10Gi</c>, <c>500M</c>, <c>1.5Ti</c>, <c>1e9</c>), or null when it is not one.</summary>
    internal static decimal? Quantity(string? text)
    {
        if (text is null) return null;
        string[] binary = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
        string[] metric = ["k", "M", "G", "T", "P", "E"];
        var multiplier = 1m;
        var number = text;
        for (var i = 0; i < binary.Length; i++)
        {
            if (text.EndsWith(binary[i], StringComparison.Ordinal)) (number, multiplier) = (text[..^2], (decimal)Math.Pow(1024, i + 1));
            else if (text.EndsWith(metric[i], StringComparison.Ordinal)) (number, multiplier) = (text[..^1], (decimal)Math.Pow(1000, i + 1));
            else continue;
            break;
        }
        if (multiplier == 1m && text.EndsWith('m')) (number, multiplier) = (text[..^1], 0.001m);
        return decimal.TryParse(number, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n * multiplier : null;
    }
}
