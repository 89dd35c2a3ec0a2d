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
            citations.Add(new Citation(c.String("instrument", required: true) ?? "", c.String("article", required: true) ?? "", c.String("url")));
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

    /// <summary>Reads one condition node: <c>all</c>, <c>any</c>, <c>not</c>, <c>adequate</c>, or <c>field</c> with one operator.</summary>
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
                var operands = opNode switch
                {
                    YamlScalar s => [s.Value],
                    YamlSequence seq when seq.Items.All(i => i is YamlScalar) => seq.Items.Cast<YamlScalar>().Select(i => i.Value).ToImmutableArray(),
                    null => ImmutableArray<string>.Empty,
                    _ => default,
                };
                if (operands.IsDefault)
                {
                    diagnostics.Error(DiagnosticCodes.WrongType, $"{context}: the operand of '{ops[0]}' must be a value or a list of values", opNode!.Location);
                }
                else
                {
                    result = new FieldCondition(field, ops[0], operands, m.LocationOf("field"));
                }
            }
        }
        else
        {
            diagnostics.Error(DiagnosticCodes.RuleInvalid, $"{context}: a condition needs one of all, any, not, adequate, field", map.Location);
            m.Accept([.. keys]);
        }
        m.Finish();
        return result;
    }
}
