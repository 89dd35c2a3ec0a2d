using System.Collections.Immutable;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Model.Rules;
using ComplianceEngine.Model.Vocabulary;

namespace ComplianceEngine.Loading.Documents;

/// <summary>Reads <c>RulePack</c> documents into <see cref="RulePack"/> models. Semantic checks live in the validators and the compiler.</summary>
public static class RuleReader
{
    /// <summary>Outcomes a rule can report when its requirement is not met.</summary>
    public static IReadOnlyList<string> Outcomes { get; } = ["violation", "warning"];

    /// <summary>Reads every RulePack among <paramref name="documents"/>.</summary>
    public static ImmutableArray<RulePack> Read(IEnumerable<RawDocument> documents)
    {
        var packs = ImmutableArray.CreateBuilder<RulePack>();
        foreach (var doc in documents.Where(d => d.Info.Kind == DocumentKind.RulePack))
        {
            var s = doc.Spec;
            var title = s.String("title") ?? doc.Info.Name;
            var jurisdiction = s.String("jurisdiction", required: true) ?? string.Empty;
            var rules = ImmutableArray.CreateBuilder<RuleDefinition>();
            foreach (var r in s.MapList("rules", required: true))
            {
                rules.Add(ReadRule(r, doc.Info.Name, jurisdiction));
            }
            var attributes = ReadAttributes(s, doc.Info.Name);
            s.Finish();
            packs.Add(new RulePack(doc.Info.Name, title, jurisdiction, rules.ToImmutable(), doc.Info.Location) { Attributes = attributes });
        }
        return packs.ToImmutable();
    }

