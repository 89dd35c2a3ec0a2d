using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Rules;

/// <summary>A rule ready to run: its definition, the fields it reads (evidence) and its message template.</summary>
public sealed class CompiledRule
{
    private readonly Func<Func<Fact, Judgement>> _compileJudge;
    private Func<Fact, Judgement>? _judge;
    private readonly Func<Condition, Func<Fact, Tri>?> _compileNode;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Condition, Func<Fact, Tri>?> _nodes = new(ReferenceEqualityComparer.Instance);

    internal CompiledRule(RuleDefinition definition, ImmutableArray<FieldSpec> fields, ImmutableArray<AdequacyTable> adequacy,
        ImmutableArray<FieldSpec> whenFields, Func<Func<Fact, Judgement>> compileJudge, Func<Condition, Func<Fact, Tri>?> compileNode)
    {
        Definition = definition;
        Fields = fields;
        Adequacy = adequacy;
        WhenFields = whenFields;
        _compileNode = compileNode;
        _compileJudge = compileJudge;
        _message = TextTemplate.Parse(definition.Message);
        _remediation = TextTemplate.Parse(definition.Remediation);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Length; i++) index.TryAdd(fields[i].Name, i);
        _fieldIndex = index.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private readonly TextTemplate _message;
    private readonly TextTemplate _remediation;
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
        if (fact.Judgements is { } known && known[Index] != 0) return (Judgement)(known[Index] - 1);
        if (ReferenceEquals(fact.JudgedBy, this)) return fact.Judged;
        var judgement = JudgeNow(fact);
        fact.Judged = judgement;
        fact.JudgedBy = this;
        return judgement;
    }

    /// <summary>The judgement, worked out now (no memo): what the evaluator computes before a fact enters the session.</summary>
    internal Judgement JudgeNow(Fact fact) => (_judge ?? CompileJudge())(fact);

    /// <summary>
    /// The judgement's delegate, compiled the first time the rule judges a fact: a run compiles only the rules its facts
    /// reach (a rule of a regime the estate never meets costs nothing beyond its expression tree, which the compiler
    /// built, and checked, at load). Two threads may both compile it; either delegate judges the same.
    /// </summary>
    private Func<Fact, Judgement> CompileJudge() => Interlocked.CompareExchange(ref _judge, _compileJudge(), null) ?? _judge!;

    /// <summary>True once the judgement has been compiled (tests: rules no fact reached stay uncompiled).</summary>
    internal bool IsCompiled => Volatile.Read(ref _judge) is not null;

    /// <summary>This rule's position in its <see cref="CompiledRuleSet"/> (indexes <see cref="Fact.Judgements"/>).</summary>
    public int Index { get; internal set; }

    /// <summary>Evaluates one condition of this rule on a fact (compiled once per condition, for explanations).</summary>
    public Tri Evaluate(Condition condition, Fact fact) => Node(condition)(fact);

    /// <summary>One condition of this rule, compiled (once) to a delegate; a condition that cannot compile is always unknown.</summary>
    internal Func<Fact, Tri> Node(Condition condition)
    {
        // A rule has a handful of conditions: the ones compiled so far, found by reference in a short array, answer before
        // the concurrent table (indeterminate findings ask for each decisive leaf of every such verdict).
        var known = Volatile.Read(ref _nodeList);
        foreach (var (c, node) in known)
        {
            if (ReferenceEquals(c, condition)) return node;
        }
        var compiled = _nodes.GetOrAdd(condition, _compileNode) ?? UnknownNode;
        if (known.Length < 64)
        {
            // Copied on write; a thread that loses the race leaves the condition to the table until the next call adds it.
            var longer = new (Condition, Func<Fact, Tri>)[known.Length + 1];
            known.CopyTo(longer, 0);
            longer[^1] = (condition, compiled);
            Interlocked.CompareExchange(ref _nodeList, longer, known);
        }
        return compiled;
    }

    /// <summary>The conditions compiled so far and their delegates (<see cref="Node"/>), replaced whole when one is added.</summary>
    private (Condition Condition, Func<Fact, Tri> Node)[] _nodeList = [];

    private static readonly Func<Fact, Tri> UnknownNode = static _ => Tri.Unknown;

    /// <summary>The rule as written.</summary>
    public RuleDefinition Definition { get; }

    /// <summary><see cref="RuleDefinition.CitationText"/>, joined once: every finding of the rule shares it.</summary>
    public string CitationText => field ??= Definition.CitationText;

    /// <summary>Every field the rule's conditions read, in order of first use.</summary>
    public ImmutableArray<FieldSpec> Fields { get; }

    /// <summary>Fields of the <c>when</c> part (what made the rule apply).</summary>
    public ImmutableArray<FieldSpec> WhenFields { get; }

    /// <summary>Country-group tests against groups with unverified membership (see <see cref="ConditionCompiler.DoubtfulGroups"/>).</summary>
    internal ImmutableArray<(FieldSpec Field, Model.Jurisdictions.CountryGroup Group)> DoubtfulGroups { get; set; } = [];

    /// <summary>Adequacy tables the rule consults.</summary>
    public ImmutableArray<AdequacyTable> Adequacy { get; }

    /// <summary>Special placeholders a message may use besides field names.</summary>
    public static IReadOnlyList<string> SpecialPlaceholders { get; } = ["subject", "path", "asOf", "adequacy", "unknown"];

    /// <summary>The placeholders of a template, in order (<c>{{</c> and <c>}}</c> are literal braces).</summary>
    public static IEnumerable<string> Placeholders(string template) => MessageTemplate.Placeholders(template);

    /// <summary>Fills a message template for <paramref name="fact"/>: <c>{field}</c> is replaced, <c>{{</c> and <c>}}</c> are literal braces.</summary>
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
            : TextTemplate.Parse(template);
        // The same templates and rendering as a finding's text (Model's TextTemplate); the path is left to it.
        var values = new string?[parsed.Placeholders.Count];
        for (var i = 0; i < values.Length; i++)
            values[i] = parsed.Placeholders[i] == TextTemplate.PathPlaceholder ? null : text.Value(parsed.Placeholders[i]);
        return parsed.Render(ImmutableCollectionsMarshal.AsImmutableArray(values), 0, text.Path);
    }


    /// <summary>
    /// The unknown facts that decided an indeterminate outcome, with reasons: only unknowns whose value would change the
    /// result (Kleene logic: an unknown next to a decisive false in an <c>all</c> does not matter).
    /// </summary>
    public IEnumerable<string> UnknownFacts(Fact fact) => Evaluation.ConditionTracer.DecisiveUnknowns(this, fact);

    /// <summary>The position of a field in <see cref="Fields"/>, or -1.</summary>
    internal int FieldIndex(string name) => _fieldIndex.TryGetValue(name, out var i) ? i : -1;

    /// <summary>Why <paramref name="field"/> is unknown on <paramref name="fact"/> (its site's reason, or the field's own), or null.</summary>
    internal static string? WhyUnknown(FieldSpec field, Fact fact) => fact switch
    {
        TransferFact t when field.Name.StartsWith("source.", StringComparison.Ordinal) => t.Source.UnknownReason,
        TransferFact t when field.Name.StartsWith("destination.", StringComparison.Ordinal) => t.Destination.UnknownReason,
        PlacementFact p when field.Name is "country" || field.Name.StartsWith("site.", StringComparison.Ordinal) => p.Site.UnknownReason,
        _ => field.WhyUnknown?.Invoke(fact),
    };
}

