using ComplianceEngine.Loading.Validation;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Loading.Documents;

/// <summary>
/// Cross-document checks of an estate: unique names per kind, every reference pointing at a document of the right
/// kind, and per-document validation.
/// </summary>
public static class EstateLinker
{
    private static readonly ClusterValidator ClusterRules = new();
    private static readonly DataStoreValidator StoreRules = new();
    private static readonly DataFlowValidator FlowRules = new();

    /// <summary>Checks <paramref name="estate"/>; problems go to <paramref name="diagnostics"/>.</summary>
    /// <param name="withErrors">Documents that already had reading errors: their values are fallbacks, so they are not validated again.</param>
    public static void Check(Estate estate, DiagnosticBag diagnostics, IReadOnlySet<DocumentInfo>? withErrors = null)
    {
        bool Clean(DocumentInfo info) => withErrors is null || !withErrors.Contains(info);
        var clusters = Unique(estate.Clusters.Select(c => c.Info), diagnostics);
        var stores = Unique(estate.Stores.Select(s => s.Info), diagnostics);
        var flows = Unique(estate.Flows.Select(f => f.Info), diagnostics);
        var recipients = Unique(estate.Recipients.Select(r => r.Info), diagnostics);
        _ = flows;

        foreach (var c in estate.Clusters)
        {
            if (Clean(c.Info)) FluentDiagnostics.Validate(ClusterRules, c, c.Info.Location, diagnostics);
            foreach (var t in c.DisasterRecovery?.Targets ?? [])
            {
                Expect(t, $"Cluster '{c.Name}' disasterRecovery target", diagnostics, (clusters, DocumentKind.Cluster), (stores, DocumentKind.DataStore), (recipients, DocumentKind.Recipient));
                if (t.Name == c.Name) diagnostics.Error(DiagnosticCodes.InvalidValue, $"Cluster '{c.Name}' lists itself as a disasterRecovery target", t.Location);
            }
        }
        foreach (var s in estate.Stores)
        {
            if (Clean(s.Info)) FluentDiagnostics.Validate(StoreRules, s, s.Info.Location, diagnostics);
            if (s.Cluster is { } cl) Expect(cl, $"DataStore '{s.Name}' cluster", diagnostics, (clusters, DocumentKind.Cluster));
            if (s.Recipient is { } r) Expect(r, $"DataStore '{s.Name}' recipient", diagnostics, (recipients, DocumentKind.Recipient));
            foreach (var rep in s.Replicas) Expect(rep, $"DataStore '{s.Name}' replica", diagnostics, (clusters, DocumentKind.Cluster), (stores, DocumentKind.DataStore));
            foreach (var b in s.Backups) Expect(b, $"DataStore '{s.Name}' backup", diagnostics, (stores, DocumentKind.DataStore));
        }
        foreach (var f in estate.Flows)
        {
            if (Clean(f.Info)) FluentDiagnostics.Validate(FlowRules, f, f.Info.Location, diagnostics);
            if (f.From.Name.Length > 0)
                Expect(f.From, $"DataFlow '{f.Name}' from", diagnostics, (stores, DocumentKind.DataStore), (clusters, DocumentKind.Cluster));
            if (f.To.Name.Length > 0)
                Expect(f.To, $"DataFlow '{f.Name}' to", diagnostics, (stores, DocumentKind.DataStore), (clusters, DocumentKind.Cluster), (recipients, DocumentKind.Recipient));
        }
    }

    private static HashSet<string> Unique(IEnumerable<DocumentInfo> infos, DiagnosticBag diagnostics)
    {
        var seen = new Dictionary<string, DocumentInfo>(StringComparer.Ordinal);
        foreach (var info in infos)
        {
            if (seen.TryGetValue(info.Name, out var first))
                diagnostics.Error(DiagnosticCodes.DuplicateName, $"{info.Kind} '{info.Name}' is declared twice (first at {first.Location})", info.Location);
            else seen[info.Name] = info;
        }
        return [.. seen.Keys];
    }

    private static void Expect(Reference reference, string what, DiagnosticBag diagnostics, params (HashSet<string> Names, string Kind)[] allowed)
    {
        if (allowed.Any(a => a.Names.Contains(reference.Name))) return;
        var kinds = string.Join(" or ", allowed.Select(a => a.Kind));
        var hint = MapReader.Suggest(reference.Name, allowed.SelectMany(a => a.Names));
        diagnostics.Error(DiagnosticCodes.DanglingReference, $"{what} '{reference.Name}' does not name any {kinds}{hint}", reference.Location);
    }
}
