using System.Collections.Immutable;

namespace ComplianceEngine.Model.Inventory;

/// <summary>Everything the user declared about their estate, as loaded and cross-checked.</summary>
public sealed record Estate(
    ImmutableArray<Cluster> Clusters,
    ImmutableArray<DataStore> Stores,
    ImmutableArray<DataFlow> Flows,
    ImmutableArray<Recipient> Recipients,
    Organization? Organization)
{
    /// <summary>Data categories the estate declares (<c>DataCategory</c> documents), extending the loaded taxonomy.</summary>
    public ImmutableArray<Vocabulary.TaxonomyEntry> DataCategories { get; init; } = [];

    /// <summary>An estate with nothing in it.</summary>
    public static Estate Empty { get; } = new([], [], [], [], null);
}
