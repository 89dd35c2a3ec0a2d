using ComplianceEngine.Core.Rules;

namespace ComplianceEngine.Core.Evaluation.Incremental;

/// <summary>
/// What keeps the watched estate's memory flat over successive edits. The onward filter the index searches with keeps a
/// mask per carried data, keyed by the data's lists (shared arrays within one version of the estate): each version a
/// document edit derives has new lists, so without a bound the masks of every version past were kept (about 0.35 MiB
/// per store or cluster edit at 20k flows, growing without end).
/// </summary>
public sealed partial class IncrementalEvaluation
{
    private OnwardRuleFilter? _hopFilter;
    private int _hopFilterData;

    /// <summary>Notes the filter the onward index searches with, and how many masks the full search left in it.</summary>
    private void KeepFilter(OnwardRuleFilter? filter)
    {
        _hopFilter = filter;
        _hopFilterData = filter?.CachedData ?? 0;
    }

    /// <summary>After the index searched again: past twice what a full search keeps (and a floor), the masks are dropped and worked out again when asked.</summary>
    private void TrimFilter()
    {
        if (_hopFilter is { } filter && filter.CachedData > (2 * _hopFilterData) + FilterMaskFloor) filter.ForgetData();
    }

    /// <summary>Masks the onward filter keeps now (for tests: bounded over successive edits).</summary>
    internal int FilterMasks => _hopFilter?.CachedData ?? 0;

    /// <summary>Masks the onward filter kept after the last full search.</summary>
    internal int FilterMasksAfterFullSearch => _hopFilterData;

    /// <summary>Masks a filter may keep beyond twice the full search's before they are dropped.</summary>
    internal const int MinFilterData = 1024;

    /// <summary>The floor in use (<see cref="MinFilterData"/>; tests lower it to see the bound with a small estate).</summary>
    internal int FilterMaskFloor { get; set; } = MinFilterData;
}
