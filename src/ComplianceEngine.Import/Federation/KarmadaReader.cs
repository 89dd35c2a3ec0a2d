using ComplianceEngine.Import.Kubernetes;
using ComplianceEngine.Import.Mapping;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Federation;

/// <summary>
/// Reads Karmada: <c>Cluster</c> (<c>spec.provider/region/zones</c>, free text normalised), <c>PropagationPolicy</c> and
/// <c>ClusterPropagationPolicy</c> (resource selectors; placement by <c>clusterNames</c>, label and field selectors,
/// <c>exclude</c>, and every <c>clusterAffinities</c> term, since failover may use any of them) and
/// <c>ResourceBinding</c>/<c>ClusterResourceBinding</c> (the scheduler's result, preferred when present). An annotated
/// workload propagated to N clusters rests on each; the copies are replicas, judged as implied transfers. Duplicated
/// and Divided replica scheduling both put the workload's data on every selected cluster.
/// </summary>
internal static partial class KarmadaReader
{
    public const string Name = "karmada";

    internal static bool Accepts(string api, string kind) =>
        (api.StartsWith("cluster.karmada.io/", StringComparison.Ordinal) && kind == "Cluster")
        || (api.StartsWith("policy.karmada.io/", StringComparison.Ordinal) && kind is "PropagationPolicy" or "ClusterPropagationPolicy" or "OverridePolicy" or "ClusterOverridePolicy")
        || (api.StartsWith("work.karmada.io/", StringComparison.Ordinal) && kind is "ResourceBinding" or "ClusterResourceBinding");

    public static bool Recognises(SourceDocument doc) => KubernetesObjects.Holds(doc, Accepts);

    private sealed record MemberCluster(string Name, IReadOnlyDictionary<string, Cursor> Labels, string? Provider, string? Region, IReadOnlyList<string> Zones, Cursor Taints);

    public static void Read(ImportSession session, IReadOnlyList<SourceDocument> documents)
    {
        var objects = documents.SelectMany(KubernetesObjects.Objects).Where(o => Accepts(o.ApiVersion, o.Kind)).ToList();
        foreach (var o in objects.Where(o => o.Name is null))
            session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, $"a Karmada {o.Kind} needs metadata.name", o.Object.Location);
        objects = [.. objects.Where(o => o.Name is not null)];

        var members = new List<MemberCluster>();
        foreach (var c in objects.Where(o => o.Kind == "Cluster"))
        {
            var spec = c.Object["spec"];
            var mapped = session.Mapping.For(new SourceObject(Name, "Cluster", c.Name!, c.Name!));
            Cursor? region = spec["region"].String is not null ? spec["region"] : null;
            var ofZones = region is null ? RegionOfZones(session, c.Name!, FederatedPlacement.Provider(mapped.Provider?.Value ?? spec["provider"].String), spec) : null;
            FederatedPlacement.AddCluster(session, c.Name!, spec["provider"].String, region, c.Object.Location, Name, mapped, ofZones);
            members.Add(new MemberCluster(c.Name!, c.Labels, spec["provider"].String, spec["region"].String, spec["zones"].Strings, spec["taints"]));
        }

