using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Model.Inventory;

/// <summary>Disaster-recovery set-up of a cluster: data on it is replicated to the targets.</summary>
public sealed record DisasterRecovery(string Strategy, ImmutableArray<Reference> Targets, SourceLocation Location);

/// <summary>A name that points at another document, with where the pointer was written.</summary>
public sealed record Reference(string Name, SourceLocation Location);

/// <summary>A Kubernetes cluster (or any compute site) of the estate.</summary>
public sealed record Cluster(
    DocumentInfo Info,
    string Provider,
    string? Region,
    string? Country,
    string Environment,
    string Role,
    string Operator,
    DisasterRecovery? DisasterRecovery)
{
    /// <summary>Agreements with the cloud operator (e.g. a HIPAA BAA with the provider).</summary>
    public ImmutableArray<string> Agreements { get; init; } = [];

    /// <summary>The cluster's name.</summary>
    public string Name => Info.Name;

    /// <summary>Where <see cref="Country"/> is written (None when not read from a file).</summary>
    public SourceLocation CountryLocation { get; init; } = SourceLocation.None;

    /// <summary>Where <see cref="Region"/> is written (None when not read from a file, or absent).</summary>
    public SourceLocation RegionLocation { get; init; } = SourceLocation.None;

    /// <summary>Where each of <see cref="Agreements"/> is written (same order; empty when not read from a file).</summary>
    public ImmutableArray<SourceLocation> AgreementLocations { get; init; } = [];
}
