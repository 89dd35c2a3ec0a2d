using ComplianceEngine.Import.Kubernetes;
using ComplianceEngine.Import.Mapping;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Federation;

/// <summary>
/// Reads Karmada: <c>Cluster</c> (<c>spec.provider/region/zones</c>, free text normalised), <c>PropagationPolicy</c> and
/// <c>ClusterPropagationPolicy</c> (resource selectors; placement by <c>clusterNames</c>, label and field selectors,
/// <c>exclude</c>, and every <c>clusterAffinities</c> term, since failover may use any of them) and
/// <c>ResourceBinding</c>/<c>ClusterResourceBinding</c> (the scheduler's result, preferred when present). An annotated
/// workload propagated to N clusters rests on each; the copies are replicas, judged as implied transfers. Duplicated
/// and Divided replica scheduling both put the workload's data on every selected cluster.
/// </summary>
internal static class KarmadaReader
{
    public const string Name = "karmada";

    private static bool Accepts(string api, string kind) =>
        (api.StartsWith("cluster.karmada.io/", StringComparison.Ordinal) && kind == "Cluster")
        || (api.StartsWith("policy.karmada.io/", StringComparison.Ordinal) && kind is "PropagationPolicy" or "ClusterPropagationPolicy")
        || (api.StartsWith("work.karmada.io/", StringComparison.Ordinal) && kind is "ResourceBinding" or "ClusterResourceBinding");

    public static bool Recognises(SourceDocument doc) => KubernetesObjects.Holds(doc, Accepts);

    private sealed record MemberCluster(string Name, IReadOnlyDictionary<string, Cursor> Labels, string? Provider, string? Region, IReadOnlyList<string> Zones);

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
            members.Add(new MemberCluster(c.Name!, c.Labels, spec["provider"].String, spec["region"].String, spec["zones"].Strings));
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
            foreach (var store in FederatedPlacement.Stores(session, ns, kind, name))
            {
                FederatedPlacement.Place(store, clusters, b.Object["spec"]["clusters"].Location);
                bound.Add(store.SourceKey!.Value);
            }
        }

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
            foreach (var selector in spec["resourceSelectors"].Items) Selector.Check(session, owner, selector["labelSelector"]);
            var selected = terms.Count > 0
                ? terms.SelectMany(t => Select(members, t)).Distinct(StringComparer.Ordinal).ToList()
                : placement["clusterAffinity"].Exists ? Select(members, placement["clusterAffinity"]).ToList() : [.. members.Select(m => m.Name)];
            if (selected.Count == 0)
            {
                session.Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                    $"{p.Kind} '{p.Name}': its placement selects none of the Karmada Clusters among the inputs ({string.Join(", ", members.Select(m => m.Name))})", placement.Location);
                continue;
            }
            foreach (var selector in spec["resourceSelectors"].Items)
            {
                var ns = selector["namespace"].String ?? (p.Kind == "PropagationPolicy" ? p.Namespace : null);
                var stores = FederatedPlacement.Stores(session, ns, selector["kind"].String, selector["name"].String)
                    .Where(s => !bound.Contains(s.SourceKey!.Value))
                    .Where(s => LabelsMatch(selector["labelSelector"], s))
                    .ToList();
                foreach (var store in stores) FederatedPlacement.Place(store, selected, placement.Location);
            }
        }
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
    private static IEnumerable<string> Select(IReadOnlyList<MemberCluster> members, Cursor affinity)
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
                if (!affinity["labelSelector"].Exists && !affinity["fieldSelector"].Exists) yield return name; // named, imported elsewhere
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

    private static bool LabelsMatch(Cursor selector, NativeDraft store) => !selector.Exists || store.SourceLabels is { } l && Selector.Matches(selector, l);
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
