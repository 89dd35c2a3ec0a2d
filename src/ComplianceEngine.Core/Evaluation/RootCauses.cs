using System.Collections.Immutable;
using System.Runtime.InteropServices;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Evaluation;

/// <summary>
/// Links findings that share a root cause, so that reports can fold them (<see cref="Finding.RootCause"/>):
/// <list type="bullet">
/// <item>an indeterminate transfer whose origin, source or destination has no known country is caused by that unknown
/// location: every such finding of the same rule and jurisdiction about the same site shares one root cause;</item>
/// <item>otherwise, a finding whose path extends the path of another finding of the same rule, jurisdiction and outcome
/// (the same origin lot through the same hop, and on from there) is caused by the shortest such finding;</item>
/// <item>any other finding is its own root cause.</item>
/// </list>
/// Root cause ids are finding ids (or, for an unknown location, a fingerprint of rule, jurisdiction and site), so they
/// are as stable as finding ids.
/// </summary>
public static class RootCauses
{
    /// <summary>What stands in the path of a root cause that is an unknown location.</summary>
    public const string UnknownLocation = "unknown location";

    /// <summary><paramref name="findings"/>, in the same order, each with its <see cref="Finding.RootCause"/>.</summary>
    public static ImmutableArray<Finding> Link(ImmutableArray<Finding> findings) => Link(findings, workers: 1);

