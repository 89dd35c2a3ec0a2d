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
                Expect(t, DocumentKind.Cluster, c.Name, "disasterRecovery target", diagnostics, (clusters, DocumentKind.Cluster), (stores, DocumentKind.DataStore), (recipients, DocumentKind.Recipient));
                if (t.Name == c.Name) diagnostics.Error(DiagnosticCodes.InvalidValue, $"Cluster '{c.Name}' lists itself as a disasterRecovery target", t.Location);
            }
        }
        foreach (var s in estate.Stores)
        {
            if (Clean(s.Info)) FluentDiagnostics.Validate(StoreRules, s, s.Info.Location, diagnostics);
            if (s.Cluster is { } cl) Expect(cl, DocumentKind.DataStore, s.Name, "cluster", diagnostics, (clusters, DocumentKind.Cluster));
            if (s.Recipient is { } r) Expect(r, DocumentKind.DataStore, s.Name, "recipient", diagnostics, (recipients, DocumentKind.Recipient));
            foreach (var rep in s.Replicas) Expect(rep, DocumentKind.DataStore, s.Name, "replica", diagnostics, (clusters, DocumentKind.Cluster), (stores, DocumentKind.DataStore));
            foreach (var b in s.Backups) Expect(b, DocumentKind.DataStore, s.Name, "backup", diagnostics, (stores, DocumentKind.DataStore));
        }
        foreach (var f in estate.Flows)
        {
            if (Clean(f.Info)) FluentDiagnostics.Validate(FlowRules, f, f.Info.Location, diagnostics);
            if (f.From.Name.Length > 0)
                Expect(f.From, DocumentKind.DataFlow, f.Name, "from", diagnostics, (stores, DocumentKind.DataStore), (clusters, DocumentKind.Cluster));
            if (f.To.Name.Length > 0)
                Expect(f.To, DocumentKind.DataFlow, f.Name, "to", diagnostics, (stores, DocumentKind.DataStore), (clusters, DocumentKind.Cluster), (recipients, DocumentKind.Recipient));
        }
    }

    /// <summary>The documents by name (the first of each name); a name declared twice is an error at the second.</summary>
    private static Dictionary<string, DocumentInfo> Unique(IEnumerable<DocumentInfo> infos, DiagnosticBag diagnostics)
    {
        var seen = new Dictionary<string, DocumentInfo>(StringComparer.Ordinal);
        foreach (var info in infos)
        {
            if (seen.TryGetValue(info.Name, out var first))
                diagnostics.Error(DiagnosticCodes.DuplicateName, $"{info.Kind} '{info.Name}' is declared twice (first at {first.Location})", info.Location);
            else seen[info.Name] = info;
        }
        return seen;
    }

    /// <summary>
    /// Checks that <paramref name="reference"/> (the <paramref name="role"/> of the <paramref name="kind"/> <paramref name="name"/>) names a
    /// document of one of the <paramref name="allowed"/> kinds. Nothing is allocated when it does (a 100k-flow estate makes
    /// some 200,000 of these checks); the message is made only for a dangling reference.
    /// </summary>
    private static void Expect(Reference reference, string kind, string name, string role, DiagnosticBag diagnostics, params ReadOnlySpan<(Dictionary<string, DocumentInfo> Names, string Kind)> allowed)
    {
        foreach (var a in allowed)
        {
            if (a.Names.ContainsKey(reference.Name)) return;
        }
        var list = allowed.ToArray();
        var kinds = string.Join(" or ", list.Select(a => a.Kind));
        var hint = MapReader.Suggest(reference.Name, list.SelectMany(a => a.Names.Keys));
        diagnostics.Error(DiagnosticCodes.DanglingReference, $"{kind} '{name}' {role} '{reference.Name}' does not name any {kinds}{hint}", reference.Location);
    }
}
