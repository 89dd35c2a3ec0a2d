using System.Globalization;
using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Mapping;

/// <summary>The annotation, label and tag keys of design section 8.</summary>
public static class AnnotationKeys
{
    /// <summary>The prefix of every key.</summary>
    public const string Prefix = "compliance-engine.io/";
    /// <summary>Comma-separated fideslang data categories.</summary>
    public const string Categories = Prefix + "categories";
    /// <summary>Comma-separated jurisdiction codes of the data subjects.</summary>
    public const string Subjects = Prefix + "subjects";
    /// <summary>Comma-separated fideslang subject types.</summary>
    public const string SubjectTypes = Prefix + "subject-types";
    /// <summary>Number of individuals.</summary>
    public const string Individuals = Prefix + "individuals";
    /// <summary>The DataStore name to use.</summary>
    public const string Store = Prefix + "store";
    /// <summary>The cluster's name (on Nodes and workloads).</summary>
    public const string Cluster = Prefix + "cluster";
}

/// <summary>A value read from an annotation, tag or ImportMapping, with where it was written.</summary>
internal sealed record Sourced<T>(T Value, SourceLocation At);

/// <summary>
/// The facts infrastructure files do not hold (categories, subjects...), read from annotations/labels/tags or an
/// ImportMapping rule. Annotations on the resource win over the mapping, field by field.
/// </summary>
internal sealed record DataFacts
{
    public Sourced<IReadOnlyList<string>>? Categories { get; init; }
    public Sourced<IReadOnlyList<string>>? Subjects { get; init; }
    public Sourced<IReadOnlyList<string>>? SubjectTypes { get; init; }
    public Sourced<long>? Individuals { get; init; }
    public Sourced<string>? Store { get; init; }
    public Sourced<string>? Cluster { get; init; }
    public Sourced<string>? Provider { get; init; }
    public Sourced<string>? Region { get; init; }
    public Sourced<string>? Country { get; init; }
    public Sourced<string>? Role { get; init; }
    public Sourced<IReadOnlyList<string>>? Mechanisms { get; init; }
    public Sourced<IReadOnlyList<string>>? Certifications { get; init; }

    public static DataFacts None { get; } = new();

    /// <summary>True when anything says what data the resource holds.</summary>
    public bool DescribesData => Categories is not null || Subjects is not null || SubjectTypes is not null || Store is not null;

    /// <summary>Fields of <paramref name="fallback"/> fill the ones missing here.</summary>
    public DataFacts Or(DataFacts fallback) => new()
    {
        Categories = Categories ?? fallback.Categories,
        Subjects = Subjects ?? fallback.Subjects,
        SubjectTypes = SubjectTypes ?? fallback.SubjectTypes,
        Individuals = Individuals ?? fallback.Individuals,
        Store = Store ?? fallback.Store,
        Cluster = Cluster ?? fallback.Cluster,
        Provider = Provider ?? fallback.Provider,
        Region = Region ?? fallback.Region,
        Country = Country ?? fallback.Country,
        Role = Role ?? fallback.Role,
        Mechanisms = Mechanisms ?? fallback.Mechanisms,
        Certifications = Certifications ?? fallback.Certifications,
    };

    /// <summary>
    /// Reads the <c>compliance-engine.io/*</c> keys of a label/annotation/tag map. A malformed value (individuals that
    /// is not a number, an empty list) is a positioned error; an unknown <c>compliance-engine.io/</c> key too, with
    /// "did you mean".
    /// </summary>
    public static DataFacts FromAnnotations(IReadOnlyDictionary<string, Cursor> map, string owner, DiagnosticBag diagnostics)
    {
        var facts = new DataFacts();
        string[] known = [AnnotationKeys.Categories, AnnotationKeys.Subjects, AnnotationKeys.SubjectTypes, AnnotationKeys.Individuals, AnnotationKeys.Store, AnnotationKeys.Cluster];
        foreach (var (key, value) in map.Where(e => e.Key.StartsWith(AnnotationKeys.Prefix, StringComparison.Ordinal)).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var text = value.String!.Trim();
            var at = value.Location;
            switch (key)
            {
                case AnnotationKeys.Categories: facts = facts with { Categories = List(text, key, owner, at, diagnostics) }; break;
                case AnnotationKeys.Subjects: facts = facts with { Subjects = List(text, key, owner, at, diagnostics) }; break;
                case AnnotationKeys.SubjectTypes: facts = facts with { SubjectTypes = List(text, key, owner, at, diagnostics) }; break;
                case AnnotationKeys.Individuals:
                    if (long.TryParse(text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                        facts = facts with { Individuals = new(n, at) };
                    else
                        diagnostics.Error(DiagnosticCodes.SourceMalformed, $"{owner}: {key} is '{text}', expected a whole number of 0 or more", at);
                    break;
                case AnnotationKeys.Store: facts = facts with { Store = Name(text, key, owner, at, diagnostics) }; break;
                case AnnotationKeys.Cluster: facts = facts with { Cluster = Name(text, key, owner, at, diagnostics) }; break;
                default:
                    diagnostics.Error(DiagnosticCodes.SourceMalformed,
                        $"{owner}: unknown key '{key}'{Suggestions.DidYouMean(key, known)}; the keys are {string.Join(", ", known)}", at);
                    break;
            }
        }
        return facts;
    }

    private static Sourced<IReadOnlyList<string>>? List(string text, string key, string owner, SourceLocation at, DiagnosticBag diagnostics)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (items.Length > 0) return new(items, at);
        diagnostics.Error(DiagnosticCodes.SourceMalformed, $"{owner}: {key} is empty; give a comma-separated list or remove it", at);
        return null;
    }

    private static Sourced<string>? Name(string text, string key, string owner, SourceLocation at, DiagnosticBag diagnostics)
    {
        if (text.Length > 0) return new(text, at);
        diagnostics.Error(DiagnosticCodes.SourceMalformed, $"{owner}: {key} is empty", at);
        return null;
    }
}
