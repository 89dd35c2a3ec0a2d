using ComplianceEngine.Loading.Vocabulary;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Vocabulary;

/// <summary>Rules folders: attribute declarations, rules reading attributes and taxonomy keys, and the vocabulary files.</summary>
public sealed class VocabularyBuilderTests
{
    private static string Pack(string when, string message = "m", string attributes = "[{name: tier, type: string, kinds: [DataFlow], description: service tier}]") => $$"""
        apiVersion: compliance/v1
        kind: RulePack
        metadata: {name: p}
        spec:
          jurisdiction: EU
          attributes: {{attributes}}
          rules:
            - id: R-1
              title: A rule
              appliesTo: transfer
              severity: high
              citations: [{instrument: GDPR, article: Art. 44}]
              when: {{when}}
              message: "{{message}}"
              remediation: r

        """;

    /// <summary>Loads the shipped catalog (with its files replaced or added from <paramref name="files"/>) plus the given files.</summary>
    private static IReadOnlyList<Diagnostic> Load(params (string Name, string Text)[] files)
    {
        using var dir = new TempDir();
        foreach (var f in Directory.EnumerateFiles(Repo.Path("rules", "catalog")))
            File.Copy(f, Path.Combine(dir.Path, Path.GetFileName(f)));
        File.Copy(Repo.Path("rules", "eu-gdpr", "jurisdiction.yaml"), Path.Combine(dir.Path, "jurisdiction.yaml"));
        foreach (var (name, text) in files) dir.Write(name, text);
        var bag = new DiagnosticBag();
        new WorkspaceLoader().LoadRules([dir.Path], bag);
        return bag.Sorted();
    }

    private static Diagnostic Single(string code, params (string Name, string Text)[] files)
    {
        var diagnostics = Load(files);
        var d = Assert.Single(diagnostics);
        Assert.Equal(code, d.Code);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        return d;
    }

    [Fact]
    public void Load_RuleReadsDeclaredAttribute_NoDiagnostics() =>
        Assert.Empty(Load(("rules.yaml", Pack("{field: attributes.tier, equals: gold}", "tier {attributes.tier}"))));

