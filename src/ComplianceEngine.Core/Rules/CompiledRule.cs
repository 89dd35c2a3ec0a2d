using System.Collections.Immutable;
using System.Text;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Rules;

/// <summary>A rule ready to run: its definition, the fields it reads (evidence) and its message template.</summary>
public sealed class CompiledRule
{
    private readonly Func<Condition, Func<Fact, Tri>?> _compileNode;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Condition, Func<Fact, Tri>?> _nodes = new(ReferenceEqualityComparer.Instance);

    internal CompiledRule(RuleDefinition definition, ImmutableArray<FieldSpec> fields, ImmutableArray<AdequacyTable> adequacy,
        ImmutableArray<FieldSpec> whenFields, Func<Condition, Func<Fact, Tri>?> compileNode)
    {
        Definition = definition;
        Fields = fields;
        Adequacy = adequacy;
        WhenFields = whenFields;
        _compileNode = compileNode;
    }

    /// <summary>Evaluates one condition of this rule on a fact (compiled once per condition, for explanations).</summary>
    public Tri Evaluate(Condition condition, Fact fact)
    {
        var eval = _nodes.GetOrAdd(condition, _compileNode);
        return eval is null ? Tri.Unknown : eval(fact);
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

    /// <summary>The placeholders of a template, in order (<c>{{</c> and <c>}}</c> are literal braces).</summary>
    public static IEnumerable<string> Placeholders(string template)
    {
        var i = 0;
        while ((i = template.IndexOf('{', i)) >= 0)
        {
            if (i + 1 < template.Length && template[i + 1] == '{')
            {
                i += 2;
                continue;
            }
            var end = template.IndexOf('}', i);
            if (end < 0) yield break;
            yield return template[(i + 1)..end];
            i = end + 1;
        }
    }

    /// <summary>Fills a message template for <paramref name="fact"/>: <c>{field}</c> is replaced, <c>{{</c> and <c>}}</c> are literal braces.</summary>
    public string Render(string template, Fact fact)
    {
        var sb = new StringBuilder(template.Length + 64);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                sb.Append(c);
                i++;
                continue;
            }
            var close = c == '{' ? template.IndexOf('}', i + 1) : -1;
            if (close < 0)
            {
                sb.Append(c);
                continue;
            }
            sb.Append(Value(template[(i + 1)..close], fact));
            i = close;
        }
        return sb.ToString();
    }

    /// <summary>
    /// The unknown facts that decided an indeterminate outcome, with reasons: only unknowns whose value would change the
    /// result (Kleene logic: an unknown next to a decisive false in an <c>all</c> does not matter).
    /// </summary>
    public IEnumerable<string> UnknownFacts(Fact fact)
    {
        var found = new List<string>();
        foreach (var root in new[] { Definition.When, Definition.Require })
        {
            if (root is not null && Evaluate(root, fact) == Tri.Unknown) Decisive(root, fact, found);
        }
        return found.Distinct(StringComparer.Ordinal);
    }

    private void Decisive(Condition condition, Fact fact, List<string> found)
    {
        switch (condition)
        {
            case AllCondition all:
                foreach (var c in all.Items.Where(c => Evaluate(c, fact) == Tri.Unknown)) Decisive(c, fact, found);
                break;
            case AnyCondition any:
                foreach (var c in any.Items.Where(c => Evaluate(c, fact) == Tri.Unknown)) Decisive(c, fact, found);
                break;
            case NotCondition not:
                Decisive(not.Inner, fact, found);
                break;
            case AdequateCondition adequate when fact is TransferFact t:
                var table = Adequacy.FirstOrDefault(a => a.Code == adequate.Regime);
                if (table is not null) found.Add($"adequacy for {table.Code} cannot be decided: {table.Check(t).Reason}");
                break;
            case FieldCondition field:
                var kind = fact is PlacementFact ? FactKinds.Placement : FactKinds.Transfer;
                if (FieldCatalog.Instance.Find(kind, field.Field) is { } spec)
                    found.Add($"{spec.Name} is unknown{Reason(spec, fact)}");
                break;
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
