using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Model.Inventory;

/// <summary>Encryption facts of a store.</summary>
public sealed record Encryption(bool AtRest, string? KeyCountry, bool EndToEnd)
{
    /// <summary>Where <see cref="KeyCountry"/> is written (None when not read from a file).</summary>
    public SourceLocation KeyCountryLocation { get; init; } = SourceLocation.None;

    /// <summary>Nothing declared.</summary>
    public static Encryption None { get; } = new(false, null, false);
}

/// <summary>Where data rests: on a cluster of the estate, or held by a recipient.</summary>
public sealed record DataStore(
    DocumentInfo Info,
    Reference? Cluster,
    Reference? Recipient,
    ImmutableArray<string> Categories,
    ImmutableArray<string> Subjects,
    ImmutableArray<string> SubjectTypes,
    ImmutableArray<string> Designations,
    long? Individuals,
    long? SensitiveIndividuals,
    bool Primary,
    ImmutableArray<Reference> Replicas,
    ImmutableArray<Reference> Backups,
    bool GeoRedundant,
    Encryption Encryption)
{
    /// <summary>The store's name.</summary>
    public string Name => Info.Name;

    /// <summary>Where each of <see cref="Categories"/> is written (same order; empty when not read from a file).</summary>
    public ImmutableArray<SourceLocation> CategoryLocations { get; init; } = [];

    /// <summary>Where each of <see cref="Subjects"/> is written (same order; empty when not read from a file).</summary>
    public ImmutableArray<SourceLocation> SubjectLocations { get; init; } = [];

    /// <summary>Where each of <see cref="SubjectTypes"/> is written (same order; empty when not read from a file).</summary>
    public ImmutableArray<SourceLocation> SubjectTypeLocations { get; init; } = [];

    /// <summary>Where each of <see cref="Designations"/> is written (same order; empty when not read from a file).</summary>
    public ImmutableArray<SourceLocation> DesignationLocations { get; init; } = [];
}
