using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// Turns verdicts into findings on one thread (one per chunk's tally), keeping what every finding of a rule, a site or a
/// fact shares instead of working it out per finding: per rule, its templates with each placeholder resolved to a field
/// (or a special value) once, the UTF-8 start of its fingerprints, its citation; per site, the finding site and the site's
/// evidence; per fact (a fact usually has findings of several rules), its place and what makes a transfer. Nothing here
/// is shared between threads, and the caches are keyed by rule, site and fact objects, so one rule's or fact's values never
/// reach another's findings (see FindingBuilderTests).
/// </summary>
internal sealed class FindingBuilder
{
    private RulePlan?[] _plans = [];
    private readonly Dictionary<Site, SiteParts> _sites = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// The last site met in each role (a transfer's source, its destination, an onward hop's origin or a placement's site)
    /// and its parts: a fact's findings, and consecutive facts of one flow or lot, name the same sites in the same roles,
    /// where one memo for every role was overwritten by the source and the destination in turn.
    /// </summary>
    private PartsMemo _sourceMemo, _destinationMemo, _otherMemo;

    private Fact? _fact;
    private FindingPlace? _place;
    private Evidence? _whatMakesIt;

    private DateOnly _asOf;
    private string? _asOfText;

    private FactText? _text;
    private Evidence[] _evidence = new Evidence[16];

    /// <summary>Implied transfers' evidence text before their path, one string per distinct text.</summary>
    private readonly Dictionary<string, string> _prefixes = new(StringComparer.Ordinal);

    /// <summary>Onward hops' evidence text before their path, per regime and origin site (the same for every hop of a chain's lot).</summary>
    private readonly Dictionary<(string Regime, Site Origin), string> _onwardPrefixes = [];

    /// <summary>The finding of <paramref name="rule"/>'s <paramref name="judgement"/> on <paramref name="fact"/>.</summary>
    public Finding Create(CompiledRule rule, Fact fact, Judgement judgement, string? error) => Row(rule, fact, judgement, error, keepFact: false).ToFinding();

    /// <summary>
    /// The finding of <paramref name="rule"/>'s <paramref name="judgement"/> on <paramref name="fact"/> as a row: its parts and
    /// its id as a number, without the id's text, the text object and the finding itself, which <see cref="FindingRow.ToFinding"/>
    /// makes when the report takes it.
    /// </summary>
    /// <param name="keepFact">Whether the row holds the fact (for explanations).</param>
    public FindingRow Row(CompiledRule rule, Fact fact, Judgement judgement, string? error, bool keepFact)
    {
        var plan = PlanOf(rule);
        if (!ReferenceEquals(fact, _fact))
        {
            _fact = fact;
            _place = null;
            _whatMakesIt = null;
        }
        var status = judgement switch
        {
            Judgement.Pass => FindingStatus.Pass,
            Judgement.Indeterminate => FindingStatus.Indeterminate,
            _ => plan.Failing,
        };
        // One text per thread, reset for each finding: what it read for the previous rule and fact is forgotten.
        var text = _text ??= new FactText(rule, fact);
        text.Reset(rule, fact);
        var citation = plan.Dated ? plan.CitationAsOf(fact.Context.AsOf) : rule.CitationText;
        var confidence = Confidence(rule, fact, text);
        var (message, values, evidence) = Text(plan, fact, status, error, text);
        return new FindingRow(plan, keepFact ? fact : null, fact.Subject, fact.Path, _place ??= PlaceOf(fact), status, citation, confidence, message, values, evidence);
    }

    private RulePlan PlanOf(CompiledRule rule)
    {
        var i = rule.Index;
        if ((uint)i < (uint)_plans.Length && _plans[i] is { } known && ReferenceEquals(known.Rule, rule)) return known;
        var plan = new RulePlan(rule);
        // Rules of another rule set (a test, an explanation) may share an index: they are planned, not cached.
        if (i < 0) return plan;
        if (i >= _plans.Length) Array.Resize(ref _plans, Math.Max(i + 1, _plans.Length * 2));
        if (_plans[i] is null) _plans[i] = plan;
        return plan;
    }

