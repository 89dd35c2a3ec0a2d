using ComplianceEngine.Import.Kubernetes;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Velero;

/// <summary>
/// The <c>includeExcludePolicy</c> of a backup's resource policies, as Velero 1.17+ applies it
/// (vmware-tanzu/velero@d30d389b <c>site/content/docs/main/resource-filtering.md</c> "IncludeExcludePolicy";
/// <c>internal/resourcepolicies/resource_policies.go</c> <c>IncludeExcludePolicy.Validate</c>;
/// <c>pkg/util/collections/includes_excludes.go</c> <c>ScopeIncludesExcludes.CombineWithPolicy</c>, <c>ShouldInclude</c>;
/// <c>pkg/controller/backup_controller.go</c>): its four lists are the backup's scoped filters, merged into the backup's
/// own, which win: an item is added only when the backup's includes and excludes of its scope both do not match it. An
/// item of the other scope is dropped. A backup using the old filters (<c>includedResources</c>, <c>excludedResources</c>,
/// <c>includeClusterResources</c>), a policy with <c>*</c>, an item both included and excluded, or a key Velero does not
/// know fails the backup's validation. Whether the merged filters take pods, claims or volumes is decided where every
/// item that matters resolves to a resource of known scope; otherwise the backup is read as taking them (over-reported),
/// with a warning.
/// </summary>
internal static partial class VeleroReader
{
    /// <summary>
    /// Kubernetes built-in resources by scope (plural, singular, short names and <c>plural.group</c>, as discovery resolves
    /// them; <c>kubectl api-resources</c>), besides pods, claims and volumes (<see cref="Resolve"/>).
    /// </summary>
    private static readonly (string[] Names, bool Namespaced)[] BuiltIns =
    [
        (["services", "service", "svc"], true), (["endpoints", "ep"], true), (["configmaps", "configmap", "cm"], true),
        (["secrets", "secret"], true), (["serviceaccounts", "serviceaccount", "sa"], true), (["events", "event", "ev", "events.events.k8s.io"], true),
        (["limitranges", "limitrange", "limits"], true), (["resourcequotas", "resourcequota", "quota"], true),
        (["podtemplates", "podtemplate"], true), (["replicationcontrollers", "replicationcontroller", "rc"], true),
        (["deployments", "deployment", "deploy", "deployments.apps"], true), (["statefulsets", "statefulset", "sts", "statefulsets.apps"], true),
        (["daemonsets", "daemonset", "ds", "daemonsets.apps"], true), (["replicasets", "replicaset", "rs", "replicasets.apps"], true),
        (["controllerrevisions", "controllerrevision", "controllerrevisions.apps"], true),
        (["jobs", "job", "jobs.batch"], true), (["cronjobs", "cronjob", "cj", "cronjobs.batch"], true),
        (["ingresses", "ingress", "ing", "ingresses.networking.k8s.io"], true), (["networkpolicies", "networkpolicy", "netpol", "networkpolicies.networking.k8s.io"], true),
        (["roles", "role", "roles.rbac.authorization.k8s.io"], true), (["rolebindings", "rolebinding", "rolebindings.rbac.authorization.k8s.io"], true),
        (["poddisruptionbudgets", "poddisruptionbudget", "pdb", "poddisruptionbudgets.policy"], true),
        (["horizontalpodautoscalers", "horizontalpodautoscaler", "hpa", "horizontalpodautoscalers.autoscaling"], true),
        (["leases", "lease", "leases.coordination.k8s.io"], true), (["endpointslices", "endpointslice", "endpointslices.discovery.k8s.io"], true),
        (["namespaces", "namespace", "ns"], false), (["nodes", "node", "no"], false),
        (["storageclasses", "storageclass", "sc", "storageclasses.storage.k8s.io"], false),
        (["customresourcedefinitions", "customresourcedefinition", "crd", "crds", "customresourcedefinitions.apiextensions.k8s.io"], false),
        (["clusterroles", "clusterrole", "clusterroles.rbac.authorization.k8s.io"], false),
        (["clusterrolebindings", "clusterrolebinding", "clusterrolebindings.rbac.authorization.k8s.io"], false),
        (["priorityclasses", "priorityclass", "pc", "priorityclasses.scheduling.k8s.io"], false),
        (["volumeattachments", "volumeattachment", "volumeattachments.storage.k8s.io"], false),
        (["csidrivers", "csidriver", "csidrivers.storage.k8s.io"], false), (["csinodes", "csinode", "csinodes.storage.k8s.io"], false),
        (["mutatingwebhookconfigurations", "mutatingwebhookconfiguration", "mutatingwebhookconfigurations.admissionregistration.k8s.io"], false),
        (["validatingwebhookconfigurations", "validatingwebhookconfiguration", "validatingwebhookconfigurations.admissionregistration.k8s.io"], false),
        (["apiservices", "apiservice", "apiservices.apiregistration.k8s.io"], false),
        (["ingressclasses", "ingressclass", "ingressclasses.networking.k8s.io"], false), (["runtimeclasses", "runtimeclass", "runtimeclasses.node.k8s.io"], false),
    ];

