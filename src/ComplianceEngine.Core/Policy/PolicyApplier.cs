using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Policy;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Policy;

/// <summary>
/// Applies an organisation's policy to a finished evaluation: severity overrides, waivers (an expired waiver hides
/// nothing and is reported; an unused one is reported too) and a baseline (findings already in it are marked
/// unchanged and do not fail the run). Pure: the date comes from the report.
/// </summary>
public static class PolicyApplier
{
    /// <summary>Returns the report with the policy, waivers and baseline applied; problems go to <paramref name="diagnostics"/>.</summary>
    public static Report Apply(Report report, PolicyDocument? policy, IReadOnlyList<Waiver> waivers, IReadOnlySet<string>? baseline, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(waivers);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var asOf = report.AsOf;
        var ruleIds = report.Rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var overrides = (policy?.SeverityOverrides ?? []).ToDictionary(o => o.Rule, o => o.Severity, StringComparer.Ordinal);
        foreach (var o in policy?.SeverityOverrides ?? [])
        {
            if (!ruleIds.Contains(o.Rule))
                diagnostics.Warning(DiagnosticCodes.WaiverUnknownRule, $"Policy '{policy!.Name}': severity override for rule '{o.Rule}', which is not loaded", o.Location);
        }

        var active = new List<Waiver>();
        foreach (var w in waivers)
        {
            if (!ruleIds.Contains(w.Rule))
                diagnostics.Warning(DiagnosticCodes.WaiverUnknownRule, $"Waiver '{w.Name}' names rule '{w.Rule}', which is not loaded{WaiverHints.UnknownRule(w.Rule, ruleIds)}", Or(w.RuleLocation, w.Location));
            if (policy?.MaxWaiverDays is { } max)
            {
                var from = w.Approved ?? asOf;
                var term = w.Expires.DayNumber - from.DayNumber;
                if (term > max)
                {
                    diagnostics.Error(DiagnosticCodes.WaiverTooLong,
                        $"Waiver '{w.Name}' runs {term} days from {from:yyyy-MM-dd} to {w.Expires:yyyy-MM-dd}; policy '{policy.Name}' allows at most {max}", w.Location);
                    continue;
                }
            }
            if (w.Approved is { } approved && approved > asOf)
            {
                // Not yet in force on the date the law is applied as of: an audit of that day sees the finding.
                diagnostics.Warning(DiagnosticCodes.WaiverExpired,
                    $"Waiver '{w.Name}' was approved on {approved:yyyy-MM-dd}, after {asOf:yyyy-MM-dd}, and hides nothing as of that date ({w.Ticket})", w.Location);
                continue;
            }
            if (w.IsExpired(asOf))
            {
                diagnostics.Warning(DiagnosticCodes.WaiverExpired, $"Waiver '{w.Name}' expired on {w.Expires:yyyy-MM-dd} and hides nothing; renew or remove it ({w.Ticket})", w.Location);
                continue;
            }
            active.Add(w);
        }

        var matched = waivers.ToDictionary(w => w.Name, _ => 0, StringComparer.Ordinal);
        var counts = report.ByJurisdiction.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var suppressed = 0;
        // Each finding with the policy applied: the same function for the counting pass below and for every later read of
        // the findings (a report made of rows makes its findings as they are read, so they are not held to be rewritten).
        Finding Applied(Finding original, out Waiver? waived)
        {
            var f = original;
            waived = null;
            if (overrides.TryGetValue(f.RuleId, out var severity)) f = f with { Severity = severity };
            if (f.Status is FindingStatus.Violation or FindingStatus.Warning or FindingStatus.Indeterminate)
            {
                var waiver = active.FirstOrDefault(w => w.Rule == f.RuleId && w.Subject == f.Subject.Reference && w.Jurisdiction == f.Jurisdiction);
                if (waiver is not null)
                {
                    waived = waiver;
                    f = f with { Status = FindingStatus.Waived, WaiverName = waiver.Name, WaiverJustification = waiver.Justification };
                }
                else if (baseline is not null)
                {
                    f = f with { BaselineState = baseline.Contains(f.Id) ? BaselineState.Unchanged : BaselineState.New };
                }
            }
            return f;
        }
        var changes = overrides.Count > 0 || active.Count > 0 || baseline is not null;
        var findings = report.Findings;
        if (changes)
        {
            // One pass to count what the policy moves (each finding read once and dropped)...
            for (var i = 0; i < report.Findings.Count; i++)
            {
                var status = report.Findings.StatusOf(i);
                if (status is not (FindingStatus.Violation or FindingStatus.Warning or FindingStatus.Indeterminate)) continue;
                var original = report.Findings[i];
                var f = Applied(original, out var waiver);
                if (waiver is not null)
                {
                    matched[waiver.Name]++;
                    counts[f.Jurisdiction] = Move(counts[f.Jurisdiction], original.Status, FindingStatus.Waived);
                }
                else if (f.BaselineState == BaselineState.Unchanged) suppressed++;
            }
            // ...and the findings with it applied (now when they are held; as each is read when they are made from rows).
            findings = report.Findings.Map(f => Applied(f, out _));
        }

        foreach (var w in active.Where(w => matched[w.Name] == 0))
        {
            var (hint, field) = WaiverHints.UnmatchedAt(w, findings, ruleIds);
            var at = field switch
            {
                WaiverField.Rule => Or(w.RuleLocation, w.Location),
                WaiverField.Subject => Or(w.SubjectLocation, w.Location),
                WaiverField.Jurisdiction => Or(w.JurisdictionLocation, w.Location),
                _ => w.Location,
            };
            diagnostics.Warning(DiagnosticCodes.WaiverUnused, $"Waiver '{w.Name}' matches no finding ({w.Rule} on {w.Subject} [{w.Jurisdiction}]){hint}", at);
        }

        var statuses = waivers.Select(w => new WaiverStatus(w.Name, w.Rule, w.Subject, w.Jurisdiction, w.Expires, w.ApprovedBy, w.Ticket,
                w.Justification, w.IsExpired(asOf), matched[w.Name], w.Location) { Approved = w.Approved, NotYetApproved = w.Approved > asOf })
            .OrderBy(s => s.Name, StringComparer.Ordinal).ToImmutableArray();
        var rules = report.Rules.Select(r => overrides.TryGetValue(r.Id, out var s) ? r with { Severity = s.ToName() } : r).ToImmutableArray();
        return report with
        {
            Findings = findings,
            ByJurisdiction = counts.ToImmutableSortedDictionary(StringComparer.Ordinal),
            Rules = rules,
            BaselineSuppressed = suppressed,
            Waivers = statuses,
        };
    }

