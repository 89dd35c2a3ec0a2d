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
/// so the same inputs give the same report.
/// </summary>
public sealed record Report(
    string SchemaVersion,
    DateOnly AsOf,
    DateTimeOffset GeneratedAt,
    ImmutableSortedDictionary<string, StatusCounts> ByJurisdiction,
    ImmutableArray<Finding> Findings,
    ImmutableArray<RuleSummary> Rules,
    ImmutableArray<Diagnostic> Diagnostics)
{
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
    /// <summary>True when the waiver expires within <paramref name="days"/> days of <paramref name="asOf"/>.</summary>
    public bool ExpiresWithin(DateOnly asOf, int days) => !Expired && Expires.DayNumber - asOf.DayNumber <= days;
}
