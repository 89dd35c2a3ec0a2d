using System.Collections.Immutable;

namespace ComplianceEngine.Core.Facts;

/// <summary>
/// What a fact's data is: its categories, whose it is (subjects, subject types), its legal designations and how many
/// individuals it concerns. One record shared by a store's placement, its copies and its implied transfers, and by the
/// onward hops that carry the same lots; every list is sorted and distinct (and usually an interned, shared array).
/// </summary>
/// <param name="Categories">Data categories (fideslang-style keys).</param>
/// <param name="Subjects">Jurisdiction codes of the data subjects.</param>
/// <param name="SubjectTypes">customer, employee, patient, ...</param>
/// <param name="Designations">Legal designations (my-health-record, payment-system-data, ...).</param>
/// <param name="Individuals">Distinct individuals (null: unknown).</param>
/// <param name="SensitiveIndividuals">Distinct individuals whose sensitive data is included (null: unknown).</param>
public sealed record CarriedData(
    ImmutableArray<string> Categories,
    ImmutableArray<string> Subjects,
    ImmutableArray<string> SubjectTypes,
    ImmutableArray<string> Designations,
    double? Individuals,
    double? SensitiveIndividuals)
{
    /// <summary>No data declared: no categories, subjects, subject types or designations; counts unknown.</summary>
    public static CarriedData None { get; } = new([], [], [], [], null, null);

    /// <summary>
    /// When <see cref="SensitiveIndividuals"/> was not declared but follows from the other facts: how (for findings), e.g.
    /// "inferred: every category carried is sensitive under CN, so all 5,000 individuals". Null when declared or unknown.
    /// </summary>
    public string? SensitiveIndividualsInferred { get; init; }

    /// <summary>When <see cref="SensitiveIndividuals"/> is unknown and could not be inferred: why (for indeterminate findings).</summary>
    public string? SensitiveIndividualsUnknown { get; init; }
}
