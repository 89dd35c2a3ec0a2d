using System.Collections;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Reporting;

/// <summary>
/// Some of a report's findings by their indexes (in report order): a writer keeps the indexes of the findings it shows, not
/// the findings, and reads each one (made as it is read when the report keeps rows, <see cref="FindingList"/>) when it
/// writes it. So what a writer holds grows with four bytes per finding, not with the findings' text.
/// </summary>
internal sealed class ShownFindings : IReadOnlyList<Finding>
{
    private readonly FindingList _all;
    private readonly int[] _indexes;

    private ShownFindings(FindingList all, int[] indexes)
    {
        _all = all;
        _indexes = indexes;
    }

    /// <summary>The findings of <paramref name="all"/> that are not passes (read by status only, none made).</summary>
    public static ShownFindings NotPasses(FindingList all)
    {
        var indexes = new List<int>(all.Count);
        for (var i = 0; i < all.Count; i++)
        {
            if (all.StatusOf(i) != FindingStatus.Pass) indexes.Add(i);
        }
        return new(all, [.. indexes]);
    }

    /// <summary>The findings of <paramref name="all"/> at <paramref name="indexes"/>, in that order.</summary>
    public static ShownFindings At(FindingList all, int[] indexes) => new(all, indexes);

    /// <summary>How many.</summary>
    public int Count => _indexes.Length;

    /// <summary>The <paramref name="index"/>-th shown finding (its report index: <see cref="IndexOf"/>).</summary>
    public Finding this[int index] => _all[_indexes[index]];

    /// <summary>What a writer's tables read of the <paramref name="index"/>-th shown finding, without making it where the report keeps rows (<see cref="FindingList.FieldsOf"/>).</summary>
    public FindingFields FieldsOf(int index) => _all.FieldsOf(_indexes[index]);

    /// <summary>The report index of the <paramref name="index"/>-th shown finding.</summary>
    public int IndexOf(int index) => _indexes[index];

    /// <summary>The findings in order, each read as it is reached.</summary>
    public IEnumerator<Finding> GetEnumerator()
    {
        for (var i = 0; i < _indexes.Length; i++) yield return _all[_indexes[i]];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
