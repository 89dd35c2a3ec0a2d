using ComplianceEngine.Core.Facts;

namespace ComplianceEngine.Core.Evaluation.Incremental;

/// <summary>
/// Each exporting country's export volumes (<see cref="ExportVolumes"/>: the individuals of its direct cross-border transfers,
/// and the sensitive ones) kept as exact sums, so that a flow moved in a watched estate changes its country's totals by its
/// own share instead of a sum over every direct transfer again (issue 12 item 6: a reroute at 100k flows).
/// </summary>
/// <remarks>
/// A full evaluation adds the shares in transfer order, in doubles. While every share of a country is a whole number of
/// individuals, not negative, and the total stays within 2^53, every partial sum is a whole number below 2^53, so each
/// addition is exact and the total does not depend on the order: the total with one share taken out and another put in,
/// worked out here, is the one the full evaluation's ordered sum gives, to the bit. A share that is missing (no declared
/// count) makes the total unknown (null) as long as one is left, so missing shares are counted. A country with a share that
/// is not such a number is not <see cref="Totals">answered</see> (the caller sums it in order, as before).
/// </remarks>
internal sealed class ExportTally
{
    /// <summary>Below this, every whole number is a double and every sum of two is exact.</summary>
    private const double ExactBelow = 9007199254740992d;

    private readonly Dictionary<string, Sums> _countries;

    private ExportTally(Dictionary<string, Sums> countries, object? of)
    {
        _countries = countries;
        Of = of;
    }

    /// <summary>What the tally sums (an onward index version: it is stale once the evaluation holds another).</summary>
    public object? Of { get; }

    /// <summary>
    /// One country's shares: the sums of those that sum exactly, how many were missing, how many cannot be summed exactly
    /// (left out of the sums), and whether a sum ever reached 2^53 (for good: it may have been rounded since).
    /// </summary>
    private readonly record struct Sums(double All, double Sensitive, int MissingAll, int MissingSensitive, int Inexact, bool Overflowed);

    /// <summary>The tally of <paramref name="shares"/> (each direct transfer's share, null for one that exports nothing), for <paramref name="of"/>.</summary>
    public static ExportTally Over(IEnumerable<(string Country, double? All, double? Sensitive)?> shares, object? of)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var countries = new Dictionary<string, Sums>(StringComparer.Ordinal);
        foreach (var share in shares)
        {
            if (share is { } s) countries[s.Country] = Add(countries.GetValueOrDefault(s.Country), s.All, s.Sensitive, +1);
        }
        return new ExportTally(countries, of);
    }

    /// <summary>This tally with the shares <paramref name="leaving"/> taken out and <paramref name="coming"/> put in, for <paramref name="of"/>.</summary>
    public ExportTally Moved(IEnumerable<(string Country, double? All, double? Sensitive)?> leaving, IEnumerable<(string Country, double? All, double? Sensitive)?> coming,
        object? of)
    {
        ArgumentNullException.ThrowIfNull(leaving);
        ArgumentNullException.ThrowIfNull(coming);
        var countries = new Dictionary<string, Sums>(_countries, StringComparer.Ordinal);
        foreach (var share in leaving)
        {
            if (share is { } s) countries[s.Country] = Add(countries.GetValueOrDefault(s.Country), s.All, s.Sensitive, -1);
        }
        foreach (var share in coming)
        {
            if (share is { } s) countries[s.Country] = Add(countries.GetValueOrDefault(s.Country), s.All, s.Sensitive, +1);
        }
        return new ExportTally(countries, of);
    }

    /// <summary>
    /// <paramref name="country"/>'s totals, exactly as <see cref="ExportVolumes.Of"/> sums them in order; false when some share
    /// of it cannot be summed exactly out of order (then the caller sums in order).
    /// </summary>
    public bool Totals(string country, out (double? All, double? Sensitive) totals)
    {
        ArgumentNullException.ThrowIfNull(country);
        totals = (0d, 0d);
        if (!_countries.TryGetValue(country, out var sums)) return true;
        if (sums.Inexact != 0 || sums.Overflowed) return false;
        totals = (sums.MissingAll > 0 ? null : sums.All, sums.MissingSensitive > 0 ? null : sums.Sensitive);
        return true;
    }

    private static Sums Add(Sums sums, double? all, double? sensitive, int sign)
    {
        var whole = Whole(all) && Whole(sensitive);
        var sumAll = whole ? sums.All + sign * (all ?? 0d) : sums.All;
        var sumSensitive = whole ? sums.Sensitive + sign * (sensitive ?? 0d) : sums.Sensitive;
        return new Sums(
            sumAll,
            sumSensitive,
            sums.MissingAll + (all is null ? sign : 0),
            sums.MissingSensitive + (sensitive is null ? sign : 0),
            sums.Inexact + (whole ? 0 : sign),
            sums.Overflowed || sumAll >= ExactBelow || sumSensitive >= ExactBelow);
    }

    /// <summary>A share that sums exactly in any order: missing, or a whole number of individuals, not negative, below 2^53.</summary>
    private static bool Whole(double? value) => value is not { } v || (v >= 0 && v < ExactBelow && Math.Floor(v) == v);
}
