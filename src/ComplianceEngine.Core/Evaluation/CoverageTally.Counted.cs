using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// Coverage finished from counts kept elsewhere (the incremental evaluation keeps them as counters adjusted per fact,
/// <c>Incremental.CoverageCounters</c>): the same documents named not judged, with the same reasons, as the tally's own finish.
/// </summary>
internal sealed partial class CoverageTally
{
    /// <summary>
    /// The coverage of <paramref name="resolved"/> from each jurisdiction's counts (<paramref name="byJurisdiction"/>) and
    /// whether a judged fact was about or passed through a document (<paramref name="touched"/>: kind, name).
    /// </summary>
    internal static Coverage Finish(ResolvedEstate resolved, ImmutableSortedDictionary<string, CoverageCounts> byJurisdiction, Func<string, string, bool> touched,
        Func<string, ImmutableArray<string>> regimesOf)
    {
        var estate = resolved.Estate;
        // A judged flow judged the data of the stores it reads and writes.
        var readByJudged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var flow in estate.Flows)
        {
            if (!touched(DocumentKind.DataFlow, flow.Name)) continue;
            if (resolved.Store(flow.From.Name) is not null) readByJudged.Add(flow.From.Name);
            if (resolved.Store(flow.To.Name) is not null) readByJudged.Add(flow.To.Name);
        }
        var regimes = new Dictionary<string, ImmutableArray<string>>(StringComparer.Ordinal);
        ImmutableArray<string> RegimesOf(string subject)
        {
            if (!regimes.TryGetValue(subject, out var r)) regimes[subject] = r = regimesOf(subject);
            return r;
        }
        var references = new References(estate);
        var notJudged = ImmutableArray.CreateBuilder<NotJudged>();
        foreach (var c in estate.Clusters.Where(c => !touched(DocumentKind.Cluster, c.Name)))
            notJudged.Add(new NotJudged(DocumentKind.Cluster, c.Name, c.Info.Location, ClusterReason(resolved, c, references)));
        foreach (var s in estate.Stores.Where(s => !touched(DocumentKind.DataStore, s.Name) && !readByJudged.Contains(s.Name)))
            notJudged.Add(new NotJudged(DocumentKind.DataStore, s.Name, s.Info.Location, StoreReason(resolved, s, RegimesOf)));
        var endpoints = new Dictionary<string, (string, bool)>(StringComparer.Ordinal);
        foreach (var f in estate.Flows.Where(f => !touched(DocumentKind.DataFlow, f.Name)))
            notJudged.Add(new NotJudged(DocumentKind.DataFlow, f.Name, f.Info.Location, FlowReason(resolved, f, RegimesOf, endpoints)));
        foreach (var r in estate.Recipients.Where(r => !touched(DocumentKind.Recipient, r.Name)))
            notJudged.Add(new NotJudged(DocumentKind.Recipient, r.Name, r.Info.Location, RecipientReason(resolved, r, references)));

        return new Coverage(
            new EstateCounts(estate.Clusters.Length, estate.Stores.Length, estate.Flows.Length, estate.Recipients.Length),
            byJurisdiction,
            [.. notJudged.OrderBy(n => n.Kind, StringComparer.Ordinal).ThenBy(n => n.Name, StringComparer.Ordinal)]);
    }
}

/// <summary>The documents of one name, by kind, in estate order (what a patched coverage looks at again).</summary>
internal sealed record NamedDocuments(IReadOnlyList<Cluster> Clusters, IReadOnlyList<DataStore> Stores, IReadOnlyList<DataFlow> Flows, IReadOnlyList<Recipient> Recipients);

internal sealed partial class CoverageTally
{
    /// <summary>
    /// The not-judged entries of the documents in <paramref name="named"/> (one name), with the same reasons as a full
    /// finish, appended to <paramref name="into"/>: <paramref name="readByJudged"/> says whether a judged flow reads or
    /// writes a store of that name; <paramref name="clusterReferences"/> and <paramref name="recipientReferences"/> are the
    /// names flows, DR targets, replicas and stores refer to.
    /// </summary>
    internal static void NotJudgedOf(List<NotJudged> into, ResolvedEstate resolved, NamedDocuments named, Func<string, string, bool> touched, bool readByJudged,
        HashSet<string> clusterReferences, HashSet<string> recipientReferences, Func<string, ImmutableArray<string>> regimesOf)
    {
        var estate = resolved.Estate;
        var references = new References(estate, clusterReferences, recipientReferences);
        foreach (var c in named.Clusters)
        {
            if (!touched(DocumentKind.Cluster, c.Name))
                into.Add(new NotJudged(DocumentKind.Cluster, c.Name, c.Info.Location, ClusterReason(resolved, c, references)));
        }
        foreach (var s in named.Stores)
        {
            if (!touched(DocumentKind.DataStore, s.Name) && !readByJudged)
                into.Add(new NotJudged(DocumentKind.DataStore, s.Name, s.Info.Location, StoreReason(resolved, s, regimesOf)));
        }
        var endpoints = new Dictionary<string, (string, bool)>(StringComparer.Ordinal);
        foreach (var f in named.Flows)
        {
            if (!touched(DocumentKind.DataFlow, f.Name))
                into.Add(new NotJudged(DocumentKind.DataFlow, f.Name, f.Info.Location, FlowReason(resolved, f, regimesOf, endpoints)));
        }
        foreach (var r in named.Recipients)
        {
            if (!touched(DocumentKind.Recipient, r.Name))
                into.Add(new NotJudged(DocumentKind.Recipient, r.Name, r.Info.Location, RecipientReason(resolved, r, references)));
        }
    }
}
