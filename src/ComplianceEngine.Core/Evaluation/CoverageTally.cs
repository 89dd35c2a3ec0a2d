using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// Counts what each jurisdiction's rules judged (design section 7) while chunks are judged, and remembers every
/// document a judged fact was about or passed through, so the documents nothing judged can be named with a reason.
/// One tally per chunk (no locking); chunks' tallies are merged in order.
/// </summary>
internal sealed class CoverageTally
{
    private const int Placements = 0, Declared = 1, Implied = 2, Onward = 3;

    private readonly Dictionary<string, int[]> _facts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<FindingSubject>> _subjects = new(StringComparer.Ordinal);
    private readonly HashSet<FindingSubject> _touchedSubjects = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Site> _touchedSites = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _seen = new(4);

    /// <summary>Records the verdicts one fact received.</summary>
    public void Record(Fact fact, List<Verdict> verdicts)
    {
        _seen.Clear();
        foreach (var v in verdicts)
        {
            if (v.Judgement == Judgement.NotApplicable) continue;
            var j = v.Rule.Definition.Jurisdiction;
            if (!_seen.Contains(j)) _seen.Add(j);
        }
        if (_seen.Count == 0) return;
        var kind = fact switch
        {
            PlacementFact => Placements,
            TransferFact { OnwardRegime: not null } or TransferFact { Hop: > 1 } => Onward,
            TransferFact { Implied: true } => Implied,
            _ => Declared,
        };
        foreach (var j in _seen)
        {
            if (!_facts.TryGetValue(j, out var counts)) _facts[j] = counts = new int[4];
            counts[kind]++;
            if (!_subjects.TryGetValue(j, out var subjects)) _subjects[j] = subjects = new HashSet<FindingSubject>(ReferenceEqualityComparer.Instance);
            subjects.Add(fact.Subject);
        }
        _touchedSubjects.Add(fact.Subject);
        switch (fact)
        {
            case PlacementFact p:
                _touchedSites.Add(p.Site);
                break;
            case TransferFact t:
                _touchedSites.Add(t.Source);
                _touchedSites.Add(t.Destination);
                if (t.Origin is { } origin) _touchedSites.Add(origin);
                break;
        }
    }

    /// <summary>Adds <paramref name="other"/> into this tally.</summary>
    public void Merge(CoverageTally other)
    {
        foreach (var (j, counts) in other._facts)
        {
            if (!_facts.TryGetValue(j, out var mine)) _facts[j] = mine = new int[4];
            for (var i = 0; i < mine.Length; i++) mine[i] += counts[i];
        }
        foreach (var (j, subjects) in other._subjects)
        {
            if (!_subjects.TryGetValue(j, out var mine)) _subjects[j] = mine = new HashSet<FindingSubject>(ReferenceEqualityComparer.Instance);
            mine.UnionWith(subjects);
        }
        _touchedSubjects.UnionWith(other._touchedSubjects);
        _touchedSites.UnionWith(other._touchedSites);
    }

    /// <summary>The finished coverage of <paramref name="resolved"/>; every jurisdiction in <paramref name="jurisdictions"/> is listed.</summary>
    public Coverage Finish(ResolvedEstate resolved, IEnumerable<string> jurisdictions, Func<string, ImmutableArray<string>> regimesOf)
    {
        var estate = resolved.Estate;
        var by = ImmutableSortedDictionary.CreateBuilder<string, CoverageCounts>(StringComparer.Ordinal);
        foreach (var j in jurisdictions) by[j] = CoverageCounts.Zero;
        foreach (var (j, counts) in _facts)
        {
            var subjects = _subjects[j];
            var stores = subjects.Where(s => s.Kind == DocumentKind.DataStore).Select(s => s.Name).Distinct(StringComparer.Ordinal).Count();
            var flows = subjects.Where(s => s.Kind == DocumentKind.DataFlow).Select(s => s.Name).Distinct(StringComparer.Ordinal).Count();
            by[j] = new CoverageCounts(stores, flows, counts[Placements], counts[Declared], counts[Implied], counts[Onward]);
        }

        var touched = new HashSet<(string Kind, string Name)>();
        foreach (var s in _touchedSubjects) touched.Add((s.Kind, s.Name));
        foreach (var s in _touchedSites) touched.Add((s.Kind, s.Name));
        foreach (var flow in estate.Flows.Where(f => touched.Contains((DocumentKind.DataFlow, f.Name))))
        {
            // A judged flow judged the data of the stores it reads and writes.
            foreach (var end in new[] { flow.From.Name, flow.To.Name })
                if (resolved.Store(end) is not null) touched.Add((DocumentKind.DataStore, end));
        }

        // The reasons look up the same subjects' regimes and the same endpoints over and over: once each.
        var regimes = new Dictionary<string, ImmutableArray<string>>(StringComparer.Ordinal);
        ImmutableArray<string> RegimesOf(string subject)
        {
            if (!regimes.TryGetValue(subject, out var r)) regimes[subject] = r = regimesOf(subject);
            return r;
        }
        var references = new References(estate);
        var notJudged = ImmutableArray.CreateBuilder<NotJudged>();
        foreach (var c in estate.Clusters.Where(c => !touched.Contains((DocumentKind.Cluster, c.Name))))
            notJudged.Add(new NotJudged(DocumentKind.Cluster, c.Name, c.Info.Location, ClusterReason(resolved, c, references)));
        foreach (var s in estate.Stores.Where(s => !touched.Contains((DocumentKind.DataStore, s.Name))))
            notJudged.Add(new NotJudged(DocumentKind.DataStore, s.Name, s.Info.Location, StoreReason(resolved, s, RegimesOf)));
        var endpointSubjects = new Dictionary<string, ImmutableArray<string>>(StringComparer.Ordinal);
        foreach (var f in estate.Flows.Where(f => !touched.Contains((DocumentKind.DataFlow, f.Name))))
            notJudged.Add(new NotJudged(DocumentKind.DataFlow, f.Name, f.Info.Location, FlowReason(resolved, f, RegimesOf, endpointSubjects)));
        foreach (var r in estate.Recipients.Where(r => !touched.Contains((DocumentKind.Recipient, r.Name))))
            notJudged.Add(new NotJudged(DocumentKind.Recipient, r.Name, r.Info.Location, RecipientReason(resolved, r, references)));

        return new Coverage(
            new EstateCounts(estate.Clusters.Length, estate.Stores.Length, estate.Flows.Length, estate.Recipients.Length),
            by.ToImmutable(),
            [.. notJudged.OrderBy(n => n.Kind, StringComparer.Ordinal).ThenBy(n => n.Name, StringComparer.Ordinal)]);
    }

