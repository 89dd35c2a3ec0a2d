using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.Vocabulary;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Vocabulary;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Vocabulary;

/// <summary>
/// <c>agreements</c> (on a Recipient or a Cluster) are checked against a known vocabulary: the agreement kinds of the
/// catalog (<c>rules/catalog/agreements.tsv</c>: dpa, baa, ...) and every term a loaded rule compares <c>agreements</c>
/// with. A typo (<c>bba</c> for <c>baa</c>) or a term no one knows is an error at the item with "did you mean" (CE2064),
/// never a value that silently counts for nothing.
/// </summary>
public sealed class AgreementVocabularyTests
{
    private static readonly Lazy<RuleSource> Shipped = new(() =>
    {
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules")], bag);
        Assert.DoesNotContain(bag.Sorted(), d => d.Severity == DiagnosticSeverity.Error);
        return source;
    });

    private static string Estate(string recipient = "[dpa, baa]", string cluster = "[baa]") => $$"""
        apiVersion: compliance/v1
        kind: Cluster
        metadata: {name: fra}
        spec:
          provider: aws
          region: eu-central-1
          agreements: {{cluster}}
        ---
        apiVersion: compliance/v1
        kind: Recipient
        metadata: {name: vendor}
        spec:
          country: US
          agreements: {{recipient}}

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
    public void Shipped_Vocabulary_HoldsTheCatalogsAgreementsAndTheOnesRulesRead()
    {
        var v = Shipped.Value.Vocabulary;
        Assert.Contains("baa", v.Agreements); // read by US-HIPAA rules, and in the catalog
        Assert.Contains("dpa", v.Agreements); // design.md's own example: in the catalog, read by no rule
    }

    [Fact]
    public void Check_KnownAgreements_NoDiagnostics() => Assert.Empty(Check(Estate()));

    [Theory]
    [InlineData("[dpa, bba]", "bba", "baa", 14, 21)]
    [InlineData("[DPA]", "DPA", "dpa", 14, 16)]
    public void Check_MistypedRecipientAgreement_ErrorAtTheItemWithSuggestion(string list, string written, string suggestion, int line, int column)
    {
        var d = Assert.Single(Check(Estate(recipient: list)));
        Assert.Equal(DiagnosticCodes.UnknownAgreement, d.Code);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains($"Recipient 'vendor': agreements '{written}' is not a known agreement", d.Message, StringComparison.Ordinal);
        Assert.Contains($"did you mean '{suggestion}'?", d.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation("estate.yaml", line, column), d.Location);
    }

    [Fact]
    public void Check_UnknownClusterAgreement_ErrorListingTheKnownOnes()
    {
        var d = Assert.Single(Check(Estate(cluster: "[handshake]")));
        Assert.Equal(DiagnosticCodes.UnknownAgreement, d.Code);
        Assert.Contains("Cluster 'fra': agreements 'handshake'", d.Message, StringComparison.Ordinal);
        Assert.Contains("(known: ", d.Message, StringComparison.Ordinal);
        Assert.Contains("baa", d.Message, StringComparison.Ordinal);
        Assert.Equal(7, d.Location.Line);
    }

    [Fact]
    public void Check_NoAgreementVocabularyLoaded_FailsClosed()
    {
        var vocabulary = Shipped.Value.Vocabulary with { Agreements = [] };
        var diagnostics = Check(Estate(), vocabulary);
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticCodes.UnknownAgreement, d.Code));
        Assert.Contains(diagnostics, d => d.Message.Contains("no agreement vocabulary is loaded", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_NoRulesLoaded_AgreementsFailClosed()
    {
        var diagnostics = Check(Estate(), VocabularyCatalog.Empty);
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.VocabularyMissing && d.Message.Contains("'agreements' cannot be checked", StringComparison.Ordinal));
    }

    [Fact]
    public void ReadAgreements_MalformedLine_ErrorAtTheLine()
    {
        var bag = new DiagnosticBag();
        var terms = VocabularyFileReader.ReadAgreements("# source\nterm\tdescription\ndpa\tdata processing agreement\n\tno term\n", "agreements.tsv", bag);
        Assert.Equal(["dpa"], terms.Select(t => t.Key));
        var d = Assert.Single(bag.Sorted());
        Assert.Equal(DiagnosticCodes.VocabularyInvalid, d.Code);
        Assert.Equal(4, d.Location.Line);
    }
}
