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

/// <summary>
/// A finding's id or root cause as a writer keys and orders it, without writing a number out as text: 16 lower-case hex
/// digits are kept as their number (an id of a report of rows, <see cref="FindingFields.TryGetIdNumbers"/>, or such text
/// read from a finding), any other text as text. Equal ids give equal keys whichever way they were read, and keys order as
/// their texts do (ordinal).
/// </summary>
internal readonly struct IdKey : IEquatable<IdKey>, IComparable<IdKey>
{
    private readonly ulong _number;
    private readonly string? _text;

    private IdKey(ulong number, string? text)
    {
        _number = number;
        _text = text;
    }

    /// <summary>The key of an id given as a number (its text is the number's 16 lower-case hex digits).</summary>
    public static IdKey Of(ulong number) => new(number, null);

    /// <summary>The key of an id given as text.</summary>
    public static IdKey Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryNumber(text, out var number) ? new(number, null) : new(0, text);
    }

    /// <summary>The finding's id.</summary>
    public static IdKey IdOf(in FindingFields f) => f.TryGetIdNumbers(out var id, out _) ? Of(id) : Of(f.Id);

    /// <summary>The finding's root cause, or its id when it has none.</summary>
    public static IdKey RootOrIdOf(in FindingFields f) => f.TryGetIdNumbers(out _, out var root) ? Of(root) : Of(f.RootCause ?? f.Id);

    /// <summary>The id's text.</summary>
    public override string ToString() => _text ?? _number.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    public bool Equals(IdKey other) => _text is null ? other._text is null && _number == other._number : string.Equals(_text, other._text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is IdKey other && Equals(other);

    public override int GetHashCode() => _text is null ? _number.GetHashCode() : StringComparer.Ordinal.GetHashCode(_text);

    /// <summary>Ordinal order of the ids' texts.</summary>
    public int CompareTo(IdKey other)
    {
        if (_text is null && other._text is null) return _number.CompareTo(other._number);
        if (_text is not null && other._text is not null) return string.CompareOrdinal(_text, other._text);
        Span<char> hex = stackalloc char[16];
        var number = _text is null ? _number : other._number;
        number.TryFormat(hex, out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
        return _text is null ? ((ReadOnlySpan<char>)hex).CompareTo(other._text, StringComparison.Ordinal) : _text.AsSpan().CompareTo(hex, StringComparison.Ordinal);
    }

    private static bool TryNumber(string text, out ulong number)
    {
        number = 0;
        if (text.Length != 16) return false;
        foreach (var c in text)
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : -1;
            if (digit < 0) return false;
            number = number << 4 | (uint)digit;
        }
        return true;
    }
}