/// <summary>
/// One fact's values as a rule's findings show them, each read, formatted or checked at most once: a finding's message,
/// remediation and evidence name the same fields and the same adequacy decisions.
/// </summary>
internal sealed class FactText
{
    private CompiledRule _rule;
    private Fact _fact;
    private string?[]? _formatted;
    private AdequacyResult?[]? _adequacy;

    /// <summary>The fact whose adequacy decisions <see cref="_decisions"/> holds: every rule's finding about it shares them.</summary>
    private Fact? _decided;
    private readonly List<(AdequacyTable Table, AdequacyResult Result)> _decisions = new(2);

    /// <summary>Numbers as text, one string per value on this thread (counts repeat across facts: 0, the same store's individuals).</summary>
    private readonly Dictionary<double, string> _numbers = [];

    /// <summary>The fact's path (a template's <c>{path}</c>).</summary>
    public ImmutableArray<string> Path => _fact.Path;

    public FactText(CompiledRule rule, Fact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        _rule = rule;
        _fact = fact;
    }

    /// <summary>
    /// Makes this the text of another rule and fact, forgetting every value read for the previous ones (its buffers are
    /// kept: one text per thread serves every finding it builds).
    /// </summary>
    public void Reset(CompiledRule rule, Fact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        _rule = rule;
        _fact = fact;
        Clear(ref _formatted, rule.Fields.Length);
        Clear(ref _adequacy, rule.Adequacy.Length);
    }

    /// <summary>Clears a buffer big enough for <paramref name="length"/> values, or drops it to be made again.</summary>
    private static void Clear<T>(ref T[]? buffer, int length)
    {
        if (buffer is null) return;
        if (buffer.Length >= length) Array.Clear(buffer);
        else buffer = null;
    }