        var bound = new HashSet<(string, string, string)>();
        foreach (var b in objects.Where(o => o.Kind is "ResourceBinding" or "ClusterResourceBinding"))
        {
            var resource = b.Object["spec"]["resource"];
            var clusters = OcmReader.Named(session, $"{b.Kind} '{b.Name}'", b.Object["spec"]["clusters"], "name");
            var kind = resource["kind"].String;
            var name = resource["name"].String;
            if (kind is null || name is null)
            {
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, $"{b.Kind} '{b.Name}': spec.resource needs kind and name", resource.Location);
                continue;
            }
            var ns = resource["namespace"].String ?? (b.Kind == "ResourceBinding" ? b.Namespace : null);
            var boundStores = FederatedPlacement.Stores(session, ns, kind, name).ToList();
            if (boundStores.Count == 0)
                session.Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                    $"{b.Kind} '{b.Name}' places {kind} '{(ns is null ? "" : ns + "/")}{name}', which is not an imported DataStore (not among the inputs, or without {AnnotationKeys.Categories}); where its data rests is not read",
                    resource.Location);
            foreach (var store in boundStores)
            {
                FederatedPlacement.Place(store, clusters, b.Object["spec"]["clusters"].Location);
                bound.Add(store.SourceKey!.Value);
            }
        }

        var policies = new List<Policy>();
        foreach (var p in objects.Where(o => o.Kind is "PropagationPolicy" or "ClusterPropagationPolicy"))
        {
            var spec = p.Object["spec"];
            var placement = spec["placement"];
            var terms = placement["clusterAffinities"].Items.Select(t => t).ToList();
            var owner = $"{p.Kind} '{p.Name}'";
            foreach (var term in terms.Append(placement["clusterAffinity"]))
            {
                CheckFieldSelector(session, owner, term["fieldSelector"]);
                Selector.Check(session, owner, term["labelSelector"]);
            }
            foreach (var selector in spec["resourceSelectors"].Items)
            {
                Selector.Check(session, owner, selector["labelSelector"]);
                // Karmada requires both: a selector without them matches nothing, and read so its workloads would stay home silently.
                if (selector["apiVersion"].String is null || selector["kind"].String is null)
                    session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                        $"{owner}: a resourceSelector needs apiVersion and kind (Karmada matches both); the workloads it means cannot be worked out", selector.Location);
            }
            var tolerations = Tolerations(session, owner, placement["clusterTolerations"]);
            var selected = terms.Count > 0
                ? terms.SelectMany(t => Select(session, owner, members, t)).Distinct(StringComparer.Ordinal).ToList()
                : placement["clusterAffinity"].Exists ? Select(session, owner, members, placement["clusterAffinity"]).ToList() : [.. members.Select(m => m.Name)];
            WarnOfUntoleratedTaints(session, owner, members, selected, tolerations, placement);
            var priority = 0;
            if (spec["priority"].Exists && !int.TryParse(spec["priority"].String, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out priority))
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, $"{owner}: spec.priority '{spec["priority"].String}' is not a whole number; which policy wins cannot be worked out", spec["priority"].Location);
            if (selected.Count == 0)
                session.Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                    $"{p.Kind} '{p.Name}': its placement selects none of the Karmada Clusters among the inputs ({string.Join(", ", members.Select(m => m.Name))})", placement.Location);
            policies.Add(new Policy(p, owner, priority, selected, placement.Location));
        }

        foreach (var store in session.Drafts.Where(d => d.Kind == DocumentKind.DataStore && d.SourceKey is { } k && !bound.Contains(k)).ToList())
        {
            var key = store.SourceKey!.Value;
            var matching = policies.Select(p => (Policy: p, Implicit: Implicit(p, store))).Where(m => m.Implicit > Specificity.None).ToList();
            if (matching.Count == 0) continue;
            // A PropagationPolicy (of the workload's namespace) wins over any ClusterPropagationPolicy; among each kind,
            // the higher spec.priority, then the more specific selector, then the name first in order.
            var namespaced = matching.Where(m => m.Policy.Object.Kind == "PropagationPolicy").ToList();
            var pool = namespaced.Count > 0 ? namespaced : matching;
            var winner = pool.OrderByDescending(m => m.Policy.Priority).ThenByDescending(m => m.Implicit).ThenBy(m => m.Policy.Object.Name, StringComparer.Ordinal).First();
            var workload = $"{key.Kind} '{key.Namespace}/{key.Name}'";
            foreach (var loser in matching.Where(m => m.Policy != winner.Policy))
                session.Diagnostics.Note(DiagnosticCodes.SourcePlacementNotApplied,
                    $"{loser.Policy.Owner} matches {workload}, but {winner.Policy.Owner} takes precedence ({Why(winner, loser)}); its placement is not read for it",
                    loser.Policy.Object.Object["metadata"]["name"].Location);
            var applied = new List<Policy> { winner.Policy };
            if (Claimed(store, policies) is { } claim && claim != winner.Policy)
            {
                // Karmada keeps a workload with the policy that claimed it unless a higher-priority one preempts it
                // (spec.preemption: Always): which holds now is not in the inputs, so both placements are read.
                session.Diagnostics.Warning(DiagnosticCodes.SourceSelectorUndecided,
                    $"{workload} is claimed by {claim.Owner} (its propagationpolicy.karmada.io annotations), while {winner.Policy.Owner} takes precedence among the policies; Karmada keeps the claim unless the other preempts it, so both placements are read (a ResourceBinding among the inputs would say)",
                    store.At);
                applied.Add(claim);
            }
            foreach (var policy in applied)
            {
                FederatedPlacement.Place(store, policy.Selected, policy.PlacementAt);
                NoteSpread(session, policy, workload);
            }
        }
        Overrides(session, objects);
    }

    /// <summary>A (Cluster)PropagationPolicy as read: its explicit priority and the member clusters its placement selects (after taints).</summary>
    private sealed record Policy(KubeObject Object, string Owner, int Priority, List<string> Selected, SourceLocation PlacementAt);

    /// <summary>How specifically a policy's resource selectors match a workload (Karmada's implicit priority, pkg/util/selector.go).</summary>
    private enum Specificity { None, All, LabelSelector, Name }

    private static string Why((Policy Policy, Specificity Implicit) winner, (Policy Policy, Specificity Implicit) loser) =>
        winner.Policy.Object.Kind != loser.Policy.Object.Kind ? "a PropagationPolicy wins over a ClusterPropagationPolicy"
        : winner.Policy.Priority != loser.Policy.Priority ? $"priority {winner.Policy.Priority} over {loser.Policy.Priority}"
        : winner.Implicit != loser.Implicit ? $"a resource selector by {Describe(winner.Implicit)} over one by {Describe(loser.Implicit)}"
        : "the same priority and selector: the name first in alphabetical order";

    private static string Describe(Specificity s) => s switch { Specificity.Name => "name", Specificity.LabelSelector => "labelSelector", _ => "kind only" };

    /// <summary>
    /// The best match of a policy's resource selectors for a workload, as Karmada's <c>ResourceSelectorPriority</c>: the
    /// apiVersion and kind must be the workload's, a namespace (if given) its namespace; a name matches by name only; a
    /// label selector by the workload's labels; neither matches every object of the kind. A PropagationPolicy applies
    /// only to workloads of its own namespace.
    /// </summary>
    private static Specificity Implicit(Policy policy, NativeDraft store)
    {
        var key = store.SourceKey!.Value;
        if (policy.Object.Kind is "PropagationPolicy" or "OverridePolicy" && policy.Object.Namespace != key.Namespace) return Specificity.None;
        var api = store.SourceObject?["apiVersion"].String ?? (key.Kind == "PersistentVolumeClaim" ? "v1" : "apps/v1");
        var best = Specificity.None;
        foreach (var rs in policy.Object.Object["spec"]["resourceSelectors"].Items)
        {
            if (rs["apiVersion"].String != api || rs["kind"].String != key.Kind) continue;
            if (rs["namespace"].String is { Length: > 0 } ns && ns != key.Namespace) continue;
            Specificity s;
            if (rs["name"].String is { Length: > 0 } name) s = name == key.Name ? Specificity.Name : Specificity.None;
            else if (!rs["labelSelector"].Exists) s = Specificity.All;
            else s = Selector.Evaluate(rs["labelSelector"], store.SourceLabels ?? new Dictionary<string, Cursor>()) != false ? Specificity.LabelSelector : Specificity.None;
            if (s > best) best = s;
        }
        return best;
    }

    /// <summary>The policy a workload's claim annotations name (Karmada marks a claimed resource template), when it is among the inputs.</summary>
    private static Policy? Claimed(NativeDraft store, List<Policy> policies)
    {
        var annotations = store.SourceObject?["metadata"]["annotations"].ScalarMap;
        if (annotations is null) return null;
        if (annotations.Text("propagationpolicy.karmada.io/name") is { } pp)
        {
            var ns = annotations.Text("propagationpolicy.karmada.io/namespace") ?? store.SourceKey!.Value.Namespace;
            return policies.FirstOrDefault(p => p.Object.Kind == "PropagationPolicy" && p.Object.Name == pp && p.Object.Namespace == ns);
        }
        return annotations.Text("clusterpropagationpolicy.karmada.io/name") is { } cpp
            ? policies.FirstOrDefault(p => p.Object.Kind == "ClusterPropagationPolicy" && p.Object.Name == cpp)
            : null;
    }

    /// <summary>The toleration operators Karmada evaluates (<c>Lt</c>/<c>Gt</c> are accepted by Kubernetes 1.35 but Karmada 1.18 does not compare with them: they tolerate nothing).</summary>
    private static readonly string[] TolerationOperators = ["Equal", "Exists", "Lt", "Gt"];

    private static List<Cursor> Tolerations(ImportSession session, string owner, Cursor list)
    {
        foreach (var t in list.Items)
        {
            var op = t["operator"].String;
            if (op is not null && !TolerationOperators.Contains(op))
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                    $"{owner}: clusterTolerations operator '{op}' is not a Kubernetes toleration operator (Equal, Exists){Suggestions.DidYouMean(op, TolerationOperators)}; which tainted clusters it may use cannot be worked out",
                    t["operator"].Location);
        }
        return [.. list.Items];
    }

    /// <summary>
    /// Warns of each selected cluster where a <c>NoSchedule</c> or <c>NoExecute</c> taint is not tolerated by the
    /// policy (Karmada's TaintToleration filter, with Kubernetes' ToleratesTaint: effect and key match when given; <c>Equal</c>
    /// or no operator compares the value, <c>Exists</c> any value). Such a cluster is kept, not dropped: the scheduler places
    /// no new workload on it, but one placed before the taint stays (NoSchedule evicts nothing; NoExecute evicts only with
    /// <c>--enable-no-execute-taint-eviction</c>, off by default), and whether that happened is only in a ResourceBinding.
    /// A reader that cannot decide over-includes and says so (fail closed).
    /// </summary>
    private static void WarnOfUntoleratedTaints(ImportSession session, string owner, IReadOnlyList<MemberCluster> members, List<string> selected, List<Cursor> tolerations, Cursor placement)
    {
        foreach (var name in selected)
        {
            var member = members.FirstOrDefault(m => m.Name == name);
            var blocking = member?.Taints.Items.Where(taint => taint["effect"].String is "NoSchedule" or "NoExecute" && !tolerations.Any(t => Tolerates(t, taint)))
                .Select(taint => (Cursor?)taint).FirstOrDefault();
            if (blocking is not { } taint)
                continue;
            session.Diagnostics.Warning(DiagnosticCodes.SourceSelectorUndecided,
                $"{owner}: Karmada Cluster '{name}' has the taint {taint["key"].String}{(taint["value"].String is { } v ? "=" + v : "")}:{taint["effect"].String}, which the policy's clusterTolerations do not tolerate; the scheduler places no new workload there, but one placed before the taint stays, so it is read as placed there. Give its ResourceBinding (kubectl get resourcebindings -o yaml) to read where it is",
                placement.Location);
        }
    }

    private static bool Tolerates(Cursor toleration, Cursor taint)
    {
        if (toleration["effect"].String is { Length: > 0 } effect && effect != taint["effect"].String) return false;
        if (toleration["key"].String is { Length: > 0 } key && key != taint["key"].String) return false;
        return toleration["operator"].String switch
        {
            null or "" or "Equal" => (toleration["value"].String ?? "") == (taint["value"].String ?? ""),
            "Exists" => true,
            _ => false,
        };
    }

    /// <summary>
    /// For a Cluster with no <c>spec.region</c>: the region its <c>spec.zones</c> (or the deprecated <c>spec.zone</c>) lie
    /// in, at the first zone. Zones of more than one region are a warning and give <c>unknown</c>: which one holds the data is not guessed.
    /// </summary>
    private static (string Text, SourceLocation At)? RegionOfZones(ImportSession session, string name, string? provider, Cursor spec)
    {
        if (!FederatedPlacement.IsCloud(provider)) return null;
        var zones = spec["zones"].Items.Append(spec["zone"]).Where(z => z.String is { Length: > 0 }).ToList();
        if (zones.Count == 0) return null;
        var regions = zones.Select(z => Regions.RegionOfZone(provider!, provider == "azure" ? Regions.Azure(z.String!) : z.String!.ToLowerInvariant()))
            .Distinct(StringComparer.Ordinal).ToList();
        if (regions.Count == 1) return (regions[0], zones[0].Location);
        session.Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown,
            $"Karmada Cluster '{name}' has no spec.region and zones of more than one region ({string.Join(", ", regions)}); give its region (spec.region, or an ImportMapping rule); until then its facts are indeterminate",
            zones[0].Location);
        return ("unknown", zones[0].Location);
    }

    /// <summary>The member clusters one affinity term selects.</summary>
    private static IEnumerable<string> Select(ImportSession session, string owner, IReadOnlyList<MemberCluster> members, Cursor affinity)
    {
        var names = affinity["clusterNames"].Strings;
        var exclude = affinity["exclude"].Strings.ToHashSet(StringComparer.Ordinal);
        IEnumerable<string> candidates = names.Count > 0 ? names : members.Select(m => m.Name);
        foreach (var name in candidates)
        {
            if (exclude.Contains(name)) continue;
            var member = members.FirstOrDefault(m => m.Name == name);
            if (member is null)
            {
                // Named, but not among the Karmada Clusters: its labels and fields are unknown, so whether the term's selectors
                // take it cannot be decided; it is kept (imported elsewhere, or a reference error naming it).
                if (affinity["labelSelector"].Exists || affinity["fieldSelector"].Exists)
                    session.Diagnostics.Warning(DiagnosticCodes.SourceSelectorUndecided,
                        $"{owner}: cluster '{name}' is named in clusterNames but is not among the Karmada Clusters of the inputs, so whether its labelSelector/fieldSelector take it cannot be decided; it is read as selected (add its Cluster object)",
                        affinity["clusterNames"].Location);
                yield return name;
                continue;
            }
            if (!Selector.Matches(affinity["labelSelector"], member.Labels)) continue;
            if (!FieldsMatch(affinity["fieldSelector"], member)) continue;
            yield return name;
        }
    }

    /// <summary>The keys a Karmada field selector may test (<c>provider</c>, <c>region</c>, <c>zone</c>) and its operators.</summary>
    private static readonly string[] FieldKeys = ["provider", "region", "zone"];
    private static readonly string[] FieldOperators = ["In", "NotIn"];

    /// <summary>
    /// A field selector term this reader cannot evaluate (a key or operator Karmada does not accept) is an error: read
    /// as "no match" it would drop clusters the workload may be placed on, and with them the transfers to them.
    /// </summary>
    private static void CheckFieldSelector(ImportSession session, string owner, Cursor fieldSelector)
    {
        foreach (var e in fieldSelector["matchExpressions"].Items)
        {
            var key = e["key"].String;
            if (key is null || !FieldKeys.Contains(key))
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                    $"{owner}: fieldSelector key '{key ?? "(none)"}' is not one Karmada accepts ({string.Join(", ", FieldKeys)}){Suggestions.DidYouMean(key ?? "", FieldKeys)}; the placement cannot be worked out",
                    e["key"].Exists ? e["key"].Location : e.Location);
            var op = e["operator"].String;
            if (op is null || !FieldOperators.Contains(op))
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                    $"{owner}: fieldSelector operator '{op ?? "(none)"}' is not one Karmada accepts ({string.Join(", ", FieldOperators)}){Suggestions.DidYouMean(op ?? "", FieldOperators)}; the placement cannot be worked out",
                    e["operator"].Exists ? e["operator"].Location : e.Location);
        }
    }

    private static bool FieldsMatch(Cursor fieldSelector, MemberCluster member)
    {
        foreach (var e in fieldSelector["matchExpressions"].Items)
        {
            IReadOnlyList<string> actual = e["key"].String switch
            {
                "provider" => member.Provider is null ? [] : [member.Provider],
                "region" => member.Region is null ? [] : [member.Region],
                "zone" => member.Zones,
                _ => [],
            };
            var values = e["values"].Strings;
            var hit = actual.Any(values.Contains);
            if (e["operator"].String == "In" && !hit) return false;
            if (e["operator"].String == "NotIn" && hit) return false;
        }
        return true;
    }

}