    [Fact]
    public void Load_RuleConditionReadsUndeclaredAttribute_ErrorAtConditionWithSuggestion()
    {
        var d = Single(DiagnosticCodes.RuleUndeclaredAttribute, ("rules.yaml", Pack("{field: attributes.teir, equals: gold}")));
        Assert.Contains("reads 'attributes.teir'", d.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'tier'", d.Message, StringComparison.Ordinal);
        Assert.Equal(13, d.Location.Line);
        Assert.EndsWith("rules.yaml", d.Location.File, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PlaceholderReadsUndeclaredAttribute_Error()
    {
        var d = Single(DiagnosticCodes.RuleUndeclaredAttribute, ("rules.yaml", Pack("{field: attributes.tier, exists: true}", "tier {attributes.teir}")));
        Assert.Contains("did you mean 'tier'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AttributeReadFromAnotherKind_ErrorNamesDeclaredKinds()
    {
        var d = Single(DiagnosticCodes.RuleUndeclaredAttribute, ("rules.yaml", Pack("{field: exporter.attributes.tier, exists: true}")));
        Assert.Contains("from a Organization", d.Message, StringComparison.Ordinal);
        Assert.Contains("declared for DataFlow only", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoAttributesDeclared_RuleReadingOneFailsClosed() =>
        Single(DiagnosticCodes.RuleUndeclaredAttribute, ("rules.yaml", Pack("{field: attributes.tier, exists: true}", attributes: "[]")));

    [Fact]
    public void Load_AttributeDeclaredWithUnknownKind_ErrorWithSuggestion()
    {
        var d = Single(DiagnosticCodes.AttributeDeclarationInvalid,
            ("rules.yaml", Pack("{field: attributes.tier, exists: true}", attributes: "[{name: tier, type: string, kinds: [DataFlow, Datastore], description: d}]")));
        Assert.Contains("did you mean 'DataStore'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SameAttributeTwoTypes_Error()
    {
        var other = Pack("{field: attributes.tier, exists: true}", attributes: "[{name: tier, type: number, kinds: [DataFlow], description: d}]")
            .Replace("name: p}", "name: q}", StringComparison.Ordinal).Replace("R-1", "R-2", StringComparison.Ordinal);
        var d = Single(DiagnosticCodes.AttributeDeclarationInvalid, ("a.yaml", Pack("{field: attributes.tier, exists: true}")), ("b.yaml", other));
        Assert.Contains("as number", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("categories", "user.helth", "user.health_and_medical")]
    [InlineData("subjectTypes", "employe", "employee")]
    public void Load_RuleComparesUnknownTaxonomyKey_ErrorWithSuggestion(string field, string key, string suggestion)
    {
        var d = Single(DiagnosticCodes.RuleUnknownTaxonomyKey, ("rules.yaml", Pack($"{{field: {field}, containsAny: [{key}]}}")));
        Assert.Contains($"operand '{key}'", d.Message, StringComparison.Ordinal);
        Assert.Contains(suggestion, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RuleComparesUnknownSubjectCode_Error()
    {
        var d = Single(DiagnosticCodes.RuleUnknownTaxonomyKey, ("rules.yaml", Pack("{field: subjects, containsAny: [EU, XX]}")));
        Assert.Contains("subjects operand 'XX'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RuleComparesCategoriesWithoutVocabulary_FailsClosed()
    {
        using var dir = new TempDir();
        dir.Write("rules.yaml", Pack("{field: categories, prefix: [user]}"));
        var bag = new DiagnosticBag();
        new WorkspaceLoader().LoadRules([dir.Path], bag);
        Assert.Contains(bag.Sorted(), d => d.Code == DiagnosticCodes.VocabularyMissing);
    }

    [Fact]
    public void Load_DataCategoryInRulesFolder_ExtendsTaxonomyForRules()
    {
        const string category = "apiVersion: compliance/v1\nkind: DataCategory\nmetadata: {name: system.secret}\nspec: {parent: system, description: secrets}\n";
        Assert.Empty(Load(("categories.yaml", category), ("rules.yaml", Pack("{field: categories, prefix: [system.secret]}"))));
    }

    [Theory]
    [InlineData("user.contact\tuser\t\t\tagain\n", "declared twice")]
    [InlineData("user.x.y\tuser.x\t\t\tdangling\n", "parent 'user.x' is not declared")]
    [InlineData("user.old\tuser\tuser.nowhere\t2.0.0\tgone\n", "replaced by 'user.nowhere'")]
    [InlineData("user.bad\tsystem\t\t\twrong parent\n", "parent must be 'user'")]
    [InlineData("only-two\tcolumns\n", "5 tab-separated columns")]
    public void Load_BadCategoryLine_ErrorAtLine(string line, string text)
    {
        var original = File.ReadAllText(Repo.Path("rules", "catalog", VocabularyFileReader.CategoriesFile));
        var d = Single(DiagnosticCodes.VocabularyInvalid, (VocabularyFileReader.CategoriesFile, original + line));
        Assert.Contains(text, d.Message, StringComparison.Ordinal);
        Assert.Equal(original.Split('\n').Length, d.Location.Line);
    }

    [Fact]
    public void Load_EmptyCategoryFile_Error() =>
        Assert.Contains("the file is empty", Single(DiagnosticCodes.VocabularyInvalid, (VocabularyFileReader.CategoriesFile, "# nothing\n")).Message, StringComparison.Ordinal);

    [Fact]
    public void Load_CountryCodeNotInIso3166Group_Error()
    {
        var original = File.ReadAllText(Repo.Path("rules", "catalog", VocabularyFileReader.CountriesFile));
        var d = Single(DiagnosticCodes.VocabularyInvalid, (VocabularyFileReader.CountriesFile, original + "XX\tXXX\tNowhere\n"));
        Assert.Contains("'XX' is not a member of the ISO3166", d.Message, StringComparison.Ordinal);
    }
}
