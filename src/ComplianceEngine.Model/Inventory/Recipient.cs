using System.Collections.Immutable;

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
}

/// <summary>The exporter: the organisation that runs the estate.</summary>
/// <remarks><see cref="Certifications"/> apply to the organisation's own sites (e.g. its US entity is DPF-certified).</remarks>
public sealed record Organization(DocumentInfo Info, string Country, ImmutableArray<string> Certifications)
{
    /// <summary>The organisation's name.</summary>
    public string Name => Info.Name;
}
