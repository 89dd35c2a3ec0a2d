using System.Collections.Immutable;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Model.Rules;

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
            s.Finish();
            packs.Add(new RulePack(doc.Info.Name, title, jurisdiction, rules.ToImmutable(), doc.Info.Location));
        }
        return packs.ToImmutable();
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
