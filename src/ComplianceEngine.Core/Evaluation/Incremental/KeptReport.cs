using System.Collections.Immutable;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Evaluation.Incremental;

/// <summary>
/// The parts of a report kept between updates and patched per changed fact, so a new report costs what changed plus one
/// copy of the findings, not a merge, sort and link of them all. What a report is stays defined once, by the batch path:
/// the findings are merged as <see cref="Evaluator.BuildReport"/> merges them (of equal ids, the first fact's), counted with
/// <see cref="Evaluator.Count"/>, kept in <see cref="FindingFactory.Order"/>, linked by <see cref="RootCauses.Linked"/>,
/// and the report is put together by <see cref="Evaluator.Assemble"/>.
/// </summary>
/// <remarks>
/// Facts are identified by their place in the derivation order (<see cref="IFactPlace"/>, read when it matters, so the
/// owner may renumber places when facts appear or disappear mid-order): a re-derived fact takes its old place, so "the
/// first fact's finding" means the same as in a full evaluation.
/// </remarks>
internal sealed class KeptReport
{
    /// <summary>Per finding id, the facts that made a finding of it (usually one), and which of them the report shows.</summary>
    private readonly Dictionary<string, Slot> _byId = new(StringComparer.Ordinal);

    /// <summary>The report's findings (each slot's first), root causes linked, in <see cref="FindingFactory.Order"/> (chunks the published reports share).</summary>
    private readonly FindingChunks _sorted;

    /// <summary>Findings and counted passes per jurisdiction and status.</summary>
    private readonly Dictionary<string, int[]> _tally;

    /// <summary>Per whole-path key (<see cref="RootCauses.KeyOf"/>), the report's findings with that path.</summary>
    private readonly Dictionary<RootCauses.PathKey, List<Finding>> _byPath = [];

    /// <summary>Per strict-prefix key, the ids of the report's findings whose path extends it (their root cause may be the prefix's finding).</summary>
    private readonly Dictionary<RootCauses.PathKey, HashSet<string>> _extending = [];

    /// <summary>The ids more than one fact makes a finding of (which is first depends on the facts' order).</summary>
    private readonly HashSet<string> _shared = new(StringComparer.Ordinal);

    private readonly bool _includePasses;

    /// <summary>Findings appearing or disappearing in one publish beyond which a publish counts as a bulk merge (for tests' statistics).</summary>
    internal const int InPlaceMoves = 2;

    private KeptReport(FindingChunks sorted, Dictionary<string, int[]> tally, bool includePasses)
    {
        _sorted = sorted;
        _tally = tally;
        _includePasses = includePasses;
    }

    /// <summary>
    /// The kept parts of <paramref name="report"/>, built by a full evaluation from <paramref name="facts"/> (each fact's
    /// ordinal, verdicts and findings, in derivation order).
    /// </summary>
    public static KeptReport Of(Report report, IEnumerable<(IFactPlace Place, List<Verdict>? Verdicts, Finding[] Findings)> facts, bool includePasses) =>
        Of(report.Findings.ToImmutableArray(), facts, includePasses);

    /// <summary>As <see cref="Of(Report, IEnumerable{ValueTuple{IFactPlace, List{Verdict}, Finding[]}}, bool)"/>, from the report's findings.</summary>
    internal static KeptReport Of(ImmutableArray<Finding> reported, IEnumerable<(IFactPlace Place, List<Verdict>? Verdicts, Finding[] Findings)> facts, bool includePasses)
    {
        var tally = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var kept = new KeptReport(new FindingChunks(reported), tally, includePasses);
        foreach (var (place, verdicts, findings) in facts)
        {
            if (verdicts is null) continue;
            kept.CountPasses(verdicts, +1);
            foreach (var f in findings) kept.Made(place, f);
        }
        foreach (var linked in reported)
        {
            var slot = kept._byId[linked.Id];
            slot.Shown = slot.First;
            Evaluator.Count(tally, linked.Jurisdiction, linked.Status, 1);
            kept.Index(slot.Shown!, +1);
        }
        return kept;
    }

    /// <summary>Number of findings in the report.</summary>
    public int Count => _sorted.Count;

