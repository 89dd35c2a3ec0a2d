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

    /// <summary>Documents per piece of work when the checks run on several threads.</summary>
    internal const int PieceSize = 4096;

    /// <summary>Checks <paramref name="estate"/>; problems go to <paramref name="diagnostics"/>.</summary>
    /// <param name="withErrors">Documents that already had reading errors: their values are fallbacks, so they are not validated again.</param>
    public static void Check(Estate estate, DiagnosticBag diagnostics, IReadOnlySet<DocumentInfo>? withErrors = null) =>
        Check(estate, diagnostics, withErrors, Environment.ProcessorCount);

    /// <summary>
    /// <see cref="Check(Estate, DiagnosticBag, IReadOnlySet{DocumentInfo}?)"/> on up to <paramref name="parallelism"/> threads:
    /// the documents are checked in pieces of <see cref="PieceSize"/>, each into a bag of its own, and the bags are added to
    /// <paramref name="diagnostics"/> in the order of the pieces, so the diagnostics and their order are those of checking
    /// one document after another (1: on the calling thread).
    /// </summary>
    public static void Check(Estate estate, DiagnosticBag diagnostics, IReadOnlySet<DocumentInfo>? withErrors, int parallelism)
    {
        ArgumentNullException.ThrowIfNull(estate);
        ArgumentNullException.ThrowIfNull(diagnostics);
        bool Clean(DocumentInfo info) => withErrors is null || !withErrors.Contains(info);
        var clusters = Unique(estate.Clusters.Select(c => c.Info), diagnostics);
        var stores = Unique(estate.Stores.Select(s => s.Info), diagnostics);
        var flows = Unique(estate.Flows.Select(f => f.Info), diagnostics);
        var recipients = Unique(estate.Recipients.Select(r => r.Info), diagnostics);
        // Every kind by name: a reference that misses the kinds it may name, but names a document of another kind, says which.
        (Dictionary<string, DocumentInfo>, string)[] every = [(clusters, DocumentKind.Cluster), (stores, DocumentKind.DataStore), (flows, DocumentKind.DataFlow), (recipients, DocumentKind.Recipient)];

        // The name tables are only read from here on: each piece reads them and writes to its own bag.
        void CheckClusters(int from, int to, DiagnosticBag bag)
        {
            for (var i = from; i < to; i++)
            {
                var c = estate.Clusters[i];
                if (Clean(c.Info)) FluentDiagnostics.Validate(ClusterRules, c, c.Info.Location, bag);
                foreach (var t in c.DisasterRecovery?.Targets ?? [])
                {
                    Expect(t, DocumentKind.Cluster, c.Name, "disasterRecovery target", bag, every, (clusters, DocumentKind.Cluster), (stores, DocumentKind.DataStore), (recipients, DocumentKind.Recipient));
                    if (t.Name == c.Name) bag.Error(DiagnosticCodes.InvalidValue, $"Cluster '{c.Name}' lists itself as a disasterRecovery target", t.Location);
                }
            }
        }
        void CheckStores(int from, int to, DiagnosticBag bag)
        {
            for (var i = from; i < to; i++)
            {
                var s = estate.Stores[i];
                if (Clean(s.Info)) FluentDiagnostics.Validate(StoreRules, s, s.Info.Location, bag);
                if (s.Cluster is { } cl) Expect(cl, DocumentKind.DataStore, s.Name, "cluster", bag, every, (clusters, DocumentKind.Cluster));
                if (s.Recipient is { } r) Expect(r, DocumentKind.DataStore, s.Name, "recipient", bag, every, (recipients, DocumentKind.Recipient));
                foreach (var rep in s.Replicas) Expect(rep, DocumentKind.DataStore, s.Name, "replica", bag, every, (clusters, DocumentKind.Cluster), (stores, DocumentKind.DataStore));
                foreach (var b in s.Backups) Expect(b, DocumentKind.DataStore, s.Name, "backup", bag, every, (stores, DocumentKind.DataStore));
            }
        }
        void CheckFlows(int from, int to, DiagnosticBag bag)
        {
            for (var i = from; i < to; i++)
            {
                var f = estate.Flows[i];
                if (Clean(f.Info)) FluentDiagnostics.Validate(FlowRules, f, f.Info.Location, bag);
                if (f.From.Name.Length > 0)
                    Expect(f.From, DocumentKind.DataFlow, f.Name, "from", bag, every, (stores, DocumentKind.DataStore), (clusters, DocumentKind.Cluster));
                if (f.To.Name.Length > 0)
                    Expect(f.To, DocumentKind.DataFlow, f.Name, "to", bag, every, (stores, DocumentKind.DataStore), (clusters, DocumentKind.Cluster), (recipients, DocumentKind.Recipient));
            }
        }

        // Clusters, then stores, then flows, each in order: the order one document after another would give.
        var pieces = new List<(Action<int, int, DiagnosticBag> Check, int From, int To)>();
        void Cut(Action<int, int, DiagnosticBag> check, int count)
        {
            for (var from = 0; from < count; from += PieceSize) pieces.Add((check, from, Math.Min(count, from + PieceSize)));
        }
        Cut(CheckClusters, estate.Clusters.Length);
        Cut(CheckStores, estate.Stores.Length);
        Cut(CheckFlows, estate.Flows.Length);
        if (parallelism < 2 || pieces.Count < 2)
        {
            foreach (var (check, from, to) in pieces) check(from, to, diagnostics);
            return;
        }
        var bags = new DiagnosticBag[pieces.Count];
        try
        {
            Parallel.For(0, pieces.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i =>
            {
                var bag = new DiagnosticBag();
                pieces[i].Check(pieces[i].From, pieces[i].To, bag);
                bags[i] = bag;
            });
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            // A bug while checking surfaces as itself, as it would on one thread.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
        }
        foreach (var bag in bags) diagnostics.AddRange(bag);
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
    /// some 200,000 of these checks); the message is made only for a dangling reference. A name that is a document of
    /// another kind (of <paramref name="every"/>) is CE3002 naming that kind; a name of no document is CE3001.
    /// </summary>
    private static void Expect(Reference reference, string kind, string name, string role, DiagnosticBag diagnostics,
        (Dictionary<string, DocumentInfo> Names, string Kind)[] every, params ReadOnlySpan<(Dictionary<string, DocumentInfo> Names, string Kind)> allowed)
    {
        foreach (var a in allowed)
        {
            if (a.Names.ContainsKey(reference.Name)) return;
        }
        var list = allowed.ToArray();
        var kinds = string.Join(" or ", list.Select(a => a.Kind));
        foreach (var other in every)
        {
            if (!other.Names.ContainsKey(reference.Name)) continue;
            diagnostics.Error(DiagnosticCodes.WrongReferenceKind, $"{kind} '{name}' {role} '{reference.Name}' is a {other.Kind}, not a {kinds}", reference.Location);
            return;
        }
        var hint = MapReader.Suggest(reference.Name, list.SelectMany(a => a.Names.Keys));
        diagnostics.Error(DiagnosticCodes.DanglingReference, $"{kind} '{name}' {role} '{reference.Name}' does not name any {kinds}{hint}", reference.Location);
    }
}