    /// <summary>The finding's text as data: its message template, placeholder values (the path left to the finding), evidence.</summary>
    private (TextTemplate Message, string?[] Values, Evidence[] Evidence) Text(RulePlan plan, Fact fact, FindingStatus status, string? error, FactText text)
    {
        var literal = status is FindingStatus.Indeterminate or FindingStatus.Pass;
        var message = status == FindingStatus.Indeterminate && error is null ? Undecided(plan, fact, text)
            : literal ? TextTemplate.Literal(RenderMessage(plan, fact, status, error, text))
            : plan.Message;
        var messageSlots = literal ? [] : plan.MessageSlots;
        var count = messageSlots.Length + plan.RemediationSlots.Length;
        if (_scratch.Length < count) _scratch = new string?[count];
        var at = 0;
        foreach (var slot in messageSlots) _scratch[at++] = Value(slot, fact, text);
        foreach (var slot in plan.RemediationSlots) _scratch[at++] = Value(slot, fact, text);
        return (message, Values(plan, count), Evidence(plan, fact, text));
    }

    private string?[] _scratch = new string?[8];
    private readonly Dictionary<ReferenceKey, string?[]> _values = [];

    /// <summary>
    /// The first <paramref name="count"/> values in the scratch buffer as an array, shared with earlier findings whose
    /// values are the same string objects (a rule's findings about the same places name the same values).
    /// </summary>
    private string?[] Values(RulePlan plan, int count)
    {
        if (count == 0) return [];
        // The rule's last finding usually names the same values (the same sites, sets and decisions): compared without a lookup.
        if (plan.LastValues is { } last && last.Length == count && SameReferences(last, _scratch)) return last;
        if (!_values.TryGetValue(new ReferenceKey(_scratch, count), out var values))
        {
            values = _scratch.AsSpan(0, count).ToArray();
            // Values made afresh (numbers, unknowns) never repeat by reference: the table is bounded.
            if (_values.Count >= 16_384) _values.Clear();
            _values[new ReferenceKey(values, count)] = values;
        }
        plan.LastValues = values;
        return values;
    }

    /// <summary>True when the first <c>known.Length</c> strings of <paramref name="scratch"/> are the same objects as <paramref name="known"/>'s.</summary>
    private static bool SameReferences(string?[] known, string?[] scratch)
    {
        for (var i = 0; i < known.Length; i++)
        {
            if (!ReferenceEquals(known[i], scratch[i])) return false;
        }
        return true;
    }

    private string? Value(Slot slot, Fact fact, FactText text) => slot.Kind switch
    {
        SlotKind.Path => null,
        SlotKind.Field => text.Formatted(slot.Field),
        SlotKind.AsOf => AsOf(fact.Context.AsOf),
        _ => text.Value(slot.Name),
    };