    private static StatusCounts Move(StatusCounts counts, FindingStatus from, FindingStatus to)
    {
        var c = from switch
        {
            FindingStatus.Violation => counts with { Violation = counts.Violation - 1 },
            FindingStatus.Warning => counts with { Warning = counts.Warning - 1 },
            FindingStatus.Indeterminate => counts with { Indeterminate = counts.Indeterminate - 1 },
            _ => counts,
        };
        return c.Add(to);
    }

    /// <summary>
    /// True when the run fails: a violation, or (unless <paramref name="failOnIndeterminate"/> is false) an indeterminate
    /// finding, at or above <paramref name="failOn"/>, that is neither waived nor already in the baseline.
    /// An unknown <paramref name="failOn"/> is a programming error: shells validate it first (see <see cref="Gate.FailOnValues"/>).
    /// </summary>
    public static bool Fails(Report report, string failOn, bool failOnIndeterminate) => Count(report, failOn, failOnIndeterminate) > 0;

    /// <summary>Holds <paramref name="report"/> to a gate: the report with <see cref="Report.Gate"/> set, its outcome counted.</summary>
    /// <param name="relaxedBy">What relaxed <paramref name="failOnIndeterminate"/> to false (an option, a policy), said in the report.</param>
    public static Report Hold(Report report, string failOn, bool failOnIndeterminate, string? relaxedBy)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report with { Gate = new Gate(failOn, failOnIndeterminate, failOnIndeterminate ? null : relaxedBy, Count(report, failOn, failOnIndeterminate)) };
    }

    private static int Count(Report report, string failOn, bool failOnIndeterminate)
    {
        ArgumentNullException.ThrowIfNull(report);
        Severity? threshold;
        if (failOn == Gate.None) threshold = null;
        else if (SeverityNames.TryParse(failOn, out var s)) threshold = s;
        else throw new ArgumentException($"fail-on '{failOn}' is not one of {string.Join(", ", Gate.FailOnValues)}", nameof(failOn));
        return report.Findings.Count(f => Gate.Fails(f, threshold, failOnIndeterminate));
    }

    private static SourceLocation Or(SourceLocation location, SourceLocation fallback) => location.IsKnown ? location : fallback;
}
