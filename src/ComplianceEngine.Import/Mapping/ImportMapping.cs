using System.Collections.Immutable;
using System.Text.RegularExpressions;
using ComplianceEngine.Loading.Sources;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Mapping;

/// <summary>What a mapping rule matches: glob patterns (<c>*</c>, <c>?</c>) over a source object's name, address, kind and reader.</summary>
/// <param name="Name">The object's name (bucket, cluster, node cluster, host, Fides key).</param>
/// <param name="Address">Its address: Terraform <c>module.x.aws_s3_bucket.y</c>, Kubernetes <c>namespace/Kind/name</c>, Istio host.</param>
/// <param name="Kind">The source kind: <c>aws_s3_bucket</c>, <c>StatefulSet</c>, <c>Node</c>, <c>ServiceEntry</c>...</param>
/// <param name="Source">The reader: <c>terraform-plan</c>, <c>kubernetes</c>, <c>velero</c>, <c>istio</c>.</param>
public sealed record MappingMatch(string? Name, string? Address, string? Kind, string? Source);

/// <summary>One rule of an ImportMapping: a match and the facts it supplies.</summary>
internal sealed record MappingRule(MappingMatch Match, DataFacts Facts, SourceLocation Location)
{
    /// <summary>True when every pattern given matches.</summary>
    public bool Matches(SourceObject obj) =>
        Glob(Match.Name, obj.Name) && Glob(Match.Address, obj.Address) && Glob(Match.Kind, obj.Kind) && Glob(Match.Source, obj.Source);

    /// <summary>
    /// A glob match in linear time (no backtracking): a pattern of many <c>*</c> against a long name can neither hang
    /// nor time out into a crash.
    /// </summary>
    internal static bool Glob(string? pattern, string value) =>
        pattern is null || Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
}

/// <summary>A source object offered to the mapping.</summary>
internal sealed record SourceObject(string Source, string Kind, string Name, string Address);

/// <summary>
/// The <c>ImportMapping</c> documents of a load: rules in file order; for each field the first matching rule that gives it
/// wins. Annotations on the resource itself win over any rule.
/// </summary>
internal sealed class ImportMapping
{
    public const string Kind = "ImportMapping";

    /// <summary>The readers a rule's <c>match.source</c> may name.</summary>
    public static IReadOnlyList<string> Sources { get; } = ["fides", "istio", "karmada", "kubernetes", "ocm", "terraform-plan", "velero"];

    private readonly ImmutableArray<MappingRule> _rules;
    private readonly HashSet<MappingRule> _used = [];

    public ImportMapping(ImmutableArray<MappingRule> rules) => _rules = rules;

    public static ImportMapping Empty => new([]);

    /// <summary>The facts the rules give <paramref name="obj"/>, and whether any rule matched.</summary>
    public DataFacts For(SourceObject obj)
    {
        var facts = DataFacts.None;
        foreach (var rule in _rules.Where(r => r.Matches(obj)))
        {
            _used.Add(rule);
            facts = facts.Or(rule.Facts);
        }
        return facts;
    }

    /// <summary>
    /// A rule no source object of the load matched is a warning at the rule: the facts it was written to give (a
    /// cluster's country, a bucket's categories) reached nothing, and a typo in its match would otherwise go unseen.
    /// </summary>
    public void ReportUnused(DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        foreach (var rule in _rules.Where(r => !_used.Contains(r)))
        {
            var m = rule.Match;
            var parts = new[] { ("name", m.Name), ("address", m.Address), ("kind", m.Kind), ("source", m.Source) }.Where(p => p.Item2 is not null).Select(p => $"{p.Item1}: {p.Item2}");
            diagnostics.Warning(DiagnosticCodes.ImportMappingInvalid,
                $"this ImportMapping rule (match {{{string.Join(", ", parts)}}}) matches no source object among the inputs, so the facts it gives are used nowhere; check its match for a typo",
                rule.Location);
        }
    }

    /// <summary>True when <paramref name="document"/> is an ImportMapping document.</summary>
    public static bool IsMapping(SourceDocument document) =>
        document.Root is YamlMapping m && (m.Get("kind") as YamlScalar)?.Value == Kind &&
        ((m.Get("apiVersion") as YamlScalar)?.Value?.StartsWith("compliance/", StringComparison.Ordinal) ?? false);