    private string AsOf(DateOnly asOf)
    {
        if (_asOfText is null || asOf != _asOf)
        {
            _asOf = asOf;
            _asOfText = asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        return _asOfText;
    }

    /// <summary>
    /// The message of an indeterminate verdict that names its decisive unknowns (<see cref="ConditionTracer.DecisiveUnknowns"/>,
    /// each once, first occurrence kept): each unknown's text made once per condition and reason, and the message once per
    /// rule and list of unknowns (the same places leave the same facts unknown).
    /// </summary>
    private TextTemplate Undecided(RulePlan plan, Fact fact, FactText text)
    {
        _conditions.Clear();
        ConditionTracer.DecisiveConditions(plan.Rule, fact, text, _conditions);
        var count = 0;
        foreach (var condition in _conditions)
        {
            if (UnknownText(plan.Rule, condition, fact, text) is not { } unknown) continue;
            if (Array.IndexOf(_unknowns, unknown, 0, count) >= 0) continue;
            if (count == _unknowns.Length) Array.Resize(ref _unknowns, count * 2);
            _unknowns[count++] = unknown;
        }
        var key = new ReferenceKey(_unknowns, count);
        if (plan.Undecided.TryGetValue(key, out var known)) return known;
        var message = TextTemplate.Literal(Undecided(plan.Rule.Definition, string.Join("; ", _unknowns.AsSpan(0, count)!)));
        // Unknowns are shared strings, so the lists repeat; the table is bounded all the same.
        if (plan.Undecided.Count >= 4096) plan.Undecided.Clear();
        plan.Undecided[new ReferenceKey(_unknowns.AsSpan(0, count).ToArray(), count)] = message;
        return message;
    }

    private static string Undecided(RuleDefinition def, string unknown) =>
        $"Cannot decide whether {def.Title.TrimEnd('.')} applies or is met: {(unknown.Length > 0 ? unknown : "a fact the rule needs is missing")}. An unknown is never treated as compliant.";

    private readonly List<Model.Rules.Condition> _conditions = new(4);
    private string?[] _unknowns = new string?[4];

    /// <summary>
    /// What <see cref="ConditionTracer.DecisiveUnknowns"/> says of one decisive condition (null: nothing), made once per
    /// condition and reason (a site's reason for its unknown country, an adequacy decision's reason: shared strings).
    /// </summary>
    private string? UnknownText(CompiledRule rule, Model.Rules.Condition condition, Fact fact, FactText text)
    {
        switch (condition)
        {
            case FieldCondition field:
            {
                var spec = FieldCatalog.Instance.Find(fact is PlacementFact ? FactKinds.Placement : FactKinds.Transfer, field.Field);
                if (spec is null) return null;
                var why = CompiledRule.WhyUnknown(spec, fact);
                var key = new UnknownKey(condition, spec, why);
                if (!_unknownTexts.TryGetValue(key, out var unknown))
                {
                    if (_unknownTexts.Count >= 16_384) _unknownTexts.Clear();
                    _unknownTexts[key] = unknown = ConditionTracer.UnknownField(spec, why);
                }
                return unknown;
            }
            case AdequateCondition adequate when fact is TransferFact t:
            {
                var table = ConditionTracer.TableIndex(rule, adequate);
                var reason = table < 0 ? null : text.Adequacy(table, t).Reason;
                var key = new UnknownKey(condition, null, reason);
                if (!_unknownTexts.TryGetValue(key, out var unknown))
                {
                    if (_unknownTexts.Count >= 16_384) _unknownTexts.Clear();
                    _unknownTexts[key] = unknown = ConditionTracer.UndecidedAdequacy(adequate, reason);
                }
                return unknown;
            }
            default:
                return null;
        }
    }

    private readonly Dictionary<UnknownKey, string> _unknownTexts = [];

    /// <summary>A decisive condition, the field it names and why it is unknown, compared by reference.</summary>
    private readonly struct UnknownKey(Model.Rules.Condition condition, FieldSpec? spec, string? why) : IEquatable<UnknownKey>
    {
        private readonly Model.Rules.Condition _condition = condition;
        private readonly FieldSpec? _spec = spec;
        private readonly string? _why = why;

        public bool Equals(UnknownKey other) =>
            ReferenceEquals(_condition, other._condition) && ReferenceEquals(_spec, other._spec) && ReferenceEquals(_why, other._why);

        public override bool Equals(object? obj) => obj is UnknownKey other && Equals(other);

        public override int GetHashCode() =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(_condition), _spec is null ? 0 : RuntimeHelpers.GetHashCode(_spec), _why is null ? 0 : RuntimeHelpers.GetHashCode(_why));
    }

    private static string RenderMessage(RulePlan plan, Fact fact, FindingStatus status, string? error, FactText text)
    {
        var rule = plan.Rule;
        var def = rule.Definition;
        if (status == FindingStatus.Indeterminate) return Undecided(def, error ?? string.Join("; ", text.UnknownFacts().Distinct(StringComparer.Ordinal)));
        var why = new List<string>();
        if (rule.Adequacy.Length > 0) why.Add(text.Value("adequacy"));
        if (fact is TransferFact t && plan.NamesMechanisms) why.Add($"declared mechanisms: {(t.Mechanisms.IsEmpty ? "none" : string.Join(", ", t.Mechanisms))}");
        return $"The rule applies and its requirement is met{(why.Count > 0 ? ": " + string.Join("; ", why) : "")}.";
    }