/// <summary>Kubernetes label selectors: <c>matchLabels</c> and <c>matchExpressions</c> (In, NotIn, Exists, DoesNotExist).</summary>
internal static class Selector
{
    private static readonly string[] Operators = ["In", "NotIn", "Exists", "DoesNotExist"];

    /// <summary>An operator <see cref="Matches"/> does not know is an error: read as "no match" it would drop what the selector selects.</summary>
    public static void Check(ImportSession session, string owner, Cursor selector)
    {
        foreach (var e in selector["matchExpressions"].Items)
        {
            var op = e["operator"].String;
            if (op is not null && Operators.Contains(op)) continue;
            session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                $"{owner}: labelSelector operator '{op ?? "(none)"}' is not a Kubernetes selector operator ({string.Join(", ", Operators)}){Suggestions.DidYouMean(op ?? "", Operators)}; what it selects cannot be worked out",
                e["operator"].Exists ? e["operator"].Location : e.Location);
        }
    }

    /// <summary>
    /// Whether <paramref name="selector"/> selects an object with <paramref name="labels"/>, as Kubernetes'
    /// <c>LabelSelectorAsSelector</c> reads it: absent or empty selects everything; null when it cannot be evaluated (an
    /// operator Kubernetes does not have, <c>In</c>/<c>NotIn</c> without values, <c>Exists</c> with values, a key or
    /// value that is not text), so the caller over-includes and says so instead of guessing "no match".
    /// </summary>
    public static bool? Evaluate(Cursor selector, IReadOnlyDictionary<string, Cursor> labels)
    {
        if (!selector.Exists) return true;
        if (selector.Node is not YamlMapping) return null;
        var result = true;
        foreach (var (key, value) in selector["matchLabels"].Entries)
        {
            if (value.String is null) return null;
            if (labels.Text(key) != value.String) result = false;
        }
        foreach (var e in selector["matchExpressions"].Items)
        {
            if (e["key"].String is not { Length: > 0 } key) return null;
            var present = labels.Text(key);
            var values = e["values"].Strings;
            bool? ok = e["operator"].String switch
            {
                "In" when values.Count > 0 => present is not null && values.Contains(present),
                "NotIn" when values.Count > 0 => present is null || !values.Contains(present),
                "Exists" when values.Count == 0 => present is not null,
                "DoesNotExist" when values.Count == 0 => present is null,
                _ => null,
            };
            if (ok is null) return null;
            if (ok == false) result = false;
        }
        return result;
    }

    public static bool Matches(Cursor selector, IReadOnlyDictionary<string, Cursor> labels)
    {
        if (!selector.Exists) return true;
        foreach (var (key, value) in selector["matchLabels"].Entries)
        {
            if (labels.Text(key) != value.String) return false;
        }
        foreach (var e in selector["matchExpressions"].Items)
        {
            var key = e["key"].String ?? "";
            var present = labels.Text(key);
            var values = e["values"].Strings;
            var ok = e["operator"].String switch
            {
                "In" => present is not null && values.Contains(present),
                "NotIn" => present is null || !values.Contains(present),
                "Exists" => present is not null,
                "DoesNotExist" => present is null,
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }
}
