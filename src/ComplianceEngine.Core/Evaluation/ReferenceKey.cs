using System.Runtime.CompilerServices;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// The first <c>count</c> strings of an array as a dictionary key, compared by reference: equal references are equal
/// values. For memos whose strings come from shared tables (a rule's reasons, a finding's placeholder values), where
/// comparing references is both correct and far cheaper than comparing text.
/// </summary>
internal readonly struct ReferenceKey(string?[] values, int count) : IEquatable<ReferenceKey>
{
    private readonly string?[] _values = values;
    private readonly int _count = count;

    public bool Equals(ReferenceKey other)
    {
        if (_count != other._count) return false;
        for (var i = 0; i < _count; i++)
        {
            if (!ReferenceEquals(_values[i], other._values[i])) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is ReferenceKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(_count);
        for (var i = 0; i < _count; i++) hash.Add(_values[i] is { } v ? RuntimeHelpers.GetHashCode(v) : 0);
        return hash.ToHashCode();
    }
}