    /// <summary>
    /// A finding is unverified when its rule is, when an unverified adequacy entry decided it, or when its rule tested a
    /// country against a group whose membership of that country is unverified.
    /// </summary>
    private static string Confidence(CompiledRule rule, Fact fact, FactText text)
    {
        if (rule.Definition.Confidence == Model.Rules.Confidence.Unverified) return Model.Rules.Confidence.Unverified;
        foreach (var (field, group) in rule.DoubtfulGroups)
        {
            if (field.Read(fact) is string country && group.IsDoubtful(country)) return Model.Rules.Confidence.Unverified;
        }
        if (fact is TransferFact t)
        {
            for (var i = 0; i < rule.Adequacy.Length; i++)
            {
                if (rule.Adequacy[i].HasUnverified && text.Adequacy(i, t).Entry?.Confidence == Model.Rules.Confidence.Unverified)
                    return Model.Rules.Confidence.Unverified;
            }
        }
        return rule.Definition.Confidence;
    }

    /// <summary>
    /// Where the fact's data is: a transfer's sites (and origin, for an onward hop), one object per three sites (many facts
    /// go between the same sites), or a placement's site and store.
    /// </summary>
    private FindingPlace? PlaceOf(Fact fact)
    {
        switch (fact)
        {
            case TransferFact t:
            {
                var key = (Parts(t.Source, ref _sourceMemo).Site, Parts(t.Destination, ref _destinationMemo).Site,
                    t.Hop > 1 && t.Origin is { } o ? Parts(o, ref _otherMemo).Site : null);
                // Consecutive facts (a flow's transfers, a lot's hops) often go between the same sites: the last place answers first.
                if (_lastPlace is { } last && SitesByReference.Instance.Equals(key, _lastPlaceKey)) return last;
                if (!_places.TryGetValue(key, out var known))
                {
                    if (_places.Count >= 16_384) _places.Clear();
                    _places[key] = known = new FindingPlace(key.Item1, key.Item2, key.Item3, null);
                }
                _lastPlaceKey = key;
                _lastPlace = known;
                return known;
            }
            case PlacementFact p:
                return new FindingPlace(Parts(p.Site, ref _otherMemo).Site, null, null, p.Store);
            default:
                return null;
        }
    }

    /// <summary>Transfers' places by source, destination and origin (finding sites are one object per site: compared by reference).</summary>
    private readonly Dictionary<(FindingSite, FindingSite, FindingSite?), FindingPlace> _places = new(SitesByReference.Instance);

    /// <summary>The last transfer's place and its sites (see <see cref="PlaceOf"/>).</summary>
    private (FindingSite, FindingSite, FindingSite?) _lastPlaceKey;
    private FindingPlace? _lastPlace;

    private sealed class SitesByReference : IEqualityComparer<(FindingSite, FindingSite, FindingSite?)>
    {
        public static SitesByReference Instance { get; } = new();

        public bool Equals((FindingSite, FindingSite, FindingSite?) x, (FindingSite, FindingSite, FindingSite?) y) =>
            ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2) && ReferenceEquals(x.Item3, y.Item3);

