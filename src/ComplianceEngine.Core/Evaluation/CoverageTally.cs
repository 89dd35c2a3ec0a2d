using System.Collections.Immutable;
using System.Runtime.InteropServices;
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
/// <remarks>
/// A tally that records facts lists the subjects it meets (a repeat of the last one skipped) instead of hashing each into
/// a set: a chunk's tally is merged once (<see cref="Merge"/>), and it is the merge that makes the subjects a set, hashing
/// each listed subject once instead of once into the chunk's set and again into the total's.
/// </remarks>
internal sealed partial class CoverageTally
{
    private const int Placements = 0, Declared = 1, Implied = 2, Onward = 3;

    /// <summary>
    /// What one jurisdiction's rules judged: facts by kind, and the subjects of those facts (the set merged so far, and
    /// those recorded here since, listed in the order met, perhaps more than once).
    /// </summary>
    private sealed class Judged
    {
        public readonly int[] Counts = new int[4];
        public readonly ReferenceSet<FindingSubject> Subjects = new();
        public readonly List<FindingSubject> Recorded = [];
        public FindingSubject? LastSubject;

        /// <summary><see cref="Subjects"/> with the recorded ones added: the distinct subjects this jurisdiction judged.</summary>
        public ReferenceSet<FindingSubject> All()
        {
            AddAll(Subjects, Recorded);
            Recorded.Clear();
            return Subjects;
        }
    }

    private readonly Dictionary<string, Judged> _judged = new(StringComparer.Ordinal);
    private string? _lastJurisdiction;
    private Judged? _last;
    private readonly ReferenceSet<FindingSubject> _touchedSubjects = new();
    private readonly List<FindingSubject> _recordedSubjects = [];
    private readonly HashSet<Site> _touchedSites = new(ReferenceEqualityComparer.Instance);
    private FindingSubject? _lastSubject;
    private Site? _lastSource, _lastDestination, _lastOrigin;

    private readonly List<string> _seen = new(4);

    /// <summary>Records the verdicts one fact received (the jurisdictions of the rules that judged it, each once).</summary>
    public void Record(Fact fact, List<Verdict> verdicts)
    {
        _seen.Clear();
        foreach (var v in verdicts)
        {
            if (v.Judgement == Judgement.NotApplicable) continue;
            var j = v.Rule.Definition.Jurisdiction;
            if (!_seen.Contains(j)) _seen.Add(j);
        }
        Record(fact, _seen);
    }

    /// <summary>
    /// Records one fact judged by rules of <paramref name="jurisdictions"/> (each once; none when no rule applied to it),
    /// and by the jurisdictions whose rules looked at it and found it out of their scope (<see cref="CoverageScope"/>; added
    /// to <paramref name="jurisdictions"/>). Consecutive facts often share a subject and sites (a flow's onward hops): a
    /// repeat is not looked up again.
    /// </summary>
    public void Record(Fact fact, List<string> jurisdictions)
    {
        fact.Context.CoverageScope.AddLooked(fact, jurisdictions);
        if (jurisdictions.Count == 0) return;
        var kind = fact switch
        {
            PlacementFact => Placements,
            TransferFact { OnwardRegime: not null } or TransferFact { Hop: > 1 } => Onward,
            TransferFact { Implied: true } => Implied,
            _ => Declared,
        };
        var subject = fact.Subject;
        foreach (var j in jurisdictions)
        {
            var judged = Of(j);
            judged.Counts[kind]++;
            if (ReferenceEquals(judged.LastSubject, subject)) continue;
            judged.Recorded.Add(subject);
            judged.LastSubject = subject;
        }
        if (!ReferenceEquals(subject, _lastSubject))
        {
            _recordedSubjects.Add(subject);
            _lastSubject = subject;
        }
        switch (fact)
        {
            case PlacementFact p:
                _touchedSites.Add(p.Site);
                break;
            case TransferFact t:
                Touch(t.Source, ref _lastSource);
                Touch(t.Destination, ref _lastDestination);
                if (t.Origin is { } origin) Touch(origin, ref _lastOrigin);
                break;
        }
    }

