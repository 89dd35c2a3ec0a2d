using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Model.Findings;

/// <summary>
/// Where a report's findings come from when they are not held as objects: something that makes the finding at an index
/// (in report order) when it is read, a new object on every call. An evaluation keeps its findings as rows (a few
/// references each) and makes each <see cref="Finding"/> only when a writer, a policy or an embedder reads it, so a
/// report of a million findings does not hold a million finding objects.
/// </summary>
/// <remarks>Implementations are immutable and safe to read from several threads at once.</remarks>
public abstract class FindingSource
{
    /// <summary>How many findings there are.</summary>
    public abstract int Count { get; }

    /// <summary>The finding at <paramref name="index"/> (0 to <see cref="Count"/> - 1), made now: equal, not the same object, on every call.</summary>
    public abstract Finding Make(int index);

    /// <summary>The status of the finding at <paramref name="index"/>, without making it where the source can tell (a pass is never written).</summary>
    public virtual FindingStatus StatusOf(int index) => FieldsOf(index).Status;

    /// <summary>
    /// What a writer's tables read of the finding at <paramref name="index"/> (<see cref="FindingFields"/>), without making it
    /// where the source can tell; by default the fields of the finding made now.
    /// </summary>
    public virtual FindingFields FieldsOf(int index) => new(Make(index));
}

/// <summary>
/// The fields of a finding that a writer reads to plan its output (group, count, rank, table its evidence), read without
/// making the finding where the report keeps rows (<see cref="FindingList.FieldsOf"/>): the same values the finding has.
/// Not its id, text, waiver or baseline state: a writer that writes the finding reads the finding.
/// </summary>
public readonly struct FindingFields
{
    /// <summary>The fields of <paramref name="finding"/>.</summary>
    public FindingFields(Finding finding)
        : this((finding ?? throw new ArgumentNullException(nameof(finding))).RuleId, finding.RuleTitle, finding.Jurisdiction,
            finding.Severity, finding.Status, finding.Subject, finding.Path, finding.Place, finding.Evidence,
            finding.RootCause is { } root && !string.Equals(root, finding.Id, StringComparison.Ordinal))
    {
    }

    /// <summary>Fields given one by one (a source that keeps rows).</summary>
    public FindingFields(string ruleId, string ruleTitle, string jurisdiction, Severity severity, FindingStatus status, FindingSubject subject,
        ImmutableArray<string> path, FindingPlace? place, ImmutableArray<Evidence> evidence, bool causedByAnother)
    {
        RuleId = ruleId;
        RuleTitle = ruleTitle;
        Jurisdiction = jurisdiction;
        Severity = severity;
        Status = status;
        Subject = subject;
        Path = path;
        Place = place;
        Evidence = evidence.IsDefault ? [] : evidence;
        CausedByAnother = causedByAnother;
    }

    /// <summary><see cref="Finding.RuleId"/>.</summary>
    public string RuleId { get; }

    /// <summary><see cref="Finding.RuleTitle"/>.</summary>
    public string RuleTitle { get; }

    /// <summary><see cref="Finding.Jurisdiction"/>.</summary>
    public string Jurisdiction { get; }

    /// <summary><see cref="Finding.Severity"/>.</summary>
    public Severity Severity { get; }

    /// <summary><see cref="Finding.Status"/>.</summary>
    public FindingStatus Status { get; }

    /// <summary><see cref="Finding.Subject"/>.</summary>
    public FindingSubject Subject { get; }

    /// <summary><see cref="Finding.Path"/>.</summary>
    public ImmutableArray<string> Path { get; }

    /// <summary><see cref="Finding.Place"/>.</summary>
    public FindingPlace? Place { get; }

    /// <summary><see cref="Finding.Evidence"/>.</summary>
    public ImmutableArray<Evidence> Evidence { get; }

    /// <summary>Whether the finding's <see cref="Finding.RootCause"/> is another finding's id (set, and not its own id).</summary>
    public bool CausedByAnother { get; }
}

/// <summary>
/// A report's findings in report order: held as objects (a list given to the report), or made one at a time from a
/// <see cref="FindingSource"/> as they are read. Reading is the same either way (<see cref="Count"/>, the indexer,
/// <c>foreach</c>, LINQ); a list made from a source makes a new, equal finding on every read, and holds none of them, so
/// a writer that reads each finding once and drops it holds one finding at a time.
/// </summary>
[CollectionBuilder(typeof(FindingList), nameof(Create))]
public sealed class FindingList : IReadOnlyList<Finding>
{
    private readonly ImmutableArray<Finding> _held;
    private readonly FindingSource? _source;
    private readonly Func<Finding, Finding>? _then;