        public int GetHashCode((FindingSite, FindingSite, FindingSite?) key) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(key.Item1), RuntimeHelpers.GetHashCode(key.Item2), key.Item3 is null ? 0 : RuntimeHelpers.GetHashCode(key.Item3));
    }

    /// <summary>The parts of <paramref name="site"/>, answered by the memo of its role when it names the same site.</summary>
    private SiteParts Parts(Site site, ref PartsMemo memo)
    {
        if (ReferenceEquals(site, memo.Site)) return memo.Parts!;
        if (!_sites.TryGetValue(site, out var parts)) _sites[site] = parts = SiteParts.Of(site);
        memo = new PartsMemo(site, parts);
        return parts;
    }

    /// <summary>A site and its parts, the last met in one role.</summary>
    private record struct PartsMemo(Site? Site, SiteParts? Parts);

    /// <summary>
    /// The declared flow, or what implies the transfer. An onward hop's text ends with its path: kept as the text before
    /// it (one string per distinct text) and the finding's own path, joined when read.
    /// </summary>
    private Evidence WhatMakesIt(TransferFact t)
    {
        if (!t.Implied) return new Evidence("declared flow", t.ImpliedBy ?? t.Subject.Reference, t.Subject.Location);
        var path = t.Path;
        if (path.Length > 1 && t.OnwardText is var (regime, origin))
        {
            // An onward hop's text is its origin's and regime's prefix and its path: the prefix made once per origin and regime.
            var key = (regime, origin);
            if (!_onwardPrefixes.TryGetValue(key, out var onward)) _onwardPrefixes[key] = onward = TransferFact.OnwardPrefix(regime, origin);
            return Model.Findings.Evidence.EndingWithPath("implied by", onward, path, t.Subject.Location);
        }
        var implied = t.ImpliedBy ?? t.Subject.Reference;
        if (path.Length > 1)
        {
            var joined = JoinedLength(path);
            if (implied.Length > joined && EndsWithPath(implied, path))
            {
                var lookup = _prefixes.GetAlternateLookup<ReadOnlySpan<char>>();
                var span = implied.AsSpan(0, implied.Length - joined);
                if (!lookup.TryGetValue(span, out var prefix)) lookup[span] = prefix = span.ToString();
                return Model.Findings.Evidence.EndingWithPath("implied by", prefix, path, t.Subject.Location);
            }
        }
        return new Evidence("implied by", implied, t.Subject.Location);
    }

    private static int JoinedLength(ImmutableArray<string> path)
    {
        var length = (path.Length - 1) * 4;
        foreach (var p in path) length += p.Length;
        return length;
    }

    /// <summary>True when <paramref name="text"/> ends with <paramref name="path"/> joined with " -> " (compared without joining).</summary>
    private static bool EndsWithPath(string text, ImmutableArray<string> path)
    {
        var end = text.Length;
        for (var i = path.Length - 1; i >= 0; i--)
        {
            var name = path[i];
            if (end < name.Length || !text.AsSpan(end - name.Length, name.Length).SequenceEqual(name)) return false;
            end -= name.Length;
            if (i == 0) break;
            if (end < 4 || !text.AsSpan(end - 4, 4).SequenceEqual(" -> ")) return false;
            end -= 4;
        }
        return true;
    }

    private Evidence[] Evidence(RulePlan plan, Fact fact, FactText text)
    {
        var rule = plan.Rule;
        // Listed into a reused buffer, then copied once at its final length (duplicates dropped: only an entry whose name
        // another entry of the same finding may have can repeat one, see RulePlan.FieldMayRepeat).
        var most = rule.Fields.Length + (fact is TransferFact ? 5 + rule.Adequacy.Length : 2);
        if (_evidence.Length < most) _evidence = new Evidence[most];
        var list = _evidence;
        var n = 0;
        if (fact is TransferFact t)
        {
            // The entries naming what makes the transfer and its sites have names of their own: none can repeat another.
            list[n++] = _whatMakesIt ??= WhatMakesIt(t);
            // Where the data goes from and to is always part of the evidence; one evidence object per site and role.
            var source = Parts(t.Source, ref _sourceMemo);
            var destination = Parts(t.Destination, ref _destinationMemo);
            list[n++] = source.SourceName;
            list[n++] = source.SourceCountry;
            list[n++] = destination.DestinationName;
            list[n++] = destination.DestinationCountry;
        }
        else if (fact is PlacementFact p)
        {
            var site = Parts(p.Site, ref _otherMemo);
            list[n++] = site.SiteName;
            list[n++] = site.Country;
        }
        var memo = plan.FieldEvidenceMemo;
        for (var i = 0; i < rule.Fields.Length; i++)
        {
            var field = rule.Fields[i];
            var e = FieldEvidence(ref memo[i], field.Name, text.Formatted(i), field.Origin(fact));
            if (plan.FieldMayRepeat[i]) Add(list, ref n, e);
            else list[n++] = e;
        }
        if (fact is TransferFact tt)
        {
            for (var i = 0; i < rule.Adequacy.Length; i++)
            {
                var e = FieldEvidence(ref memo[rule.Fields.Length + i], rule.Adequacy[i].EvidenceLabel, text.Adequacy(i, tt).Reason, tt.Destination.Location);
                if (plan.FieldMayRepeat[rule.Fields.Length + i]) Add(list, ref n, e);
                else list[n++] = e;
            }
        }
        var evidence = list.AsSpan(0, n).ToArray();
        Array.Clear(list, 0, n);
        return evidence;
    }

    /// <summary>
    /// The evidence of a field's value or an adequacy decision: one object per name, value and location objects (values read
    /// from the same site, shared set and number texts, a decision's reason are the same strings), so findings about the same
    /// places share their evidence. Keyed by reference:
    /// equal references are equal evidence; equal text in two strings only makes a second object.
    /// </summary>
    private Evidence FieldEvidence(ref EvidenceMemo last, string name, string value, SourceLocation location)
    {
        // A rule's consecutive findings (hops of one lot, facts of one flow) usually read the same value at the same place:
        // the last evidence of each rule's field answers without a lookup (the same object the table gives).
        if (last.Evidence is { } recent && ReferenceEquals(last.Value, value) && ReferenceEquals(last.Location, location)) return recent;
        var made = FieldEvidence(name, value, location);
        last = new EvidenceMemo(value, location, made);
        return made;
    }

    /// <summary>The last evidence made for one field (or adequacy table) of a rule, with the value and location it names.</summary>
    internal record struct EvidenceMemo(string? Value, SourceLocation? Location, Evidence? Evidence);

    private Evidence FieldEvidence(string name, string value, SourceLocation location)
    {
        var key = new EvidenceKey(name, value, location);
        if (_fieldEvidence.TryGetValue(key, out var known)) return known;
        // Values formatted afresh (numbers, inferred countries) never repeat by reference: the table is bounded.
        if (_fieldEvidence.Count >= 16_384) _fieldEvidence.Clear();
        return _fieldEvidence[key] = new Evidence(name, value, location);
    }

    private readonly Dictionary<EvidenceKey, Evidence> _fieldEvidence = [];

    private readonly struct EvidenceKey(string name, string value, SourceLocation location) : IEquatable<EvidenceKey>
    {
        private readonly string _name = name;
        private readonly string _value = value;
        private readonly SourceLocation _location = location;

        public bool Equals(EvidenceKey other) =>
            ReferenceEquals(_name, other._name) && ReferenceEquals(_value, other._value) && ReferenceEquals(_location, other._location);

        public override bool Equals(object? obj) => obj is EvidenceKey other && Equals(other);

        public override int GetHashCode() =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(_name), RuntimeHelpers.GetHashCode(_value), RuntimeHelpers.GetHashCode(_location));
    }

    /// <summary>Adds <paramref name="e"/> unless an equal evidence is already listed (first occurrence kept, as Enumerable.Distinct).</summary>
    private static void Add(Evidence[] list, ref int n, Evidence e)
    {
        for (var i = 0; i < n; i++)
        {
            if (list[i].Equals(e)) return;
        }
        list[n++] = e;
    }

    /// <summary>What a placeholder is: the path (left to the finding), a field of the rule, the date, or another named value.</summary>
    internal enum SlotKind
    {
        Path,
        Field,
        AsOf,
        Named,
    }

    internal readonly record struct Slot(SlotKind Kind, int Field, string Name);

    /// <summary>What every finding of one rule shares, worked out once per rule and thread.</summary>
    internal sealed class RulePlan
    {
        private DateOnly _citationDate;
        private string? _citation;

        public RulePlan(CompiledRule rule)
        {
            Rule = rule;
            var def = rule.Definition;
            Message = FindingFactory.TemplateOf(def.Message);
            Remediation = FindingFactory.TemplateOf(def.Remediation);
            MessageSlots = Slots(rule, Message);
            RemediationSlots = Slots(rule, Remediation);
            Failing = def.Outcome == "warning" ? FindingStatus.Warning : FindingStatus.Violation;
            Key = FindingFactory.RuleKey(def.Id, def.Jurisdiction);
            Dated = def.HasDatedCitations;
            NamesMechanisms = rule.Fields.Any(f => f.Name == "mechanisms");
            FieldMayRepeat = MayRepeat(rule);
            FieldEvidenceMemo = new EvidenceMemo[rule.Fields.Length + rule.Adequacy.Length];
        }

        /// <summary>
        /// Per field of the rule, then per adequacy table: whether its evidence may equal an entry listed before it in the same
        /// finding. Evidence is equal only under the same name, so only a name that the site evidence, an earlier field or an
        /// earlier table also uses can repeat; the others are listed without comparing.
        /// </summary>
        public bool[] FieldMayRepeat { get; }

        /// <summary>The last evidence of each field and table (see <see cref="FieldEvidence(ref EvidenceMemo, string, string, SourceLocation)"/>).</summary>
        public EvidenceMemo[] FieldEvidenceMemo { get; }

        /// <summary>Names the evidence of a transfer or placement lists before the rule's fields.</summary>
        private static readonly HashSet<string> SiteEvidenceNames = new(StringComparer.Ordinal)
        {
            "declared flow", "implied by", "source.name", "source.country", "destination.name", "destination.country", "site.name", "country",
        };

        private static bool[] MayRepeat(CompiledRule rule)
        {
            var names = new HashSet<string>(SiteEvidenceNames, StringComparer.Ordinal);
            var repeat = new bool[rule.Fields.Length + rule.Adequacy.Length];
            for (var i = 0; i < rule.Fields.Length; i++) repeat[i] = !names.Add(rule.Fields[i].Name);
            for (var i = 0; i < rule.Adequacy.Length; i++) repeat[rule.Fields.Length + i] = !names.Add(rule.Adequacy[i].EvidenceLabel);
            return repeat;
        }

        public CompiledRule Rule { get; }
        public TextTemplate Message { get; }
        public TextTemplate Remediation { get; }
        public Slot[] MessageSlots { get; }
        public Slot[] RemediationSlots { get; }
        public FindingStatus Failing { get; }
        public byte[] Key { get; }
        public bool Dated { get; }
        public bool NamesMechanisms { get; }

        /// <summary>The placeholder values of the rule's last finding on this thread (see <see cref="Values"/>).</summary>
        public string?[]? LastValues { get; set; }

        /// <summary>Messages of indeterminate findings, per list of decisive unknowns (compared by reference).</summary>
        public Dictionary<ReferenceKey, TextTemplate> Undecided { get; } = [];

        /// <summary>The rule's citations in force on <paramref name="date"/> (the evaluation has one date: worked out once).</summary>
        public string CitationAsOf(DateOnly date)
        {
            if (_citation is null || date != _citationDate)
            {
                _citationDate = date;
                _citation = Rule.Definition.CitationTextAsOf(date);
            }
            return _citation;
        }

        /// <summary>
        /// Each placeholder resolved once: special names first (as <see cref="FactText.Value"/> resolves them), then the
        /// rule's own fields; anything else is left to <see cref="FactText.Value"/>.
        /// </summary>
        private static Slot[] Slots(CompiledRule rule, TextTemplate template)
        {
            var slots = new Slot[template.Placeholders.Count];
            for (var i = 0; i < slots.Length; i++)
            {
                var name = template.Placeholders[i];
                slots[i] = name switch
                {
                    TextTemplate.PathPlaceholder => new Slot(SlotKind.Path, -1, name),
                    "asOf" => new Slot(SlotKind.AsOf, -1, name),
                    "subject" or "adequacy" or "unknown" => new Slot(SlotKind.Named, -1, name),
                    _ when rule.FieldIndex(name) is >= 0 and var field => new Slot(SlotKind.Field, field, name),
                    _ => new Slot(SlotKind.Named, -1, name),
                };
            }
            return slots;
        }
    }

    /// <summary>A site as findings name it: the finding site and the evidence naming it in each role, made once per site.</summary>
    private sealed class SiteParts
    {
        private static readonly ConditionalWeakTable<Site, SiteParts> Shared = [];

        private readonly Site _site;

        private SiteParts(Site site)
        {
            _site = site;
            Site = new FindingSite(site.Name, site.Country);
        }

        /// <summary>The parts of <paramref name="site"/>, shared by every thread's findings about it.</summary>
        public static SiteParts Of(Site site) => Shared.GetValue(site, static s => new SiteParts(s));

        public FindingSite Site { get; }
        public Evidence SourceName => field ??= new Evidence("source.name", _site.Name, _site.Location);
        public Evidence SourceCountry => field ??= new Evidence("source.country", _site.Country ?? "unknown", _site.Location);
        public Evidence DestinationName => field ??= new Evidence("destination.name", _site.Name, _site.Location);
        public Evidence DestinationCountry => field ??= new Evidence("destination.country", _site.Country ?? "unknown", _site.Location);
        public Evidence SiteName => field ??= new Evidence("site.name", _site.Name, _site.Location);
        public Evidence Country => field ??= new Evidence("country", _site.Country ?? "unknown", _site.Location);
    }
}
