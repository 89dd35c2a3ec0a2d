using System.Collections.Frozen;
using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Model.Jurisdictions;

namespace ComplianceEngine.Core.Rules;

/// <summary>The result of an adequacy check, with the entry that decided it and why.</summary>
public sealed record AdequacyResult(Tri Adequate, AdequacyEntry? Entry, string Reason);

/// <summary>
/// Decides whether a transfer's destination is adequate for a regime as of the evaluation date, honouring
/// conditional entries: a required recipient certification (only for some subject types, e.g. HR data) and
/// exporters a decision does not cover.
/// </summary>
public sealed class AdequacyTable
{
    private readonly Regime _regime;
    private readonly FrozenSet<string> _area;
    private readonly FrozenDictionary<string, AdequacyEntry[]> _entriesByCountry;

    /// <summary>Creates the table of <paramref name="regime"/>.</summary>
    public AdequacyTable(Regime regime, JurisdictionCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(regime);
        ArgumentNullException.ThrowIfNull(catalog);
        _regime = regime;
        HasUnverified = regime.Adequacy.Any(e => e.Confidence == Model.Rules.Confidence.Unverified);
        // Expand groups once: "is the destination inside the area" and "which entries cover it" become lookups
        // (conditions call IsAdequate for every transfer; entries keep their order per country).
        var area = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in regime.Countries)
        {
            area.Add(c);
            if (catalog.Group(c) is { } members) area.UnionWith(members);
        }
        _area = area.ToFrozenSet(StringComparer.Ordinal);
        var byCountry = new Dictionary<string, List<AdequacyEntry>>(StringComparer.Ordinal);
        foreach (var entry in regime.Adequacy)
        {
            IEnumerable<string> covered = entry.Country is not null ? [entry.Country] : [entry.Group!, .. catalog.Group(entry.Group!) ?? []];
            foreach (var country in covered)
            {
                if (!byCountry.TryGetValue(country, out var list)) byCountry[country] = list = [];
                list.Add(entry);
            }
        }
        _entriesByCountry = byCountry.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
        _certifiedCountries = byCountry.Where(kv => kv.Value.Any(e => e.Conditions.Any(c => c.Certification is not null)))
            .Select(kv => kv.Key).ToFrozenSet(StringComparer.Ordinal);
        _exporterCountries = byCountry.Where(kv => kv.Value.Any(e => e.Conditions.Any(c => c.ExporterNotIn.Length > 0)))
            .Select(kv => kv.Key).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Countries some of whose entries require a certification of the recipient (a decision there depends on the site).</summary>
    private readonly FrozenSet<string> _certifiedCountries;

    /// <summary>Countries some of whose entries exclude exporters (a decision there depends on the exporter's country).</summary>
    private readonly FrozenSet<string> _exporterCountries;

    /// <summary>
    /// What a decision for a destination in <paramref name="country"/> depends on besides the table and the date: whether it
    /// reads the destination site itself (its certifications and name: some entry there requires a certification; or its
    /// unknown country's reason, which the caller keys by instead) and whether it reads the exporter's country
    /// (some entry there excludes exporters). The subject types are read only with a certification.
    /// </summary>
    internal (bool Site, bool Exporter) DependsOn(string? country) =>
        country is null ? (false, false) : (_certifiedCountries.Contains(country), _exporterCountries.Contains(country));

    /// <summary>The regime code.</summary>
    public string Code => _regime.Code;

    /// <summary>True when some entry is <c>unverified</c> (only then can a decision make a finding unverified).</summary>
    public bool HasUnverified { get; }

    /// <summary>The evidence label of this table's decisions: <c>adequate for CODE</c>.</summary>
    public string EvidenceLabel => field ??= $"adequate for {_regime.Code}";

    /// <summary>Called by compiled conditions for every transfer: decides without building reasons.</summary>
    public Tri IsAdequate(TransferFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        return Decide(fact.Destination, fact.Source.Country, fact.SubjectTypes, fact.Context.AsOf, null, out _);
    }

