using System.Collections.Frozen;
using ComplianceEngine.Import.Mapping;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Import.Fides;

/// <summary>
/// Reads Fides (fideslang) manifests with a top-level <c>system:</c> list. Each system is a DataStore holding the
/// categories and subject types of its privacy declarations; where it runs comes from the ImportMapping (<c>cluster</c>,
/// or <c>provider</c>+<c>region</c>, or <c>country</c>) or the <c>meta.k8s_cluster</c> convention, else it is
/// indeterminate. <c>egress</c> to another system is a DataFlow (purpose from the declaration's <c>data_use</c>,
/// mechanisms from <c>legal_basis_for_transfers</c>); <c>third_country_transfers</c> (alpha-3, fideslang before 3.0)
/// are flows to a recipient in each country. Fides has no jurisdiction field: subjects come from the mapping.
/// A <c>data_use</c> outside the fideslang taxonomy (fideslang-data-uses.tsv) that no <c>data_use</c> list of the
/// manifests declares is an error with a "did you mean" (CE2062), never read as "processing"; a
/// <c>legal_basis_for_transfers</c> outside fideslang's enum is a warning (CE2062): it counts as no mechanism.
/// </summary>
internal static class FidesReader
{
    public const string Name = "fides";

    private static readonly Lazy<FrozenDictionary<string, string>> Alpha3 = new(LoadAlpha3);

    /// <summary>The fideslang data uses: key to the key that replaces it (empty when current).</summary>
    private static readonly Lazy<FrozenDictionary<string, string>> DataUses = new(LoadDataUses);

    /// <summary>fideslang's <c>LegalBasisForTransfersEnum</c> (ethyca/fideslang src/fideslang/models.py); fideslang does not enforce it.</summary>
    internal static readonly IReadOnlyList<string> LegalBasesForTransfers = ["Adequacy Decision", "SCCs", "BCRs", "Supplementary Measures", "Other"];

    /// <summary>A manifest: a mapping whose <c>system</c> is a list of mappings with <c>fides_key</c>.</summary>
    public static bool Recognises(SourceDocument doc) =>
        doc.Root is YamlMapping m && m.Get("apiVersion") is null && m.Get("system") is YamlSequence s
        && s.Items.Any(i => i is YamlMapping im && im.Get("fides_key") is not null);

    private sealed record SystemDoc(Cursor System, string Key, SourceDocument Doc);

