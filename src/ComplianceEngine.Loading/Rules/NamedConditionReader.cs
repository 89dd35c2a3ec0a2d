using System.Collections.Immutable;
using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Loading.Rules;

/// <summary>
/// Reads the <c>List</c> and <c>Predicate</c> documents of rules folders: values and conditions that rules of any pack
/// refer to by name (<c>{list: NAME}</c>, <c>{predicate: NAME}</c>). <see cref="RuleReferenceResolver"/> inlines them.
/// </summary>
public static class NamedConditionReader
{
    /// <summary>Reads every <c>List</c>: <c>spec: {description, items: [value, ...]}</c> (at least one item).</summary>
    public static ImmutableArray<NamedList> ReadLists(IEnumerable<RawDocument> documents)
    {
        var result = ImmutableArray.CreateBuilder<NamedList>();
        foreach (var doc in documents.Where(d => d.Info.Kind == DocumentKind.List))
        {
            var s = doc.Spec;
            var description = s.String("description", required: true) ?? string.Empty;
            var items = ImmutableArray.CreateBuilder<string>();
            switch (s.Node("items"))
            {
                case YamlSequence seq when seq.Items.Length > 0:
                    foreach (var item in seq.Items)
                    {
                        if (item is YamlScalar v && !v.IsNull) items.Add(v.Value);
                        else s.Diagnostics.Error(DiagnosticCodes.NamedConditionInvalid, $"List '{doc.Info.Name}': an item must be a value, got {item.TypeName}", item.Location);
                    }
                    break;
                case null:
                    s.Diagnostics.Error(DiagnosticCodes.NamedConditionInvalid, $"List '{doc.Info.Name}': missing 'items' (a non-empty list of values)", doc.Info.Location);
                    break;
                case var other:
                    s.Diagnostics.Error(DiagnosticCodes.NamedConditionInvalid, $"List '{doc.Info.Name}': 'items' must be a non-empty list of values", other.Location);
                    break;
            }
            s.Finish();
            result.Add(new NamedList(doc.Info.Name, description, items.ToImmutable(), doc.Info.Location));
        }
        return result.ToImmutable();
    }

    /// <summary>Reads every <c>Predicate</c>: <c>spec: {description, condition: &lt;condition&gt;}</c>.</summary>
    public static ImmutableArray<NamedPredicate> ReadPredicates(IEnumerable<RawDocument> documents)
    {
        var result = ImmutableArray.CreateBuilder<NamedPredicate>();
        foreach (var doc in documents.Where(d => d.Info.Kind == DocumentKind.Predicate))
        {
            var s = doc.Spec;
            var description = s.String("description", required: true) ?? string.Empty;
            var node = s.Node("condition");
            Condition? condition = null;
            if (node is null)
                s.Diagnostics.Error(DiagnosticCodes.NamedConditionInvalid, $"Predicate '{doc.Info.Name}': missing 'condition'", doc.Info.Location);
            else
                condition = RuleReader.ReadCondition(node, s.Diagnostics, $"Predicate '{doc.Info.Name}' condition");
            s.Finish();
            if (condition is not null) result.Add(new NamedPredicate(doc.Info.Name, description, condition, doc.Info.Location));
        }
        return result.ToImmutable();
    }
}
