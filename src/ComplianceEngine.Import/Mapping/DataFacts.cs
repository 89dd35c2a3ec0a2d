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

    /// <summary>Every key the engine reads, sorted.</summary>
    public static IReadOnlyList<string> All { get; } = [Categories, Cluster, Individuals, Store, SubjectTypes, Subjects];

    /// <summary>
    /// True when <paramref name="key"/> is meant for the engine: it starts with <see cref="Prefix"/>, or its prefix is a
    /// misspelling of it (<c>compliance-engine.com/</c>, <c>Compliance-Engine.io/</c>, <c>compliance_engine/</c>,
    /// <c>compliance-engnie.io/</c>). A misspelt key read as someone else's would leave the resource without the data
    /// it declares, judged as holding none: such keys are errors, never skipped.
    /// </summary>
    public static bool IsOurs(string key) => key.StartsWith(Prefix, StringComparison.Ordinal) || IsMisspelt(key);

    /// <summary>True when <paramref name="key"/> does not start with <see cref="Prefix"/> but its prefix is a misspelling of it.</summary>
    public static bool IsMisspelt(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var slash = key.LastIndexOf('/');
        var prefix = slash >= 0 ? key[..slash] : key;
        var letters = string.Concat(prefix.Where(char.IsAsciiLetterOrDigit)).ToLowerInvariant();
        if (letters.StartsWith("complianceengine", StringComparison.Ordinal)) return true;
        return slash > 0 && Suggestions.Distance(prefix.ToLowerInvariant(), Prefix[..^1]) <= 3;
    }

    /// <summary>The key <paramref name="key"/> most likely stands for (its name under the right prefix), or null when none is close.</summary>
    public static string? Meant(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var cut = key.LastIndexOfAny(key.Contains('/', StringComparison.Ordinal) ? ['/'] : ['.', '_']);
        var name = (cut >= 0 ? key[(cut + 1)..] : key).ToLowerInvariant().Replace('_', '-');
        var candidate = Prefix + name;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var known in All)
        {
            var d = Suggestions.Distance(candidate, known);
            if (d < bestDistance) (best, bestDistance) = (known, d);
        }
        return bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    /// <summary>
    /// Checks the shape of a label, annotation or tag map: a map of keys to text. A map of another shape (a list of
    /// <c>key=value</c> strings), or a value of one of the engine's keys that is not text (a list, a map, null), is a
    /// positioned error: it would otherwise be read as no value at all.
    /// </summary>
    internal static void CheckShape(Cursor map, string what, string owner, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (!map.Exists) return;
        if (map.Node is not Loading.Yaml.YamlMapping)
        {
            diagnostics.Error(DiagnosticCodes.SourceMalformed, $"{owner}: {what} must be a map of keys to text values; its {Prefix} keys cannot be read", map.Location);
            return;
        }
        foreach (var (key, value) in map.Entries)
        {
            if (!IsOurs(key) || value.String is not null) continue;
            diagnostics.Error(DiagnosticCodes.SourceMalformed,
                $"{owner}: {key} must be text (a comma-separated list where it takes several values), not {(value.Exists ? "a list or map" : "null")}", value.Location);
        }
    }

    /// <summary>
    /// Reports the engine's keys on an object that reads only <paramref name="allowed"/> (a Node reads only
    /// <see cref="Cluster"/>): another key, misspelt or not, is an error instead of a value quietly ignored.
    /// </summary>
    internal static void CheckOnly(IReadOnlyDictionary<string, Cursor> map, IReadOnlyCollection<string> allowed, string owner, DiagnosticBag diagnostics)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(allowed);
        ArgumentNullException.ThrowIfNull(diagnostics);
        foreach (var (key, value) in map.Where(e => IsOurs(e.Key) && !allowed.Contains(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var meant = Meant(key);
            var hint = meant is not null && meant != key ? $", did you mean '{meant}'?" : "";
            diagnostics.Error(DiagnosticCodes.SourceMalformed,
                $"{owner}: key '{key}' is not read here{hint}; this object reads only {string.Join(", ", allowed)}", value.Location);
        }
    }
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
        foreach (var (key, value) in map.Where(e => AnnotationKeys.IsOurs(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var at = value.Location;
            if (AnnotationKeys.IsMisspelt(key))
            {
                var meant = AnnotationKeys.Meant(key);
                diagnostics.Error(DiagnosticCodes.SourceMalformed,
                    $"{owner}: key '{key}' is not one the engine reads, and its value is ignored{(meant is not null ? $", did you mean '{meant}'?" : "")}; the keys are {string.Join(", ", known)}", at);
                continue;
            }
            if (value.String is null) continue; // not text: reported by AnnotationKeys.CheckShape
            var text = value.String.Trim();
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
