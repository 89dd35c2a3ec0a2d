using System.Collections.Frozen;
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
        _message = Template.Parse(definition.Message);
        _remediation = Template.Parse(definition.Remediation);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Length; i++) index.TryAdd(fields[i].Name, i);
        _fieldIndex = index.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private readonly Template _message;
    private readonly Template _remediation;
    private readonly FrozenDictionary<string, int> _fieldIndex;

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

    /// <summary><see cref="RuleDefinition.CitationText"/>, joined once: every finding of the rule shares it.</summary>
    public string CitationText => field ??= Definition.CitationText;

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
        ArgumentNullException.ThrowIfNull(template);
        return Render(template, new FactText(this, fact));
    }

    /// <summary>Fills a template from <paramref name="text"/>, whose values are shared by the message, remediation and evidence of one finding.</summary>
    internal string Render(string template, FactText text)
    {
        var parsed = ReferenceEquals(template, Definition.Message) ? _message
            : ReferenceEquals(template, Definition.Remediation) ? _remediation
            : Template.Parse(template);
        return parsed.Render(text);
    }

    /// <summary>The facts the rule needed that are unknown for <paramref name="fact"/>, with reasons.</summary>
    public IEnumerable<string> UnknownFacts(Fact fact) => new FactText(this, fact).UnknownFacts();

    /// <summary>The position of a field in <see cref="Fields"/>, or -1.</summary>
    internal int FieldIndex(string name) => _fieldIndex.TryGetValue(name, out var i) ? i : -1;

    internal static string Reason(FieldSpec field, Fact fact)
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

    /// <summary>A message template split once into literal text and placeholders.</summary>
    private sealed class Template
    {
        [ThreadStatic]
        private static StringBuilder? t_builder;

        private readonly (string Literal, string? Placeholder)[] _parts;
        private readonly int _length;

        private Template((string, string?)[] parts, int length)
        {
            _parts = parts;
            _length = length;
        }

        /// <summary>Splits <paramref name="template"/> exactly as the renderer always has: an unclosed brace is literal text.</summary>
        public static Template Parse(string template)
        {
            var parts = new List<(string, string?)>();
            var i = 0;
            while (i < template.Length)
            {
                var open = template.IndexOf('{', i);
                var close = open < 0 ? -1 : template.IndexOf('}', open);
                if (close < 0)
                {
                    parts.Add((template[i..], null));
                    break;
                }
                parts.Add((template[i..open], template[(open + 1)..close]));
                i = close + 1;
            }
            return new Template([.. parts], template.Length);
        }

        public string Render(FactText text)
        {
            // A template without placeholders (many remediations) is its own text: no copy per finding.
            if (_parts.Length == 1 && _parts[0].Placeholder is null) return _parts[0].Literal;
            if (_parts.Length == 0) return string.Empty;
            var sb = t_builder ??= new StringBuilder(256);
            sb.Clear();
            sb.EnsureCapacity(_length + 64);
            foreach (var (literal, placeholder) in _parts)
            {
                sb.Append(literal);
                if (placeholder is not null) sb.Append(text.Value(placeholder));
            }
            var result = sb.ToString();
            if (sb.Capacity > 16 * 1024) t_builder = null;
            return result;
        }
    }
}

/// <summary>
/// One fact's values as a rule's findings show them, each read, formatted or checked at most once: a finding's message,
/// remediation and evidence name the same fields and the same adequacy decisions.
/// </summary>
internal sealed class FactText
{
    private readonly CompiledRule _rule;
    private readonly Fact _fact;
    private object?[]? _raw;
    private bool[]? _read;
    private string?[]? _formatted;
    private AdequacyResult?[]? _adequacy;

    public FactText(CompiledRule rule, Fact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        _rule = rule;
        _fact = fact;
    }

    /// <summary>The raw value of <see cref="CompiledRule.Fields"/>[<paramref name="i"/>] (null = unknown).</summary>
    public object? Raw(int i)
    {
        _read ??= new bool[_rule.Fields.Length];
        _raw ??= new object?[_rule.Fields.Length];
        if (!_read[i])
        {
            _raw[i] = _rule.Fields[i].Read(_fact);
            _read[i] = true;
        }
        return _raw[i];
    }

    /// <summary>The value of <see cref="CompiledRule.Fields"/>[<paramref name="i"/>] as text.</summary>
    public string Formatted(int i)
    {
        _formatted ??= new string?[_rule.Fields.Length];
        return _formatted[i] ??= FieldSpec.FormatValue(Raw(i));
    }

    /// <summary>The decision of <see cref="CompiledRule.Adequacy"/>[<paramref name="i"/>] for a transfer.</summary>
    public AdequacyResult Adequacy(int i, TransferFact transfer)
    {
        _adequacy ??= new AdequacyResult?[_rule.Adequacy.Length];
        return _adequacy[i] ??= _rule.Adequacy[i].Check(transfer);
    }

    /// <summary>A placeholder's text.</summary>
    public string Value(string name)
    {
        switch (name)
        {
            case "subject": return _fact.Subject.Name;
            case "path": return string.Join(" -> ", _fact.Path);
            case "asOf": return _fact.Context.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            case "adequacy":
                if (_fact is not TransferFact t || _rule.Adequacy.Length == 0) return "no adequacy decision consulted";
                var reasons = new string[_rule.Adequacy.Length];
                for (var i = 0; i < reasons.Length; i++) reasons[i] = Adequacy(i, t).Reason;
                return string.Join("; ", reasons);
            case "unknown": return string.Join("; ", UnknownFacts());
        }
        var index = _rule.FieldIndex(name);
        if (index >= 0) return Formatted(index);
        var kind = _fact is PlacementFact ? FactKinds.Placement : FactKinds.Transfer;
        return FieldCatalog.Instance.Find(kind, name)?.Format(_fact) ?? "{" + name + "}";
    }

    /// <summary>See <see cref="CompiledRule.UnknownFacts"/>.</summary>
    public IEnumerable<string> UnknownFacts()
    {
        for (var i = 0; i < _rule.Fields.Length; i++)
        {
            if (Raw(i) is null) yield return $"{_rule.Fields[i].Name} is unknown{CompiledRule.Reason(_rule.Fields[i], _fact)}";
        }
        if (_fact is TransferFact t)
        {
            for (var i = 0; i < _rule.Adequacy.Length; i++)
            {
                var r = Adequacy(i, t);
                if (r.Adequate == Tri.Unknown) yield return $"adequacy for {_rule.Adequacy[i].Code} cannot be decided: {r.Reason}";
            }
        }
    }
}
