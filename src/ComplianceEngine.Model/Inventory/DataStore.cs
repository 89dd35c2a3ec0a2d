using System.Collections.Immutable;

namespace ComplianceEngine.Model.Inventory;

/// <summary>Encryption facts of a store.</summary>
public sealed record Encryption(bool AtRest, string? KeyCountry, bool EndToEnd)
{
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
}