    /// <summary>The scope of an item: true namespaced, false cluster-scoped, null when the inputs do not say (a custom resource, a pattern).</summary>
    private static bool? ScopeOf(string item)
    {
        if (Resolve(item) is { } r) return r != Volumes;
        var lower = item.ToLowerInvariant();
        foreach (var (names, namespaced) in BuiltIns)
            if (names.Contains(lower, StringComparer.Ordinal)) return namespaced;
        return null;
    }

    /// <summary>True for an item Velero keeps as a glob pattern (discovery resolves no resource from it).</summary>
    private static bool IsPattern(string item) => item.IndexOfAny(['*', '?', '[', '{']) >= 0;

    /// <summary>Velero's UseOldResourceFilters: includeClusterResources set, or includedResources/excludedResources not empty.</summary>
    private static bool UsesOldFilters(Cursor spec) =>
        spec["includeClusterResources"].Exists || spec["includedResources"].Items.Any() || spec["excludedResources"].Items.Any();

    /// <summary>
    /// The includeExcludePolicy of the resource policies a backup names (null when it names none, or they hold none), and
    /// whether it names resource policies the inputs do not let us read (<see cref="LoadPolicies"/>).
    /// </summary>
    private static (Cursor? IncludeExclude, bool Unread) IncludeExcludeOf(List<KubeObject> configMaps, KubeObject o, Cursor spec)
    {
        var policy = spec["resourcePolicy"];
        if (!policy.Exists) return (null, false);
        var (policies, whyNot) = LoadPolicies(configMaps, o, policy);
        if (whyNot is not null) return (null, true);
        return policies["includeExcludePolicy"].Exists ? (policies["includeExcludePolicy"], false) : (null, false);
    }

    /// <summary>
    /// A merged filter list: items present for certain, and items present or not depending on what the inputs do not say
    /// (their scope, or whether the backup's own patterns match the resource they resolve to).
    /// </summary>
    private sealed record Merged(List<string> Certain, List<string> Maybe)
    {
        /// <summary>Whether the list names <paramref name="resource"/>: true, false, or null when only an uncertain item does.</summary>
        public bool? Names(string resource) => Matches(Certain, resource) ? true : Matches(Maybe, resource) ? null : false;

        /// <summary>Whether the list is empty: true, false, or null when only uncertain items are in it.</summary>
        public bool? Empty => Certain.Count > 0 ? false : Maybe.Count > 0 ? null : true;

        /// <summary>Whether the list is exactly <c>*</c> (Velero's IncludeEverything).</summary>
        public bool? OnlyAll => Certain is ["*"] ? (Maybe.Count == 0 ? true : null) : false;
    }

