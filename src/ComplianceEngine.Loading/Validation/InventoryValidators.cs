using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Loading.Validation;

/// <summary>
/// Shape checks common to documents. Whether a category, subject type, subject or country is one the catalog knows is
/// checked against the vocabularies loaded with the rules (<see cref="Vocabulary.VocabularyChecker"/>), with "did you mean".
/// </summary>
internal static class Shapes
{
    public static bool IsTaxonomyKey(string c) =>
        c.Length > 0 && c.Split('.').All(p => p.Length > 0 && p.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-'));
}

/// <summary>Checks a <see cref="Cluster"/> (plain checks, one diagnostic per failed check, at the cluster's document).</summary>
public static class ClusterValidator
{
    /// <summary>Adds an error to <paramref name="diagnostics"/> for every check <paramref name="cluster"/> fails.</summary>
    public static void Validate(Cluster cluster, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var withoutCatalogRegion = cluster.Provider is "onprem" or "edge" or "other";
        if (!withoutCatalogRegion && cluster.Region is null && cluster.Country is null)
            diagnostics.Error(DiagnosticCodes.MissingField, $"Cluster '{cluster.Name}': give 'region' (a {cluster.Provider} region) or 'country'", cluster.Info.Location);
        if (withoutCatalogRegion && cluster.Country is null)
            diagnostics.Error(DiagnosticCodes.MissingField,
                $"Cluster '{cluster.Name}': 'country' is required for {cluster.Provider} clusters (their region is not in the catalog)", cluster.Info.Location);
    }
}

/// <summary>Checks a <see cref="DataStore"/> (plain checks, one diagnostic per failed check, at the store's document).</summary>
public static class DataStoreValidator
{
    /// <summary>Adds an error to <paramref name="diagnostics"/> for every check <paramref name="store"/> fails.</summary>
    public static void Validate(DataStore store, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if ((store.Cluster is null) == (store.Recipient is null))
            diagnostics.Error(DiagnosticCodes.MissingField, $"DataStore '{store.Name}': give exactly one of 'cluster' or 'recipient'", store.Info.Location);
        if (!(store.SensitiveIndividuals is null || store.Individuals is null || store.SensitiveIndividuals <= store.Individuals))
            diagnostics.Error(DiagnosticCodes.InvalidValue,
                $"DataStore '{store.Name}': sensitiveIndividuals ({store.SensitiveIndividuals}) is larger than individuals ({store.Individuals})", store.Info.Location);
    }
}

/// <summary>Checks a <see cref="DataFlow"/> (plain checks, one diagnostic per failed check).</summary>
public static class DataFlowValidator
{
    /// <summary>Adds an error to <paramref name="diagnostics"/> for every check <paramref name="flow"/> fails.</summary>
    public static void Validate(DataFlow flow, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (flow.From.Name == flow.To.Name && flow.From.Name.Length > 0)
            diagnostics.Error(DiagnosticCodes.InvalidValue, $"DataFlow '{flow.Name}': 'from' and 'to' are the same ('{flow.From.Name}')", flow.To.Location);
    }
}