    /// <summary>
    /// As <see cref="Link(ImmutableArray{Finding})"/>, on up to <paramref name="workers"/> threads: the paths are indexed
    /// in order (the first finding of a path is its root), then ranges of findings are linked in parallel.
    /// </summary>
    public static ImmutableArray<Finding> Link(ImmutableArray<Finding> findings, int workers)
    {
        if (findings.IsDefaultOrEmpty) return findings.IsDefault ? [] : findings;
        var byPath = new Dictionary<PathKey, string>(findings.Length);
        foreach (var f in findings)
        {
            // Only a path of two names or more can be the prefix a longer path is looked up by.
            if (f.Path.IsDefaultOrEmpty || f.Path.Length < 2) continue;
            byPath.TryAdd(KeyOf(f, f.Path.Length), f.Id);
        }
        var linked = new Finding[findings.Length];
        const int Range = 16_384;
        var ranges = (findings.Length + Range - 1) / Range;
        if (workers <= 1 || ranges == 1) LinkRange(findings, 0, findings.Length, byPath, linked);
        else
        {
            Parallel.For(0, ranges, new ParallelOptions { MaxDegreeOfParallelism = workers },
                r => LinkRange(findings, r * Range, Math.Min(findings.Length, (r + 1) * Range), byPath, linked));
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(linked);
    }

    /// <summary>Links findings [<paramref name="from"/>, <paramref name="to"/>) into <paramref name="linked"/> (reads <paramref name="byPath"/> only).</summary>
    private static void LinkRange(ImmutableArray<Finding> findings, int from, int to, Dictionary<PathKey, string> byPath, Finding[] linked)
    {
        string? FirstWithPath(PathKey key) => byPath.TryGetValue(key, out var id) ? id : null;
        // Many findings of a rule share one unknown site: its root cause id is worked out once (per range).
        var unknown = new Dictionary<(string Rule, string Jurisdiction, string Site), string>();
        for (var i = from; i < to; i++)
        {
            var f = findings[i];
            string root;
            if (UnknownSite(f) is { } site)
            {
                if (!unknown.TryGetValue((f.RuleId, f.Jurisdiction, site), out root!))
                {
                    unknown[(f.RuleId, f.Jurisdiction, site)] = root =
                        FindingFactory.Fingerprint(f.RuleId, f.Jurisdiction, new FindingSubject("Site", site, SourceLocation.None), [UnknownLocation]);
                }
            }
            else root = ShortestPrefix(f, FirstWithPath) ?? f.Id;
            linked[i] = f.RootCause == root ? f : f with { RootCause = root };
        }
    }

    /// <summary>
    /// <paramref name="f"/> with its root cause, given the id of the first finding (in report order) whose whole path is
    /// each key (<see cref="KeyOf"/>), or null when there is none. The incremental report links here; <see cref="Link(ImmutableArray{Finding}, int)"/>
    /// links the same way, with the unknown sites' ids worked out once per range.
    /// </summary>
    internal static Finding Linked(Finding f, Func<PathKey, string?> firstWithPath)
    {
        var root = UnknownSite(f) is { } site
            ? FindingFactory.Fingerprint(f.RuleId, f.Jurisdiction, new FindingSubject("Site", site, SourceLocation.None), [UnknownLocation])
            : ShortestPrefix(f, firstWithPath) ?? f.Id;
        return f.RootCause == root ? f : f with { RootCause = root };
    }

    /// <summary>The key of the first <paramref name="length"/> names of <paramref name="f"/>'s path (its rule, jurisdiction and outcome).</summary>
    internal static PathKey KeyOf(Finding f, int length)
    {
        var hash = Seed(f);
        for (var i = 0; i < length; i++) hash = Step(hash, f.Path[i]);
        return new(f.RuleId, f.Jurisdiction, f.Status, f.Path, length, hash);
    }

    /// <summary>The site whose unknown country makes an indeterminate transfer undecidable: origin, then source, then destination.</summary>
    private static string? UnknownSite(Finding f)
    {
        if (f.Status != FindingStatus.Indeterminate || f.Place is not { IsTransfer: true } place) return null;
        if (place.Origin is { Country: null } origin) return origin.Name;
        if (place.Site.Country is null) return place.Site.Name;
        return place.Destination!.Country is null ? place.Destination.Name : null;
    }

    private static string? ShortestPrefix(Finding f, Func<PathKey, string?> firstWithPath)
    {
        if (f.Path.Length < 3) return null;
        // The prefixes' hashes grow name by name: each prefix is hashed once, not from its first name again.
        var hash = Step(Seed(f), f.Path[0]);
        for (var length = 2; length < f.Path.Length; length++)
        {
            hash = Step(hash, f.Path[length - 1]);
            if (firstWithPath(new PathKey(f.RuleId, f.Jurisdiction, f.Status, f.Path, length, hash)) is { } id) return id;
        }
        return null;
    }

    private static int Seed(Finding f) => HashCode.Combine(StringComparer.Ordinal.GetHashCode(f.RuleId), StringComparer.Ordinal.GetHashCode(f.Jurisdiction), f.Status);

    private static int Step(int hash, string name) => HashCode.Combine(hash, StringComparer.Ordinal.GetHashCode(name));

    /// <summary>
    /// The first <see cref="Length"/> names of a path, for one rule, jurisdiction and outcome (no copy of the names), with
    /// its hash (<see cref="Seed"/>, then <see cref="Step"/> per name).
    /// </summary>
    internal readonly struct PathKey(string rule, string jurisdiction, FindingStatus status, ImmutableArray<string> path, int length, int hash) : IEquatable<PathKey>
    {
        private readonly int _hash = hash;

        public string Rule { get; } = rule;
        public string Jurisdiction { get; } = jurisdiction;
        public FindingStatus Status { get; } = status;
        public ImmutableArray<string> Path { get; } = path;
        public int Length { get; } = length;

        public bool Equals(PathKey other)
        {
            if (_hash != other._hash || Length != other.Length || Status != other.Status || Rule != other.Rule || Jurisdiction != other.Jurisdiction) return false;
            for (var i = 0; i < Length; i++)
            {
                if (!string.Equals(Path[i], other.Path[i], StringComparison.Ordinal)) return false;
            }
            return true;
        }

        public override bool Equals(object? obj) => obj is PathKey other && Equals(other);

        public override int GetHashCode() => _hash;
    }
}