    /// <summary>The value of <see cref="CompiledRule.Fields"/>[<paramref name="i"/>] as text (read without boxing: <see cref="FieldText"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public string Formatted(int i)
    {
        _formatted ??= new string?[_rule.Fields.Length];
        return _formatted[i] ??= _rule.Fields[i].Text.Format(_fact, this);
    }

    /// <summary><paramref name="value"/> as <see cref="FieldSpec.FormatValue"/> writes a number: one string per value (the table is bounded).</summary>
    public string Number(double value)
    {
        if (_numbers.TryGetValue(value, out var text)) return text;
        if (_numbers.Count >= 4096) _numbers.Clear();
        return _numbers[value] = FieldText.FormatNumber(value);
    }

    /// <summary>
    /// A non-empty set's text (<see cref="EvaluationContext.SetText"/>: once per distinct set). The last set this thread
    /// formatted answers first: a rule's consecutive findings (the hops of one lot, the facts of one store) carry the same
    /// set object.
    /// </summary>
    public string SetText(string[] set, EvaluationContext context)
    {
        if (ReferenceEquals(set, _lastSet) && ReferenceEquals(context, _lastSetContext)) return _lastSetText!;
        if (!ReferenceEquals(context, _setTextsOf))
        {
            _setTextsOf = context;
            _setTexts.Clear();
        }
        // This thread's texts first (a struct key compared by reference, no comparer object), then the evaluation's table.
        if (!_setTexts.TryGetValue(new SetKey(set), out var text))
        {
            text = context.SetText.GetOrAdd(set, static s => FieldSpec.FormatValue(ImmutableCollectionsMarshal.AsImmutableArray(s)));
            if (_setTexts.Count >= 16_384) _setTexts.Clear();
            _setTexts[new SetKey(set)] = text;
        }
        _lastSet = set;
        _lastSetContext = context;
        _lastSetText = text;
        return text;
    }

    private string[]? _lastSet;
    private EvaluationContext? _lastSetContext;
    private string? _lastSetText;
    private EvaluationContext? _setTextsOf;
    private readonly Dictionary<SetKey, string> _setTexts = [];

    /// <summary>A set, compared by reference (the sets are shared arrays: equal references are equal sets).</summary>
    private readonly struct SetKey(string[] set) : IEquatable<SetKey>
    {
        private readonly string[] _set = set;

        public bool Equals(SetKey other) => ReferenceEquals(_set, other._set);

        public override bool Equals(object? obj) => obj is SetKey other && Equals(other);

        public override int GetHashCode() => RuntimeHelpers.GetHashCode(_set);
    }

    /// <summary>The decision of <see cref="CompiledRule.Adequacy"/>[<paramref name="i"/>] for a transfer.</summary>
    public AdequacyResult Adequacy(int i, TransferFact transfer)
    {
        _adequacy ??= new AdequacyResult?[_rule.Adequacy.Length];
        if (_adequacy[i] is { } done) return done;
        var table = _rule.Adequacy[i];
        // Rules of one regime consult the same table: decided once per fact, as long as its findings are built one after another.
        if (!ReferenceEquals(transfer, _decided))
        {
            _decided = transfer;
            _decisions.Clear();
        }
        foreach (var (decided, result) in _decisions)
        {
            if (ReferenceEquals(decided, table)) return _adequacy[i] = result;
        }
        // The decision depends only on the table, destination, exporter country and subject types (the date is the evaluation's).
        var types = ImmutableCollectionsMarshal.AsArray(transfer.SubjectTypes) ?? [];
        var context = _fact.Context;
        if (!ReferenceEquals(context, _decidedIn))
        {
            _decidedIn = context;
            _known.Clear();
            _byCountry.Clear();
        }
        var destination = transfer.Destination;
        var (siteMatters, exporterMatters) = table.DependsOn(destination.Country);
        AdequacyResult? decision;
        if (!siteMatters)
        {
            // A decision that reads neither the site nor the subject types (no entry for the country requires a
            // certification) is the same for every site of the country: made once per country (or unknown country's
            // reason) and, where entries exclude exporters, exporter country, so that its reason is one string and the
            // evidence and values that name it are shared by every finding about that country, not made per site.
            var byCountry = new CountryKey(table, destination.Country ?? destination.UnknownReason, destination.Country is null,
                exporterMatters ? transfer.Source.Country : null);
            if (!_byCountry.TryGetValue(byCountry, out decision))
            {
                decision = table.Check(transfer);
                if (_byCountry.Count >= 4096) _byCountry.Clear();
                _byCountry[byCountry] = decision;
            }
            _decisions.Add((table, decision));
            return _adequacy[i] = decision;
        }
        // This thread's decisions by reference first: the same site, country string and subject-type array are the same
        // key without hashing their text; the evaluation's shared table (keys compared by text) answers the rest.
        var local = new DecisionKey(table, destination, transfer.Source.Country, types);
        if (!_known.TryGetValue(local, out decision))
        {
            decision = context.Adequacy.GetOrAdd((table, transfer.Destination, transfer.Source.Country, types), static (k, t) => k.Table.Check(t), transfer);
            // Keys whose arrays do not repeat by reference would only fill it: the table is bounded.
            if (_known.Count >= 16_384) _known.Clear();
            _known[local] = decision;
        }
        _decisions.Add((table, decision));
        return _adequacy[i] = decision;
    }

