using System.Collections.Concurrent;
using System.Collections.Immutable;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Core.Facts;

/// <summary>What one evaluation is about: the date, the exporter, and where verdicts are recorded.</summary>
public sealed class EvaluationContext
{
    /// <summary>Creates a context.</summary>
    public EvaluationContext(DateOnly asOf, Organization? organization)
    {
        AsOf = asOf;
        Organization = organization;
    }

    /// <summary>The date the law is applied as of.</summary>
    public DateOnly AsOf { get; }

    /// <summary>The exporter, when declared.</summary>
    public Organization? Organization { get; }

    /// <summary>Exporter country (Organization.country), or null.</summary>
    public string? ExporterCountry => Organization?.Country;

    /// <summary>Exporter certifications.</summary>
    public ImmutableArray<string> ExporterCertifications => Organization?.Certifications ?? [];

    /// <summary>An exporter attribute, or null.</summary>
    public string? ExporterAttribute(string name) =>
        Organization is not null && Organization.Info.Attributes.TryGetValue(name, out var v) ? v : null;

    /// <summary>
    /// What the regimes' sensitive categories let transfers infer; set by the fact builder and flow analyzer from the resolved
    /// estate, read by the onward search (hops infer under their origin's regime).
    /// </summary>
    internal SensitivityInference Sensitivity { get; set; } = SensitivityInference.None;

    /// <summary>Which jurisdictions' rules look at a fact even where none applies (coverage); set by the evaluation for its date.</summary>
    internal Evaluation.CoverageScope CoverageScope { get; set; } = Evaluation.CoverageScope.None;

    /// <summary>
    /// Text shared by many findings of this evaluation, worked out once: a set as a comma-separated list (sets are shared
    /// arrays), and an adequacy decision with its reasons per table, destination, exporter country and subject types.
    /// Millions of findings otherwise each hold their own copy of the same strings. Thread-safe: chunks of facts are judged in parallel.
    /// </summary>
    internal ConcurrentDictionary<string[], string> SetText { get; } = new(ReferenceEqualityComparer.Instance);

    /// <inheritdoc cref="SetText"/>
    /// <remarks>Keys compare subject types by their text (<see cref="Rules.AdequacyKeyComparer"/>).</remarks>
    internal ConcurrentDictionary<(Rules.AdequacyTable Table, Location.Site Destination, string? Exporter, string[] SubjectTypes), Rules.AdequacyResult> Adequacy { get; } =
        new(Rules.AdequacyKeyComparer.Instance);
}