    /// <summary>Decides, with the reason (for messages and <c>explain</c>).</summary>
    public AdequacyResult Check(TransferFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        return Explain(fact.Destination, fact.Source.Country, fact.SubjectTypes, fact.Context.AsOf);
    }

    /// <summary>Decides for a destination site, exporter country, subject types and date.</summary>
    public AdequacyResult Check(Site destination, string? exporterCountry, IReadOnlyCollection<string> subjectTypes, DateOnly asOf)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(subjectTypes);
        return Explain(destination, exporterCountry, [.. subjectTypes], asOf);
    }

    private AdequacyResult Explain(Site destination, string? exporterCountry, ImmutableArray<string> subjectTypes, DateOnly asOf)
    {
        var unmet = new List<string>();
        var adequate = Decide(destination, exporterCountry, subjectTypes, asOf, unmet, out var entry);
        var country = destination.Country;
        var reason = adequate switch
        {
            Tri.True when entry is null => $"{country} is inside the {_regime.Code} area",
            Tri.True => $"{country} is adequate for {_regime.Code} under {entry!.Decision}" +
                (entry.Confidence == Model.Rules.Confidence.Unverified ? $" (UNVERIFIED: {entry.Note})" : ""),
            Tri.Unknown when country is null => $"the destination's country is unknown ({destination.UnknownReason})",
            Tri.Unknown => "the exporter's country is unknown and the decision excludes some exporters",
            _ => unmet.Count > 0 ? string.Join("; ", unmet) : $"{country} has no {_regime.Code} adequacy decision",
        };
        return new AdequacyResult(adequate, entry, reason);
    }

    /// <summary>
    /// The one decision procedure. Reasons why entries did not apply go to <paramref name="unmet"/> when it is given
    /// (messages); conditions pass null and nothing is formatted.
    /// </summary>
    private Tri Decide(Site destination, string? exporterCountry, ImmutableArray<string> subjectTypes, DateOnly asOf, List<string>? unmet,
        out AdequacyEntry? decidedBy)
    {
        decidedBy = null;
        if (destination.Country is not { } country) return Tri.Unknown;
        if (_area.Contains(country)) return Tri.True;
        if (!_entriesByCountry.TryGetValue(country, out var entries)) return Tri.False;

        var anyUnmet = false;
        var exporterUnknown = false;
        foreach (var entry in entries)
        {
            if (!entry.Effective.Contains(asOf))
            {
                anyUnmet = true;
                unmet?.Add(entry.Effective.From is { } from && asOf < from
                    ? $"{entry.Decision} applies only from {from:yyyy-MM-dd}"
                    : $"{entry.Decision} ended on {entry.Effective.Until:yyyy-MM-dd}");
                continue;
            }
            var failed = false;
            foreach (var condition in entry.Conditions)
            {
                if (condition.ExporterNotIn.Length > 0)
                {
                    if (exporterCountry is null) exporterUnknown = true;
                    else if (condition.ExporterNotIn.Contains(exporterCountry))
                    {
                        anyUnmet = true;
                        unmet?.Add($"{entry.Decision} does not cover exporters in {exporterCountry}");
                        failed = true;
                    }
                }
                if (condition.Certification is { } cert)
                {
                    var needed = condition.ForSubjectTypes.Length == 0 || ContainsAny(subjectTypes, condition.ForSubjectTypes);
                    if (needed && !destination.Certifications.Contains(cert))
                    {
                        anyUnmet = true;
                        unmet?.Add($"{entry.Decision} covers {country} only for recipients certified '{cert}'" +
                            $"{(condition.ForSubjectTypes.Length == 0 ? "" : $" for {string.Join("/", condition.ForSubjectTypes)} data")}; {destination.Name} is not");
                        failed = true;
                    }
                }
            }
            if (!failed && !exporterUnknown)
            {
                decidedBy = entry;
                return Tri.True;
            }
        }
        return exporterUnknown && !anyUnmet ? Tri.Unknown : Tri.False;
    }

    private static bool ContainsAny(ImmutableArray<string> values, ImmutableArray<string> wanted)
    {
        foreach (var w in wanted)
        {
            if (values.Contains(w)) return true;
        }
        return false;
    }
}
