using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.Vocabulary;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Vocabulary;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Vocabulary;

/// <summary>Estates checked against the vocabularies shipped in rules/: every unknown value is an error at its item with a "did you mean".</summary>
public sealed class VocabularyCheckerTests
{
    private static readonly Lazy<RuleSource> Shipped = new(() =>
    {
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules")], bag);
        Assert.DoesNotContain(bag.Sorted(), d => d.Severity == DiagnosticSeverity.Error);
        return source;
    });

    private const string Estate = """
        apiVersion: compliance/v1
        kind: Organization
        metadata: {name: acme}
        spec:
          country: DE
          attributes: {ciio: false}
        ---
        apiVersion: compliance/v1
        kind: Cluster
        metadata: {name: fra}
        spec: {provider: aws, region: eu-central-1, attributes: {baa: true}}
        ---
        apiVersion: compliance/v1
        kind: Recipient
        metadata: {name: vendor}
        spec: {country: US}
        ---
        apiVersion: compliance/v1
        kind: DataStore
        metadata: {name: db}
        spec:
          cluster: fra
          categories: [user.contact, user.health_and_medical]
          subjects: [EU, DE]
          subjectTypes: [customer]
          encryption: {atRest: true, keyCountry: DE}
        ---
        apiVersion: compliance/v1
        kind: DataFlow
        metadata: {name: out}
        spec:
          from: db
          to: vendor
          categories: [user.contact.email]
          attributes: {occasional: true}

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

    private static Diagnostic Single(string yaml, string code)
    {
        var diagnostics = Check(yaml);
        var d = Assert.Single(diagnostics);
        Assert.Equal(code, d.Code);
        return d;
    }

    [Fact]
    public void Check_FideslangKeysAndKnownCodes_NoDiagnostics() => Assert.Empty(Check(Estate));

    [Fact]
    public void Check_MechanismQualifiedByUnknownRegime_DiagnosticWithSuggestion()
    {
        var d = Single(Estate.Replace("  attributes: {occasional: true}", "  mechanisms: [scc, JP:contract, EY:contract]\n  attributes: {occasional: true}", StringComparison.Ordinal),
            DiagnosticCodes.MechanismQualifierUnknown);
        Assert.Contains("mechanism 'EY:contract'", d.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'EU'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_OrganizationMechanismWithEmptyQualifier_Diagnostic() =>
        Single(Estate.Replace("  country: DE\n", "  country: DE\n  mechanisms: [':bcr']\n", StringComparison.Ordinal), DiagnosticCodes.MechanismQualifierUnknown);

    [Fact]
    public void Shipped_Vocabulary_HasFideslangTaxonomyCountriesAndDeclaredAttributes()
    {
        var v = Shipped.Value.Vocabulary;
        Assert.Equal("user.contact", v.Categories.Find("user.contact.email")!.Parent);
        Assert.NotNull(v.SubjectTypes.Find("job_applicant"));
        Assert.Contains("DE", v.CountryCodes);
        Assert.Contains(v.CountryNames, c => c is { Alpha2: "DE", Alpha3: "DEU" } && c.Names.Contains("Germany"));
        Assert.Contains("EU", v.RegimeCodes);
        Assert.Contains(v.Attributes, a => a is { Name: "ciio", Type: "bool" } && a.Kinds.Contains("Organization"));
    }

    [Theory]
    [InlineData("usr.contact", "user.contact")]
    [InlineData("User.contact", "user.contact")]
    [InlineData("user.contact.emial", "user.contact.email")]
    [InlineData("user.helth_and_medical", "user.health_and_medical")]
    public void Check_MistypedCategory_ErrorAtItemWithSuggestion(string typo, string suggestion)
    {
        var d = Single(Estate.Replace("[user.contact, user.health_and_medical]", $"[user.contact, {typo}]", StringComparison.Ordinal), DiagnosticCodes.UnknownCategory);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains($"did you mean '{suggestion}'", d.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation("estate.yaml", 23, 30), d.Location);
    }

    [Fact]
    public void Check_FlowCategoryMistyped_ErrorAtFlowItem()
    {
        var d = Single(Estate.Replace("[user.contact.email]", "[user.contact.mail]", StringComparison.Ordinal), DiagnosticCodes.UnknownCategory);
        Assert.Contains("DataFlow 'out'", d.Message, StringComparison.Ordinal);
        Assert.Equal(34, d.Location.Line);
    }

    [Fact]
    public void Check_MoreSpecificUndeclaredKey_ErrorTellsHowToDeclareIt()
    {
        var d = Single(Estate.Replace("[user.contact.email]", "[user.contact.email.work]", StringComparison.Ordinal), DiagnosticCodes.UnknownCategory);
        Assert.Contains("declare it: kind DataCategory, metadata.name user.contact.email.work, spec.parent user.contact.email", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DataCategoryDeclared_ExtendsTaxonomy()
    {
        var yaml = Estate.Replace("[user.contact.email]", "[user.contact.email.work]", StringComparison.Ordinal) + """
            ---
            apiVersion: compliance/v1
            kind: DataCategory
            metadata: {name: user.contact.email.work}
            spec: {parent: user.contact.email, description: Work e-mail addresses}

