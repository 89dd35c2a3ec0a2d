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

    /// <summary>Where each key of <see cref="Attributes"/> is written (empty when not read from a file).</summary>
    public ImmutableSortedDictionary<string, SourceLocation> AttributeLocations { get; init; } = ImmutableSortedDictionary<string, SourceLocation>.Empty;

    /// <summary>Where attribute <paramref name="key"/> is written, or the document's position.</summary>
    public SourceLocation AttributeLocation(string key) => AttributeLocations.TryGetValue(key, out var at) ? at : Location;

    /// <summary>The reference form used in paths and test expectations: <c>Kind/name</c>.</summary>
    public string Reference => $"{Kind}/{Name}";
}
