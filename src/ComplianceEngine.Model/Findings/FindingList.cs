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
/// A finding's fields as a writer reads them to plan and write its output, read without making the finding where the report
/// keeps rows (<see cref="FindingList.FieldsOf"/>): the same values the finding has. Where the report keeps rows, the id and
/// root cause are numbers (<see cref="TryGetIdNumbers"/>, written out as 16 hex digits only when <see cref="Id"/> or
/// <see cref="RootCause"/> is read) and the message and remediation are their templates and values (<see cref="MessageTemplate"/>,
/// rendered only when <see cref="Message"/> or <see cref="Remediation"/> is read); fields read from a finding (a held list,
/// or a policy applied on read) are that finding's.
/// </summary>
public readonly struct FindingFields
{
    private readonly Finding? _finding;
    private readonly ulong _idBits;
    private readonly ulong _rootBits;
    private readonly bool _numbered;

    /// <summary>The fields of <paramref name="finding"/>.</summary>
    public FindingFields(Finding finding)
        : this((finding ?? throw new ArgumentNullException(nameof(finding))).RuleId, finding.RuleTitle, finding.Jurisdiction,
            finding.Severity, finding.Status, finding.Subject, finding.Path, finding.Place, finding.Evidence,
            finding.RootCause is { } root && !string.Equals(root, finding.Id, StringComparison.Ordinal))
    {
        _finding = finding;
        Citation = finding.Citation;
        Confidence = finding.Confidence;
        if (finding.RenderedText is { } text)
        {
            MessageTemplate = text.MessageTemplate;
            RemediationTemplate = text.RemediationTemplate;
            Values = text.Values;
        }
        WaiverName = finding.WaiverName;
        WaiverJustification = finding.WaiverJustification;
        BaselineState = finding.BaselineState;
    }

    /// <summary>Fields given one by one (a source that keeps rows), without the id, citation, confidence or text (a writer's plan).</summary>
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
        Citation = "";
        Confidence = "";
    }

    /// <summary>
    /// Every field of a finding kept as a row (no waiver, no baseline state: a policy applied on read makes the finding): its
    /// id and root cause as numbers (16 hex digits when written out; the root cause is the finding's own id when they are
    /// equal), its message and remediation as their templates and <paramref name="values"/> (the message's placeholders
    /// first; null for the path placeholder).
    /// </summary>
    public FindingFields(ulong idNumber, ulong rootNumber, string ruleId, string ruleTitle, string jurisdiction, Severity severity, FindingStatus status,
        FindingSubject subject, ImmutableArray<string> path, FindingPlace? place, string citation, string confidence, TextTemplate message,
        TextTemplate remediation, ImmutableArray<string?> values, ImmutableArray<Evidence> evidence)
        : this(ruleId, ruleTitle, jurisdiction, severity, status, subject, path, place, evidence, rootNumber != idNumber)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(remediation);
        _idBits = idNumber;
        _rootBits = rootNumber;
        _numbered = true;
        Citation = citation;
        Confidence = confidence;
        MessageTemplate = message;
        RemediationTemplate = remediation;
        Values = values.IsDefault ? [] : values;
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

    /// <summary><see cref="Finding.Citation"/> (empty for fields given for a writer's plan only).</summary>
    public string Citation { get; }

    /// <summary><see cref="Finding.Confidence"/> (empty for fields given for a writer's plan only).</summary>
    public string Confidence { get; }

    /// <summary>
    /// The message template when both the message and the remediation are rendered from templates and <see cref="Values"/>
    /// (a writer may render them itself); null when the finding was given its text.
    /// </summary>
    public TextTemplate? MessageTemplate { get; }

    /// <summary>The remediation template, when <see cref="MessageTemplate"/> is set.</summary>
    public TextTemplate? RemediationTemplate { get; }

    /// <summary>The placeholder values of <see cref="MessageTemplate"/>, then of <see cref="RemediationTemplate"/> (null: the path).</summary>
    public ImmutableArray<string?> Values { get; }

    /// <summary><see cref="Finding.WaiverName"/>.</summary>
    public string? WaiverName { get; }

    /// <summary><see cref="Finding.WaiverJustification"/>.</summary>
    public string? WaiverJustification { get; }

    /// <summary><see cref="Finding.BaselineState"/>.</summary>
    public BaselineState BaselineState { get; }

    /// <summary>
    /// The id and root cause as numbers, when the fields were read from a row (their text is each number's 16 lower-case
    /// hex digits; a root cause equal to the id is the finding's own): so a writer can key, compare and write them without
    /// making their text. False for fields read from a finding (its id may be any text: <see cref="Id"/>).
    /// </summary>
    public bool TryGetIdNumbers(out ulong id, out ulong rootCause)
    {
        id = _idBits;
        rootCause = _rootBits;
        return _numbered;
    }

    /// <summary><see cref="Finding.Id"/> (written out now when the id is a number).</summary>
    public string Id => _numbered ? Hex(_idBits) : _finding?.Id ?? throw NotGiven();

    /// <summary><see cref="Finding.RootCause"/> (written out now when it is a number).</summary>
    public string? RootCause => _numbered ? Hex(_rootBits) : _finding is { } f ? f.RootCause : throw NotGiven();

    /// <summary><see cref="Finding.Message"/> (rendered now from the template, where there is one).</summary>
    public string Message => MessageTemplate is { } t ? t.Render(Values, 0, Path) : _finding?.Message ?? throw NotGiven();

    /// <summary><see cref="Finding.Remediation"/> (rendered now from the template, where there is one).</summary>
    public string Remediation => RemediationTemplate is { } t ? t.Render(Values, MessageTemplate!.Placeholders.Count, Path) : _finding?.Remediation ?? throw NotGiven();

    /// <summary><see cref="Finding.MessageWithPathToken"/>.</summary>
    public string MessageWithPathToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return MessageTemplate is { } t ? t.Render(Values, 0, Path, token) : _finding?.MessageWithPathToken(token) ?? throw NotGiven();
    }

    /// <summary><see cref="Finding.RemediationWithPathToken"/>.</summary>
    public string RemediationWithPathToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return RemediationTemplate is { } t ? t.Render(Values, MessageTemplate!.Placeholders.Count, Path, token)
            : _finding?.RemediationWithPathToken(token) ?? throw NotGiven();
    }

    private static string Hex(ulong bits) => bits.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    private static InvalidOperationException NotGiven() =>
        new("these fields were given for a writer's plan only (no id or text): read the finding");
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
