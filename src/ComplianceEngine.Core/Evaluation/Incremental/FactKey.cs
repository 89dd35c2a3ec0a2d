using System.Text;
using ComplianceEngine.Core.Facts;

namespace ComplianceEngine.Core.Evaluation.Incremental;

/// <summary>
/// The identity of a fact across versions of an estate: its kind, the document it is about, and where it is (a placement's
/// store and site; a transfer's edge, purpose, hop and the path it takes). Two versions of a fact share a key; whether
/// they hold the same values is <see cref="StructuralEquality"/>'s question. Facts that share a key within one version
/// are told apart by their order (<c>#2</c>, <c>#3</c>, ...), so a key never names two facts.
/// </summary>
internal static class FactKey
{
    /// <summary>The key of <paramref name="fact"/>.</summary>
    public static string Of(Fact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        var text = new StringBuilder(96);
        switch (fact)
        {
            case PlacementFact p:
                text.Append("P|").Append(p.Store).Append('|').Append(p.Site.Kind).Append('/').Append(p.Site.Name).Append('|').Append(p.Copy ? 'c' : 'o');
                break;
            case TransferFact t:
                text.Append("T|").Append(t.FromNode).Append('>').Append(t.ToNode).Append('|').Append(t.Purpose).Append('|').Append(t.Hop)
                    .Append('|').Append(t.OnwardRegime).Append('|').Append(t.Implied ? 'i' : 'd');
                break;
            default:
                text.Append(fact.GetType().Name);
                break;
        }
        text.Append('|').Append(fact.Subject.Kind).Append('/').Append(fact.Subject.Name).Append('|');
        foreach (var name in fact.Path) text.Append(name).Append('\u001f');
        return text.ToString();
    }
}
