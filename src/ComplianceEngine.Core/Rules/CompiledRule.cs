using System.Collections.Immutable;
using System.Text;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Rules;

/// <summary>A rule ready to run: its definition, the fields it reads (evidence) and its message template.</summary>
public sealed class CompiledRule
{
    private readonly Func<Fact, Judgement> _judge;

    internal CompiledRule(RuleDefinition definition, ImmutableArray<FieldSpec> fields, ImmutableArray<AdequacyTable> adequacy,
        ImmutableArray<FieldSpec> whenFields, Func<Fact, Judgement> judge)
    {
        Definition = definition;
        Fields = fields;
        Adequacy = adequacy;
        WhenFields = whenFields;
        _judge = judge;
    }

    /// <summary>
    /// What this rule says about <paramref name="fact"/> (its effective period, <c>when</c> and <c>require</c>). Called by
    /// the conditions of the rule's three outcome rules, which the rules engine evaluates one after the other for a fact:
    /// the last judgement is kept on the fact, so the conditions run once per fact and rule. Public because compiled
    /// expression trees call it.
    /// </summary>
    public Judgement Judge(Fact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        if (ReferenceEquals(fact.JudgedBy, this)) return fact.Judged;
        var judgement = _judge(fact);
        fact.Judged = judgement;
        fact.JudgedBy = this;
        return judgement;
    }

    /// <summary>The rule as written.</summary>
    public RuleDefinition Definition { get; }

    /// <summary>Every field the rule's conditions read, in order of first use.</summary>
    public ImmutableArray<FieldSpec> Fields { get; }

    /// <summary>Fields of the <c>when</c> part (what made the rule apply).</summary>
    public ImmutableArray<FieldSpec> WhenFields { get; }

    /// <summary>Adequacy tables the rule consults.</summary>
    public ImmutableArray<AdequacyTable> Adequacy { get; }

    /// <summary>Special placeholders a message may use besides field names.</summary>
    public static IReadOnlyList<string> SpecialPlaceholders { get; } = ["subject", "path", "asOf", "adequacy", "unknown"];

    /// <summary>The placeholders of a template, in order.</summary>
    public static IEnumerable<string> Placeholders(string template)
    {
        var i = 0;
        while ((i = template.IndexOf('{', i)) >= 0)
        {
            var end = template.IndexOf('}', i);
            if (end < 0) yield break;
            yield return template[(i + 1)..end];
            i = end + 1;
        }
    }

    /// <summary>Fills a message template for <paramref name="fact"/>.</summary>
    public string Render(string template, Fact fact)
    {
        var sb = new StringBuilder(template.Length + 64);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }
            var close = template.IndexOf('}', open);
            if (close < 0)
            {
                sb.Append(template, i, template.Length - i);
                break;
            }
            sb.Append(template, i, open - i);
            sb.Append(Value(template[(open + 1)..close], fact));
            i = close + 1;
        }
        return sb.ToString();
    }

    /// <summary>The facts the rule needed that are unknown for <paramref name="fact"/>, with reasons.</summary>
    public IEnumerable<string> UnknownFacts(Fact fact)
    {
        foreach (var field in Fields)
        {
            if (field.IsUnknown(fact)) yield return $"{field.Name} is unknown{Reason(field, fact)}";
        }
        if (fact is TransferFact t)
        {
            foreach (var table in Adequacy)
            {
                var r = table.Check(t);
                if (r.Adequate == Tri.Unknown) yield return $"adequacy for {table.Code} cannot be decided: {r.Reason}";
            }
        }
    }

    private static string Reason(FieldSpec field, Fact fact)
    {
        var why = fact switch
        {
            TransferFact t when field.Name.StartsWith("source.", StringComparison.Ordinal) => t.Source.UnknownReason,
            TransferFact t when field.Name.StartsWith("destination.", StringComparison.Ordinal) => t.Destination.UnknownReason,
            PlacementFact p when field.Name is "country" || field.Name.StartsWith("site.", StringComparison.Ordinal) => p.Site.UnknownReason,
            _ => null,
        };
        return why is null ? "" : $" ({why})";
    }

    private string Value(string name, Fact fact)
    {
        switch (name)
        {
            case "subject": return fact.Subject.Name;
            case "path": return string.Join(" -> ", fact.Path);
            case "asOf": return fact.Context.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            case "adequacy":
                return fact is TransferFact t && Adequacy.Length > 0
                    ? string.Join("; ", Adequacy.Select(a => a.Check(t).Reason))
                    : "no adequacy decision consulted";
            case "unknown": return string.Join("; ", UnknownFacts(fact));
        }
        var kind = fact is PlacementFact ? FactKinds.Placement : FactKinds.Transfer;
        return FieldCatalog.Instance.Find(kind, name)?.Format(fact) ?? "{" + name + "}";
    }
}
