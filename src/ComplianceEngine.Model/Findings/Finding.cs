using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Model.Findings;

/// <summary>Outcome of one rule on one subject.</summary>
public enum FindingStatus
{
    Pass,
    Violation,
    Warning,
    Indeterminate,
    Waived,
}

/// <summary>Contract names of <see cref="FindingStatus"/>.</summary>
public static class FindingStatusNames
{
    /// <summary>Lower-case contract name.</summary>
    public static string ToName(this FindingStatus status) => status switch
    {
        FindingStatus.Pass => "pass",
        FindingStatus.Violation => "violation",
        FindingStatus.Warning => "warning",
        FindingStatus.Indeterminate => "indeterminate",
        FindingStatus.Waived => "waived",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    /// <summary>Parses a contract name.</summary>
    public static bool TryParse(string? text, out FindingStatus status)
    {
        foreach (var s in Enum.GetValues<FindingStatus>())
        {
            if (s.ToName() == text)
            {
                status = s;
                return true;
            }
        }
        status = FindingStatus.Pass;
        return false;
    }
}

/// <summary>The document a finding is about, with where it was declared.</summary>
public sealed record FindingSubject(string Kind, string Name, SourceLocation Location)
{
    /// <summary><c>Kind/name</c>.</summary>
    public string Reference => $"{Kind}/{Name}";
}

/// <summary>One fact that decided a finding: a value and the document line that declared it.</summary>
public sealed record Evidence
{
    private readonly string? _value;
    private readonly string? _prefix;
    private readonly ImmutableArray<string> _path;

    /// <summary>Evidence with its value.</summary>
    public Evidence(string Fact, string Value, SourceLocation Location)
    {
        this.Fact = Fact;
        _value = Value;
        this.Location = Location;
    }

    private Evidence(string fact, string prefix, ImmutableArray<string> path, SourceLocation location)
    {
        Fact = fact;
        _prefix = prefix;
        _path = path;
        Location = location;
    }

    /// <summary>
    /// Evidence whose value is <paramref name="prefix"/> followed by <paramref name="path"/> joined with <c>" -> "</c>,
    /// joined when read: an onward hop's evidence names its whole path, which the finding already holds.
    /// </summary>
    public static Evidence EndingWithPath(string fact, string prefix, ImmutableArray<string> path, SourceLocation location)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return new Evidence(fact, prefix, path.IsDefault ? [] : path, location);
    }

    /// <summary>What the fact is (a field name, or "declared flow", "implied by", ...).</summary>
    public string Fact { get; init; }

    /// <summary>Its value, as text.</summary>
    public string Value
    {
        get => _value ?? _prefix + string.Join(" -> ", _path);
        init
        {
            _value = value;
            _prefix = null;
        }
    }

    /// <summary>Where it was declared.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>
    /// The value's parts when it is a prefix followed by a path (<see cref="EndingWithPath"/>), not joined: so a reader that
    /// writes the path apart (the JSON report's <c>{path}</c>) need not join it; false for a value given as text.
    /// </summary>
    public bool TryGetPathEnding(out string prefix, out ImmutableArray<string> path)
    {
        prefix = _prefix ?? "";
        path = _prefix is null ? default : _path;
        return _prefix is not null;
    }

    /// <summary>Equal facts, locations and values (values that end with a path compare by their parts, unjoined).</summary>
    public bool Equals(Evidence? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (Fact != other.Fact || Location != other.Location) return false;
        if (_prefix is not null && other._prefix is not null)
            return _prefix == other._prefix && _path.AsSpan().SequenceEqual(other._path.AsSpan());
        return Value == other.Value;
    }

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Fact, Location);

    /// <summary>Deconstructs into fact, value and location.</summary>
    public void Deconstruct(out string Fact, out string Value, out SourceLocation Location)
    {
        Fact = this.Fact;
        Value = this.Value;
        Location = this.Location;
    }
}

/// <summary>The result of one rule on one subject (and path).</summary>
public sealed record Finding
{
    private readonly string? _message;
    private readonly string? _remediation;
    private readonly ImmutableArray<Evidence> _evidence;
    private readonly FindingText? _text;

    /// <summary>A finding with its text.</summary>
    public Finding(string Id, string RuleId, string RuleTitle, string Jurisdiction, Severity Severity, FindingStatus Status, FindingSubject Subject,
        ImmutableArray<string> Path, string Citation, string Confidence, string Message, string Remediation, ImmutableArray<Evidence> Evidence,
        string? WaiverJustification = null, string? WaiverName = null, BaselineState BaselineState = BaselineState.None)
        : this(Id, RuleId, RuleTitle, Jurisdiction, Severity, Status, Subject, Path, Citation, Confidence)
    {
        ArgumentNullException.ThrowIfNull(Message);
        ArgumentNullException.ThrowIfNull(Remediation);
        _message = Message;
        _remediation = Remediation;
        _evidence = Evidence.IsDefault ? [] : Evidence;
        this.WaiverJustification = WaiverJustification;
        this.WaiverName = WaiverName;
        this.BaselineState = BaselineState;
    }

