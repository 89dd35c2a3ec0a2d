using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Model.Findings;

/// <summary>Counts per status for one jurisdiction.</summary>
public sealed record StatusCounts(int Violation, int Warning, int Indeterminate, int Waived, int Pass)
{
    /// <summary>All zero.</summary>
    public static StatusCounts Zero { get; } = new(0, 0, 0, 0, 0);

    /// <summary>Adds one of <paramref name="status"/>.</summary>
    public StatusCounts Add(FindingStatus status) => status switch
    {
        FindingStatus.Violation => this with { Violation = Violation + 1 },
        FindingStatus.Warning => this with { Warning = Warning + 1 },
        FindingStatus.Indeterminate => this with { Indeterminate = Indeterminate + 1 },
        FindingStatus.Waived => this with { Waived = Waived + 1 },
        _ => this with { Pass = Pass + 1 },
    };
}

/// <summary>Information about a rule that produced findings, for formats that list rules (SARIF).</summary>
public sealed record RuleSummary(string Id, string Title, string Jurisdiction, string Severity, string Citation, string? Url,
    string Remediation, string Confidence);

/// <summary>
/// The finished result of a run. Built once; every output format is a writer over it. Findings are sorted,
/// so the same inputs give the same report. <c>Findings</c> are in report order: held as objects, or (an evaluation's
/// report) made one at a time as they are read, so a report of a million findings holds rows, not finding objects
/// (<see cref="FindingList"/>).
/// </summary>
public sealed record Report(
    string SchemaVersion,
    DateOnly AsOf,
    DateTimeOffset GeneratedAt,
    ImmutableSortedDictionary<string, StatusCounts> ByJurisdiction,
    FindingList Findings,
    ImmutableArray<RuleSummary> Rules,
    ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>
    /// The version (content hash, <c>sha256:</c> and 16 hex digits) of the rule and policy files the run was judged under, as
    /// the pipeline computes it; null where no pipeline did (an embedder calling the engine directly). A baseline made
    /// under another version is reported (CE5010).
    /// </summary>
    public string? RuleSetVersion { get; init; }

    /// <summary>Findings that a baseline hid from failing the run.</summary>
    public int BaselineSuppressed { get; init; }

    /// <summary>Waiver documents considered, with whether they matched and whether they had expired.</summary>
    public ImmutableArray<WaiverStatus> Waivers { get; init; } = [];

    /// <summary>What the run judged per jurisdiction, and the documents nothing judged (design section 7).</summary>
    public Coverage Coverage { get; init; } = Coverage.Empty;

    /// <summary>The gate the run was held to and its outcome; <see cref="Gate.Default"/> until a pipeline applies one.</summary>
    public Gate Gate { get; init; } = Gate.Default;

    /// <summary>
    /// The contract's schema version. 2: each finding has <c>rootCause</c>, is written on one line, and writes its path once
    /// (<c>{path}</c> in <c>message</c>, <c>remediation</c> and evidence values stands for it); rule titles are in
    /// <c>rules</c>; <c>estate</c> lists the sites and transfers the findings name. 3: each distinct evidence entry is
    /// written once, in <c>facts</c> (a finding's <c>evidence</c> lists indexes into it); <c>confidence</c> and <c>rootCause</c> only
    /// where they differ from the rule's and the finding's id (docs/report.schema.json).
    /// </summary>
    public const string CurrentSchemaVersion = "3";
}

/// <summary>What happened to one waiver in a run.</summary>
public sealed record WaiverStatus(string Name, string RuleId, string Subject, string Jurisdiction, DateOnly Expires, string ApprovedBy,
    string Ticket, string Justification, bool Expired, int Matched, Diagnostics.SourceLocation Location)
{
    /// <summary>True when the waiver is in force and expires within <paramref name="days"/> days of <paramref name="asOf"/>.</summary>
    public bool ExpiresWithin(DateOnly asOf, int days) => !Expired && !NotYetApproved && Expires.DayNumber - asOf.DayNumber <= days;

    /// <summary>When the waiver was approved, where it says.</summary>
    public DateOnly? Approved { get; init; }

    /// <summary>
    /// True when the waiver was approved after the as-of date: it was not in force on that date and hid nothing, whether
    /// or not it would have matched a finding (so it is not "unused").
    /// </summary>
    public bool NotYetApproved { get; init; }

    /// <summary><see cref="State"/> of a waiver approved after the as-of date.</summary>
    public const string NotYetApprovedState = "not-yet-approved";

    /// <summary>
    /// The waiver's state in the run: <c>not-yet-approved</c> (approved after the as-of date), <c>expired</c>, <c>unused</c>
    /// (in force, matched no finding) or <c>active</c>. Every writer that lists waivers says this.
    /// </summary>
    public string State => NotYetApproved ? NotYetApprovedState : Expired ? "expired" : Matched == 0 ? "unused" : "active";
}
