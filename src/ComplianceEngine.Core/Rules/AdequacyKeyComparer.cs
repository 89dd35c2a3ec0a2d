using System.Runtime.CompilerServices;
using ComplianceEngine.Core.Location;

namespace ComplianceEngine.Core.Rules;

/// <summary>
/// Compares the keys of an evaluation's adequacy decisions (<see cref="Facts.EvaluationContext.Adequacy"/>): the table and
/// the destination site by reference, the exporter country by ordinal text, and the subject types by their text in order.
/// A decision depends on those values only, and an onward hop's subject types are often an array of its own with the same
/// text as its chain's: compared by reference (a value tuple's default), nearly every hop was a miss, decided again, a new
/// reason string, a new evidence object and another entry in the table.
/// </summary>
internal sealed class AdequacyKeyComparer : IEqualityComparer<(AdequacyTable Table, Site Destination, string? Exporter, string[] SubjectTypes)>
{
    public static readonly AdequacyKeyComparer Instance = new();

    public bool Equals((AdequacyTable Table, Site Destination, string? Exporter, string[] SubjectTypes) x,
        (AdequacyTable Table, Site Destination, string? Exporter, string[] SubjectTypes) y) =>
        ReferenceEquals(x.Table, y.Table) && ReferenceEquals(x.Destination, y.Destination) && string.Equals(x.Exporter, y.Exporter, StringComparison.Ordinal)
        && SameText(x.SubjectTypes, y.SubjectTypes);

    public int GetHashCode((AdequacyTable Table, Site Destination, string? Exporter, string[] SubjectTypes) key)
    {
        var hash = new HashCode();
        hash.Add(RuntimeHelpers.GetHashCode(key.Table));
        hash.Add(RuntimeHelpers.GetHashCode(key.Destination));
        hash.Add(key.Exporter is null ? 0 : StringComparer.Ordinal.GetHashCode(key.Exporter));
        hash.Add(key.SubjectTypes.Length);
        foreach (var s in key.SubjectTypes) hash.Add(s is null ? 0 : StringComparer.Ordinal.GetHashCode(s));
        return hash.ToHashCode();
    }

    private static bool SameText(string[] a, string[] b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.Length != b.Length) return false;
        for (var i = 0; i < a.Length; i++)
        {
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
