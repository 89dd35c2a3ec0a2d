using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Model.Inventory;

/// <summary>A third party outside the estate that receives data.</summary>
public sealed record Recipient(
    DocumentInfo Info,
    string Country,
    string Role,
    ImmutableArray<string> Certifications,
    ImmutableArray<string> Agreements)
{
    /// <summary>The recipient's name.</summary>
    public string Name => Info.Name;

    /// <summary>Where <see cref="Country"/> is written (None when not read from a file).</summary>
    public SourceLocation CountryLocation { get; init; } = SourceLocation.None;

    /// <summary>Where each of <see cref="Certifications"/> is written (same order; empty when not read from a file).</summary>
    public ImmutableArray<SourceLocation> CertificationLocations { get; init; } = [];

    /// <summary>Where each of <see cref="Agreements"/> is written (same order; empty when not read from a file).</summary>
    public ImmutableArray<SourceLocation> AgreementLocations { get; init; } = [];
}

/// <summary>The exporter: the organisation that runs the estate.</summary>
/// <remarks>
/// <see cref="Certifications"/> apply to the organisation's own sites (e.g. its US entity is DPF-certified);
/// <see cref="Mechanisms"/> cover transfers between its own sites (e.g. approved BCRs).
/// </remarks>
public sealed record Organization(DocumentInfo Info, string Country, ImmutableArray<string> Certifications, ImmutableArray<string> Mechanisms)
{
    /// <summary>The organisation's name.</summary>
    public string Name => Info.Name;

    /// <summary>Where <see cref="Country"/> is written (None when not read from a file).</summary>
    public SourceLocation CountryLocation { get; init; } = SourceLocation.None;

    /// <summary>Where each of <see cref="Certifications"/> is written (same order; empty when not read from a file).</summary>
    public ImmutableArray<SourceLocation> CertificationLocations { get; init; } = [];

    /// <summary>Where each of <see cref="Mechanisms"/> is written (same order; empty when not read from a file).</summary>
    public ImmutableArray<SourceLocation> MechanismLocations { get; init; } = [];
}
