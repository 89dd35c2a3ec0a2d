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
    public static ImmutableArray<Finding> Link(ImmutableArray<Finding> findings)
    {
        if (findings.IsDefaultOrEmpty) return findings.IsDefault ? [] : findings;
        var byPath = new Dictionary<PathKey, string>(findings.Length);
        foreach (var f in findings)
        {
            if (f.Path.IsDefaultOrEmpty) continue;
            byPath.TryAdd(new PathKey(f.RuleId, f.Jurisdiction, f.Status, f.Path, f.Path.Length), f.Id);
        }
        var linked = new Finding[findings.Length];
        string? FirstWithPath(PathKey key) => byPath.TryGetValue(key, out var id) ? id : null;
        for (var i = 0; i < findings.Length; i++) linked[i] = Linked(findings[i], FirstWithPath);
        return ImmutableCollectionsMarshal.AsImmutableArray(linked);
    }

    /// <summary>
    /// <paramref name="f"/> with its root cause, given the id of the first finding (in report order) whose whole path is
    /// each key (<see cref="KeyOf"/>), or null when there is none. <see cref="Link"/> and the incremental report both link here.
    /// </summary>
    internal static Finding Linked(Finding f, Func<PathKey, string?> firstWithPath)
    {
        var root = UnknownSite(f) is { } site
            ? FindingFactory.Fingerprint(f.RuleId, f.Jurisdiction, new FindingSubject("Site", site, SourceLocation.None), [UnknownLocation])
            : ShortestPrefix(f, firstWithPath) ?? f.Id;
        return f.RootCause == root ? f : f with { RootCause = root };
    }

    /// <summary>The key of the first <paramref name="length"/> names of <paramref name="f"/>'s path (its rule, jurisdiction and outcome).</summary>
    internal static PathKey KeyOf(Finding f, int length) => new(f.RuleId, f.Jurisdiction, f.Status, f.Path, length);

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
        for (var length = 2; length < f.Path.Length; length++)
        {
            if (firstWithPath(KeyOf(f, length)) is { } id) return id;
        }
        return null;
    }

    /// <summary>The first <see cref="Length"/> names of a path, for one rule, jurisdiction and outcome (no copy of the names).</summary>
    internal readonly struct PathKey(string rule, string jurisdiction, FindingStatus status, ImmutableArray<string> path, int length) : IEquatable<PathKey>
    {
        private readonly int _hash = Hash(rule, jurisdiction, status, path, length);

        public string Rule { get; } = rule;
        public string Jurisdiction { get; } = jurisdiction;
        public FindingStatus Status { get; } = status;
        public ImmutableArray<string> Path { get; } = path;
        public int Length { get; } = length;

        private static int Hash(string rule, string jurisdiction, FindingStatus status, ImmutableArray<string> path, int length)
        {
            var h = new HashCode();
            h.Add(rule, StringComparer.Ordinal);
            h.Add(jurisdiction, StringComparer.Ordinal);
            h.Add(status);
            h.Add(length);
            for (var i = 0; i < length; i++) h.Add(path[i], StringComparer.Ordinal);
            return h.ToHashCode();
        }

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
