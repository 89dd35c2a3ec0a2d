using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.Vocabulary;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Vocabulary;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Vocabulary;

/// <summary>
/// Mechanisms and certifications count only where a loaded rule reads them: an unknown one (a typo) would silently count
/// for nothing, so it is an error with a "did you mean" from the terms the loaded rules and adequacy decisions compare.
/// </summary>
public sealed class MechanismVocabularyTests
{
    private static readonly Lazy<RuleSource> Shipped = new(() =>
    {
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules")], bag);
        Assert.DoesNotContain(bag.Sorted(), d => d.Severity == DiagnosticSeverity.Error);
        return source;
    });

    private static string Estate(string mechanisms = "[scc]", string certifications = "[eu-us-dpf]", string orgMechanisms = "[bcr]", string orgCertifications = "[]") => $$"""
        apiVersion: compliance/v1
        kind: Organization
        metadata: {name: acme}
        spec: {country: DE, mechanisms: {{orgMechanisms}}, certifications: {{orgCertifications}}}
        ---
        apiVersion: compliance/v1
        kind: Cluster
        metadata: {name: fra}
        spec: {provider: aws, region: eu-central-1}
        ---
        apiVersion: compliance/v1
        kind: Recipient
        metadata: {name: vendor}
        spec: {country: US, certifications: {{certifications}}}
        ---
        apiVersion: compliance/v1
        kind: DataStore
        metadata: {name: db}
        spec: {cluster: fra, categories: [user.contact], subjects: [EU], subjectTypes: [customer]}
        ---
        apiVersion: compliance/v1
        kind: DataFlow
        metadata: {name: out}
        spec: {from: db, to: vendor, mechanisms: {{mechanisms}}}

        """;

    private static IReadOnlyList<Diagnostic> Check(string yaml, VocabularyCatalog? vocabulary = null)
    {
        var bag = new DiagnosticBag();
        var docs = new DocumentLoader().LoadText(yaml, "estate.yaml", bag);
        var estate = WorkspaceLoader.ReadEstate(docs, bag);
        Assert.Empty(bag.Sorted());
        VocabularyChecker.Check(estate, vocabulary ?? Shipped.Value.Vocabulary, bag);
        return bag.Sorted();
    }

    [Fact]
    public void Check_KnownMechanismsAndCertifications_NoDiagnostics() =>
        Assert.Empty(Check(Estate("[scc, JP:contract, uk-addendum]", "[eu-us-dpf, uk-extension, swiss-us-dpf]", "[bcr]", "[eu-us-dpf]")));

    [Fact]
    public void Shipped_Vocabulary_HoldsTheTermsTheRulesAndAdequacyDecisionsRead()
    {
        var v = Shipped.Value.Vocabulary;
        Assert.Contains("scc", v.Mechanisms);
        Assert.Contains("anpd-scc", v.Mechanisms);
        Assert.DoesNotContain(v.Mechanisms, m => m.Contains(':', StringComparison.Ordinal));
        Assert.Contains("eu-us-dpf", v.Certifications); // an adequacy condition
        Assert.Contains("apec-cbpr", v.Certifications); // a rule's destination.certifications
    }

    [Theory]
    [InlineData("[sccs]", "sccs", "scc")]
    [InlineData("[SCC]", "SCC", "scc")]
    [InlineData("[JP:contrat]", "JP:contrat", "contract")]
    [InlineData("[uk-adendum]", "uk-adendum", "uk-addendum")]
    public void Check_MistypedFlowMechanism_ErrorWithSuggestion(string list, string written, string suggestion)
    {
        var d = Assert.Single(Check(Estate(mechanisms: list)));
        Assert.Equal(DiagnosticCodes.UnknownMechanism, d.Code);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains($"DataFlow 'out': mechanisms '{written}' is not a mechanism any loaded rule reads", d.Message, StringComparison.Ordinal);
        Assert.Contains($"did you mean '{suggestion}'?", d.Message, StringComparison.Ordinal);
        Assert.Equal("estate.yaml", d.Location.File);
        Assert.Equal(24, d.Location.Line); // the item's own line (the spec), not the document's first
    }

    [Fact]
    public void Check_MechanismNoRuleReads_ErrorListingTheKnownOnes()
    {
        var d = Assert.Single(Check(Estate(mechanisms: "[handshake-agreement]")));
        Assert.Equal(DiagnosticCodes.UnknownMechanism, d.Code);
        Assert.DoesNotContain("did you mean", d.Message, StringComparison.Ordinal);
        Assert.Contains("load the rule pack that reads it, or remove it (known: ", d.Message, StringComparison.Ordinal);
        Assert.Contains("scc", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MistypedOrganizationMechanism_Error()
    {
        var d = Assert.Single(Check(Estate(orgMechanisms: "[bcrs]")));
        Assert.Equal(DiagnosticCodes.UnknownMechanism, d.Code);
        Assert.Contains("Organization 'acme': mechanisms 'bcrs'", d.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'bcr'?", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[eu-us-dfp]", "eu-us-dfp", "eu-us-dpf")]
    [InlineData("[EU-US-DPF]", "EU-US-DPF", "eu-us-dpf")]
    [InlineData("[swiss-us-dpf-h]", "swiss-us-dpf-h", "swiss-us-dpf-hr")]
    public void Check_MistypedRecipientCertification_ErrorWithSuggestion(string list, string written, string suggestion)
    {
        var d = Assert.Single(Check(Estate(certifications: list)));
        Assert.Equal(DiagnosticCodes.UnknownCertification, d.Code);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains($"Recipient 'vendor': certifications '{written}' is not a certification any loaded rule reads", d.Message, StringComparison.Ordinal);
        Assert.Contains($"did you mean '{suggestion}'?", d.Message, StringComparison.Ordinal);
        Assert.Equal(14, d.Location.Line); // the item's own line (the spec), not the document's first
    }

    [Fact]
    public void Check_MistypedOrganizationCertification_Error()
    {
        var d = Assert.Single(Check(Estate(orgCertifications: "[pipda]")));
        Assert.Equal(DiagnosticCodes.UnknownCertification, d.Code);
        Assert.Contains("Organization 'acme': certifications 'pipda'", d.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'pipeda'?", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_MechanismWithNoRuleReadingMechanisms_FailsClosed()
    {
        var vocabulary = Shipped.Value.Vocabulary with { Mechanisms = [] };
        var d = Assert.Single(Check(Estate(orgMechanisms: "[]"), vocabulary));
        Assert.Equal(DiagnosticCodes.UnknownMechanism, d.Code);
        Assert.Contains("no loaded rule reads mechanisms", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NoRulesLoaded_MechanismsAndCertificationsFailClosed()
    {
        var diagnostics = Check(Estate(), VocabularyCatalog.Empty);
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.VocabularyMissing && d.Message.Contains("'mechanisms' cannot be checked", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.VocabularyMissing && d.Message.Contains("'certifications' cannot be checked", StringComparison.Ordinal));
    }
}
