using ComplianceEngine.Import.Kubernetes;
using ComplianceEngine.Import.Mapping;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Federation;

/// <summary>
/// Karmada settings that do not narrow where a workload's data is read to rest (karmada-io/karmada@f8fdd02d
/// <c>pkg/apis/policy/v1alpha1/propagation_types.go</c> <c>SpreadConstraint</c>, <c>override_types.go</c>):
/// <c>spreadConstraints</c> make the scheduler choose some of the selected clusters by count (<c>maxGroups</c>) of
/// clusters, regions, zones or providers, and which it chooses is not among the inputs, so every selected cluster is
/// read as holding the workload (over-reported on purpose, with a note). An <c>OverridePolicy</c> or
/// <c>ClusterOverridePolicy</c> changes the copy Karmada applies on the clusters its rules target (image, command, args,
/// labels, annotations, any field), never the placement: a note; and when it changes the
/// <c>compliance-engine.io/</c> labels or annotations the data facts are read from, a warning, since the overridden
/// facts are not applied.
/// </summary>
internal static partial class KarmadaReader
{
    private static void NoteSpread(ImportSession session, Policy policy, string workload)
    {
        var spread = policy.Object.Object["spec"]["placement"]["spreadConstraints"];
        if (!spread.Items.Any() || policy.Selected.Count < 2) return;
        var constraints = string.Join("; ", spread.Items.Select(c =>
            $"by {c["spreadByField"].String ?? (c["spreadByLabel"].String is { } l ? $"label {l}" : "?")}"
            + (c["maxGroups"].String is { } max ? $", maxGroups {max}" : "") + (c["minGroups"].String is { } min ? $", minGroups {min}" : "")));
        session.Diagnostics.Note(DiagnosticCodes.SourceSettingNotApplied,
            $"{policy.Owner}: its spreadConstraints ({constraints}) make the scheduler place {workload} on some of the {policy.Selected.Count} clusters its placement selects ({string.Join(", ", policy.Selected)}), and which ones is not among the inputs; it is read as on all of them (give its ResourceBinding to read where it is)",
            spread.Location);
    }

    /// <summary>The label and annotation keys an override touches that the data facts are read from, or a description of the other changes.</summary>
    private static void Overrides(ImportSession session, List<KubeObject> objects)
    {
        foreach (var o in objects.Where(o => o.Kind is "OverridePolicy" or "ClusterOverridePolicy"))
        {
            var owner = $"{o.Kind} '{(o.Kind == "OverridePolicy" ? o.Namespace + "/" : "")}{o.Name}'";
            var spec = o.Object["spec"];
            var overriders = spec["overrideRules"].Items.Select(r => r["overriders"]).Append(spec["overriders"]).Where(x => x.Exists).ToList();
            var facts = new SortedSet<string>(StringComparer.Ordinal);
            var other = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var ov in overriders)
            {
                foreach (var (kind, list) in ov.Entries)
                {
                    if (!list.Items.Any()) continue;
                    var touched = kind switch
                    {
                        "labelsOverrider" or "annotationsOverrider" => list.Items.SelectMany(i => i["value"].Entries.Select(e => e.Key)).Where(IsFactKey).ToList(),
                        "plaintext" => list.Items.Select(i => i["path"].String ?? "").Where(IsFactPath).ToList(),
                        "fieldOverrider" => list.Items.Select(i => i["fieldPath"].String ?? "").Where(IsFactPath).ToList(),
                        _ => [],
                    };
                    if (touched.Count > 0) facts.UnionWith(touched);
                    else other.Add(kind);
                }
            }
            var policy = new Policy(o, owner, 0, [], spec.Location);
            var everything = !spec["resourceSelectors"].Items.Any();
            var workloads = session.Drafts.Where(d => d.Kind == DocumentKind.DataStore && d.SourceKey is { } k
                    && (everything ? o.Kind == "ClusterOverridePolicy" || o.Namespace == k.Namespace : Implicit(policy, d) > Specificity.None))
                .Select(d => $"{d.SourceKey!.Value.Kind} '{d.SourceKey.Value.Namespace}/{d.SourceKey.Value.Name}'").Distinct(StringComparer.Ordinal).ToList();
            if (workloads.Count == 0) continue; // it overrides nothing this import reads
            if (facts.Count > 0)
                session.Diagnostics.Warning(DiagnosticCodes.SourceSettingNotApplied,
                    $"{owner} overrides {string.Join(", ", facts)} of {string.Join(", ", workloads)} on the clusters its rules target; the data facts are read from those labels and annotations, and overrides are not applied, so the workload's own are read for every cluster. Describe the overridden copies with native DataStore documents",
                    o.Object.Location);
            else
                session.Diagnostics.Note(DiagnosticCodes.SourceSettingNotApplied,
                    $"{owner} changes {(other.Count > 0 ? string.Join(", ", other) : "nothing")} of {string.Join(", ", workloads)} on member clusters; an override does not change where Karmada places a workload (that is the propagation policy's), so it is read as written",
                    o.Object.Location);
        }
    }

    private static bool IsFactKey(string key) => key.StartsWith(AnnotationKeys.Prefix, StringComparison.Ordinal);

    /// <summary>A JSON pointer that replaces the labels or annotations as a whole, or one of ours (<c>/metadata/annotations/compliance-engine.io~1categories</c>).</summary>
    private static bool IsFactPath(string path) =>
        path.TrimEnd('/') is "/metadata/labels" or "/metadata/annotations" or "/metadata"
        || ((path.StartsWith("/metadata/labels/", StringComparison.Ordinal) || path.StartsWith("/metadata/annotations/", StringComparison.Ordinal))
            && path.Replace("~1", "/", StringComparison.Ordinal).Split('/', 4)[^1].StartsWith(AnnotationKeys.Prefix, StringComparison.Ordinal));
}
