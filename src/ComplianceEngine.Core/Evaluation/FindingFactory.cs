using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>Builds findings from verdicts: the stable id, the message, and the evidence with file and line.</summary>
public static class FindingFactory
{
    /// <summary>The stable fingerprint of a finding: rule, subject, path and jurisdiction (never a line number).</summary>
    public static string Fingerprint(string ruleId, string jurisdiction, FindingSubject subject, IEnumerable<string> path)
    {
        var key = $"{ruleId}\n{jurisdiction}\n{subject.Kind}/{subject.Name}\n{string.Join("\u001f", path)}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    internal static Finding Create(Verdict verdict)
    {
        var rule = verdict.Rule;
        var def = rule.Definition;
        var fact = verdict.Fact;
        var status = verdict.Judgement switch
        {
            Judgement.Pass => FindingStatus.Pass,
            Judgement.Indeterminate => FindingStatus.Indeterminate,
            _ => def.Outcome == "warning" ? FindingStatus.Warning : FindingStatus.Violation,
        };
        string message;
        if (status == FindingStatus.Indeterminate)
        {
            var unknown = verdict.Error ?? string.Join("; ", rule.UnknownFacts(fact).Distinct());
            message = $"Cannot decide whether {def.Title.TrimEnd('.')} applies or is met: {(unknown.Length > 0 ? unknown : "a fact the rule needs is missing")}. An unknown is never treated as compliant.";
        }
        else if (status == FindingStatus.Pass)
        {
            var why = new List<string>();
            if (rule.Adequacy.Length > 0) why.Add(rule.Render("{adequacy}", fact));
            if (fact is TransferFact t && rule.Fields.Any(f => f.Name == "mechanisms")) why.Add($"declared mechanisms: {(t.Mechanisms.IsEmpty ? "none" : string.Join(", ", t.Mechanisms))}");
            message = $"The rule applies and its requirement is met{(why.Count > 0 ? ": " + string.Join("; ", why) : "")}.";
        }
        else
        {
            message = rule.Render(def.Message, fact);
        }
        return new Finding(
            Fingerprint(def.Id, def.Jurisdiction, fact.Subject, fact.Path),
            def.Id,
            def.Title,
            def.Jurisdiction,
            def.Severity,
            status,
            fact.Subject,
            fact.Path,
            def.CitationText,
            Confidence(rule, fact),
            message,
            rule.Render(def.Remediation, fact),
            Evidence(rule, fact));
    }

    /// <summary>A finding is unverified when its rule is, or when an unverified adequacy entry decided it.</summary>
    private static string Confidence(CompiledRule rule, Fact fact)
    {
        if (rule.Definition.Confidence == Model.Rules.Confidence.Unverified) return Model.Rules.Confidence.Unverified;
        return fact is TransferFact t && rule.Adequacy.Any(a => a.Check(t).Entry?.Confidence == Model.Rules.Confidence.Unverified)
            ? Model.Rules.Confidence.Unverified
            : rule.Definition.Confidence;
    }

    private static ImmutableArray<Evidence> Evidence(CompiledRule rule, Fact fact)
    {
        var list = new List<Evidence>();
        if (fact is TransferFact t)
        {
            list.Add(new Evidence(t.Implied ? "implied by" : "declared flow", t.ImpliedBy ?? t.Subject.Reference, t.Subject.Location));
            // Where the data goes from and to is always part of the evidence (reports draw the estate from it).
            list.Add(new Evidence("source.name", t.Source.Name, t.Source.Location));
            list.Add(new Evidence("source.country", t.Source.Country ?? "unknown", t.Source.Location));
            list.Add(new Evidence("destination.name", t.Destination.Name, t.Destination.Location));
            list.Add(new Evidence("destination.country", t.Destination.Country ?? "unknown", t.Destination.Location));
        }
        else if (fact is PlacementFact p)
        {
            list.Add(new Evidence("site.name", p.Site.Name, p.Site.Location));
            list.Add(new Evidence("country", p.Site.Country ?? "unknown", p.Site.Location));
        }
        foreach (var field in rule.Fields)
        {
            list.Add(new Evidence(field.Name, field.Format(fact), field.Origin(fact)));
        }
        if (fact is TransferFact tt)
        {
            foreach (var table in rule.Adequacy)
            {
                list.Add(new Evidence($"adequate for {table.Code}", table.Check(tt).Reason, tt.Destination.Location));
            }
        }
        return [.. list.Distinct()];
    }

    /// <summary>Deterministic order: jurisdiction, rule, subject, path.</summary>
    public static IComparer<Finding> Order { get; } = Comparer<Finding>.Create((a, b) =>
    {
        var c = string.CompareOrdinal(a.Jurisdiction, b.Jurisdiction);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.RuleId, b.RuleId);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Subject.Kind, b.Subject.Kind);
        if (c != 0) return c;
        c = string.CompareOrdinal(a.Subject.Name, b.Subject.Name);
        if (c != 0) return c;
        c = string.CompareOrdinal(string.Join("\u001f", a.Path), string.Join("\u001f", b.Path));
        return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
    });
}
