using ComplianceEngine.Core.Facts;

namespace ComplianceEngine.Core.Evaluation.Incremental;

/// <summary>
/// The identity of a fact across versions of an estate, as a 64-bit hash of its kind, the document it is about, and where
/// it is (a placement's store and site; a transfer's edge, purpose, hop and the path it takes). Two versions of a fact
/// share a key; whether they hold the same values is <see cref="StructuralEquality"/>'s question, so a key is only a way
/// to find a fact's previous version: two facts whose keys collide are told apart by their order (the occurrence), and a
/// wrong pairing only costs a re-judgement, never a wrong verdict.
/// </summary>
internal static class FactKey
{
    private const ulong Offset = 14695981039346656037UL, Prime = 1099511628211UL;

    /// <summary>The key of <paramref name="fact"/>.</summary>
    public static long Of(Fact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        var h = Offset;
        switch (fact)
        {
            case PlacementFact p:
                h = Add(h, 'P');
                h = Add(h, p.Store);
                h = Add(h, p.Site.Kind);
                h = Add(h, p.Site.Name);
                h = Add(h, p.Copy ? 'c' : 'o');
                break;
            case TransferFact t:
                h = Add(h, 'T');
                h = Add(h, t.FromNode);
                h = Add(h, t.ToNode);
                h = Add(h, t.Purpose);
                h = Add(h, (char)t.Hop);
                h = Add(h, t.OnwardRegime);
                h = Add(h, t.Implied ? 'i' : 'd');
                break;
            default:
                h = Add(h, fact.GetType().Name);
                break;
        }
        h = Add(h, fact.Subject.Kind);
        h = Add(h, fact.Subject.Name);
        foreach (var name in fact.Path) h = Add(h, name);
        return unchecked((long)h);
    }

    private static ulong Add(ulong h, string? text)
    {
        if (text is not null)
        {
            foreach (var c in text) h = Add(h, c);
        }
        return Add(h, '\u001f');
    }

    private static ulong Add(ulong h, char c) => unchecked((h ^ c) * Prime);
}
