using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Model.Inventory;

/// <summary>What every document has: kind, name, labels, free attributes, and where it was declared.</summary>
public sealed record DocumentInfo(
    string Kind,
    string Name,
    ImmutableSortedDictionary<string, string> Labels,
    ImmutableSortedDictionary<string, string> Attributes,
    SourceLocation Location)
{
    /// <summary>A document with no labels or attributes (tests, generated estates).</summary>
    public static DocumentInfo Of(string kind, string name, SourceLocation? location = null) =>
        new(kind, name, ImmutableSortedDictionary<string, string>.Empty, ImmutableSortedDictionary<string, string>.Empty,
            location ?? SourceLocation.None);

    /// <summary>The reference form used in paths and test expectations: <c>Kind/name</c>.</summary>
    public string Reference => $"{Kind}/{Name}";
}
