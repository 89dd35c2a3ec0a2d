using System.Collections.Immutable;
using System.Globalization;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>One condition of a rule, evaluated on the finding's fact, with the facts it read.</summary>
public sealed record ConditionTrace(string Text, Tri Result, ImmutableArray<Evidence> Facts, ImmutableArray<ConditionTrace> Children)
{
    /// <summary>The condition traced.</summary>
    internal Condition? Condition { get; init; }
}

/// <summary>Why a finding came out as it did, and the smallest changes that would clear it.</summary>
public sealed record Explanation(Finding Finding, ConditionTrace? Applies, ConditionTrace? Requires, ImmutableArray<string> Fixes, string? ImpliedBy);

/// <summary>Re-evaluates each condition of a rule on a fact to explain a finding. Used by <c>compliance explain</c>; not on the hot path.</summary>
public static class Explainer
{
    /// <summary>Explains <paramref name="finding"/>, produced by <paramref name="rule"/> on <paramref name="fact"/>.</summary>
    public static Explanation Explain(Finding finding, CompiledRule rule, Fact fact)
    {
        ArgumentNullException.ThrowIfNull(finding);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(fact);
        var def = rule.Definition;
        var applies = def.When is null ? null : ConditionTracer.Trace(rule, def.When, fact);
        var requires = def.Require is null ? null : ConditionTracer.Trace(rule, def.Require, fact);
        var fixes = new List<string>();
        if (finding.Status is FindingStatus.Violation or FindingStatus.Warning or FindingStatus.Indeterminate)
        {
            if (requires is not null) Fixes(requires, fact, fixes, negated: false);
            else fixes.Add("nothing makes this lawful while the rule applies: the data must not be there");
            fixes.Add(DropEdge(fact));
        }
        return new Explanation(finding, applies, requires, [.. fixes.Distinct(StringComparer.Ordinal)], (fact as TransferFact)?.ImpliedBy);
    }

    /// <summary>"destination.country notInGroup EEA".</summary>
    public static string Describe(FieldCondition c) =>
        $"{c.Field} {c.Operator} {(c.Operands.Length == 1 ? c.Operands[0] : "[" + string.Join(", ", c.Operands) + "]")}";

    private static void Fixes(ConditionTrace trace, Fact fact, List<string> fixes, bool negated)
    {
        var satisfied = negated ? trace.Result == Tri.False : trace.Result == Tri.True;
        if (satisfied) return;
        var conjunction = trace.Text == (negated ? "any of" : "all of");
        if (trace.Text is "any of" or "all of")
        {
            if (!conjunction)
            {
                // Alternatives: fixing any one child is enough.
                foreach (var child in trace.Children) Fixes(child, fact, fixes, negated);
                return;
            }
            // Every failing child must be fixed together.
            var together = new List<string>();
            foreach (var child in trace.Children)
            {
                var sub = new List<string>();
                Fixes(child, fact, sub, negated);
                if (sub.Count > 0) together.Add(sub[0]);
            }
            together = [.. together.Distinct(StringComparer.Ordinal)];
            if (together.Count == 1) fixes.Add(together[0]);
            else if (together.Count > 1) fixes.Add("all of: " + string.Join("; and ", together));
            return;
        }
        if (trace.Text == "not")
        {
            Fixes(trace.Children[0], fact, fixes, !negated);
            return;
        }
        var subject = $"{fact.Subject.Reference} ({fact.Subject.Location})";
        if (trace.Text.StartsWith("destination adequate for ", StringComparison.Ordinal) && fact is TransferFact t)
        {
            var reason = trace.Facts.IsEmpty ? "" : trace.Facts[0].Value;
            var certified = reason.IndexOf("certified '", StringComparison.Ordinal);
            if (certified >= 0)
            {
                var cert = reason[(certified + "certified '".Length)..].Split('\'')[0];
                fixes.Add(t.Destination.IsRecipient
                    ? $"have {t.Destination.Name} certified '{cert}' (add it to its certifications at {t.Destination.Location}) if it is"
                    : $"add '{cert}' to the Organization's certifications if its entity at {t.Destination.Name} is certified");
            }
            fixes.Add($"move {t.Destination.Name} to a country adequate for {trace.Text["destination adequate for ".Length..]} (e.g. inside the regime's own area)");
            return;
        }
        var parts = trace.Text.Split(' ', 3);
        if (parts.Length < 3) return;
        var (field, op, operand) = (parts[0], parts[1], parts[2]);
        var implied = fact is TransferFact { Implied: true } && fact.Subject.Kind != Model.Inventory.DocumentKind.DataFlow;
        switch (field)
        {
            case "mechanisms" when op is "containsAny" or "contains" or "in" or "containsAll":
                fixes.Add(implied
                    ? $"declare {operand} for this transfer: add it to the Organization's mechanisms (intra-group, e.g. BCRs) or declare the movement as a DataFlow with mechanisms"
                    : $"declare {(op == "containsAll" ? "all of" : "one of")} {operand} in the mechanisms of {subject}, once the safeguard is actually in place");
                break;
            case "pseudonymised" or "encryptedInTransit" when op == "equals":
                fixes.Add($"set {field}: {operand} on {subject}");
                break;
            case var a when a.StartsWith("attributes.", StringComparison.Ordinal) && !negated && op is "equals" or "exists":
                fixes.Add(op == "equals"
                    ? $"set spec.{field}: {operand} on {subject}, if that is true"
                    : $"declare spec.{field} on {subject}");
                break;
            case "destination.country" or "country" or "site.country":
                fixes.Add($"keep the data where {trace.Text} holds: move it to such a region, or drop this edge");
                break;
            case "retentionHours" or "individuals" or "sensitiveIndividuals":
                fixes.Add($"make {trace.Text} true on {subject} (now {Now(trace)})");
                break;
            default:
                fixes.Add($"make '{trace.Text}' {(negated ? "false" : "true")} (now {Now(trace)})");
                break;
        }
    }

    private static string Now(ConditionTrace trace) => trace.Facts.IsEmpty ? "unknown" : trace.Facts[0].Value;

    private static string DropEdge(Fact fact) => fact switch
    {
        TransferFact { Hop: > 1 } t => $"or drop the flow {t.Subject.Reference} ({t.Subject.Location}), or keep the origin's data out of {t.Source.Name}",
        TransferFact { Implied: true } t => $"or drop the edge that implies it: {t.ImpliedBy} ({t.DeclaredAt})",
        TransferFact t => $"or drop the flow {t.Subject.Reference} ({t.Subject.Location})",
        PlacementFact p => $"or do not keep {p.Store}'s data at {p.Site.Name} ({p.Subject.Location})",
        _ => "or remove the subject",
    };

    /// <summary>Formats a trace as indented lines.</summary>
    public static IEnumerable<string> Lines(ConditionTrace trace, int indent = 0)
    {
        var pad = new string(' ', indent);
        var value = trace.Result switch { Tri.True => "yes", Tri.False => "no", _ => "unknown" };
        var facts = string.Join("; ", trace.Facts.Select(e => $"{e.Fact} = {e.Value}{(e.Location.IsKnown ? $" ({e.Location.File}:{e.Location.Line.ToString(CultureInfo.InvariantCulture)})" : "")}"));
        yield return $"{pad}[{value}] {trace.Text}{(facts.Length > 0 ? " -- " + facts : "")}";
        foreach (var child in trace.Children)
        {
            foreach (var line in Lines(child, indent + 4)) yield return line;
        }
    }
}