    private FindingList(ImmutableArray<Finding> held) => _held = held.IsDefault ? [] : held;

    private FindingList(FindingSource source, Func<Finding, Finding>? then)
    {
        _held = [];
        _source = source;
        _then = then;
    }

    /// <summary>No findings.</summary>
    public static FindingList Empty { get; } = new([]);

    /// <summary>Findings held as objects, in this order.</summary>
    public static FindingList Of(ImmutableArray<Finding> findings) => findings.IsDefaultOrEmpty ? Empty : new(findings);

    /// <summary>Findings made from <paramref name="source"/> as they are read.</summary>
    public static FindingList From(FindingSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new(source, null);
    }

    /// <summary>Findings held as objects (a collection expression: <c>[a, b]</c> or <c>[.. findings]</c>).</summary>
    public static FindingList Create(ReadOnlySpan<Finding> findings) => findings.IsEmpty ? Empty : new([.. findings]);

    /// <summary>Findings held as objects, in this order.</summary>
    public static implicit operator FindingList(ImmutableArray<Finding> findings) => Of(findings);

    /// <summary>How many findings there are.</summary>
    public int Count => _source?.Count ?? _held.Length;

    /// <summary>How many findings there are (as <see cref="Count"/>).</summary>
    public int Length => Count;

    /// <summary>True when there are none.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>True when the findings are held as objects; false when each is made as it is read.</summary>
    public bool IsHeld => _source is null;

    /// <summary>The finding at <paramref name="index"/>: the held object, or one made now.</summary>
    public Finding this[int index]
    {
        get
        {
            if (_source is null) return _held[index];
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _source.Count);
            var made = _source.Make(index);
            return _then is null ? made : _then(made);
        }
    }

    /// <summary>The status of the finding at <paramref name="index"/>, without making it where the list can tell.</summary>
    public FindingStatus StatusOf(int index) => _source is null ? _held[index].Status : _then is null ? _source.StatusOf(index) : this[index].Status;

    /// <summary>
    /// What a writer's tables read of the finding at <paramref name="index"/>, without making it where the list can tell
    /// (made from a source that keeps rows, with no policy applied on read); otherwise the fields of the finding read now.
    /// </summary>
    public FindingFields FieldsOf(int index)
    {
        if (_source is null) return new FindingFields(_held[index]);
        if (_then is not null) return new FindingFields(this[index]);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _source.Count);
        return _source.FieldsOf(index);
    }

    /// <summary>
    /// These findings with <paramref name="map"/> applied to each: mapped now when they are held; for findings made as they
    /// are read, as each is made (so <paramref name="map"/> must give the same result for equal findings, on any thread).
    /// </summary>
    public FindingList Map(Func<Finding, Finding> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (_source is null)
        {
            var mapped = new Finding[_held.Length];
            for (var i = 0; i < mapped.Length; i++) mapped[i] = map(_held[i]);
            return Of(ImmutableCollectionsMarshal.AsImmutableArray(mapped));
        }
        var before = _then;
        return new(_source, before is null ? map : f => map(before(f)));
    }

    /// <summary>Every finding as an object, held: for a list made from a source, every finding made now.</summary>
    public ImmutableArray<Finding> ToImmutableArray()
    {
        if (_source is null) return _held;
        var all = new Finding[Count];
        for (var i = 0; i < all.Length; i++) all[i] = this[i];
        return ImmutableCollectionsMarshal.AsImmutableArray(all);
    }

    /// <summary>Walks the findings in order (each made as it is reached, when they are not held).</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Finding> IEnumerable<Finding>.GetEnumerator() => new Enumerator(this);

    IEnumerator IEnumerable.GetEnumerator() => new Enumerator(this);

    /// <summary>Walks a <see cref="FindingList"/> in order.</summary>
    public struct Enumerator : IEnumerator<Finding>
    {
        private readonly FindingList _list;
        private readonly int _count;
        private int _index;

        internal Enumerator(FindingList list)
        {
            _list = list;
            _count = list.Count;
            _index = -1;
            Current = null!;
        }

        /// <summary>The current finding.</summary>
        public Finding Current { get; private set; }

        readonly object IEnumerator.Current => Current;

        /// <summary>Moves to the next finding (making it, when the findings are not held).</summary>
        public bool MoveNext()
        {
            if (++_index >= _count)
            {
                Current = null!;
                return false;
            }
            Current = _list[_index];
            return true;
        }

        /// <summary>Back to before the first finding.</summary>
        public void Reset()
        {
            _index = -1;
            Current = null!;
        }

        /// <inheritdoc />
        public readonly void Dispose()
        {
        }
    }
}