    /// <summary>
    /// A finding whose message and remediation are rendered from <paramref name="text"/> (its rule's templates and the
    /// values of their placeholders) when they are read; its evidence is the text's.
    /// </summary>
    public Finding(string id, string ruleId, string ruleTitle, string jurisdiction, Severity severity, FindingStatus status, FindingSubject subject,
        ImmutableArray<string> path, string citation, string confidence, FindingText text)
        : this(id, ruleId, ruleTitle, jurisdiction, severity, status, subject, path, citation, confidence)
    {
        ArgumentNullException.ThrowIfNull(text);
        _text = text;
    }

    /// <summary>
    /// A finding whose id and root cause are numbers (the first eight bytes of their fingerprints), written out as 16 hex
    /// digits only when read: a report made of rows makes each finding on every read, and most reads (a writer's tables)
    /// never ask for the id.
    /// </summary>
    internal Finding(ulong idBits, ulong rootBits, string ruleId, string ruleTitle, string jurisdiction, Severity severity, FindingStatus status,
        FindingSubject subject, ImmutableArray<string> path, string citation, string confidence, FindingText text)
        : this(null!, ruleId, ruleTitle, jurisdiction, severity, status, subject, path, citation, confidence)
    {
        ArgumentNullException.ThrowIfNull(text);
        _text = text;
        _idBits = idBits;
        _rootBits = rootBits;
        _fromBits = true;
        _idGiven = false;
    }

    private Finding(string id, string ruleId, string ruleTitle, string jurisdiction, Severity severity, FindingStatus status, FindingSubject subject,
        ImmutableArray<string> path, string citation, string confidence)
    {
        Id = id;
        RuleId = ruleId;
        RuleTitle = ruleTitle;
        Jurisdiction = jurisdiction;
        Severity = severity;
        Status = status;
        Subject = subject;
        Path = path;
        Citation = citation;
        Confidence = confidence;
    }

    private string? _id;
    private readonly ulong _idBits;
    private readonly ulong _rootBits;
    private readonly bool _fromBits;
    private bool _idGiven;

    /// <summary>The stable fingerprint (rule, jurisdiction, subject, path).</summary>
    public string Id
    {
        get => _id ?? (_fromBits ? _id = Hex(_idBits) : null!);
        init
        {
            _id = value;
            _idGiven = true;
        }
    }

    private static string Hex(ulong bits) => bits.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    /// <summary>The rule's id.</summary>
    public string RuleId { get; init; }
    /// <summary>The rule's title.</summary>
    public string RuleTitle { get; init; }
    /// <summary>The rule's jurisdiction.</summary>
    public string Jurisdiction { get; init; }
    /// <summary>The rule's severity (or the policy's override).</summary>
    public Severity Severity { get; init; }
    /// <summary>The outcome.</summary>
    public FindingStatus Status { get; init; }
    /// <summary>The document the finding is about.</summary>
    public FindingSubject Subject { get; init; }
    /// <summary>Names along the way, source first.</summary>
    public ImmutableArray<string> Path { get; init; }
    /// <summary>The legal citation.</summary>
    public string Citation { get; init; }
    /// <summary>verified or unverified.</summary>
    public string Confidence { get; init; }

    /// <summary>What is wrong (or right), in words.</summary>
    public string Message
    {
        get => _message ?? _text!.Message(Path);
        init => _message = value;
    }

    /// <summary>How to fix it.</summary>
    public string Remediation
    {
        get => _remediation ?? _text!.Remediation(Path);
        init => _remediation = value;
    }

    /// <summary>The facts that decided the finding, each with where it was declared.</summary>
    public ImmutableArray<Evidence> Evidence
    {
        get => _text is not null && _evidence.IsDefault ? _text.Evidence : _evidence;
        init => _evidence = value;
    }

