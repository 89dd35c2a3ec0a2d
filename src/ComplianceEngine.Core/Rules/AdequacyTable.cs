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
    private readonly JurisdictionCatalog _catalog;

    /// <summary>Creates the table of <paramref name="regime"/>.</summary>
    public AdequacyTable(Regime regime, JurisdictionCatalog catalog)
    {
        _regime = regime;
        _catalog = catalog;
    }

    /// <summary>The regime code.</summary>
    public string Code => _regime.Code;

    /// <summary>Called by compiled conditions.</summary>
    public Tri IsAdequate(TransferFact fact) => Check(fact).Adequate;

    /// <summary>Decides, with the reason (for messages and <c>explain</c>).</summary>
    public AdequacyResult Check(TransferFact fact) =>
        Check(fact.Destination, fact.Source.Country, fact.SubjectTypes, fact.Context.AsOf);

    /// <summary>Decides for a destination site, exporter country, subject types and date.</summary>
    public AdequacyResult Check(Site destination, string? exporterCountry, IReadOnlyCollection<string> subjectTypes, DateOnly asOf)
    {
        if (destination.Country is not { } country)
            return new AdequacyResult(Tri.Unknown, null, $"the destination's country is unknown ({destination.UnknownReason})");
        if (_regime.Countries.Any(c => _catalog.Covers(c, country)))
            return new AdequacyResult(Tri.True, null, $"{country} is inside the {_regime.Code} area");

        var unmet = new List<string>();
        var exporterUnknown = false;
        foreach (var entry in _regime.Adequacy)
        {
            var covers = entry.Country is not null ? entry.Country == country : _catalog.Covers(entry.Group!, country);
            if (!covers) continue;
            if (!entry.Effective.Contains(asOf))
            {
                unmet.Add(entry.Effective.From is { } from && asOf < from
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
                        unmet.Add($"{entry.Decision} does not cover exporters in {exporterCountry}");
                        failed = true;
                    }
                }
                if (condition.Certification is { } cert)
                {
                    var needed = condition.ForSubjectTypes.Length == 0 || condition.ForSubjectTypes.Any(subjectTypes.Contains);
                    if (needed && !destination.Certifications.Contains(cert))
                    {
                        var forWhat = condition.ForSubjectTypes.Length == 0 ? "" : $" for {string.Join("/", condition.ForSubjectTypes)} data";
                        unmet.Add($"{entry.Decision} covers {country} only for recipients certified '{cert}'{forWhat}; {destination.Name} is not");
                        failed = true;
                    }
                }
            }
            if (!failed && !exporterUnknown)
            {
                var unverified = entry.Confidence == Model.Rules.Confidence.Unverified ? $" (UNVERIFIED: {entry.Note})" : "";
                return new AdequacyResult(Tri.True, entry, $"{country} is adequate for {_regime.Code} under {entry.Decision}{unverified}");
            }
        }
        if (exporterUnknown && unmet.Count == 0)
            return new AdequacyResult(Tri.Unknown, null, "the exporter's country is unknown and the decision excludes some exporters");
        return new AdequacyResult(Tri.False, null, unmet.Count > 0
            ? string.Join("; ", unmet)
            : $"{country} has no {_regime.Code} adequacy decision");
    }
}