    /// <summary>The findings, counts and passes of the fact at <paramref name="place"/> leave (a changed or removed fact).</summary>
    public void Remove(IFactPlace place, List<Verdict>? verdicts, Finding[] findings, HashSet<string> dirty)
    {
        if (verdicts is null) return;
        CountPasses(verdicts, -1);
        foreach (var f in findings)
        {
            var slot = _byId[f.Id];
            slot.Remove(place);
            if (slot.Count == 1) _shared.Remove(f.Id);
            dirty.Add(f.Id);
        }
    }

    /// <summary>The findings, counts and passes of the fact at <paramref name="place"/> come in.</summary>
    public void Add(IFactPlace place, List<Verdict>? verdicts, Finding[] findings, HashSet<string> dirty)
    {
        if (verdicts is null) return;
        CountPasses(verdicts, +1);
        foreach (var f in findings)
        {
            Made(place, f);
            dirty.Add(f.Id);
        }
    }

    /// <summary>
    /// The facts' places were renumbered (facts appeared or disappeared mid-order, or kept facts changed their order): the
    /// ids more than one fact makes are looked at again by the next <see cref="Publish"/> (which of them is first may change).
    /// </summary>
    public void Reordered(HashSet<string> dirty) => dirty.UnionWith(_shared);

    private void Made(IFactPlace place, Finding f)
    {
        if (!_byId.TryGetValue(f.Id, out var slot)) _byId[f.Id] = slot = new Slot();
        slot.Add(place, f);
        if (slot.Count == 2) _shared.Add(f.Id);
    }

    /// <summary>Brings the report's findings up to date with the slots of <paramref name="dirty"/> ids: what is shown, counted and linked.</summary>
    public void Publish(HashSet<string> dirty)
    {
        // Per whole-path key whose findings change: the first finding's id before (a root cause of the findings extending it).
        var firstBefore = new Dictionary<RootCauses.PathKey, string?>();
        void Touch(Finding f)
        {
            if (f.Path.IsDefaultOrEmpty) return;
            var key = RootCauses.KeyOf(f, f.Path.Length);
            if (!firstBefore.ContainsKey(key)) firstBefore[key] = FirstWithPath(key);
        }
        var relink = new HashSet<string>(StringComparer.Ordinal);
        // The report's list is patched in one merge at the end (a removal or insertion each would move the whole list).
        var leaving = new List<int>();
        var coming = new List<Finding>();
        foreach (var id in dirty)
        {
            var slot = _byId[id];
            var shown = slot.Shown;
            var first = slot.First;
            if (ReferenceEquals(shown, first))
            {
                if (first is null) Forget(id);
                continue;
            }
            // A finding that takes the place of one that sorts the same (the usual case: the same id, made again for a
            // changed fact) is put where that one was; only findings that appear or disappear move the list.
            var inPlace = shown is not null && first is not null && FindingFactory.Order.Compare(shown, first) == 0;
            if (shown is not null)
            {
                Touch(shown);
                var at = IndexOf(shown);
                if (inPlace) _sorted[at] = first!;
                else leaving.Add(at);
                Evaluator.Count(_tally, shown.Jurisdiction, shown.Status, -1);
                Index(shown, -1);
            }
            slot.Shown = first;
            if (first is null)
            {
                Forget(id);
                continue;
            }
            Touch(first);
            if (!inPlace) coming.Add(first);
            Evaluator.Count(_tally, first.Jurisdiction, first.Status, 1);
            Index(first, +1);
            relink.Add(id);
        }
        if (leaving.Count > 0 || coming.Count > 0) Merge(leaving, coming);
        // A finding's root cause is the first finding whose whole path is a prefix of its own: where that first finding
        // changed, the findings extending its path are linked again.
        foreach (var (key, before) in firstBefore)
        {
            if (FirstWithPath(key) != before && _extending.TryGetValue(key, out var ids)) relink.UnionWith(ids);
        }
        foreach (var id in relink)
        {
            var i = IndexOf(_byId[id].Shown!);
            _sorted[i] = RootCauses.Linked(_sorted[i], FirstWithPath);
        }
    }

    private void Forget(string id)
    {
        _byId.Remove(id);
        _shared.Remove(id);
    }

    /// <summary>
    /// The report's list without the findings at <paramref name="leaving"/> positions, with <paramref name="coming"/> in
    /// order: only the chunks they fall in are made again (<see cref="FindingChunks"/>), not a list of every finding.
    /// </summary>
    private void Merge(List<int> leaving, List<Finding> coming)
    {
        leaving.Sort();
        coming.Sort(FindingFactory.Order);
        _sorted.Merge(leaving, coming, FindingFactory.Order);
    }