    private static bool? Not(bool? a) => a is null ? null : !a;
    private static bool? And(bool? a, bool? b) => a == false || b == false ? false : a == true && b == true ? true : null;
    private static bool? Or(bool? a, bool? b) => a == true || b == true ? true : a == false && b == false ? false : null;

    /// <summary>
    /// The backup's scoped lists of one scope merged with the policy's (CombineWithPolicy: the policy's excludes first, then
    /// its includes; an item is added when the backup's lists do not match it), and the items whose presence is not decided.
    /// </summary>
    private static (Merged Includes, Merged Excludes) Merge(List<string> inc, List<string> exc, List<string> policyInc, List<string> policyExc, bool namespaced, List<string> undecided)
    {
        // The backup's own items of the other scope are dropped as Velero's discovery does; an item of unknown scope stays
        // as the backup-only reading keeps it, and is uncertain.
        (Merged, Merged) result = (Own(inc), Own(exc));
        Merged Own(List<string> items)
        {
            var m = new Merged([], []);
            foreach (var item in items)
            {
                if (IsPattern(item) || ScopeOf(item) == namespaced) m.Certain.Add(item); // a pattern stays as written
                else if (ScopeOf(item) is null) { m.Maybe.Add(item); undecided.Add(item); }
            }
            return m;
        }
        void Add(List<string> items, Merged into)
        {
            foreach (var item in items)
            {
                var scope = ScopeOf(item);
                if (scope is { } s && s != namespaced) continue; // another scope: dropped
                if (Resolve(item) is { } r)
                {
                    // One of the resources that hold a store's data: the backup's patterns are matched against it exactly.
                    if (!Matches(inc, r) && !Matches(exc, r)) into.Certain.Add(r);
                    continue;
                }
                if (inc.Contains("*")) continue; // the backup's "*" matches every resource: not added
                if (scope is not null && inc.Count == 0 && exc.Count == 0) into.Certain.Add(item);
                else
                {
                    into.Maybe.Add(item);
                    undecided.Add(item);
                }
            }
        }
        Add(policyExc, result.Item2);
        Add(policyInc, result.Item1);
        return result;
    }

