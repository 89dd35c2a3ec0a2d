using System.Collections.Immutable;
using System.Runtime.InteropServices;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// A finding while the evaluation runs: a value in a tally's blocks (<see cref="TallyFindings"/>), not objects of its own.
/// It holds what the finding is made of (its rule's plan, subject, path, place, outcome, citation, confidence, message
/// template, placeholder values and evidence), all of them references to objects the rule, the fact or the builder's shared
/// tables already hold, and its id as a number (the SHA-256 fingerprint is worked out with the row, on the worker); the id's
/// text, the text object and the finding itself are made by <see cref="ToFinding"/> when the report takes the findings. So
/// the tens of thousands of findings a chunk makes live through the evaluation's collections as one array per 512 of them
/// instead of four objects each.
/// </summary>
/// <remarks>
/// A row made from a finding that already exists (<see cref="Made"/>: the incremental evaluation keeps findings per fact)
/// gives that finding back. <see cref="ToFinding"/> makes a new, equal finding on every call: the report calls it once per row.
/// </remarks>
internal readonly struct FindingRow
{
    /// <summary>A row of a finding made by <see cref="FindingBuilder"/>.</summary>
    internal FindingRow(FindingBuilder.RulePlan plan, Fact? fact, FindingSubject subject, ImmutableArray<string> path, FindingPlace? place,
        FindingStatus status, string citation, string confidence, TextTemplate message, string?[] values, Evidence[] evidence)
    {
        Rule = plan.Rule;
        Plan = plan;
        IdBits = FindingFactory.FingerprintBits(plan.Key, subject, path);
        HasIdBits = true;
        Fact = fact;
        Subject = subject;
        Path = path;
        Place = place;
        Status = status;
        Citation = citation;
        Confidence = confidence;
        Message = message;
        Values = values;
        Evidence = evidence;
    }

    /// <summary>A row of a finding that is already made.</summary>
    public FindingRow(Finding made, CompiledRule rule, Fact? fact)
    {
        ArgumentNullException.ThrowIfNull(made);
        ArgumentNullException.ThrowIfNull(rule);
        Made = made;
        Rule = rule;
        HasIdBits = FindingFactory.TryIdBits(made.Id, out var bits);
        IdBits = bits;
        Fact = fact;
        Subject = made.Subject;
        Path = made.Path;
        Place = made.Place;
        Status = made.Status;
        Citation = made.Citation;
        Confidence = made.Confidence;
        Values = [];
        Evidence = [];
    }

    /// <summary>The rule whose verdict this is.</summary>
    public CompiledRule Rule { get; }

    /// <summary>The fact judged, when kept for explanations; null otherwise.</summary>
    public Fact? Fact { get; }

    /// <summary>
    /// The finding's id as a number (<see cref="FindingFactory.FingerprintBits"/>), worked out with the row, so that the report
    /// drops repeated ids by comparing numbers; valid when <see cref="HasIdBits"/> (a made finding's id may be any text).
    /// </summary>
    public ulong IdBits { get; }

    /// <summary>Whether <see cref="IdBits"/> is the finding's id (always for a built row; for a made finding, when its id is 16 hex digits).</summary>
    public bool HasIdBits { get; }

    /// <summary>The finding, when the row was made from one.</summary>
    public Finding? Made { get; }

    /// <summary>The rule's plan (its key, templates and names); null for a row made from a finding.</summary>
    internal FindingBuilder.RulePlan? Plan { get; }

    /// <summary>The document the finding is about (the fact's subject object).</summary>
    public FindingSubject Subject { get; }

    /// <summary>The fact's path (its array, not a copy).</summary>
    public ImmutableArray<string> Path { get; }

    /// <summary>Where the fact's data is (shared by the fact's rows, and by transfers between the same sites).</summary>
    public FindingPlace? Place { get; }

    /// <summary>The outcome.</summary>
    public FindingStatus Status { get; }

    /// <summary>The rule's citation text on the evaluation's date.</summary>
    public string Citation { get; }

    /// <summary>verified or unverified.</summary>
    public string Confidence { get; }

    /// <summary>The message template (the rule's, or a literal one for a pass or an indeterminate verdict).</summary>
    public TextTemplate? Message { get; }

    /// <summary>The placeholder values of the message, then of the remediation (shared with other rows naming the same values).</summary>
    public string?[] Values { get; }

    /// <summary>The evidence, in the finding's order.</summary>
    public Evidence[] Evidence { get; }

    /// <summary>
    /// The finding: its id written out (<see cref="FindingFactory.IdText"/> of <see cref="IdBits"/>) and its text as data, as
    /// <see cref="FindingBuilder.Create"/> has always made it; the row's finding when it was made from one.
    /// </summary>
    public Finding ToFinding()
    {
        if (Made is { } made) return made;
        return Build(FindingFactory.IdText(IdBits), rootCause: null);
    }

    /// <summary>
    /// The finding of a built row with its root cause (a number, as <see cref="IdBits"/> is): its id and root cause written
    /// out only when read. A report made of rows (<see cref="RowFindings"/>) makes each finding this way as it is read.
    /// </summary>
    public Finding ToFindingWithRoot(ulong rootBits)
    {
        if (Made is not null) throw new InvalidOperationException("a row made from a finding has that finding's root cause");
        var plan = Plan!;
        var def = Rule.Definition;
        return new Finding(IdBits, rootBits, def.Id, def.Title, def.Jurisdiction, def.Severity, Status, Subject, Path, Citation, Confidence,
            new FindingText(Message!, plan.Remediation, ImmutableCollectionsMarshal.AsImmutableArray(Values), ImmutableCollectionsMarshal.AsImmutableArray(Evidence)))
        {
            Place = Place,
        };
    }

    private Finding Build(string id, string? rootCause)
    {
        var plan = Plan!;
        var def = Rule.Definition;
        return new Finding(
            id,
            def.Id,
            def.Title,
            def.Jurisdiction,
            def.Severity,
            Status,
            Subject,
            Path,
            Citation,
            Confidence,
            new FindingText(Message!, plan.Remediation, ImmutableCollectionsMarshal.AsImmutableArray(Values), ImmutableCollectionsMarshal.AsImmutableArray(Evidence)))
        {
            Place = Place,
            RootCause = rootCause,
        };
    }
}
