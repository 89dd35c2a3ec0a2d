using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Core.Evaluation.Incremental;

/// <summary>
/// The coverage of the incremental session's facts as counters adjusted per fact that comes or goes (instead of counting
/// every fact again): per jurisdiction, the facts judged by kind and how many judged facts are about each store and flow;
/// per document, how many judged facts are about it or pass through its site. A fact is judged by a jurisdiction when one
/// of its rules' verdicts is not "not applicable", or when its rules looked at the fact and found it out of their scope
/// (<see cref="CoverageScope"/>), as <see cref="CoverageTally.Record(Fact, List{string})"/> counts it.
/// </summary>
internal sealed class CoverageCounters
{
    private const int Placements = 0, Declared = 1, Implied = 2, Onward = 3;

    private sealed class Judged
    {
        public readonly int[] Counts = new int[4];
        public readonly Dictionary<string, int> Stores = new(StringComparer.Ordinal);
        public readonly Dictionary<string, int> Flows = new(StringComparer.Ordinal);

        public bool IsEmpty => Counts.All(c => c == 0);
    }

    private readonly Dictionary<string, Judged> _judged = new(StringComparer.Ordinal);

    /// <summary>Per document kind, per name: judged facts about it or through its site.</summary>
    private readonly Dictionary<string, Dictionary<string, int>> _touched = new(StringComparer.Ordinal);

    private readonly List<string> _seen = new(4);

