using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Model.Inventory;

/// <summary>A declared movement of data from a store or cluster to a store, cluster or recipient.</summary>
/// <remarks>Empty <see cref="Categories"/> means "everything the source holds".</remarks>
public sealed record DataFlow(
    DocumentInfo Info,
    Reference From,
    Reference To,
    ImmutableArray<string> Categories,
    string Purpose,
    ImmutableArray<string> Mechanisms,
    long? Individuals,
    long? SensitiveIndividuals,
    bool EncryptedInTransit,
    bool Pseudonymised,
    TimeSpan? Retention)
{
    /// <summary>The flow's name.</summary>
    public string Name => Info.Name;

    /// <summary>Where each of <see cref="Categories"/> is written (same order; empty when not read from a file).</summary>
    public ImmutableArray<SourceLocation> CategoryLocations { get; init; } = [];

    /// <summary>Where each of <see cref="Mechanisms"/> is written (same order; empty when not read from a file).</summary>
    public ImmutableArray<SourceLocation> MechanismLocations { get; init; } = [];
}
