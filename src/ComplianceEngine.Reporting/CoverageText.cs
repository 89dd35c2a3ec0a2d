using System.Globalization;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Reporting;

/// <summary>The words every human-readable format uses for a report's gate and coverage (design section 7).</summary>
public static class CoverageText
{
    /// <summary>One sentence on the gate the run was held to and its outcome.</summary>
    /// <param name="nothingJudged">True when no rule judged anything (also read from <see cref="Gate.NothingJudged"/>): never a
    /// pass to rely on; the pipeline's gate fails it unless fail-on is none.</param>
    public static string Gate(Gate gate, bool nothingJudged = false)
    {
        ArgumentNullException.ThrowIfNull(gate);
        nothingJudged |= gate.NothingJudged;
        var outcome = gate.FailingFindings > 0 ? $"FAIL ({Count(gate.FailingFindings, "finding")} at or above the threshold)"
            : gate.Failed ? "FAIL (nothing was judged, see coverage: a run that judged nothing is not a pass)"
            : nothingJudged && gate.NothingJudgedRelaxedBy is { } relaxed
                ? $"nothing failed, because nothing was judged (see coverage); a run that judged nothing fails, but that was relaxed by {relaxed}"
            : nothingJudged ? "nothing failed, because nothing was judged (see coverage)"
            : "pass";
        if (gate.FailOn == Model.Findings.Gate.None) return $"Gate: fail-on none, no finding fails this run. Result: {outcome}.";
        var what = gate.FailOnIndeterminate
            ? $"violations and indeterminate findings at {gate.FailOn} and above fail the run"
            : $"violations at {gate.FailOn} and above fail the run; indeterminate findings do NOT (relaxed by {gate.RelaxedBy ?? "an option"})";
        return $"Gate: {what}. Result: {outcome}.";
    }

    /// <summary>One line per jurisdiction that judged something: what it judged.</summary>
    public static IEnumerable<string> Judged(Coverage coverage)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        foreach (var (jurisdiction, c) in coverage.ByJurisdiction.Where(kv => !kv.Value.IsEmpty))
        {
            yield return $"{jurisdiction}: {Count(c.Stores, "store")}, {Count(c.Flows, "flow")}, {Count(c.Placements, "placement")}, " +
                $"{Count(c.Transfers, "transfer")} ({Num(c.DeclaredTransfers)} declared, {Num(c.ImpliedTransfers)} implied, {Num(c.OnwardTransfers)} onward)";
        }
    }

    /// <summary>A sentence on what the estate declared and how much of it was judged.</summary>
    public static string Summary(Coverage coverage)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        var d = coverage.Documents;
        var declared = $"{Count(d.Clusters, "cluster")}, {Count(d.Stores, "store")}, {Count(d.Flows, "flow")}, {Count(d.Recipients, "recipient")}";
        if (coverage.NothingJudged)
            return $"Nothing was judged: no loaded rule applied to any of the estate's {declared}. This is not a pass: see why below.";
        var notJudged = coverage.NotJudged.Length;
        return notJudged == 0
            ? $"Coverage: every document of the estate ({declared}) was judged."
            : $"Coverage: {Count(d.Total - notJudged, "document")} of {Num(d.Total)} ({declared}) judged; {Num(notJudged)} not judged (listed below).";
    }

    /// <summary>One line for a document nothing judged.</summary>
    public static string NotJudged(NotJudged item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return $"{item.Location}: not judged {item.Kind}/{item.Name}: {item.Reason}";
    }

    private static string Count(int n, string noun) => $"{Num(n)} {noun}{(n == 1 ? "" : "s")}";

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);
}