    /// <summary>The filters of a backup whose resource policies hold an includeExcludePolicy; null when Velero rejects them (an error says so).</summary>
    private static VolumePaths? WithIncludeExcludePolicy(ImportSession session, string owner, Cursor spec, List<string> old, Dictionary<string, List<string>> lists, bool allNamespaces, Cursor policy)
    {
        var at = spec["resourcePolicy"].Location;
        var what = $"{owner}: the includeExcludePolicy of its resourcePolicy (ConfigMap '{spec["resourcePolicy"]["name"].String}')";
        VolumePaths? Rejected(string why)
        {
            session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, $"{what} {why}; Velero fails the backup's validation (FailedValidation), so what it backs up cannot be read", at);
            return null;
        }
        var oldUsed = old.Where(k => k == "includeClusterResources" ? spec[k].Exists : spec[k].Items.Any()).ToList();
        if (UsesOldFilters(spec))
            return Rejected($"cannot be used with {string.Join(", ", oldUsed)} (\"include-resources, exclude-resources and include-cluster-resources are old filter parameters. They cannot be used with include-exclude policies\"): use the scoped filters");
        if (policy.Node is not YamlMapping)
            return Rejected("is not a mapping of includedNamespaceScopedResources, excludedNamespaceScopedResources, includedClusterScopedResources and excludedClusterScopedResources");
        var policyLists = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (key, value) in policy.Entries)
        {
            if (!ScopedFilters.Contains(key, StringComparer.Ordinal))
                return Rejected($"has key '{key}', which Velero does not know (it reads resource policies strictly){Suggestions.DidYouMean(key, ScopedFilters)}");
            if (value.Exists && (value.Node is not YamlSequence || value.Items.Any(i => i.String is null)))
                return Rejected($"has {key} that is not a list of resource names");
            policyLists[key] = [.. value.Strings];
        }
        List<string> P(string key) => policyLists.GetValueOrDefault(key) ?? [];
        foreach (var key in ScopedFilters.Where(k => P(k).Contains("*")))
            return Rejected($"has '*' in {key} (\"cannot use '*' in includes or excludes filters in the policy\")");
        foreach (var (inc, exc) in new[] { ("includedNamespaceScopedResources", "excludedNamespaceScopedResources"), ("includedClusterScopedResources", "excludedClusterScopedResources") })
            if (P(exc).FirstOrDefault(i => P(inc).Contains(i, StringComparer.Ordinal)) is { } both)
                return Rejected($"has '{both}' in both {inc} and {exc} (\"excludes list cannot contain an item in the includes list\")");

        return ScopedPaths(session, what, lists, P, allNamespaces, at, "resource filters, merged with the includeExcludePolicy of its resourcePolicy,",
            "the merged filters", "whose scope, or whether the backup's own filters match it,");
    }

    /// <summary>
    /// What the scoped filters take (<c>ScopeIncludesExcludes.ShouldInclude</c>), the backup's own lists merged with the
    /// policy's (<paramref name="policy"/>; empty lists without one). An item of the other scope is dropped as Velero's
    /// discovery drops it (so <c>pv</c> alone among the namespaced includes leaves them empty: every namespaced resource);
    /// where what is taken depends on items whose scope the inputs do not show, they are read as taken, with a warning.
    /// </summary>
    private static VolumePaths ScopedPaths(ImportSession session, string what, Dictionary<string, List<string>> lists, Func<string, List<string>> policy,
        bool allNamespaces, SourceLocation at, string filters, string subject, string whyUndecided)
    {
        List<string> L(string key) => lists.GetValueOrDefault(key) ?? [];
        var undecided = new List<string>();
        var (nsInc, nsExc) = Merge(L("includedNamespaceScopedResources"), L("excludedNamespaceScopedResources"), policy("includedNamespaceScopedResources"), policy("excludedNamespaceScopedResources"), true, undecided);
        var (clInc, clExc) = Merge(L("includedClusterScopedResources"), L("excludedClusterScopedResources"), policy("includedClusterScopedResources"), policy("excludedClusterScopedResources"), false, undecided);

        // ScopeIncludesExcludes.ShouldInclude: a namespaced resource is taken unless excluded, when the includes are empty or
        // match it; a cluster-scoped one when its includes match it, or when neither cluster list is set and the backup takes
        // every namespace and every namespaced resource.
        bool? Namespaced(string r) => And(Not(nsExc.Names(r)), Or(nsInc.Empty, nsInc.Names(r)));
        var everything = And(nsExc.Empty, Or(nsInc.Empty, nsInc.OnlyAll));
        var volumesDirect = And(Not(clExc.Names(Volumes)),
            Or(clInc.Names(Volumes), And(And(clInc.Empty, clExc.Empty), And(allNamespaces, everything))));
        var claims = Namespaced(Claims);
        var data = Or(Or(Namespaced(Pods), claims), volumesDirect);
        var snapshots = Or(claims, volumesDirect);
        if (data is null || snapshots is null)
            session.Diagnostics.Warning(DiagnosticCodes.SourceSelectorUndecided,
                $"{what}: whether {subject} take {(data is null ? "pods, persistentvolumeclaims or persistentvolumes" : "persistentvolumeclaims or persistentvolumes")} depends on {string.Join(", ", undecided.Distinct(StringComparer.Ordinal).Select(i => $"'{i}'"))}, {whyUndecided} is not among the inputs (Velero resolves it through the cluster's API discovery); they are read as taken (over-reported at worst)",
                at);
        return new VolumePaths(data != false, snapshots != false, at, filters);
    }
}
