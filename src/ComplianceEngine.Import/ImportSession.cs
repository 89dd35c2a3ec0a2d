using ComplianceEngine.Import.Mapping;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import;

/// <summary>
/// The state of one import: the mapping, the drafts built so far (readers later in the order join to them: Velero
/// schedules to workloads, Istio entries to namespaces), and the diagnostics.
/// </summary>
internal sealed class ImportSession(ImportMapping mapping, DiagnosticBag diagnostics)
{
    /// <summary>The name used in place of an unknown country (ISO 3166 user-assigned "unknown"): never in the catalog, so rules that need it are indeterminate.</summary>
    public const string UnknownCountry = "ZZ";

    private readonly List<NativeDraft> _drafts = [];
    private readonly Dictionary<(string Kind, string Name), NativeDraft> _byName = [];

    public ImportMapping Mapping { get; } = mapping;
    public DiagnosticBag Diagnostics { get; } = diagnostics;
    public IReadOnlyList<NativeDraft> Drafts => _drafts;

    /// <summary>A draft by kind and name, or null.</summary>
    public NativeDraft? Find(string kind, string name) => _byName.GetValueOrDefault((kind, name));

    /// <summary>Adds a draft. A second document of the same kind and name is an error pointing at both sources.</summary>
    public NativeDraft Add(NativeDraft draft)
    {
        if (_byName.TryGetValue((draft.Kind, draft.Name), out var first))
        {
            Diagnostics.Error(DiagnosticCodes.SourceDuplicateName,
                $"{draft.Kind} '{draft.Name}' is produced twice (first from {first.At}); give one of them a {AnnotationKeys.Store} annotation or an ImportMapping 'store'", draft.At);
            return first;
        }
        _byName[(draft.Kind, draft.Name)] = draft;
        _drafts.Add(draft);
        return draft;
    }

    /// <summary>
    /// The Cluster document standing for a provider region (where a bucket or database rests): <c>provider-region</c>,
    /// created on first use. An unknown region keeps the name <c>provider-unknown</c> and is indeterminate.
    /// </summary>
    public string Site(string provider, string? region, SourceLocation at, string reader, string? country = null)
    {
        var cloud = provider is not ("onprem" or "edge" or "other");
        var name = cloud ? $"{provider}-{region ?? "unknown"}" : $"{provider}-{country ?? "unknown"}";
        if (Find(DocumentKind.Cluster, name) is null)
        {
            var draft = new NativeDraft(DocumentKind.Cluster, name, at, reader).Label("compliance-engine.io/site", cloud ? "region" : "country", at);
            draft.Set("provider", NativeDraft.Text(provider, at));
            if (cloud) draft.Set("region", NativeDraft.Text(region ?? "unknown", at));
            else draft.Set("country", NativeDraft.Text(country ?? UnknownCountry, at));
            Add(draft);
        }
        return name;
    }

    /// <summary>
    /// A DataStore on <paramref name="cluster"/> with the data facts of <paramref name="facts"/>. Without categories the
    /// store is still imported (its location matters) and rules that need categories see none.
    /// </summary>
    public NativeDraft Store(string name, string cluster, SourceLocation at, DataFacts facts, string reader, string? ns = null, SourceLocation? clusterAt = null,
        (string Namespace, string Kind, string Name)? sourceKey = null, IReadOnlyDictionary<string, Cursor>? sourceLabels = null, Cursor? sourceObject = null)
    {
        var draft = new NativeDraft(DocumentKind.DataStore, facts.Store?.Value ?? name, facts.Store?.At ?? at, reader)
        {
            Namespace = ns, SourceKey = sourceKey, SourceLabels = sourceLabels, SourceObject = sourceObject,
        };
        draft.Set("cluster", NativeDraft.Text(cluster, clusterAt ?? facts.Cluster?.At ?? at));
        ApplyData(draft, facts);
        return Add(draft);
    }

    /// <summary>
    /// <paramref name="store"/> backs up to <paramref name="target"/>: the target holds the union of what the stores
    /// backed up to it hold (categories, subjects, subject types).
    /// </summary>
    public static void BackUp(NativeDraft store, NativeDraft target, SourceLocation referencedAt)
    {
        store.Append("backups", [NativeDraft.Text(target.Name, referencedAt)]);
        foreach (var key in new[] { "categories", "subjects", "subjectTypes" })
        {
            var union = target.Strings(key).Concat(store.Strings(key)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (union.Count > 0) target.Set(key, NativeDraft.List(union, store.Get(key)?.Location ?? referencedAt));
        }
    }

    /// <summary>Writes categories, subjects, subject types and individuals onto a store draft.</summary>
    public static void ApplyData(NativeDraft draft, DataFacts facts)
    {
        if (facts.Categories is { } c) draft.Set("categories", NativeDraft.List(c.Value, c.At));
        if (facts.Subjects is { } s) draft.Set("subjects", NativeDraft.List(s.Value, s.At));
        if (facts.SubjectTypes is { } t) draft.Set("subjectTypes", NativeDraft.List(t.Value, t.At));
        if (facts.Individuals is { } n) draft.Set("individuals", NativeDraft.Number(n.Value, n.At));
    }

    /// <summary>Builds every draft, in the order they were added.</summary>
    public IReadOnlyList<ImportedDocument> Build() => [.. _drafts.Select(d => d.Build())];
}