    /// <summary>The evaluation whose decisions <see cref="_known"/> holds.</summary>
    private EvaluationContext? _decidedIn;

    /// <summary>Adequacy decisions this thread has read, keyed by reference (see <see cref="Adequacy"/>).</summary>
    private readonly Dictionary<DecisionKey, AdequacyResult> _known = [];

    /// <summary>Decisions that depend on the destination's country only (see <see cref="AdequacyTable.DependsOn"/>), this thread's, this evaluation's.</summary>
    private readonly Dictionary<CountryKey, AdequacyResult> _byCountry = [];

    /// <summary>
    /// A table, the destination's country (or, when <c>Unknown</c>, the reason its country is unknown) and the
    /// exporter's country where the decision reads it (else null): texts compared by value.
    /// </summary>
    private readonly record struct CountryKey(AdequacyTable Table, string? Country, bool Unknown, string? Exporter)
    {
        public bool Equals(CountryKey other) =>
            ReferenceEquals(Table, other.Table) && Unknown == other.Unknown && string.Equals(Country, other.Country, StringComparison.Ordinal)
            && string.Equals(Exporter, other.Exporter, StringComparison.Ordinal);

        public override int GetHashCode() =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(Table), Country is null ? 0 : StringComparer.Ordinal.GetHashCode(Country), Unknown,
                Exporter is null ? 0 : StringComparer.Ordinal.GetHashCode(Exporter));
    }

    /// <summary>What an adequacy decision depends on, compared by reference: equal references are equal values.</summary>
    private readonly struct DecisionKey(AdequacyTable table, Location.Site destination, string? exporter, string[] types) : IEquatable<DecisionKey>
    {
        private readonly AdequacyTable _table = table;
        private readonly Location.Site _destination = destination;
        private readonly string? _exporter = exporter;
        private readonly string[] _types = types;

        public bool Equals(DecisionKey other) =>
            ReferenceEquals(_table, other._table) && ReferenceEquals(_destination, other._destination)
            && ReferenceEquals(_exporter, other._exporter) && ReferenceEquals(_types, other._types);

        public override bool Equals(object? obj) => obj is DecisionKey other && Equals(other);

        public override int GetHashCode() =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(_table), RuntimeHelpers.GetHashCode(_destination),
                _exporter is null ? 0 : RuntimeHelpers.GetHashCode(_exporter), RuntimeHelpers.GetHashCode(_types));
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
                // One table (most rules): its reason, the shared string, is the text.
                if (_rule.Adequacy.Length == 1) return Adequacy(0, t).Reason;
                return JoinedReasons(t);
            case "unknown": return string.Join("; ", UnknownFacts());
        }
        var index = _rule.FieldIndex(name);
        if (index >= 0) return Formatted(index);
        var kind = _fact is PlacementFact ? FactKinds.Placement : FactKinds.Transfer;
        return FieldCatalog.Instance.Find(kind, name)?.Text.Format(_fact, this) ?? "{" + name + "}";
    }

    /// <summary>See <see cref="CompiledRule.UnknownFacts"/>.</summary>
    public IEnumerable<string> UnknownFacts() => _rule.UnknownFacts(_fact);

    /// <summary>
    /// The reasons of the rule's adequacy decisions joined with "; ": one string per list of reasons (the reasons are the
    /// shared decisions' strings, so findings about the same places name the same joined text instead of a copy each).
    /// </summary>
    private string JoinedReasons(TransferFact t)
    {
        var count = _rule.Adequacy.Length;
        if (_reasons.Length < count) _reasons = new string[count];
        for (var i = 0; i < count; i++) _reasons[i] = Adequacy(i, t).Reason;
        var key = new ReferenceKey(_reasons, count);
        _joined ??= [];
        if (_joined.TryGetValue(key, out var joined)) return joined;
        joined = string.Join("; ", _reasons, 0, count);
        // Reasons are shared strings, so lists repeat; the table is bounded all the same.
        if (_joined.Count >= 4096) _joined.Clear();
        _joined[new ReferenceKey(_reasons.AsSpan(0, count).ToArray(), count)] = joined;
        return joined;
    }

    private string[] _reasons = [];
    private Dictionary<ReferenceKey, string>? _joined;

}
