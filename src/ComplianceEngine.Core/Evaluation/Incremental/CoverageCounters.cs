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
/// of its rules' verdicts is not "not applicable", as <see cref="CoverageTally.Record(Fact, List{Verdict})"/> counts it.
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

    /// <summary>Facts recorded now (each judged by at least one jurisdiction).</summary>
    public int Facts { get; private set; }

    /// <summary>Adds (+1) or takes away (-1) the fact with <paramref name="verdicts"/>.</summary>
    public void Record(Fact fact, List<Verdict> verdicts, int sign)
    {
        _seen.Clear();
        foreach (var v in verdicts)
        {
            if (v.Judgement == Judgement.NotApplicable) continue;
            var j = v.Rule.Definition.Jurisdiction;
            if (!_seen.Contains(j)) _seen.Add(j);
        }
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

    private void Touch(string kind, string name, int sign)
    {
        if (!_touched.TryGetValue(kind, out var names)) _touched[kind] = names = new Dictionary<string, int>(StringComparer.Ordinal);
        Count(names, name, sign);
    }

    private static void Count(Dictionary<string, int> counts, string name, int sign)
    {
        var n = counts.GetValueOrDefault(name) + sign;
        if (n < 0) throw new InvalidOperationException($"coverage counter of '{name}' below zero");
        if (n == 0) counts.Remove(name);
        else counts[name] = n;
    }

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
        return CoverageTally.Finish(resolved, by.ToImmutable(), Touched, evaluator.RegimesOfSubject);
    }
}