    private void Touch(Site site, ref Site? last)
    {
        if (ReferenceEquals(site, last)) return;
        _touchedSites.Add(site);
        last = site;
    }

    private Judged Of(string jurisdiction)
    {
        if (ReferenceEquals(jurisdiction, _lastJurisdiction)) return _last!;
        if (!_judged.TryGetValue(jurisdiction, out var judged)) _judged[jurisdiction] = judged = new Judged();
        _lastJurisdiction = jurisdiction;
        _last = judged;
        return judged;
    }

    /// <summary>Adds <paramref name="other"/> into this tally.</summary>
    public void Merge(CoverageTally other)
    {
        foreach (var (j, theirs) in other._judged)
        {
            var mine = Of(j);
            for (var i = 0; i < mine.Counts.Length; i++) mine.Counts[i] += theirs.Counts[i];
            if (theirs.Subjects.Count > 0) mine.Subjects.UnionWith(theirs.Subjects);
            AddAll(mine.Subjects, theirs.Recorded);
        }
        if (other._touchedSubjects.Count > 0) _touchedSubjects.UnionWith(other._touchedSubjects);
        AddAll(_touchedSubjects, other._recordedSubjects);
        _touchedSites.UnionWith(other._touchedSites);
    }

    /// <summary>
    /// Forgets what this tally recorded once it is merged (<see cref="Merge"/>), keeping its lists' room: a worker thread's
    /// tally records chunk after chunk without growing new lists for each. The jurisdictions it met stay listed with zero
    /// counts (the tally it was merged into lists them already).
    /// </summary>
    public void ClearMerged()
    {
        foreach (var judged in _judged.Values)
        {
            Array.Clear(judged.Counts);
            judged.Subjects.Clear();
            judged.Recorded.Clear();
            judged.LastSubject = null;
        }
        _touchedSubjects.Clear();
        _recordedSubjects.Clear();
        _touchedSites.Clear();
        _lastSubject = null;
        _lastSource = _lastDestination = _lastOrigin = null;
    }

    /// <summary>Adds each of <paramref name="listed"/> to <paramref name="set"/>.</summary>
    private static void AddAll<T>(ReferenceSet<T> set, List<T> listed) where T : class
    {
        foreach (var item in CollectionsMarshal.AsSpan(listed)) set.Add(item);
    }

