using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Readers;

/// <summary>
/// The fideslang vocabularies the Fides reader relies on: a <c>data_use</c> outside the fideslang taxonomy (and not declared
/// by the manifests) is an error, never read as "processing"; a <c>legal_basis_for_transfers</c> outside fideslang's enum is
/// said, never dropped silently. Shapes follow ethyca/fideslang tests/fideslang/test_models.py (a system with
/// <c>legal_basis_for_transfers: [Adequacy Decision, SCCs, New legal basis]</c>) and data_files/data_uses.csv; see Scenarios/fides/SOURCE.md.
/// </summary>
public sealed class FidesVocabularyTests
{
    private static string System(string dataUse, string bases = "[SCCs]", string extra = "") =>
        "system:\n  - fides_key: a\n    system_type: Service\n    meta: {k8s_cluster: fra}\n    does_international_transfers: true\n"
        + $"    legal_basis_for_transfers: {bases}\n    egress: [{{fides_key: b, type: system}}]\n"
        + $"    privacy_declarations:\n      - {{name: p, data_use: {dataUse}, data_categories: [user.contact], data_subjects: [customer]}}\n"
        + "  - fides_key: b\n    system_type: Service\n    meta: {k8s_cluster: iad}\n"
        + "    privacy_declarations: [{name: q, data_use: essential.service, data_categories: [user.contact], data_subjects: [customer]}]\n" + extra;

    private static string Flow(IReadOnlyList<Loading.Sources.ImportedDocument> docs) =>
        NativeYamlWriter.ToText("s.yml", docs)[NativeYamlWriter.ToText("s.yml", docs).IndexOf("kind: \"DataFlow\"", StringComparison.Ordinal)..];

    [Theory]
    [InlineData("analytics.reporting.system.performance", "analytics")]
    [InlineData("train_ai_system", "ml-training")]
    [InlineData("essential.service.payment_processing", "processing")]
    public void Fides_KnownDataUse_NoDiagnosticAndItsPurpose(string use, string purpose)
    {
        var (docs, diagnostics) = ImportHarness.Import("s.yml", System(use));
        Assert.DoesNotContain(diagnostics, d => d.Severity != DiagnosticSeverity.Info && d.Code is DiagnosticCodes.SourceVocabularyUnknown or DiagnosticCodes.DeprecatedKey);
        Assert.Contains($"purpose: \"{purpose}\"", Flow(docs), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("analytcs.reporting", "analytics.reporting")]
    [InlineData("Marketing.Advertising", "marketing.advertising")]
    [InlineData("essential.service.paymentprocessing", "essential.service.payment_processing")]
    public void Fides_UnknownDataUse_ErrorAtItsLineWithSuggestion(string use, string suggestion)
    {
        var (_, diagnostics) = ImportHarness.Import("s.yml", System(use));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceVocabularyUnknown);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains($"data_use '{use}' is not a fideslang data use", d.Message, StringComparison.Ordinal);
        Assert.Contains($"did you mean '{suggestion}'?", d.Message, StringComparison.Ordinal);
        Assert.Equal(9, d.Location.Line);
        Assert.EndsWith("s.yml", d.Location.File, StringComparison.Ordinal);
    }

    [Fact]
    public void Fides_DataUseFarFromAny_ErrorWithoutPurposeGuess()
    {
        var (_, diagnostics) = ImportHarness.Import("s.yml", System("telepathy"));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceVocabularyUnknown);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("declare it in a data_use list", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fides_DataUseDeclaredByTheManifest_IsKnownAndTakesItsParentsPurpose()
    {
        var extra = "data_use:\n  - {fides_key: analytics.churn_model, name: Churn model, parent_key: analytics}\n";
        var (docs, diagnostics) = ImportHarness.Import("s.yml", System("analytics.churn_model", extra: extra));
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceVocabularyUnknown);
        Assert.Contains("purpose: \"analytics\"", Flow(docs), StringComparison.Ordinal);
    }

    [Fact]
    public void Fides_FideslangOneDataUse_WarnsWithItsReplacement()
    {
        var (docs, diagnostics) = ImportHarness.Import("s.yml", System("improve.system"));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.DeprecatedKey);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("'functional.service.improve'", d.Message, StringComparison.Ordinal);
        // Read as its replacement (functional.*): the same purpose as a manifest that already says functional.service.improve.
        Assert.Contains("purpose: \"processing\"", Flow(docs), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[SCC]", "SCC", ", did you mean 'SCCs'?")]
    [InlineData("[bcrs]", "bcrs", ", did you mean 'BCRs'?")]
    [InlineData("[Adequacy Decision, SCCs, New legal basis]", "New legal basis", "")]
    public void Fides_UnknownLegalBasisForTransfers_SaidNotDropped(string bases, string unknown, string hint)
    {
        var (docs, diagnostics) = ImportHarness.Import("s.yml", System("essential.service", bases));
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceVocabularyUnknown);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains($"legal_basis_for_transfers '{unknown}' is not one of fideslang's (Adequacy Decision, SCCs, BCRs, Supplementary Measures, Other){hint}", d.Message, StringComparison.Ordinal);
        Assert.Contains("counts as no mechanism", d.Message, StringComparison.Ordinal);
        Assert.Equal(6, d.Location.Line);
        Assert.DoesNotContain(unknown.ToLowerInvariant(), Flow(docs).ToLowerInvariant(), StringComparison.Ordinal);
    }
}
