using System.Runtime.InteropServices;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// A report's findings kept as the evaluation's rows (<see cref="FindingRow"/>, in the tallies' blocks): the kept rows in
/// report order and each one's root cause as a number, a finding made (<see cref="FindingRow.ToFindingWithRoot"/>) only when it is
/// read. The report phase sorts the rows and links their root causes without making a finding; writers, policies and
/// embedders make each finding as they read it and drop it, so no million finding objects live at once.
/// </summary>
/// <remarks>
/// Every row is one <see cref="FindingBuilder"/> built (none made from a finding: those keep their own objects, and their
/// ids may be any text), so every id and root cause is a number (<see cref="FindingFactory.IdText"/> writes it).
/// </remarks>
internal sealed class RowFindings : FindingSource
{
    private readonly TallyFindings[] _tallies;
    private readonly (int Tally, int Row)[] _order;
    private readonly ulong[] _roots;

    private RowFindings(TallyFindings[] tallies, (int Tally, int Row)[] order, ulong[] roots)
    {
        _tallies = tallies;
        _order = order;
        _roots = roots;
    }

    /// <inheritdoc />
    public override int Count => _order.Length;

    /// <inheritdoc />
    public override Finding Make(int index)
    {
        var (t, r) = _order[index];
        return _tallies[t].At(r).ToFindingWithRoot(_roots[index]);
    }

    /// <inheritdoc />
    public override FindingStatus StatusOf(int index)
    {
        var (t, r) = _order[index];
        return _tallies[t].At(r).Status;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Read from the row: nothing is made (the id and root cause stay numbers, the text its templates and values, the evidence
    /// the row's array, as the made finding's are).
    /// </remarks>
    public override FindingFields FieldsOf(int index)
    {
        var (t, r) = _order[index];
        ref readonly var row = ref _tallies[t].At(r);
        var def = row.Rule.Definition;
        return new FindingFields(row.IdBits, _roots[index], def.Id, def.Title, def.Jurisdiction, def.Severity, row.Status, row.Subject, row.Path,
            row.Place, row.Citation, row.Confidence, row.Message!, row.Plan!.Remediation, ImmutableCollectionsMarshal.AsImmutableArray(row.Values),
            ImmutableCollectionsMarshal.AsImmutableArray(row.Evidence));
    }

    /// <summary>
    /// The <paramref name="kept"/> rows of <paramref name="tallies"/> (<see cref="TallyFindings.Kept"/>) in report order
    /// (<see cref="FindingFactory.Order"/>: rule rank, then subject, path and id), their root causes linked as
    /// <see cref="RootCauses"/> links findings, on up to <paramref name="workers"/> threads; <paramref name="ruleRanks"/> is
    /// each kept row's rule rank (<see cref="FindingFactory.RuleRanks"/>). Rows of one rule rank are one jurisdiction and
    /// rule: they are sorted and linked together, rule ranks in parallel.
    /// </summary>
    public static RowFindings Sorted(IReadOnlyList<TallyFindings> tallies, (int Tally, int Row)[] kept, int[] ruleRanks, int workers)
    {
        var all = tallies.ToArray();
        var subjectRanks = SubjectRanks(all, kept);
        var groupCount = 0;
        foreach (var r in ruleRanks) groupCount = Math.Max(groupCount, r + 1);
        var groups = new List<int>?[groupCount];
        for (var i = 0; i < kept.Length; i++) (groups[ruleRanks[i]] ??= []).Add(i);
        var starts = new int[groupCount + 1];
        for (var g = 0; g < groupCount; g++) starts[g + 1] = starts[g] + (groups[g]?.Count ?? 0);
        var order = new (int Tally, int Row)[kept.Length];
        var roots = new ulong[kept.Length];
        void SortAndLink(int g)
        {
            var group = groups[g];
            if (group is null) return;
            group.Sort((x, y) =>
            {
                if (subjectRanks[x] != subjectRanks[y]) return subjectRanks[x] < subjectRanks[y] ? -1 : 1;
                ref readonly var a = ref all[kept[x].Tally].At(kept[x].Row);
                ref readonly var b = ref all[kept[y].Tally].At(kept[y].Row);
                var c = FindingFactory.ComparePaths(a.Path, b.Path);
                return c != 0 ? c : a.IdBits.CompareTo(b.IdBits);
            });
            var at = starts[g];
            for (var k = 0; k < group.Count; k++) order[at + k] = kept[group[k]];
            RootCauses.LinkRows(all, order.AsSpan(at, group.Count), roots.AsSpan(at, group.Count));
        }
        if (workers <= 1 || kept.Length < 16_384) for (var g = 0; g < groupCount; g++) SortAndLink(g);
        else Parallel.For(0, groupCount, new ParallelOptions { MaxDegreeOfParallelism = workers }, SortAndLink);
        return new RowFindings(all, order, roots);
    }

    /// <summary>Each kept row's rank by subject (kind, then name in natural order; equal keys, equal rank), as <see cref="FindingFactory"/> ranks findings.</summary>
    private static int[] SubjectRanks(TallyFindings[] tallies, (int Tally, int Row)[] kept) =>
        FindingFactory.SubjectRanks(kept.Length, i => tallies[kept[i].Tally].At(kept[i].Row).Subject);

    /// <summary>The site whose unknown country makes an indeterminate transfer undecidable (origin, source, destination), as for a finding.</summary>
    internal static string? UnknownSite(in FindingRow row)
    {
        if (row.Status != FindingStatus.Indeterminate || row.Place is not { IsTransfer: true } place) return null;
        if (place.Origin is { Country: null } origin) return origin.Name;
        if (place.Site.Country is null) return place.Site.Name;
        return place.Destination!.Country is null ? place.Destination.Name : null;
    }

    /// <summary>The root cause id, as a number, of an unknown site's findings of one rule (<see cref="RootCauses.UnknownLocation"/>).</summary>
    internal static ulong UnknownSiteBits(byte[] ruleKey, string site) =>
        FindingFactory.FingerprintBits(ruleKey, new FindingSubject("Site", site, SourceLocation.None), [RootCauses.UnknownLocation]);
}