    /// <summary>The finished coverage of <paramref name="resolved"/>; every jurisdiction in <paramref name="jurisdictions"/> is listed.</summary>
    public Coverage Finish(ResolvedEstate resolved, IEnumerable<string> jurisdictions, Func<string, ImmutableArray<string>> regimesOf)
    {
        var estate = resolved.Estate;
        var by = ImmutableSortedDictionary.CreateBuilder<string, CoverageCounts>(StringComparer.Ordinal);
        foreach (var j in jurisdictions) by[j] = CoverageCounts.Zero;
        var (storeNames, flowNames) = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
        foreach (var (j, judged) in _judged)
        {
            // The distinct names of the stores and flows judged, in one pass over the subjects.
            storeNames.Clear();
            flowNames.Clear();
            foreach (var s in judged.All())
            {
                if (s.Kind == DocumentKind.DataStore) storeNames.Add(s.Name);
                else if (s.Kind == DocumentKind.DataFlow) flowNames.Add(s.Name);
            }
            var counts = judged.Counts;
            by[j] = new CoverageCounts(storeNames.Count, flowNames.Count, counts[Placements], counts[Declared], counts[Implied], counts[Onward]);
        }

        // The names of the documents something judged, per kind (names compared ordinally: a string's hash, not a pair's).
        var touched = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        (string Kind, HashSet<string> Set)? last = null;
        void Touched(string kind, string name)
        {
            // Subjects and sites come mostly in runs of one kind: the last kind's set is asked first.
            if (last is not { } l || !string.Equals(l.Kind, kind, StringComparison.Ordinal))
            {
                if (!touched.TryGetValue(kind, out var found)) touched[kind] = found = new HashSet<string>(StringComparer.Ordinal);
                last = l = (kind, found);
            }
            l.Set.Add(name);
        }
        HashSet<string> TouchedOf(string kind) => touched.TryGetValue(kind, out var set) ? set : [];
        AddAll(_touchedSubjects, _recordedSubjects);
        _recordedSubjects.Clear();
        foreach (var s in _touchedSubjects) Touched(s.Kind, s.Name);
        foreach (var s in _touchedSites) Touched(s.Kind, s.Name);
        var flows = TouchedOf(DocumentKind.DataFlow);
        var judgedFlows = estate.Flows.Where(f => flows.Contains(f.Name)).ToList();
        foreach (var flow in judgedFlows)
        {
            // A judged flow judged the data of the stores it reads and writes.
            if (resolved.Store(flow.From.Name) is not null) Touched(DocumentKind.DataStore, flow.From.Name);
            if (resolved.Store(flow.To.Name) is not null) Touched(DocumentKind.DataStore, flow.To.Name);
        }
        var (clusters, stores, recipients) = (TouchedOf(DocumentKind.Cluster), TouchedOf(DocumentKind.DataStore), TouchedOf(DocumentKind.Recipient));

        // The reasons look up the same subjects' regimes and the same endpoints over and over: once each.
        var regimes = new Dictionary<string, ImmutableArray<string>>(StringComparer.Ordinal);
        ImmutableArray<string> RegimesOf(string subject)
        {
            if (!regimes.TryGetValue(subject, out var r)) regimes[subject] = r = regimesOf(subject);
            return r;
        }
        var references = new References(estate);
        var notJudged = ImmutableArray.CreateBuilder<NotJudged>();
        foreach (var c in estate.Clusters.Where(c => !clusters.Contains(c.Name)))
            notJudged.Add(new NotJudged(DocumentKind.Cluster, c.Name, c.Info.Location, ClusterReason(resolved, c, references)));
        foreach (var s in estate.Stores.Where(s => !stores.Contains(s.Name)))
            notJudged.Add(new NotJudged(DocumentKind.DataStore, s.Name, s.Info.Location, StoreReason(resolved, s, RegimesOf)));
        var endpoints = new Dictionary<string, (string, bool)>(StringComparer.Ordinal);
        foreach (var f in estate.Flows.Where(f => !flows.Contains(f.Name)))
            notJudged.Add(new NotJudged(DocumentKind.DataFlow, f.Name, f.Info.Location, FlowReason(resolved, f, RegimesOf, endpoints)));
        foreach (var r in estate.Recipients.Where(r => !recipients.Contains(r.Name)))
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

        /// <summary>The names given (kept up to date by their owner, the incremental evaluation's coverage counters).</summary>
        public References(Estate estate, HashSet<string> clusters, HashSet<string> recipients) : this(estate) => (_clusters, _recipients) = (clusters, recipients);

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
        Dictionary<string, (string Subjects, bool Bound)> endpoints)
    {
        var from = resolved.EndpointSite(flow.From.Name, allowRecipient: false);
        var to = resolved.EndpointSite(flow.To.Name, allowRecipient: true);
        if (from is { Country: null }) return Unknown(from);
        if (to is { Country: null }) return Unknown(to);
        // Many flows leave the same endpoint: its subjects, as text, and whether a regime binds them, worked out once.
        if (!endpoints.TryGetValue(flow.From.Name, out var endpoint))
        {
            var subjects = resolved.Endpoint(flow.From.Name, allowRecipient: false)?.Stores.SelectMany(s => s.Subjects)
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray() ?? [];
            endpoints[flow.From.Name] = endpoint = (List(subjects), !Regimes(from, subjects, regimesOf).IsEmpty);
        }
        return endpoint.Bound
            ? $"no loaded rule applies to it (from {from?.Country} to {to?.Country}; subjects: {endpoint.Subjects})"
            : $"no regime binds its data (from {from?.Country} to {to?.Country}; subjects: {endpoint.Subjects})";
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

    private static string List(ImmutableArray<string> values) => values.IsEmpty ? "none" : string.Join(", ", ImmutableCollectionsMarshal.AsArray(values)!);
}