    /// <summary>
    /// The pack's attribute declarations: <c>spec.attributes: [{name, type: string|bool|number, description, kinds: [...]}]</c>.
    /// Whether the names are unique and agree across packs is checked when the vocabulary is built.
    /// </summary>
    private static ImmutableArray<AttributeDeclaration> ReadAttributes(MapReader spec, string pack)
    {
        var result = ImmutableArray.CreateBuilder<AttributeDeclaration>();
        foreach (var a in spec.MapList("attributes"))
        {
            var name = a.String("name", required: true) ?? string.Empty;
            var type = a.Enum("type", AttributeDeclaration.Types, required: true, fallback: "string")!;
            var description = a.String("description", required: true) ?? string.Empty;
            var kinds = ImmutableArray.CreateBuilder<string>();
            foreach (var (kind, at) in a.StringItems("kinds", required: true))
            {
                if (AttributeDeclaration.KindsAllowed.Contains(kind)) kinds.Add(kind);
                else a.Diagnostics.Error(DiagnosticCodes.AttributeDeclarationInvalid,
                    $"RulePack '{pack}' attribute '{name}': kind '{kind}' cannot carry attributes rules read; expected {string.Join(", ", AttributeDeclaration.KindsAllowed)}{MapReader.Suggest(kind, AttributeDeclaration.KindsAllowed)}", at);
            }
            if (name.Length > 0 && !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                a.Diagnostics.Error(DiagnosticCodes.AttributeDeclarationInvalid, $"RulePack '{pack}' attribute '{name}': a name has letters, digits, '_' and '-' only", a.LocationOf("name"));
            a.Finish();
            result.Add(new AttributeDeclaration(name, type, description, kinds.ToImmutable(), pack, a.LocationOf("name")));
        }
        return result.ToImmutable();
    }

    private static RuleDefinition ReadRule(MapReader r, string pack, string packJurisdiction)
    {
        var id = r.String("id", required: true) ?? string.Empty;
        var effective = EffectivePeriod.Always;
        if (r.Map("effective") is { } e)
        {
            effective = new EffectivePeriod(e.Date("from"), e.Date("until"));
            e.Finish();
        }
        var citations = ImmutableArray.CreateBuilder<Citation>();
        foreach (var c in r.MapList("citations", required: true))
        {
            var citation = new Citation(c.String("instrument", required: true) ?? "", c.String("article", required: true) ?? "", c.String("url")) { Location = c.Location };
            if (c.Map("effective") is { } ce)
            {
                citation = citation with { Effective = new EffectivePeriod(ce.Date("from"), ce.Date("until")) };
                ce.Finish();
            }
            citations.Add(citation);
            c.Finish();
        }
        _ = SeverityNames.TryParse(r.Enum("severity", SeverityNames.All, required: true), out var severity);
        var rule = new RuleDefinition(
            id,
            r.String("title", required: true) ?? string.Empty,
            r.String("jurisdiction") ?? packJurisdiction,
            r.Enum("appliesTo", FactKinds.All, required: true, fallback: FactKinds.Transfer)!,
            severity,
            r.Enum("outcome", Outcomes, fallback: "violation")!,
            effective,
            citations.ToImmutable(),
            r.Enum("confidence", [Confidence.Verified, Confidence.Unverified], fallback: Confidence.Verified)!,
            ReadCondition(r, "when", id),
            ReadCondition(r, "require", id),
            r.String("message", required: true) ?? string.Empty,
            r.String("remediation", required: true) ?? string.Empty,
            pack,
            r.Location);
        r.Finish();
        return rule;
    }

    private static Condition? ReadCondition(MapReader parent, string key, string ruleId)
    {
        var node = parent.Node(key);
        if (node is null) return null;
        return ReadCondition(node, parent.Diagnostics, $"rule '{ruleId}' {key}");
    }

    /// <summary>
    /// Reads one condition node: <c>all</c>, <c>any</c>, <c>not</c>, <c>adequate</c>, <c>predicate</c> (a named
    /// <see cref="NamedPredicate"/>), or <c>field</c> with one operator whose operand is a value, a list of values, or
    /// <c>{list: NAME}</c> (a <see cref="NamedList"/>; also as an item of the list).
    /// </summary>
    public static Condition? ReadCondition(YamlNode node, DiagnosticBag diagnostics, string context)
    {
        if (node is not YamlMapping map)
        {
            diagnostics.Error(DiagnosticCodes.WrongType, $"{context}: a condition must be a mapping (all, any, not, adequate, or field + operator), got {node.TypeName}", node.Location);
            return null;
        }
        var m = new MapReader(map, diagnostics, context);
        var keys = m.Keys.ToList();
        Condition? result = null;
        if (keys.Contains("all") || keys.Contains("any"))
        {
            var key = keys.Contains("all") ? "all" : "any";
            var items = ImmutableArray.CreateBuilder<Condition>();
            if (m.Node(key) is YamlSequence seq && seq.Items.Length > 0)
            {
                for (var i = 0; i < seq.Items.Length; i++)
                {
                    if (ReadCondition(seq.Items[i], diagnostics, $"{context}.{key}[{i}]") is { } c) items.Add(c);
                }
            }
            else
            {
                diagnostics.Error(DiagnosticCodes.WrongType, $"{context}: '{key}' must be a non-empty list of conditions", m.LocationOf(key));
            }
            result = key == "all" ? new AllCondition(items.ToImmutable(), map.Location) : new AnyCondition(items.ToImmutable(), map.Location);
        }
        else if (keys.Contains("not"))
        {
            var inner = m.Node("not");
            var c = inner is null ? null : ReadCondition(inner, diagnostics, $"{context}.not");
            if (inner is null) diagnostics.Error(DiagnosticCodes.MissingField, $"{context}: 'not' needs a condition", map.Location);
            result = c is null ? null : new NotCondition(c, map.Location);
        }
        else if (keys.Contains("predicate"))
        {
            var name = m.String("predicate", required: true);
            if (keys.Count > 1)
                diagnostics.Error(DiagnosticCodes.RuleInvalid, $"{context}: a predicate reference has no other keys (got {string.Join(", ", keys.Where(k => k != "predicate"))}); combine conditions with all/any", map.Location);
            m.Accept([.. keys]);
            result = name is null ? null : new PredicateReference(name, m.LocationOf("predicate"));
        }
        else if (keys.Contains("adequate"))
        {
            var regime = m.String("adequate", required: true);
            result = regime is null ? null : new AdequateCondition(regime, m.LocationOf("adequate"));
        }
        else if (keys.Contains("field"))
        {
            var field = m.String("field", required: true);
            var ops = keys.Where(k => k != "field").ToList();
            if (ops.Count != 1)
            {
                diagnostics.Error(DiagnosticCodes.RuleBadOperator,
                    $"{context}: a field condition needs exactly one operator ({string.Join(", ", Operators.All)}), got {(ops.Count == 0 ? "none" : string.Join(", ", ops))}",
                    map.Location);
                m.Accept([.. ops]);
            }
            else if (!Operators.All.Contains(ops[0]))
            {
                diagnostics.Error(DiagnosticCodes.RuleBadOperator, $"{context}: unknown operator '{ops[0]}'{MapReader.Suggest(ops[0], Operators.All)}", m.KeyLocationOf(ops[0]));
                m.Accept(ops[0]);
            }
            else if (field is not null)
            {
                var opNode = m.Node(ops[0]);
                var values = ImmutableArray.CreateBuilder<string>();
                var lists = ImmutableArray.CreateBuilder<ListReference>();
                var ok = opNode switch
                {
                    YamlScalar s => Operand(s, values, lists, diagnostics, context),
                    YamlMapping l => Operand(l, values, lists, diagnostics, context),
                    YamlSequence seq => seq.Items.Select(i => Operand(i, values, lists, diagnostics, context)).ToList().TrueForAll(b => b),
                    _ => true,
                };
                if (!ok)
                {
                    diagnostics.Error(DiagnosticCodes.WrongType, $"{context}: the operand of '{ops[0]}' must be a value, a list of values, or {{list: NAME}}", opNode!.Location);
                }
                else
                {
                    result = new FieldCondition(field, ops[0], values.ToImmutable(), m.LocationOf("field")) { Lists = lists.ToImmutable() };
                }
            }
        }
        else
        {
            diagnostics.Error(DiagnosticCodes.RuleInvalid, $"{context}: a condition needs one of all, any, not, adequate, predicate, field{MapReader.Suggest(keys.FirstOrDefault() ?? "", ["all", "any", "not", "adequate", "predicate", "field"])}", map.Location);
            m.Accept([.. keys]);
        }
        m.Finish();
        return result;
    }

    /// <summary>One operand: a value, or <c>{list: NAME}</c>. False when it is neither.</summary>
    private static bool Operand(YamlNode node, ImmutableArray<string>.Builder values, ImmutableArray<ListReference>.Builder lists, DiagnosticBag diagnostics, string context)
    {
        switch (node)
        {
            case YamlScalar s:
                values.Add(s.Value);
                return true;
            case YamlMapping map when map.Entries.Length == 1 && map.Entries[0].Key.Name == "list":
                var reader = new MapReader(map, diagnostics, context);
                var name = reader.String("list", required: true);
                reader.Finish();
                if (name is not null) lists.Add(new ListReference(name, map.Entries[0].Value.Location));
                return name is not null;
            default:
                return false;
        }
    }
}