            """;
        Assert.Empty(Check(yaml));
    }

    [Fact]
    public void Check_DataCategoryWithDanglingParent_ErrorWithSuggestion()
    {
        var yaml = Estate + """
            ---
            apiVersion: compliance/v1
            kind: DataCategory
            metadata: {name: user.contcat.work}
            spec: {description: typo in the parent}

            """;
        var d = Single(yaml, DiagnosticCodes.DataCategoryInvalid);
        Assert.Contains("parent 'user.contcat'", d.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'user.contact'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DataCategoryParentNotItsPrefix_Error()
    {
        var bag = new DiagnosticBag();
        var docs = new DocumentLoader().LoadText("apiVersion: compliance/v1\nkind: DataCategory\nmetadata: {name: user.work_email}\nspec: {parent: user.contact}\n", "c.yaml", bag);
        WorkspaceLoader.ReadEstate(docs, bag);
        var d = Assert.Single(bag.Sorted());
        Assert.Equal(DiagnosticCodes.DataCategoryInvalid, d.Code);
        Assert.Equal(new SourceLocation("c.yaml", 4, 16), d.Location);
    }

    [Fact]
    public void Read_DataCategoryWithAttributes_UnknownField()
    {
        var bag = new DiagnosticBag();
        var docs = new DocumentLoader().LoadText("apiVersion: compliance/v1\nkind: DataCategory\nmetadata: {name: user.contact.work}\nspec: {attributes: {x: y}}\n", "c.yaml", bag);
        WorkspaceLoader.ReadEstate(docs, bag);
        Assert.Equal(DiagnosticCodes.UnknownField, Assert.Single(bag.Sorted()).Code);
    }

    [Fact]
    public void Check_MistypedSubjectType_ErrorWithSuggestion()
    {
        var d = Single(Estate.Replace("[customer]", "[custmer]", StringComparison.Ordinal), DiagnosticCodes.UnknownSubjectType);
        Assert.Contains("did you mean 'customer'", d.Message, StringComparison.Ordinal);
        Assert.Equal(25, d.Location.Line);
    }

    [Theory]
    [InlineData("XX", null)]
    [InlineData("DEU", "'DE' (Germany)")]
    [InlineData("Germany", "'DE' (Germany)")]
    [InlineData("United States of America", "'US' (United States)")]
    [InlineData("eu", "'EU'")]
    [InlineData("de", "'DE'")]
    public void Check_UnknownSubjectCode_ErrorWithAlpha2Suggestion(string code, string? suggestion)
    {
        var d = Single(Estate.Replace("subjects: [EU, DE]", $"subjects: [EU, {code}]", StringComparison.Ordinal), DiagnosticCodes.UnknownSubjectCode);
        Assert.Equal(new SourceLocation("estate.yaml", 24, 18), d.Location);
        if (suggestion is null) Assert.DoesNotContain("did you mean", d.Message, StringComparison.Ordinal);
        else Assert.Contains($"did you mean {suggestion}", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("country: DE\n  attributes", "country: DEU\n  attributes", "Organization 'acme': country 'DEU'", "'DE'")]
    [InlineData("region: eu-central-1,", "region: eu-central-1, country: Germny,", "Cluster 'fra': country 'Germny'", "'DE'")]
    [InlineData("{country: US}", "{country: USA}", "Recipient 'vendor': country 'USA'", "'US'")]
    [InlineData("keyCountry: DE}", "keyCountry: XK}", "encryption.keyCountry 'XK'", null)]
    public void Check_UnknownCountry_ErrorWithSuggestion(string from, string to, string text, string? suggestion)
    {
        var d = Single(Estate.Replace(from, to, StringComparison.Ordinal), DiagnosticCodes.UnknownCountryCode);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains(text, d.Message, StringComparison.Ordinal);
        if (suggestion is null) Assert.DoesNotContain("did you mean", d.Message, StringComparison.Ordinal);
        else Assert.Contains($"did you mean {suggestion}", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_CountryDeclaredUnknown_ZZ_IsNotATypo()
    {
        var diagnostics = Check(Estate.Replace("{country: US}", "{country: ZZ}", StringComparison.Ordinal));

        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.UnknownCountryCode);
    }

    [Fact]
    public void Check_UndeclaredAttribute_ErrorAtKeyWithSuggestion()
    {
        var d = Single(Estate.Replace("{ciio: false}", "{cio: false}", StringComparison.Ordinal), DiagnosticCodes.UndeclaredAttribute);
        Assert.Contains("did you mean 'ciio'", d.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation("estate.yaml", 6, 16), d.Location);
    }

    [Fact]
    public void Check_AttributeOnKindNoPackReadsItFrom_ErrorNamesTheDeclaredKinds()
    {
        var d = Single(Estate.Replace("{provider: aws, region: eu-central-1, attributes: {baa: true}}", "{provider: aws, region: eu-central-1, attributes: {occasional: true}}", StringComparison.Ordinal),
            DiagnosticCodes.UndeclaredAttribute);
        Assert.Contains("declared for DataFlow only", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AttributeOfWrongType_Error()
    {
        var d = Single(Estate.Replace("{ciio: false}", "{ciio: maybe}", StringComparison.Ordinal), DiagnosticCodes.AttributeWrongType);
        Assert.Contains("declares it as bool", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shipped_Vocabulary_HasEveryDesignationTheRulesCompare() =>
        Assert.Equal(
            ["ae-health-data", "cardholder-data", "cji", "ephi", "federal-tax-information", "important-data", "itar-technical-data",
             "my-health-record", "payment-system-data"],
            Shipped.Value.Vocabulary.Designations);

    [Fact]
    public void Check_KnownDesignation_NoDiagnostics() =>
        Assert.Empty(Check(Estate.Replace("  subjectTypes: [customer]\n", "  subjectTypes: [customer]\n  designations: [ephi, important-data]\n", StringComparison.Ordinal)));

    [Theory]
    [InlineData("my-heath-record", "my-health-record")]
    [InlineData("EPHI", "ephi")]
    [InlineData("payment_system_data", "payment-system-data")]
    public void Check_MistypedDesignation_ErrorAtItemWithSuggestion(string typo, string suggestion)
    {
        var d = Single(Estate.Replace("  subjectTypes: [customer]\n", $"  subjectTypes: [customer]\n  designations: [ephi, {typo}]\n", StringComparison.Ordinal),
            DiagnosticCodes.UnknownDesignation);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains($"DataStore 'db': designations '{typo}'", d.Message, StringComparison.Ordinal);
        Assert.Contains($"did you mean '{suggestion}'", d.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation("estate.yaml", 26, 24), d.Location);
    }

    [Fact]
    public void Check_DesignationNoRuleReads_ErrorEvenWithoutSuggestion()
    {
        var d = Single(Estate.Replace("  subjectTypes: [customer]\n", "  subjectTypes: [customer]\n  designations: [top-secret]\n", StringComparison.Ordinal),
            DiagnosticCodes.UnknownDesignation);
        Assert.Contains("designations 'top-secret' is not a designation any loaded rule reads", d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", d.Message, StringComparison.Ordinal);
        Assert.Contains("load the rule pack that reads it", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DesignationWithNoRuleReadingDesignations_FailsClosed()
    {
        var vocabulary = Shipped.Value.Vocabulary with { Designations = [] };
        var d = Assert.Single(Check(Estate.Replace("  subjectTypes: [customer]\n", "  subjectTypes: [customer]\n  designations: [ephi]\n", StringComparison.Ordinal), vocabulary));
        Assert.Equal(DiagnosticCodes.UnknownDesignation, d.Code);
        Assert.Contains("no loaded rule reads designations", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NoVocabularyLoaded_FailsClosed()
    {
        var diagnostics = Check(Estate, VocabularyCatalog.Empty);
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.VocabularyMissing && d.Message.Contains("'categories'", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.VocabularyMissing && d.Message.Contains("'subjectTypes'", StringComparison.Ordinal));
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.UndeclaredAttribute);
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
    }

    [Fact]
    public void Check_NoVocabularyLoaded_DesignationFailsClosed()
    {
        var diagnostics = Check(Estate.Replace("  subjectTypes: [customer]\n", "  subjectTypes: [customer]\n  designations: [ephi]\n", StringComparison.Ordinal),
            VocabularyCatalog.Empty);
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.VocabularyMissing && d.Message.Contains("'designations'", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_DeprecatedKey_WarningNamesReplacement()
    {
        var categories = new Taxonomy([
            new TaxonomyEntry("user", null, null, null, "", SourceLocation.None),
            new TaxonomyEntry("user.contact", "user", null, null, "", SourceLocation.None),
            new TaxonomyEntry("user.provided", "user", "user.contact", "2.0.0", "", SourceLocation.None),
        ]);
        var vocabulary = Shipped.Value.Vocabulary with { Categories = categories };
        var diagnostics = Check(Estate.Replace("[user.contact, user.health_and_medical]", "[user.provided]", StringComparison.Ordinal)
            .Replace("[user.contact.email]", "[user.contact]", StringComparison.Ordinal), vocabulary);
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.DeprecatedKey, d.Code);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("deprecated since fideslang 2.0.0; use 'user.contact'", d.Message, StringComparison.Ordinal);
    }
}