    /// <summary>
    /// The message with the path written as <c>{path}</c> (the JSON report keeps each path once, in <c>path</c>): the
    /// template's path placeholder, or for a message given as text, each occurrence of the path joined with <c>" -> "</c>.
    /// </summary>
    public string MessageWithPathToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_message is null) return _text!.Message(Path, token);
        return Path.IsDefaultOrEmpty || Path.Length < 2 ? _message : _message.Replace(string.Join(" -> ", Path), token, StringComparison.Ordinal);
    }

    /// <summary>The remediation with the path written as <paramref name="token"/> (see <see cref="MessageWithPathToken"/>).</summary>
    public string RemediationWithPathToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_remediation is null) return _text!.Remediation(Path, token);
        return Path.IsDefaultOrEmpty || Path.Length < 2 ? _remediation : _remediation.Replace(string.Join(" -> ", Path), token, StringComparison.Ordinal);
    }

    /// <summary>The text as data (templates and values), or null when the finding was built with its text.</summary>
    public FindingText? Text => _text;

    /// <summary>
    /// The text as data when both the message and the remediation are rendered from it (neither was given as text), so a
    /// writer may render them itself from the templates and values; null otherwise.
    /// </summary>
    public FindingText? RenderedText => _message is null && _remediation is null ? _text : null;

    /// <summary>
    /// The id of the finding's root cause: findings with the same root cause (the same rule and outcome on the same origin
    /// data through the same unlawful hop, or the same unknown location) share it, so a report can fold them. The root
    /// finding's own id when it has one; null when nothing worked it out.
    /// </summary>
    /// <remarks>
    /// Set when the finding is made, or once afterwards by <see cref="WithRootCause"/> (evaluation links root causes after
    /// every finding is made, before any report holds them): a root cause, once set, never changes.
    /// </remarks>
    public string? RootCause
    {
        get => Volatile.Read(ref _rootCause) ?? (_fromBits ? RootFromBits() : null);
        init => _rootCause = value;
    }

    /// <summary>The root cause of a finding made with numbers, written out once (its own id when they are equal).</summary>
    private string RootFromBits()
    {
        // Its own id's text when it is the root (one string, not two), unless the id was given as other text since.
        var text = _rootBits == _idBits && !_idGiven ? Id : Hex(_rootBits);
        return Interlocked.CompareExchange(ref _rootCause, text, null) ?? text;
    }

    private string? _rootCause;

    /// <summary>
    /// This finding with <paramref name="rootCause"/> as its <see cref="RootCause"/>: the same object when it has that root
    /// cause, or had none yet (it is set now, once: findings are linked before a report publishes them, and there are
    /// millions of them, so linking does not copy them); a copy when it already has another root cause.
    /// </summary>
    internal Finding WithRootCause(string rootCause)
    {
        ArgumentNullException.ThrowIfNull(rootCause);
        if (_fromBits) _ = RootCause;
        var was = Interlocked.CompareExchange(ref _rootCause, rootCause, null);
        return was is null || string.Equals(was, rootCause, StringComparison.Ordinal) ? this : this with { RootCause = rootCause };
    }

    /// <summary>Where the finding's data is (the sites of a transfer or a placement); null when not known.</summary>
    public FindingPlace? Place { get; init; }

    /// <summary>The waiver's justification, when waived.</summary>
    public string? WaiverJustification { get; init; }
    /// <summary>The waiver's name, when waived.</summary>
    public string? WaiverName { get; init; }
    /// <summary>Against a baseline: new or unchanged.</summary>
    public BaselineState BaselineState { get; init; }

    /// <summary>Equal when every property is (text held as templates and values compares by them, without rendering).</summary>
    public bool Equals(Finding? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            (Id == other.Id && RuleId == other.RuleId && RuleTitle == other.RuleTitle && Jurisdiction == other.Jurisdiction &&
             Severity == other.Severity && Status == other.Status && Subject == other.Subject && Same(Path, other.Path) &&
             Citation == other.Citation && Confidence == other.Confidence && SameText(other) && WaiverJustification == other.WaiverJustification &&
             WaiverName == other.WaiverName && BaselineState == other.BaselineState && RootCause == other.RootCause && Place == other.Place));

    /// <summary>
    /// Texts held as data compare as data (templates and values), never rendered; only a finding given its text compared
    /// with one holding templates renders the latter.
    /// </summary>
    private bool SameText(Finding other)
    {
        if (_text is not null && other._text is not null && _message is null && other._message is null && _remediation is null &&
            other._remediation is null && _evidence.IsDefault && other._evidence.IsDefault)
        {
            return _text.Equals(other._text);
        }
        return Message == other.Message && Remediation == other.Remediation && Same(Evidence, other.Evidence);
    }

    private static bool Same<T>(ImmutableArray<T> a, ImmutableArray<T> b) =>
        a.IsDefault || b.IsDefault ? a.IsDefault == b.IsDefault : a.AsSpan().SequenceEqual(b.AsSpan());

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, RuleId, Jurisdiction, Status);
}

/// <summary>How a finding relates to a baseline report (SARIF <c>baselineState</c>).</summary>
public enum BaselineState
{
    /// <summary>No baseline was given.</summary>
    None,
    /// <summary>Not in the baseline: fails the run.</summary>
    New,
    /// <summary>Already in the baseline: reported, but does not fail the run.</summary>
    Unchanged,
}