    private static string Unknown(Site site) => $"location unknown: {site.UnknownReason}";

    /// <summary>The names flows, DR targets, replicas and stores refer to, collected once for every reason that asks.</summary>
    private sealed class References(Estate estate)
    {
        private HashSet<string>? _clusters;
        private HashSet<string>? _recipients;

        /// <summary>Names of clusters some flow, DR target or replica names.</summary>
        public HashSet<string> Clusters => _clusters ??= new(estate.Flows.SelectMany(f => new[] { f.From.Name, f.To.Name })
            .Concat(estate.Clusters.SelectMany(c => c.DisasterRecovery?.Targets.Select(t => t.Name) ?? []))
            .Concat(estate.Stores.SelectMany(s => s.Replicas.Select(r => r.Name))), StringComparer.Ordinal);

        /// <summary>Names some flow sends to or some store rests at.</summary>
        public HashSet<string> Recipients => _recipients ??= new(estate.Flows.Select(f => f.To.Name)
            .Concat(estate.Stores.Select(s => s.Recipient?.Name).OfType<string>()), StringComparer.Ordinal);
    }

    private static string ClusterReason(ResolvedEstate resolved, Cluster cluster, References references)
    {
        var site = resolved.Cluster(cluster.Name);
        if (site is { Country: null }) return Unknown(site);
        var holdsData = resolved.StoresOn(cluster.Name).Any() || references.Clusters.Contains(cluster.Name);
        return holdsData
            ? $"no loaded rule applies to the data on it (in {site?.Country})"
            : "no data is declared on it: no store, flow, replica or DR copy names it";
    }

    private static string StoreReason(ResolvedEstate resolved, DataStore store, Func<string, ImmutableArray<string>> regimesOf)
    {
        var site = resolved.SiteOfStore(store);
        if (site is { Country: null }) return Unknown(site);
        if (store.Categories.IsEmpty) return $"it declares no data categories (rests in {site?.Country})";
        return Regimes(site, store.Subjects, regimesOf).IsEmpty
            ? $"no regime binds its data (rests in {site?.Country}; subjects: {List(store.Subjects)})"
            : $"no loaded rule applies to its data (rests in {site?.Country}; subjects: {List(store.Subjects)}; categories: {List(store.Categories)})";
    }

    private static string FlowReason(ResolvedEstate resolved, DataFlow flow, Func<string, ImmutableArray<string>> regimesOf,
        Dictionary<string, ImmutableArray<string>> endpointSubjects)
    {
        var from = resolved.EndpointSite(flow.From.Name, allowRecipient: false);
        var to = resolved.EndpointSite(flow.To.Name, allowRecipient: true);
        if (from is { Country: null }) return Unknown(from);
        if (to is { Country: null }) return Unknown(to);
        if (!endpointSubjects.TryGetValue(flow.From.Name, out var subjects))
        {
            endpointSubjects[flow.From.Name] = subjects = resolved.Endpoint(flow.From.Name, allowRecipient: false)?.Stores.SelectMany(s => s.Subjects)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray() ?? [];
        }
        return Regimes(from, subjects, regimesOf).IsEmpty
            ? $"no regime binds its data (from {from?.Country} to {to?.Country}; subjects: {List(subjects)})"
            : $"no loaded rule applies to it (from {from?.Country} to {to?.Country}; subjects: {List(subjects)})";
    }

    private static string RecipientReason(ResolvedEstate resolved, Recipient recipient, References references)
    {
        var site = resolved.Recipient(recipient.Name);
        if (site is { Country: null }) return Unknown(site);
        return references.Recipients.Contains(recipient.Name)
            ? $"no loaded rule applies to the data it receives (in {site?.Country})"
            : "no flow or store names it";
    }

    /// <summary>The regimes that bind data at <paramref name="site"/> about <paramref name="subjects"/>.</summary>
    private static ImmutableArray<string> Regimes(Site? site, ImmutableArray<string> subjects, Func<string, ImmutableArray<string>> regimesOf) =>
        [.. (site?.Regimes ?? []).Concat(subjects.SelectMany(s => (IEnumerable<string>)regimesOf(s))).Distinct(StringComparer.Ordinal)];

    private static string List(ImmutableArray<string> values) => values.IsEmpty ? "none" : string.Join(", ", values);
}
