using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using ComplianceEngine.Model.Jurisdictions;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// Infers <c>sensitiveIndividuals</c> where the law lets it follow from other facts. A regime may declare the categories
/// its law treats as sensitive (<c>sensitiveCategories</c> on its Jurisdiction document; a key covers its descendants).
/// When a transfer does not declare the count and every regime it is judged under declares them: if every category it
/// carries is sensitive, every individual is one with sensitive data (the count is <c>individuals</c>); if none is, the
/// count is 0. Otherwise (some are, some are not, or a category is a parent of a sensitive one, or a regime declares no
/// list, or the regimes disagree) it stays unknown, and the fact says why. Thread-safe.
/// </summary>
internal sealed class SensitivityInference
{
    private enum Kind
    {
        AllSensitive,
        NoneSensitive,
        Unknown,
    }

    private sealed record Verdict(Kind Kind, string Text);

    // A plain dictionary of a few regimes, never written after construction: a frozen one costs more to build at start-up
    // (a generic instantiation over a value type the precompiled code cannot hold) than it saves on lookups.
    private readonly Dictionary<string, ImmutableArray<string>> _byRegime;
    private readonly ConcurrentDictionary<(string[] Categories, string[] Regimes), Verdict?> _verdicts = new(ArrayPairComparer.Instance);

    private SensitivityInference(Dictionary<string, ImmutableArray<string>> byRegime) => _byRegime = byRegime;

    /// <summary>Nothing to infer from: no regime declares sensitive categories.</summary>
    public static SensitivityInference None { get; } = new(new Dictionary<string, ImmutableArray<string>>(StringComparer.Ordinal));

    /// <summary>The inference over the sensitive categories each of <paramref name="regimes"/> declares.</summary>
    public static SensitivityInference Of(IEnumerable<Regime> regimes) =>
        new(regimes.Where(r => !r.SensitiveCategories.IsDefaultOrEmpty)
            .GroupBy(r => r.Code, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => FactBuilder.Sorted(g.SelectMany(r => r.SensitiveCategories)), StringComparer.Ordinal));

    /// <summary>
    /// <paramref name="data"/> with <c>sensitiveIndividuals</c> inferred (and said how) when it is unknown and follows from the
    /// categories under every one of <paramref name="regimes"/>, or with the reason it stays unknown; else <paramref name="data"/>.
    /// </summary>
    public CarriedData Infer(CarriedData data, ImmutableArray<string> regimes)
    {
        if (data.SensitiveIndividuals is not null || regimes.IsDefaultOrEmpty || data.Categories.IsDefaultOrEmpty || !DeclaresAny(regimes)) return data;
        var categories = ImmutableCollectionsMarshal.AsArray(data.Categories)!;
        var verdict = _verdicts.GetOrAdd((categories, ImmutableCollectionsMarshal.AsArray(regimes)!), static (key, self) => self.Decide(key.Categories, key.Regimes), this);
        if (verdict is null) return data;
        switch (verdict.Kind)
        {
            case Kind.NoneSensitive:
                return data with { SensitiveIndividuals = 0, SensitiveIndividualsInferred = $"inferred: {verdict.Text}, so none of the individuals", SensitiveIndividualsUnknown = null };
            case Kind.AllSensitive when data.Individuals is { } n:
                return data with
                {
                    SensitiveIndividuals = n,
                    SensitiveIndividualsInferred = $"inferred: {verdict.Text}, so all {n.ToString("#,0.##", CultureInfo.InvariantCulture)} individuals",
                    SensitiveIndividualsUnknown = null,
                };
            case Kind.AllSensitive:
                return data with { SensitiveIndividualsUnknown = $"not declared; {verdict.Text}, but individuals is unknown too", SensitiveIndividualsInferred = null };
            default:
                return data with { SensitiveIndividualsUnknown = $"not declared, and it does not follow from the categories: {verdict.Text}", SensitiveIndividualsInferred = null };
        }
    }

    /// <summary>Whether any of <paramref name="regimes"/> declares sensitive categories (most do not: nothing to look up).</summary>
    private bool DeclaresAny(ImmutableArray<string> regimes)
    {
        if (_byRegime.Count == 0) return false;
        foreach (var r in regimes)
        {
            if (_byRegime.ContainsKey(r)) return true;
        }
        return false;
    }

    /// <summary>The verdict for sorted <paramref name="categories"/> under <paramref name="regimes"/>; null when no regime declares a list.</summary>
    private Verdict? Decide(string[] categories, string[] regimes)
    {
        if (!regimes.Any(_byRegime.ContainsKey)) return null;
        Verdict? agreed = null;
        foreach (var regime in regimes)
        {
            if (!_byRegime.TryGetValue(regime, out var sensitive))
                return new Verdict(Kind.Unknown, $"{regime} declares no sensitive categories");
            var yes = new List<string>();
            var no = new List<string>();
            var partly = new List<string>();
            foreach (var c in categories)
            {
                if (sensitive.Any(s => Covers(s, c))) yes.Add(c);
                else if (sensitive.Any(s => Covers(c, s))) partly.Add(c);
                else no.Add(c);
            }
            var verdict = (yes.Count, no.Count, partly.Count) switch
            {
                (_, 0, 0) => new Verdict(Kind.AllSensitive, $"every category carried ({string.Join(", ", yes)}) is sensitive under {regime}"),
                (0, _, 0) => new Verdict(Kind.NoneSensitive, $"no category carried ({string.Join(", ", no)}) is sensitive under {regime}"),
                _ => new Verdict(Kind.Unknown, string.Join("; ", new[]
                {
                    yes.Count > 0 ? $"{string.Join(", ", yes)} {(yes.Count == 1 ? "is" : "are")} sensitive under {regime}" : null,
                    no.Count > 0 ? $"{string.Join(", ", no)} {(no.Count == 1 ? "is" : "are")} not" : null,
                    partly.Count > 0 ? $"{string.Join(", ", partly)} may hold sensitive data ({regime} treats some of {(partly.Count == 1 ? "its" : "their")} subcategories as sensitive)" : null,
                }.OfType<string>())),
            };
            if (verdict.Kind == Kind.Unknown) return verdict;
            if (agreed is null) agreed = verdict;
            else if (agreed.Kind != verdict.Kind) return new Verdict(Kind.Unknown, $"{agreed.Text}, but {verdict.Text}");
        }
        return agreed;
    }

    /// <summary>True when taxonomy key <paramref name="outer"/> is <paramref name="inner"/> or one of its ancestors.</summary>
    private static bool Covers(string outer, string inner) =>
        inner.StartsWith(outer, StringComparison.Ordinal) && (inner.Length == outer.Length || inner[outer.Length] == '.');

    private sealed class ArrayPairComparer : IEqualityComparer<(string[] Categories, string[] Regimes)>
    {
        public static ArrayPairComparer Instance { get; } = new();

        public bool Equals((string[] Categories, string[] Regimes) x, (string[] Categories, string[] Regimes) y) =>
            x.Categories.AsSpan().SequenceEqual(y.Categories) && x.Regimes.AsSpan().SequenceEqual(y.Regimes);

        public int GetHashCode((string[] Categories, string[] Regimes) obj)
        {
            var hash = new HashCode();
            foreach (var s in obj.Categories) hash.Add(s, StringComparer.Ordinal);
            hash.Add('|');
            foreach (var s in obj.Regimes) hash.Add(s, StringComparer.Ordinal);
            return hash.ToHashCode();
        }
    }
}
