using System.Collections.Immutable;
using System.Numerics;
using System.Runtime.CompilerServices;
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
    /// As <see cref="Link(ImmutableArray{Finding})"/>, on up to <paramref name="workers"/> threads. A root cause never
    /// crosses a rule (of a jurisdiction), so each rule's findings are linked on their own, rules in parallel: each rule's
    /// paths are indexed in order (the first finding of a path is its root), keyed by outcome and path only.
    /// </summary>
    public static ImmutableArray<Finding> Link(ImmutableArray<Finding> findings, int workers)
    {
        if (findings.IsDefaultOrEmpty) return findings.IsDefault ? [] : findings;
        // A report's findings come grouped by rule: consecutive findings of one rule find their group without a lookup.
        var groups = new Dictionary<(string Rule, string Jurisdiction), List<int>>();
        List<int>? group = null;
        string? rule = null, jurisdiction = null;
        for (var i = 0; i < findings.Length; i++)
        {
            var f = findings[i];
            if (group is null || !ReferenceEquals(f.RuleId, rule) || !ReferenceEquals(f.Jurisdiction, jurisdiction))
            {
                (rule, jurisdiction) = (f.RuleId, f.Jurisdiction);
                if (!groups.TryGetValue((rule, jurisdiction), out group)) groups[(rule, jurisdiction)] = group = [];
            }
            group.Add(i);
        }
        var linked = new Finding[findings.Length];
        var all = groups.Values.ToArray();
        if (workers <= 1 || all.Length == 1 || findings.Length < 16_384)
        {
            foreach (var g in all) LinkRule(findings, g, linked);
        }
        else Parallel.ForEach(all, new ParallelOptions { MaxDegreeOfParallelism = workers }, g => LinkRule(findings, g, linked));
        return ImmutableCollectionsMarshal.AsImmutableArray(linked);
    }

    /// <summary>Links the findings of one rule and jurisdiction (<paramref name="indices"/>, in report order) into <paramref name="linked"/>.</summary>
    /// <remarks>Runs once per report.</remarks>
    private static void LinkRule(ImmutableArray<Finding> findings, List<int> indices, Finding[] linked)
    {
        var byPath = new Dictionary<RulePathKey, string>(indices.Count);
        foreach (var i in indices)
        {
            var f = findings[i];
            // Only a path of two names or more can be the prefix a longer path is looked up by.
            if (f.Path.IsDefaultOrEmpty || f.Path.Length < 2) continue;
            var hash = (int)f.Status;
            foreach (var name in f.Path) hash = RulePathKey.Step(hash, name);
            byPath.TryAdd(new RulePathKey(f.Status, f.Path, f.Path.Length, hash), f.Id);
        }
        // Many findings of a rule share one unknown site: its root cause id is worked out once.
        var unknown = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var i in indices)
        {
            var f = findings[i];
            string root;
            if (UnknownSite(f) is { } site)
            {
                if (!unknown.TryGetValue(site, out root!))
                {
                    unknown[site] = root =
                        FindingFactory.Fingerprint(f.RuleId, f.Jurisdiction, new FindingSubject("Site", site, SourceLocation.None), [UnknownLocation]);
                }
            }
            else root = ShortestPrefix(f, byPath) ?? f.Id;
            linked[i] = f.WithRootCause(root);
        }
    }

    /// <summary>
    /// As <see cref="LinkRule"/> for the rows of one rule and jurisdiction (<paramref name="rows"/>, in report order, every one
    /// built by a <see cref="FindingBuilder"/>): each row's root cause id as a number into <paramref name="roots"/>, without
    /// making a finding.
    /// </summary>
    internal static void LinkRows(TallyFindings[] tallies, ReadOnlySpan<(int Tally, int Row)> rows, Span<ulong> roots)
    {
        var byPath = new Dictionary<RulePathKey, ulong>(rows.Length);
        foreach (var (t, r) in rows)
        {
            ref readonly var row = ref tallies[t].At(r);
            if (row.Path.IsDefaultOrEmpty || row.Path.Length < 2) continue;
            var hash = (int)row.Status;
            foreach (var name in row.Path) hash = RulePathKey.Step(hash, name);
            byPath.TryAdd(new RulePathKey(row.Status, row.Path, row.Path.Length, hash), row.IdBits);
        }
        Dictionary<string, ulong>? unknown = null;
        for (var i = 0; i < rows.Length; i++)
        {
            ref readonly var row = ref tallies[rows[i].Tally].At(rows[i].Row);
            if (RowFindings.UnknownSite(row) is { } site)
            {
                unknown ??= new(StringComparer.Ordinal);
                if (!unknown.TryGetValue(site, out var bits)) unknown[site] = bits = RowFindings.UnknownSiteBits(row.Plan!.Key, site);
                roots[i] = bits;
            }
            else roots[i] = ShortestPrefix(row.Status, row.Path, byPath) ?? row.IdBits;
        }
    }

    /// <summary>The id (a number) of the first row whose whole path is the shortest proper prefix of <paramref name="path"/> that is one.</summary>
    private static ulong? ShortestPrefix(FindingStatus status, System.Collections.Immutable.ImmutableArray<string> path, Dictionary<RulePathKey, ulong> byPath)
    {
        if (path.IsDefault || path.Length < 3) return null;
        var hash = RulePathKey.Step((int)status, path[0]);
        for (var length = 2; length < path.Length; length++)
        {
            hash = RulePathKey.Step(hash, path[length - 1]);
            if (byPath.TryGetValue(new RulePathKey(status, path, length, hash), out var id)) return id;
        }
        return null;
    }

    /// <summary>The id of the first finding of <paramref name="f"/>'s rule whose whole path is the shortest proper prefix of <paramref name="f"/>'s path that is one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static string? ShortestPrefix(Finding f, Dictionary<RulePathKey, string> byPath)
    {
        if (f.Path.Length < 3) return null;
        var hash = RulePathKey.Step((int)f.Status, f.Path[0]);
        for (var length = 2; length < f.Path.Length; length++)
        {
            hash = RulePathKey.Step(hash, f.Path[length - 1]);
            if (byPath.TryGetValue(new RulePathKey(f.Status, f.Path, length, hash), out var id)) return id;
        }
        return null;
    }

    /// <summary>
    /// The first names (a length) of a path and an outcome, within one rule (no copy of the names), with its hash:
    /// the outcome, then each name's characters, four at a time (<see cref="Step"/>).
    /// </summary>
    internal readonly struct RulePathKey(FindingStatus status, ImmutableArray<string> path, int length, int hash) : IEquatable<RulePathKey>
    {
        private readonly FindingStatus _status = status;
        private readonly ImmutableArray<string> _path = path;
        private readonly int _length = length;
        private readonly int _hash = hash;

        /// <summary>
        /// <paramref name="hash"/> extended by <paramref name="name"/>: the name's length, then its UTF-16 code units read
        /// four at a time as one 64-bit word (a multiply and a rotation per word, not per character), the last one to three
        /// one by one. No per-call seed to set up, and nothing allocated. Only a dictionary's buckets depend on it: which
        /// finding is whose root cause is decided by comparing the names (<see cref="Equals(RulePathKey)"/>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int Step(int hash, string name)
        {
            const ulong Multiplier = 0x9E3779B97F4A7C15UL;
            var h = ((ulong)(uint)hash << 32 | (uint)name.Length) * Multiplier;
            var chars = name.AsSpan();
            var words = MemoryMarshal.Cast<char, ulong>(chars);
            foreach (var w in words) h = BitOperations.RotateLeft((h ^ w) * Multiplier, 29);
            for (var i = words.Length * 4; i < chars.Length; i++) h = BitOperations.RotateLeft((h ^ chars[i]) * Multiplier, 29);
            return (int)(h ^ (h >> 32));
        }

        public bool Equals(RulePathKey other)
        {
            if (_hash != other._hash || _length != other._length || _status != other._status) return false;
            for (var i = 0; i < _length; i++)
            {
                if (!string.Equals(_path[i], other._path[i], StringComparison.Ordinal)) return false;
            }
            return true;
        }

        public override bool Equals(object? obj) => obj is RulePathKey other && Equals(other);

        public override int GetHashCode() => _hash;
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
        return f.WithRootCause(root);
    }

    /// <summary>The key of the first <paramref name="length"/> names of <paramref name="f"/>'s path (its rule, jurisdiction and outcome).</summary>
    internal static PathKey KeyOf(Finding f, int length)
    {
        var hash = Seed(f);
        for (var i = 0; i < length; i++) hash = Step(hash, f.Path[i]);
        return new(f.RuleId, f.Jurisdiction, f.Status, f.Path, length, hash);
    }

    /// <summary>The site whose unknown country makes an indeterminate transfer undecidable: origin, then source, then destination.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