    /// <summary>"did you mean" for a source: a reader within a few edits, or one that starts with it (<c>terraform</c>).</summary>
    private static string SuggestSource(string source)
    {
        var close = Suggestions.DidYouMean(source, Sources);
        if (close.Length > 0 || source.Length < 3) return close;
        var longer = Sources.FirstOrDefault(s => s.StartsWith(source, StringComparison.OrdinalIgnoreCase));
        return longer is null ? "" : $", did you mean '{longer}'?";
    }

    /// <summary>Reads ImportMapping documents; mistakes are CE7005 errors or the usual field errors with "did you mean".</summary>
    public static ImportMapping Read(IEnumerable<SourceDocument> documents, DiagnosticBag diagnostics)
    {
        var rules = ImmutableArray.CreateBuilder<MappingRule>();
        foreach (var doc in documents)
        {
            var root = new MapReader((YamlMapping)doc.Root, diagnostics, "ImportMapping");
            var api = root.String("apiVersion", required: true);
            root.String("kind", required: true);
            if (api is not null && api != Loading.Documents.DocumentLoader.ApiVersion)
                diagnostics.Error(DiagnosticCodes.UnsupportedApiVersion, $"apiVersion '{api}' is not supported; use '{Loading.Documents.DocumentLoader.ApiVersion}'", root.LocationOf("apiVersion"));
            var metadata = root.Map("metadata", required: true);
            var name = metadata?.String("name", required: true) ?? "?";
            metadata?.Accept("labels", "annotations");
            metadata?.Finish();
            var spec = root.Map("spec", required: true);
            root.Finish();
            if (spec is null) continue;
            var context = $"ImportMapping '{name}'";
            foreach (var r in spec.MapList("rules", required: true))
            {
                var m = r.Map("match", required: true);
                MappingMatch? match = null;
                if (m is not null)
                {
                    match = new MappingMatch(m.String("name"), m.String("address"), m.String("kind"), m.String("source"));
                    m.Finish();
                    if (match is { Name: null, Address: null, Kind: null, Source: null })
                    {
                        diagnostics.Error(DiagnosticCodes.ImportMappingInvalid, $"{context}: a rule's match needs at least one of name, address, kind, source", m.Location);
                        match = null;
                    }
                    else if (match.Source is { } source && !Sources.Any(known => MappingRule.Glob(source, known)))
                    {
                        // A source no reader has makes the rule match nothing: the facts it gives would be lost silently.
                        diagnostics.Error(DiagnosticCodes.ImportMappingInvalid,
                            $"{context}: match.source '{source}' names no reader{SuggestSource(source)}; the readers are {string.Join(", ", Sources)}", m.LocationOf("source"));
                        match = null;
                    }
                }
                var facts = new DataFacts
                {
                    Categories = List(r, "categories"),
                    Subjects = List(r, "subjects"),
                    SubjectTypes = List(r, "subjectTypes"),
                    Individuals = r.Long("individuals") is { } n ? new(n, r.LocationOf("individuals")) : null,
                    Store = Text(r, "store"),
                    Cluster = Text(r, "cluster"),
                    Provider = r.Enum("provider", Loading.Documents.InventoryReader.Providers, Loading.Documents.InventoryReader.ProviderAlias) is { } p
                        ? new(p, r.LocationOf("provider")) : null,
                    Region = Text(r, "region"),
                    Country = Text(r, "country"),
                    Role = r.Enum("role", Loading.Documents.InventoryReader.RecipientRoles) is { } role ? new(role, r.LocationOf("role")) : null,
                    Mechanisms = List(r, "mechanisms"),
                    Certifications = List(r, "certifications"),
                };
                r.Finish();
                if (match is not null) rules.Add(new MappingRule(match, facts, r.Location));
            }
            spec.Finish();
        }
        return new ImportMapping(rules.ToImmutable());

        static Sourced<IReadOnlyList<string>>? List(MapReader r, string key) =>
            r.Has(key) ? new(r.StringList(key), r.LocationOf(key)) : null;

        static Sourced<string>? Text(MapReader r, string key) =>
            r.String(key) is { } v ? new(v, r.LocationOf(key)) : null;
    }
}