    /// <summary>The report's findings now: a snapshot sharing the kept chunks (the next write to a chunk copies it).</summary>
    public FindingList Findings() => _sorted.Snapshot();

    /// <summary>The report's counts now (every rule's jurisdiction listed).</summary>
    public ImmutableSortedDictionary<string, Model.Findings.StatusCounts> Counts(Evaluator evaluator) => evaluator.Counts(_tally);

    /// <summary>The id of the first finding (in report order) whose whole path is <paramref name="key"/>: each key's findings are kept in that order.</summary>
    private string? FirstWithPath(RootCauses.PathKey key) => _byPath.TryGetValue(key, out var list) && list.Count > 0 ? list[0].Id : null;

    private int IndexOf(Finding f)
    {
        var at = _sorted.BinarySearch(f, FindingFactory.Order);
        if (at < 0) throw new InvalidOperationException($"finding {f.Id} is not in the kept report");
        return at;
    }

    /// <summary>Adds (+1) or removes (-1) <paramref name="f"/> (as shown, unlinked) from the path indexes.</summary>
    private void Index(Finding f, int sign)
    {
        if (f.Path.IsDefaultOrEmpty) return;
        var whole = RootCauses.KeyOf(f, f.Path.Length);
        if (sign > 0)
        {
            // In report order (many findings can share a path: every transfer between the same two sites under one rule).
            if (!_byPath.TryGetValue(whole, out var list)) _byPath[whole] = list = new List<Finding>(1);
            var at = list.Count == 0 || FindingFactory.Order.Compare(list[^1], f) < 0 ? list.Count : list.BinarySearch(f, FindingFactory.Order);
            list.Insert(at >= 0 ? at : ~at, f);
        }
        else if (_byPath.TryGetValue(whole, out var list))
        {
            // The one of this id (it sorts where f does: the same id compares equal).
            var at = list.BinarySearch(f, FindingFactory.Order);
            if (at >= 0) list.RemoveAt(at);
            if (list.Count == 0) _byPath.Remove(whole);
        }
        for (var length = 2; length < f.Path.Length; length++)
        {
            var prefix = RootCauses.KeyOf(f, length);
            if (sign > 0)
            {
                if (!_extending.TryGetValue(prefix, out var ids)) _extending[prefix] = ids = new HashSet<string>(StringComparer.Ordinal);
                ids.Add(f.Id);
            }
            else if (_extending.TryGetValue(prefix, out var ids))
            {
                ids.Remove(f.Id);
                if (ids.Count == 0) _extending.Remove(prefix);
            }
        }
    }

    /// <summary>Passes that are only counted (not findings), as <see cref="VerdictTally.Add(Facts.Fact, List{Verdict}, Finding[])"/> counts them.</summary>
    private void CountPasses(List<Verdict> verdicts, int sign)
    {
        if (_includePasses) return;
        foreach (var v in verdicts)
        {
            if (v.Judgement == Rules.Judgement.Pass) Evaluator.Count(_tally, v.Rule.Definition.Jurisdiction, FindingStatus.Pass, sign);
        }
    }

    /// <summary>The findings of one id, by the place of the fact that made each; the first is the report's.</summary>
    private sealed class Slot
    {
        private readonly List<(IFactPlace Place, Finding Finding)> _made = new(1);

        public int Count => _made.Count;

        /// <summary>The finding the report shows now (unlinked), or null.</summary>
        public Finding? Shown { get; set; }

        /// <summary>The finding of the first fact, or null when no fact makes one.</summary>
        public Finding? First
        {
            get
            {
                if (_made.Count == 0) return null;
                var first = _made[0];
                foreach (var m in _made)
                {
                    if (m.Place.Ordinal < first.Place.Ordinal) first = m;
                }
                return first.Finding;
            }
        }

        public void Add(IFactPlace place, Finding f) => _made.Add((place, f));

        public void Remove(IFactPlace place)
        {
            var i = _made.FindIndex(m => ReferenceEquals(m.Place, place));
            if (i < 0) throw new InvalidOperationException($"no finding of fact {place.Ordinal} is kept");
            _made.RemoveAt(i);
        }
    }
}

/// <summary>A fact's place in the derivation order, as the kept report reads it (the owner may renumber places between updates).</summary>
internal interface IFactPlace
{
    /// <summary>The fact's position in the derivation order now.</summary>
    long Ordinal { get; }
}
