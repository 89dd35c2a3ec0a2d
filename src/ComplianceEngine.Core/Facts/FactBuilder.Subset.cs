using ComplianceEngine.Core.Location;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// The resolution of an estate edited in place, from the last version's: the sites of the clusters and recipients not
/// edited, the data of the stores whose document and site are the same, and the shared (interned) sets are the last
/// version's objects, so facts derived again for the edit sit beside the kept ones exactly as a fresh derivation's would.
/// </summary>
public sealed partial class FactBuilder
{
    /// <summary>
    /// The resolution of <paramref name="estate"/>, a version of <paramref name="before"/>'s estate in which only the clusters
    /// and recipients named in <paramref name="edited"/> were located again; the stores in <paramref name="moved"/> (edited,
    /// or resting on an edited site) have their data worked out again.
    /// </summary>
    internal ResolvedEstate Resolve(Estate estate, ResolvedEstate before, IReadOnlySet<string> edited, IReadOnlySet<string> moved)
    {
        ArgumentNullException.ThrowIfNull(estate);
        ArgumentNullException.ThrowIfNull(before);
        var sites = new Dictionary<string, Site>(before.Sites.Count, StringComparer.Ordinal);
        foreach (var c in estate.Clusters)
        {
            var key = "Cluster/" + c.Name;
            if (sites.ContainsKey(key)) continue;
            sites[key] = !edited.Contains(c.Name) && before.Sites.TryGetValue(key, out var site) ? site : _resolver.Resolve(c, estate.Organization);
        }
        foreach (var r in estate.Recipients)
        {
            var key = "Recipient/" + r.Name;
            if (sites.ContainsKey(key)) continue;
            sites[key] = !edited.Contains(r.Name) && before.Sites.TryGetValue(key, out var site) ? site : _resolver.Resolve(r);
        }
        return new ResolvedEstate(estate, sites, before, moved);
    }
}

/// <summary>A resolution that shares what is unchanged with the last version's (see <see cref="FactBuilder.Resolve(Estate, ResolvedEstate, IReadOnlySet{string}, IReadOnlySet{string})"/>).</summary>
public sealed partial class ResolvedEstate
{
    internal ResolvedEstate(Estate estate, Dictionary<string, Site> sites, ResolvedEstate shared, IReadOnlySet<string> moved) : this(estate, sites)
    {
        _interned = shared._interned;
        _unresolved = shared._unresolved;
        Sensitivity = shared.Sensitivity;
        foreach (var (store, info) in shared._storeInfo)
        {
            if (!moved.Contains(store.Name)) _storeInfo[store] = info;
        }
    }
}