    public static void Read(ImportSession session, IReadOnlyList<SourceDocument> documents)
    {
        var systems = new List<SystemDoc>();
        // Data uses an organisation declares in its manifests (a top-level data_use list): key -> parent key.
        var declaredUses = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var doc in documents)
        {
            foreach (var u in Cursor.Root(doc.Root, doc.IsJson)["data_use"].Items)
            {
                if (u["fides_key"].String is { Length: > 0 } key) declaredUses.TryAdd(key, u["parent_key"].String);
            }
        }
        var uses = new DataUseVocabulary(declaredUses);
        foreach (var doc in documents)
        {
            foreach (var s in Cursor.Root(doc.Root, doc.IsJson)["system"].Items)
            {
                if (s["fides_key"].String is { Length: > 0 } key) systems.Add(new SystemDoc(s, key, doc));
                else session.Diagnostics.Error(DiagnosticCodes.SourceMalformed, "a Fides system needs fides_key", s.Location);
            }
        }
        foreach (var s in systems) Store(session, s);
        var sending = new Dictionary<string, (string Purpose, List<string> Mechanisms)>(StringComparer.Ordinal);
        foreach (var s in systems)
        {
            CheckDataUses(session, s, uses);
            sending.TryAdd(s.Key, Flows(session, s, systems, uses));
        }
        // After every egress: a flow both ends declare is imported once, from the sender's egress.
        foreach (var s in systems) Ingress(session, s, systems, sending);
    }

    /// <summary>
    /// A system's <c>ingress</c> (fideslang: "The resources from which the system receives data"): a flow from each system
    /// among the inputs that sends to it, when that system's own egress does not already say so (with the sender's
    /// purpose and mechanisms). Data from the users themselves is no transfer; a dataset is not followed (warning); a
    /// sender that is not among the inputs brings data into the estate, which is no transfer it makes (note).
    /// </summary>
    private static void Ingress(ImportSession session, SystemDoc s, IReadOnlyList<SystemDoc> systems, Dictionary<string, (string Purpose, List<string> Mechanisms)> sending)
    {
        var to = session.Find(DocumentKind.DataStore, s.Key)?.Name ?? s.Key;
        foreach (var ingress in s.System["ingress"].Items)
        {
            if (ingress["type"].String is "user" || ingress["fides_key"].String is "user") continue; // from the data subjects themselves
            var source = ingress["fides_key"].String;
            if (source is null)
            {
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                    $"Fides system '{s.Key}': an ingress needs fides_key (the system or dataset the data comes from); without it the flow cannot be imported", ingress.Location);
                continue;
            }
            var sender = systems.FirstOrDefault(x => x.Key == source);
            if (sender is null)
            {
                if (ingress["type"].String is "dataset")
                    session.Diagnostics.Warning(DiagnosticCodes.SourceNotRead, $"Fides system '{s.Key}': ingress from dataset '{source}' is not followed (datasets are not read); describe where it rests with a DataStore", ingress.Location);
                else
                    session.Diagnostics.Note(DiagnosticCodes.SourceNotRead,
                        $"Fides system '{s.Key}': ingress from '{source}', which is not a system among the inputs: data it brings into the estate is no transfer the estate makes; if '{source}' is yours, add its system", ingress.Location);
                continue;
            }
            var name = $"{source}-to-{s.Key}";
            if (session.Find(DocumentKind.DataFlow, name) is not null) continue; // the sender's egress says it
            var from = session.Find(DocumentKind.DataStore, source)?.Name ?? source;
            var (purpose, mechanisms) = sending.TryGetValue(source, out var sent) ? sent : ("processing", []);
            Flow(session, name, from, to, ingress["data_categories"].Strings, purpose, mechanisms, ingress.Location);
        }
    }

    /// <summary>Every declaration's data_use is a fideslang key or declared by the manifests: another value cannot say why data moves.</summary>
    private static void CheckDataUses(ImportSession session, SystemDoc s, DataUseVocabulary uses)
    {
        foreach (var d in s.System["privacy_declarations"].Items)
        {
            var use = d["data_use"];
            if (use.String is not { } key)
            {
                // Required by fideslang: without it why the data moves is not said, and a default purpose would be a guess.
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                    $"Fides system '{s.Key}': privacy declaration '{d["name"].String ?? "(unnamed)"}' has no data_use (fideslang requires one); the purpose of its flows cannot be worked out",
                    use.Exists ? use.Location : d.Location);
                continue;
            }
            if (uses.Declared.ContainsKey(key)) continue;
            if (DataUses.Value.TryGetValue(key, out var replacedBy))
            {
                if (replacedBy.Length > 0)
                    session.Diagnostics.Warning(DiagnosticCodes.DeprecatedKey,
                        $"Fides system '{s.Key}': data_use '{key}' is a fideslang 1.x data use; fideslang 2.0 replaced it with '{replacedBy}', and it is read as that", use.Location);
                continue;
            }
            var known = DataUses.Value.Keys.Concat(uses.Declared.Keys).ToList();
            var caseFix = known.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
            var hint = caseFix is not null ? $", did you mean '{caseFix}'?" : Suggestions.DidYouMean(key, known);
            session.Diagnostics.Error(DiagnosticCodes.SourceVocabularyUnknown,
                $"Fides system '{s.Key}': data_use '{key}' is not a fideslang data use, nor declared in a data_use list of the manifests{hint}" +
                "; without it the flows' purpose is unknown (fix it, or declare it in a data_use list with fides_key and parent_key)", use.Location);
        }
    }

    /// <summary>The fideslang data uses plus those the manifests declare (with their parents), to find a use's fideslang root.</summary>
    private sealed class DataUseVocabulary(Dictionary<string, string?> declared)
    {
        public Dictionary<string, string?> Declared { get; } = declared;

        /// <summary>The fideslang key a declared use descends from (the use itself when it is one), or null.</summary>
        public string? Fideslang(string use)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var key = use; key is not null && seen.Add(key);)
            {
                if (DataUses.Value.ContainsKey(key)) return key;
                key = Declared.TryGetValue(key, out var parent) ? parent : null;
            }
            return null;
        }
    }

    private static void Store(ImportSession session, SystemDoc s)
    {
        var declarations = s.System["privacy_declarations"].Items.ToList();
        if (declarations.Count == 0)
            session.Diagnostics.Warning(DiagnosticCodes.SourceMalformed, $"Fides system '{s.Key}' has no privacy_declarations; it holds no known categories", s.System.Location);
        var mapped = session.Mapping.For(new SourceObject(Name, s.System["system_type"].String ?? "system", s.Key, s.Key));
        var categories = declarations.SelectMany(d => d["data_categories"].Strings).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var subjectTypes = declarations.SelectMany(d => d["data_subjects"].Strings).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var at = declarations.FirstOrDefault().Node is not null ? declarations[0].Location : s.System.Location;
        var facts = new DataFacts
        {
            Categories = categories.Count > 0 ? new(categories, at) : null,
            SubjectTypes = subjectTypes.Count > 0 ? new(subjectTypes, at) : null,
        }.Or(mapped);

        string cluster;
        SourceLocation clusterAt;
        if (mapped.Cluster is { } c) (cluster, clusterAt) = (c.Value, c.At);
        else if (s.System["meta"]["k8s_cluster"].String is { } k) (cluster, clusterAt) = (k, s.System["meta"]["k8s_cluster"].Location);
        else if (mapped.Region is { } r && mapped.Provider is { } p) (cluster, clusterAt) = (session.Site(p.Value, r.Value, r.At, Name), r.At);
        else if (mapped.Country is { } country) (cluster, clusterAt) = (session.Site("other", null, country.At, Name, country.Value), country.At);
        else
        {
            session.Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown,
                $"Fides system '{s.Key}': where it runs is unknown (Fides has no location); give it with an ImportMapping rule (match: {{name: {s.Key}, source: fides}}, cluster: NAME or country: XX); until then its facts are indeterminate",
                s.System.Location);
            (cluster, clusterAt) = (session.Site("other", null, s.System.Location, Name), s.System.Location);
        }
        session.Store(s.Key, cluster, s.System.Location, facts, Name, clusterAt: clusterAt)
            .Label("compliance-engine.io/fides-key", s.Key, s.System["fides_key"].Location);
    }

    private static (string Purpose, List<string> Mechanisms) Flows(ImportSession session, SystemDoc s, IReadOnlyList<SystemDoc> systems, DataUseVocabulary uses)
    {
        var declarations = s.System["privacy_declarations"].Items.ToList();
        var purpose = Purpose(declarations.Select(d => d["data_use"].String).OfType<string>().Select(u => uses.Fideslang(u) ?? u).FirstOrDefault());
        var mechanisms = new List<string>();
        foreach (var basis in s.System["legal_basis_for_transfers"].Items)
        {
            if (basis.String is not { } text) continue;
            if (Mechanism(text) is { } m)
            {
                if (!mechanisms.Contains(m, StringComparer.Ordinal)) mechanisms.Add(m);
                continue;
            }
            if (LegalBasesForTransfers.Contains(text, StringComparer.Ordinal)) continue; // adequacy the engine knows; the others name no mechanism
            var caseFix = LegalBasesForTransfers.FirstOrDefault(b => string.Equals(b, text, StringComparison.OrdinalIgnoreCase)
                || string.Equals(b.TrimEnd('s'), text, StringComparison.OrdinalIgnoreCase) || string.Equals(b, text + "s", StringComparison.OrdinalIgnoreCase));
            var hint = caseFix is not null ? $", did you mean '{caseFix}'?" : Suggestions.DidYouMean(text, LegalBasesForTransfers);
            session.Diagnostics.Warning(DiagnosticCodes.SourceVocabularyUnknown,
                $"Fides system '{s.Key}': legal_basis_for_transfers '{text}' is not one of fideslang's ({string.Join(", ", LegalBasesForTransfers)}){hint}; " +
                "it counts as no mechanism, so its transfers are judged without it (declare the mechanism in a DataFlow or an ImportMapping)", basis.Location);
        }
        var from = session.Find(DocumentKind.DataStore, s.Key)?.Name ?? s.Key;

        foreach (var egress in s.System["egress"].Items)
        {
            if (egress["type"].String is "user") continue; // to the data subjects themselves
            var target = egress["fides_key"].String;
            if (target is null)
            {
                session.Diagnostics.Error(DiagnosticCodes.SourceMalformed,
                    $"Fides system '{s.Key}': an egress needs fides_key (the system or dataset the data goes to); without it the flow cannot be imported", egress.Location);
                continue;
            }
            if (egress["type"].String is "dataset" && !systems.Any(x => x.Key == target))
            {
                session.Diagnostics.Warning(DiagnosticCodes.SourceNotRead, $"Fides system '{s.Key}': egress to dataset '{target}' is not followed (datasets are not read); describe where it rests with a DataStore", egress.Location);
                continue;
            }
            var to = systems.Any(x => x.Key == target) ? target : Recipient(session, target, egress["fides_key"].Location);
            Flow(session, $"{s.Key}-to-{target}", from, to, egress["data_categories"].Strings, purpose, mechanisms, egress.Location);
        }

        var transfers = s.System["third_country_transfers"].Items.Concat(declarations.SelectMany(d => d["third_country_transfers"].Items)).ToList();
        foreach (var t in transfers.Where(t => t.String is not null).GroupBy(t => t.String!, StringComparer.Ordinal).Select(g => g.First()))
        {
            var alpha2 = Alpha3.Value.GetValueOrDefault(t.String!.ToUpperInvariant());
            if (alpha2 is null)
                session.Diagnostics.Warning(DiagnosticCodes.SourceValueUnknown, $"Fides system '{s.Key}': third_country_transfers '{t.String}' is not an ISO 3166-1 alpha-3 code; the transfer is indeterminate", t.Location);
            var name = $"{s.Key}-third-country-{(alpha2 ?? t.String!).ToLowerInvariant()}";
            if (session.Find(DocumentKind.Recipient, name) is null)
            {
                var recipient = new NativeDraft(DocumentKind.Recipient, name, t.Location, Name);
                recipient.Set("country", NativeDraft.Text(alpha2 ?? ImportSession.UnknownCountry, t.Location));
                if (s.System["data_responsibility_title"].String is "Controller") recipient.Set("role", NativeDraft.Text("controller", t.Location));
                session.Add(recipient);
            }
            Flow(session, $"{s.Key}-to-{(alpha2 ?? t.String!).ToLowerInvariant()}", from, name, [], purpose, mechanisms, t.Location);
        }
        return (purpose, mechanisms);
    }

    private static string Recipient(ImportSession session, string key, SourceLocation at)
    {
        if (session.Find(DocumentKind.Recipient, key) is not null) return key;
        var mapped = session.Mapping.For(new SourceObject(Name, "system", key, key));
        var recipient = new NativeDraft(DocumentKind.Recipient, key, at, Name);
        if (mapped.Country is { } c) recipient.Set("country", NativeDraft.Text(c.Value, c.At));
        else
        {
            session.Diagnostics.Warning(DiagnosticCodes.SourceDanglingReference,
                $"Fides egress to '{key}', which is not a system among the inputs; give its country with an ImportMapping rule (match: {{name: {key}, source: fides}}, country: XX); until then the transfer is indeterminate", at);
            recipient.Set("country", NativeDraft.Text(ImportSession.UnknownCountry, at));
        }
        if (mapped.Role is { } role) recipient.Set("role", NativeDraft.Text(role.Value, role.At));
        if (mapped.Certifications is { } certs) recipient.Set("certifications", NativeDraft.List(certs.Value, certs.At));
        session.Add(recipient);
        return key;
    }

    private static void Flow(ImportSession session, string name, string from, string to, IReadOnlyList<string> categories, string purpose, List<string> mechanisms, SourceLocation at)
    {
        var flow = new NativeDraft(DocumentKind.DataFlow, name, at, Name);
        flow.Set("from", NativeDraft.Text(from, at));
        flow.Set("to", NativeDraft.Text(to, at));
        if (categories.Count > 0) flow.Set("categories", NativeDraft.List(categories, at));
        flow.Set("purpose", NativeDraft.Text(purpose, at));
        if (mechanisms.Count > 0) flow.Set("mechanisms", NativeDraft.List(mechanisms, at));
        session.Add(flow);
    }

    /// <summary>
    /// Our flow purpose for a fideslang data use. A fideslang 1.x key is read as its 2.0 replacement (the shipped table's
    /// second column), so a manifest means the same whichever fideslang it was written for.
    /// </summary>
    internal static string Purpose(string? dataUse) => Current(dataUse)?.Split('.')[0] switch
    {
        "analytics" => "analytics",
        "train_ai_system" => "ml-training",
        "operations" => "support-access",
        null => "processing",
        _ => "processing",
    };

    /// <summary>The fideslang 2.0 key of <paramref name="dataUse"/>: its replacement when it is a 1.x key (followed to the end), else itself.</summary>
    private static string? Current(string? dataUse)
    {
        for (var i = 0; dataUse is not null && i < 8 && DataUses.Value.TryGetValue(dataUse, out var replacedBy) && replacedBy.Length > 0; i++)
            dataUse = replacedBy;
        return dataUse;
    }

    /// <summary>Our mechanism for a fideslang <c>legal_basis_for_transfers</c> value (adequacy is not a mechanism: the engine knows the decisions).</summary>
    internal static string? Mechanism(string basis) => basis switch
    {
        "SCCs" => "scc",
        "BCRs" => "bcr",
        _ => null,
    };

    private static FrozenDictionary<string, string> LoadDataUses() =>
        LoadTable("fideslang-data-uses.tsv", "the embedded fideslang data-use table", valueRequired: false);

    private static FrozenDictionary<string, string> LoadAlpha3() =>
        LoadTable("iso3166-alpha3.tsv", "the embedded ISO 3166 table", valueRequired: true);

    /// <summary>
    /// An embedded two-column table (key, tab, value; <c>#</c> comments and blank lines skipped). A row without a value
    /// maps to an empty string, or is a build defect when every row must have one.
    /// </summary>
    private static FrozenDictionary<string, string> LoadTable(string resource, string what, bool valueRequired)
    {
        using var stream = typeof(FidesReader).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException(what + " is missing from the build");
        using var reader = new StreamReader(stream);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            var parts = line.Split('\t');
            if (valueRequired && (parts.Length < 2 || parts[1].Length == 0))
                throw new InvalidOperationException($"{what} has a row without a value: '{line}'");
            map[parts[0]] = parts.Length > 1 ? parts[1] : string.Empty;
        }
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
