using System.Text;
using System.Text.RegularExpressions;
using ComplianceEngine.Import.Mapping;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Velero;

/// <summary>
/// A backup's resource filters and data mover, as Velero 1.18.1 reads them (<c>pkg/util/collections/includes_excludes.go</c>,
/// <c>pkg/backup/item_backupper.go</c>). A store's data is in its volumes, which a backup takes through pods (file-system
/// backup, to the storage location), claims (the CSI claim action's snapshot; the native snapshot of the claim's volume)
/// or volumes listed as cluster-scoped resources (native snapshots). Filters are narrowed only where Velero's rule is
/// read exactly; anything else is read as taking more, never less.
/// </summary>
internal static partial class VeleroReader
{
    private const string Pods = "pods", Claims = "persistentvolumeclaims", Volumes = "persistentvolumes";

    /// <summary>
    /// The ways a backup reaches a store's volumes: any at all (<see cref="Data"/>), and through a claim or volume, which
    /// snapshots take (<see cref="Snapshots"/>); <see cref="Filters"/> names the filters that decide it, for messages.
    /// </summary>
    private sealed record VolumePaths(bool Data, bool Snapshots, SourceLocation At, string Filters = "resource filters");

    private static readonly string[] OldFilters = ["includedResources", "excludedResources", "includeClusterResources"];
    private static readonly string[] ScopedFilters = ["includedNamespaceScopedResources", "excludedNamespaceScopedResources", "includedClusterScopedResources", "excludedClusterScopedResources"];