    /// <summary>Names whose touched count crossed zero, and names whose documents' reasons may have changed, since the last coverage.</summary>
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);

    /// <summary>The estate's documents by name, and the names they refer to (null until <see cref="Reset"/>).</summary>
    private Documents? _documents;

    /// <summary>The last coverage's not-judged documents, in the report's order (null: the next coverage looks at every document).</summary>
    private ImmutableArray<NotJudged>? _notJudged;

    /// <summary>Facts recorded now (each judged by at least one jurisdiction).</summary>
    public int Facts { get; private set; }

    /// <summary>
    /// Adds (+1) or takes away (-1) the fact with <paramref name="verdicts"/> (null: no rule applied to it; the jurisdictions
    /// whose rules looked at it and found it out of their scope still judged it, see <see cref="CoverageScope"/>).
    /// </summary>
    public void Record(Fact fact, List<Verdict>? verdicts, int sign)
    {
        _seen.Clear();
        foreach (var v in verdicts ?? [])
        {
            if (v.Judgement == Judgement.NotApplicable) continue;
            var j = v.Rule.Definition.Jurisdiction;
            if (!_seen.Contains(j)) _seen.Add(j);
        }
        fact.Context.CoverageScope.AddLooked(fact, _seen);
        if (_seen.Count == 0) return;
        Facts += sign;
        var kind = fact switch
        {
            PlacementFact => Placements,
            TransferFact { OnwardRegime: not null } or TransferFact { Hop: > 1 } => Onward,
            TransferFact { Implied: true } => Implied,
            _ => Declared,
        };
        var subject = fact.Subject;
        foreach (var j in _seen)
        {
            if (!_judged.TryGetValue(j, out var judged)) _judged[j] = judged = new Judged();
            judged.Counts[kind] += sign;
            if (subject.Kind == DocumentKind.DataStore) Count(judged.Stores, subject.Name, sign);
            else if (subject.Kind == DocumentKind.DataFlow) Count(judged.Flows, subject.Name, sign);
            if (judged.IsEmpty) _judged.Remove(j);
        }
        Touch(subject.Kind, subject.Name, sign);
        switch (fact)
        {
            case PlacementFact p:
                Touch(p.Site.Kind, p.Site.Name, sign);
                break;
            case TransferFact t:
                Touch(t.Source.Kind, t.Source.Name, sign);
                Touch(t.Destination.Kind, t.Destination.Name, sign);
                if (t.Origin is { } origin) Touch(origin.Kind, origin.Name, sign);
                break;
        }
    }

    /// <summary>
    /// Whether <paramref name="before"/> and <paramref name="after"/> are looked at by the same jurisdictions' scopes (with
    /// the same verdicts, they then count the same).
    /// </summary>
    public static bool SameScope(Fact before, Fact after) =>
        before.Context.CoverageScope.Looked(before).SequenceEqual(after.Context.CoverageScope.Looked(after), StringComparer.Ordinal);

    private void Touch(string kind, string name, int sign)
    {
        if (!_touched.TryGetValue(kind, out var names)) _touched[kind] = names = new Dictionary<string, int>(StringComparer.Ordinal);
        if (Count(names, name, sign)) _dirty.Add(name);
    }

    /// <summary>Adds <paramref name="sign"/> to a name's count; true when the count crossed zero (the name appeared or went).</summary>
    private static bool Count(Dictionary<string, int> counts, string name, int sign)
    {
        var n = counts.GetValueOrDefault(name) + sign;
        if (n < 0) throw new InvalidOperationException($"coverage counter of '{name}' below zero");
        if (n == 0) counts.Remove(name);
        else counts[name] = n;
        return n == 0 || n == sign;
    }

    /// <summary>
    /// A new version whose documents are looked at afresh: they are indexed by name, and the next coverage looks at every
    /// one (after a full derivation, or flows or documents added or removed).
    /// </summary>
    public void Reset(Estate estate)
    {
        _documents = new Documents(estate);
        _notJudged = null;
        _dirty.Clear();
    }

    /// <summary>The not-judged documents of a coverage worked out in full for the version these counters count (the next coverage patches it).</summary>
    public void Seed(Coverage coverage) => _notJudged = coverage.NotJudged;

    /// <summary>A flow changed in place (the same name and index): its document and its endpoints' are looked at again.</summary>
    public void FlowChanged(int index, DataFlow before, DataFlow after)
    {
        _dirty.Add(after.Name);
        _dirty.Add(before.From.Name);
        _dirty.Add(before.To.Name);
        _dirty.Add(after.From.Name);
        _dirty.Add(after.To.Name);
        _documents?.FlowChanged(index, before, after);
    }

    /// <summary>A store, cluster or recipient changed in place (the same name and index), or a name an edit reaches: looked at again.</summary>
    public void Changed(string name) => _dirty.Add(name);

    /// <summary>A store changed in place: the names it refers to are counted again.</summary>
    public void StoreChanged(DataStore before, DataStore after)
    {
        foreach (var name in Referenced(before).Concat(Referenced(after))) _dirty.Add(name);
        _documents?.Refer(before, -1);
        _documents?.Refer(after, +1);
        static IEnumerable<string> Referenced(DataStore s) =>
            [s.Name, .. s.Cluster is { } c ? [c.Name] : Array.Empty<string>(), .. s.Recipient is { } r ? [r.Name] : Array.Empty<string>(), .. s.Replicas.Select(x => x.Name)];
    }

    /// <summary>A cluster changed in place: the names its DR targets are counted again.</summary>
    public void ClusterChanged(Cluster before, Cluster after)
    {
        _dirty.Add(after.Name);
        foreach (var t in (before.DisasterRecovery?.Targets ?? []).Concat(after.DisasterRecovery?.Targets ?? [])) _dirty.Add(t.Name);
        _documents?.Refer(before, -1);
        _documents?.Refer(after, +1);
    }

    /// <summary>The flows (by index) that read from or write to <paramref name="name"/>.</summary>
    public IReadOnlyList<int> FlowsAt(string name) => _documents?.FlowsByEndpoint.GetValueOrDefault(name) ?? (IReadOnlyList<int>)[];

    private bool Touched(string kind, string name) => _touched.TryGetValue(kind, out var names) && names.ContainsKey(name);

    /// <summary>The coverage now, for the jurisdictions of <paramref name="counts"/> (every rule's).</summary>
    public Coverage Coverage(ResolvedEstate resolved, ImmutableSortedDictionary<string, StatusCounts> counts, Evaluator evaluator)
    {
        var by = ImmutableSortedDictionary.CreateBuilder<string, CoverageCounts>(StringComparer.Ordinal);
        foreach (var j in counts.Keys) by[j] = CoverageCounts.Zero;
        foreach (var (j, judged) in _judged)
        {
            var c = judged.Counts;
            by[j] = new CoverageCounts(judged.Stores.Count, judged.Flows.Count, c[Placements], c[Declared], c[Implied], c[Onward]);
        }
        var byJurisdiction = by.ToImmutable();
        var estate = resolved.Estate;
        if (_notJudged is not { } notJudged || _documents is null)
        {
            var full = CoverageTally.Finish(resolved, byJurisdiction, Touched, evaluator.RegimesOfSubject);
            _notJudged = full.NotJudged;
            _dirty.Clear();
            return full;
        }
        // Only the names whose documents may have another entry: the rest of the list stands.
        var dirty = new HashSet<string>(_dirty, StringComparer.Ordinal);
        foreach (var name in _dirty)
        {
            // A flow judged or not any more: the stores it reads and writes are (not) read by a judged flow.
            foreach (var i in _documents.FlowsNamed(name))
            {
                dirty.Add(estate.Flows[i].From.Name);
                dirty.Add(estate.Flows[i].To.Name);
            }
        }
        _dirty.Clear();
        var coming = new List<NotJudged>();
        foreach (var name in dirty)
        {
            var named = new NamedDocuments([.. _documents.ClustersNamed(name).Select(i => estate.Clusters[i])], [.. _documents.StoresNamed(name).Select(i => estate.Stores[i])],
                [.. _documents.FlowsNamed(name).Select(i => estate.Flows[i])], [.. _documents.RecipientsNamed(name).Select(i => estate.Recipients[i])]);
            CoverageTally.NotJudgedOf(coming, resolved, named, Touched, ReadByJudged(resolved, name), _documents.ClusterReferences, _documents.RecipientReferences,
                evaluator.RegimesOfSubject);
        }
        coming.Sort(Order);
        // The dirty names' entries now: each name's run of each kind, found by binary search (the list is sorted by kind, then
        // name), instead of looking every entry's name up.
        // The kinds are read from the list itself (a few binary searches), so an entry of any kind is found.
        var kinds = KindsIn(notJudged);
        var leaving = new List<(int Start, int End)>();
        foreach (var name in dirty)
        {
            foreach (var kind in kinds)
            {
                var start = LowerBound(notJudged, kind, name);
                var end = start;
                while (end < notJudged.Length && string.Equals(notJudged[end].Kind, kind, StringComparison.Ordinal)
                    && string.Equals(notJudged[end].Name, name, StringComparison.Ordinal)) end++;
                if (end > start) leaving.Add((start, end));
            }
        }
        leaving.Sort();
        var documents = new EstateCounts(estate.Clusters.Length, estate.Stores.Length, estate.Flows.Length, estate.Recipients.Length);
        if (SameEntries(notJudged, leaving, coming)) return new Coverage(documents, byJurisdiction, notJudged);
        var merged = ImmutableArray.CreateBuilder<NotJudged>(notJudged.Length - leaving.Sum(r => r.End - r.Start) + coming.Count);
        var next = 0;
        var run = 0;
        for (var k = 0; k < notJudged.Length; k++)
        {
            if (run < leaving.Count && k == leaving[run].Start)
            {
                k = leaving[run++].End - 1;
                continue;
            }
            var n = notJudged[k];
            while (next < coming.Count && Order(coming[next], n) < 0) merged.Add(coming[next++]);
            merged.Add(n);
        }
        while (next < coming.Count) merged.Add(coming[next++]);
        var list = merged.MoveToImmutable();
        _notJudged = list;
        return new Coverage(documents, byJurisdiction, list);
    }

    /// <summary>The first place in <paramref name="list"/> (sorted by kind, then name) whose entry sorts at or after (<paramref name="kind"/>, <paramref name="name"/>).</summary>
    private static int LowerBound(ImmutableArray<NotJudged> list, string kind, string name)
    {
        int lo = 0, hi = list.Length;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var c = string.CompareOrdinal(list[mid].Kind, kind);
            if (c == 0) c = string.CompareOrdinal(list[mid].Name, name);
            if (c < 0) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>The kinds of the entries of <paramref name="list"/> (sorted by kind, then name), each once, in order.</summary>
    internal static List<string> KindsIn(ImmutableArray<NotJudged> list)
    {
        var kinds = new List<string>();
        for (var k = 0; k < list.Length;)
        {
            var kind = list[k].Kind;
            kinds.Add(kind);
            // The first entry of a later kind.
            int lo = k + 1, hi = list.Length;
            while (lo < hi)
            {
                var mid = lo + ((hi - lo) >> 1);
                if (string.CompareOrdinal(list[mid].Kind, kind) <= 0) lo = mid + 1;
                else hi = mid;
            }
            k = lo;
        }
        return kinds;
    }

    /// <summary>Whether the entries of <paramref name="leaving"/> (runs of <paramref name="list"/>, in order) are <paramref name="coming"/>, value for value.</summary>
    private static bool SameEntries(ImmutableArray<NotJudged> list, List<(int Start, int End)> leaving, List<NotJudged> coming)
    {
        var k = 0;
        foreach (var (start, end) in leaving)
        {
            for (var i = start; i < end; i++)
            {
                if (k == coming.Count || !list[i].Equals(coming[k++])) return false;
            }
        }
        return k == coming.Count;
    }

    /// <summary>The report's order of not-judged documents: by kind, then name (stable: documents of one name stay in estate order).</summary>
    private static int Order(NotJudged a, NotJudged b)
    {
        var kind = string.CompareOrdinal(a.Kind, b.Kind);
        return kind != 0 ? kind : string.CompareOrdinal(a.Name, b.Name);
    }

    /// <summary>Whether a judged flow reads or writes the store named <paramref name="name"/> (as the full finish counts it).</summary>
    private bool ReadByJudged(ResolvedEstate resolved, string name)
    {
        if (resolved.Store(name) is null) return false;
        var flows = resolved.Estate.Flows;
        foreach (var i in FlowsAt(name))
        {
            var f = flows[i];
            if ((f.From.Name == name || f.To.Name == name) && Touched(DocumentKind.DataFlow, f.Name)) return true;
        }
        return false;
    }

    /// <summary>The estate's documents by name, the flows by endpoint, and the names flows, DR targets, replicas and stores refer to.</summary>
    private sealed class Documents
    {
        private readonly Dictionary<string, List<int>> _clusters = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<int>> _stores = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<int>> _flows = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<int>> _recipients = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _clusterRefs = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _recipientRefs = new(StringComparer.Ordinal);

        public Documents(Estate estate)
        {
            for (var i = 0; i < estate.Clusters.Length; i++) Add(_clusters, estate.Clusters[i].Name, i);
            for (var i = 0; i < estate.Stores.Length; i++) Add(_stores, estate.Stores[i].Name, i);
            for (var i = 0; i < estate.Flows.Length; i++) Add(_flows, estate.Flows[i].Name, i);
            for (var i = 0; i < estate.Recipients.Length; i++) Add(_recipients, estate.Recipients[i].Name, i);
            for (var i = 0; i < estate.Flows.Length; i++) Refer(i, estate.Flows[i], +1);
            foreach (var c in estate.Clusters) Refer(c, +1);
            foreach (var s in estate.Stores) Refer(s, +1);
        }

        public Dictionary<string, List<int>> FlowsByEndpoint { get; } = new(StringComparer.Ordinal);
        public HashSet<string> ClusterReferences { get; } = new(StringComparer.Ordinal);
        public HashSet<string> RecipientReferences { get; } = new(StringComparer.Ordinal);

        public List<int> ClustersNamed(string name) => _clusters.GetValueOrDefault(name) ?? [];
        public List<int> StoresNamed(string name) => _stores.GetValueOrDefault(name) ?? [];
        public List<int> FlowsNamed(string name) => _flows.GetValueOrDefault(name) ?? [];
        public List<int> RecipientsNamed(string name) => _recipients.GetValueOrDefault(name) ?? [];

        public void FlowChanged(int i, DataFlow before, DataFlow after)
        {
            Refer(i, before, -1);
            Refer(i, after, +1);
        }

        private void Refer(int i, DataFlow f, int sign)
        {
            Endpoint(f.From.Name, i, sign);
            if (f.To.Name != f.From.Name) Endpoint(f.To.Name, i, sign);
            Refer(_clusterRefs, ClusterReferences, f.From.Name, sign);
            Refer(_clusterRefs, ClusterReferences, f.To.Name, sign);
            Refer(_recipientRefs, RecipientReferences, f.To.Name, sign);
        }

        public void Refer(Cluster c, int sign)
        {
            foreach (var t in c.DisasterRecovery?.Targets ?? []) Refer(_clusterRefs, ClusterReferences, t.Name, sign);
        }

        public void Refer(DataStore s, int sign)
        {
            foreach (var r in s.Replicas) Refer(_clusterRefs, ClusterReferences, r.Name, sign);
            if (s.Recipient is { } recipient) Refer(_recipientRefs, RecipientReferences, recipient.Name, sign);
        }

        private void Endpoint(string name, int i, int sign)
        {
            if (sign > 0)
            {
                Add(FlowsByEndpoint, name, i);
            }
            else if (FlowsByEndpoint.TryGetValue(name, out var list))
            {
                list.Remove(i);
                if (list.Count == 0) FlowsByEndpoint.Remove(name);
            }
        }

        private static void Refer(Dictionary<string, int> counts, HashSet<string> names, string name, int sign)
        {
            var n = counts.GetValueOrDefault(name) + sign;
            if (n <= 0)
            {
                counts.Remove(name);
                names.Remove(name);
            }
            else
            {
                counts[name] = n;
                names.Add(name);
            }
        }

        private static void Add(Dictionary<string, List<int>> index, string name, int i)
        {
            if (!index.TryGetValue(name, out var list)) index[name] = list = new List<int>(1);
            list.Add(i);
        }
    }
}