    /// <summary>
    /// How the backup's resource filters reach the volumes of the stores it backs up; null when they cannot be read (the
    /// old and the scoped filters together, which Velero fails at validation, or an item that is not text): an error.
    /// </summary>
    private static VolumePaths? PathsOf(ImportSession session, string owner, Cursor spec, Cursor? includeExclude = null)
    {
        var old = OldFilters.Where(k => spec[k].Exists).ToList();
        var scoped = ScopedFilters.Where(k => spec[k].Exists).ToList();
        if (old.Count > 0 && scoped.Count > 0)
        {
            session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                $"{owner}: {string.Join(", ", old)} cannot be used with {string.Join(", ", scoped)}; Velero fails the backup's validation, so what it backs up cannot be read: keep one kind of resource filter",
                spec[scoped[0]].Location);
            return null;
        }
        var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var key in old.Concat(scoped).Where(k => k != "includeClusterResources"))
        {
            var items = new List<string>();
            foreach (var item in spec[key].Items)
            {
                if (item.String is { } s) items.Add(s);
                else
                {
                    session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                        $"{owner}: an item of {key} is not a resource name or pattern; which resources it backs up cannot be worked out", item.Location);
                    return null;
                }
            }
            lists[key] = items;
        }
        List<string> L(string key) => lists.GetValueOrDefault(key) ?? [];
        var allNamespaces = spec["excludedNamespaces"].Strings.Count == 0
            && spec["includedNamespaces"].Strings is var ns && (ns.Count == 0 || (ns.Count == 1 && ns[0] == "*"));

        if (includeExclude is { } policy)
            return WithIncludeExcludePolicy(session, owner, spec, old, lists, allNamespaces, policy);

        // The scoped filters, as Velero's discovery reads them: an item of the other scope dropped, one of unknown scope undecided.
        if (scoped.Count > 0)
            return ScopedPaths(session, owner, lists, _ => [], allNamespaces, spec[scoped[0]].Location, "resource filters",
                "its scoped resource filters", "whose scope");

        var (inc, exc) = (L("includedResources"), L("excludedResources"));
        bool Included(string r) => !Matches(exc, r) && (inc.Count == 0 || inc.Contains("*") || Matches(inc, r));
        var pods = Included(Pods);
        var claims = Included(Claims);
        var cluster = spec["includeClusterResources"];
        // Volumes listed directly: cluster-scoped resources are listed when includeClusterResources is true, or unset and every namespace is backed up.
        var volumesDirect = !cluster.IsFalse && Included(Volumes) && (cluster.IsTrue || allNamespaces);
        var at = old.Select(k => spec[k].Location).FirstOrDefault() ?? spec.Location;
        return new VolumePaths(pods || claims || volumesDirect, claims || volumesDirect, at);
    }

    /// <summary>
    /// Whether a filter list names <paramref name="resource"/> (a core resource's plural), as Velero resolves its items:
    /// a resource's plural, singular, kind or short name (<c>po</c>, <c>pvc</c>, <c>pv</c>) resolves to it; another item
    /// is a glob (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[!abc]</c>, <c>{a,b}</c>) over the resolved names.
    /// </summary>
    private static bool Matches(List<string> items, string resource) => items.Any(item => Resolve(item) is { } r ? r == resource : Glob(item).IsMatch(resource));

    private static string? Resolve(string item) => item.ToLowerInvariant() switch
    {
        "pods" or "pod" or "po" => Pods,
        "persistentvolumeclaims" or "persistentvolumeclaim" or "pvc" => Claims,
        "persistentvolumes" or "persistentvolume" or "pv" => Volumes,
        _ => null,
    };

    private static Regex Glob(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[' when pattern.IndexOf(']', i + 1) is var close and > 0:
                    var set = pattern[(i + 1)..close];
                    sb.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = close;
                    break;
                case '{' when pattern.IndexOf('}', i + 1) is var end and > 0:
                    sb.Append("(?:").Append(string.Join("|", pattern[(i + 1)..end].Split(',').Select(Regex.Escape))).Append(')');
                    i = end;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// <c>snapshotMoveData</c>: the data mover uploads CSI snapshots' data to the backup's storage location (Velero's own
    /// mover, <c>datamover</c> empty or <c>velero</c>): a note, the copy is the storage location's already. Another mover
    /// sends it where the inputs do not say: a warning, and the stores back up to a store of unknown location.
    /// </summary>
    private static void DataMover(ImportSession session, string owner, Cursor spec, List<NativeDraft> stores, string bslName, Location? bsl, bool noNativeSnapshots = false)
    {
        var move = spec["snapshotMoveData"];
        if (!move.IsTrue || spec["snapshotVolumes"].IsFalse) return;
        var mover = spec["datamover"].String;
        if (mover is null or "" or "velero")
        {
            var where = bsl is null ? "whose location is not among the inputs" : bsl.Region is { } r ? $"in {bsl.Provider} region {r}" : "whose region is unknown";
            session.Diagnostics.Note(DiagnosticCodes.SourceDataMoved,
                $"{owner}: snapshotMoveData is true, so Velero's data mover uploads the data of its CSI volume snapshots to backup storage location '{bslName}' ({where}), where the stores are read as backed up; {(noNativeSnapshots ? "its status shows no native snapshots, so the snapshot locations hold nothing of it" : "the snapshot locations are read as used too, since whether a volume is CSI is not among the inputs")}",
                move.Location);
            return;
        }
        session.Diagnostics.Warning(DiagnosticCodes.SourceDataMoved,
            $"{owner}: snapshotMoveData is true with data mover '{mover}', which is not Velero's: where it sends the volumes' data is not among the inputs, so the copy is indeterminate; describe its target with a native DataStore document",
            spec["datamover"].Location);
        var name = "datamover-" + Regex.Replace(mover.ToLowerInvariant(), "[^a-z0-9.-]+", "-");
        var target = session.Find(DocumentKind.DataStore, name);
        if (target is null)
        {
            var site = session.Site("other", null, spec["datamover"].Location, Name);
            target = session.Store(name, site, spec["datamover"].Location, DataFacts.None, Name);
        }
        foreach (var store in stores) ImportSession.BackUp(store, target, spec["datamover"].Location);
    }
}
