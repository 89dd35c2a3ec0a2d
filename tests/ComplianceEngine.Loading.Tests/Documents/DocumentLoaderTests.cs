using ComplianceEngine.Loading.Documents;
using ComplianceEngine.Loading.Yaml;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Documents;

public sealed class DocumentLoaderTests
{
    private static IReadOnlyList<Diagnostic> Estate(string yaml)
    {
        var bag = new DiagnosticBag();
        var docs = new DocumentLoader().LoadText(yaml, "inv.yaml", bag);
        WorkspaceLoader.ReadEstate(docs, bag);
        return bag.Sorted();
    }

    private const string Cluster = """
        apiVersion: compliance/v1
        kind: Cluster
        metadata: {name: eu-1}
        spec:
          provider: aws
          region: eu-central-1

        """;

    [Fact]
    public void Load_ValidCluster_NoDiagnostics() => Assert.Empty(Estate(Cluster));

    [Fact]
    public void Load_MisspeltField_UnknownFieldWithSuggestionAndPosition()
    {
        var d = Assert.Single(Estate(Cluster.Replace("region:", "regoin:", StringComparison.Ordinal)));
        Assert.Equal(DiagnosticCodes.UnknownField, d.Code);
        Assert.Contains("did you mean 'region'", d.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation("inv.yaml", 6, 3), d.Location);
    }

    [Fact]
    public void Load_WrongType_ReportsExpectedType()
    {
        var diags = Estate(Cluster + "  disasterRecovery: {targets: eu-2}\n");
        var d = Assert.Single(diags, x => x.Code == DiagnosticCodes.WrongType);
        Assert.Contains("'targets' must be a list of names", d.Message, StringComparison.Ordinal);
        Assert.Equal(7, d.Location.Line);
    }

    [Fact]
    public void Load_NumberFieldWithWord_WrongType()
    {
        var yaml = """
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {name: eu-1}
            spec: {provider: aws, region: eu-central-1}
            ---
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {name: db}
            spec: {cluster: eu-1, individuals: many}
            """;
        var d = Assert.Single(Estate(yaml));
        Assert.Equal(DiagnosticCodes.WrongType, d.Code);
        Assert.Equal(9, d.Location.Line);
    }

    [Fact]
    public void Load_MissingRequiredField_Reported()
    {
        var d = Assert.Single(Estate("apiVersion: compliance/v1\nkind: Recipient\nmetadata: {name: r}\nspec: {role: processor}\n"));
        Assert.Equal(DiagnosticCodes.MissingField, d.Code);
        Assert.Contains("'country'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKind_SuggestsKnownKind()
    {
        var d = Assert.Single(Estate("apiVersion: compliance/v1\nkind: Clustr\nmetadata: {name: x}\nspec: {}\n"));
        Assert.Equal(DiagnosticCodes.UnknownKind, d.Code);
        Assert.Contains("did you mean 'Cluster'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WrongApiVersion_Reported()
    {
        var d = Assert.Single(Estate(Cluster.Replace("compliance/v1", "compliance/v2", StringComparison.Ordinal)));
        Assert.Equal(DiagnosticCodes.UnsupportedApiVersion, d.Code);
        Assert.Equal(1, d.Location.Line);
    }

    [Fact]
    public void Load_InvalidEnumValue_ListsAllowedValues()
    {
        var d = Assert.Single(Estate(Cluster.Replace("provider: aws", "provider: amazon", StringComparison.Ordinal)));
        Assert.Equal(DiagnosticCodes.InvalidValue, d.Code);
        Assert.Contains("aws", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amazon", "aws")]
    [InlineData("Amazon Web Services", "aws")]
    [InlineData("AWS", "aws")]
    [InlineData("eks", "aws")]
    [InlineData("Google Cloud", "gcp")]
    [InlineData("google", "gcp")]
    [InlineData("GKE", "gcp")]
    [InlineData("microsoft", "azure")]
    [InlineData("Microsoft Azure", "azure")]
    [InlineData("Oracle Cloud", "oci")]
    [InlineData("aliyun", "alibaba")]
    [InlineData("IBM Cloud", "ibm")]
    [InlineData("on-premises", "onprem")]
    [InlineData("bare-metal", "onprem")]
    public void Load_ProviderDisplayNameOrAlias_ErrorWithTheProviderCode(string written, string code)
    {
        // A display name is not read as the provider it names (no silent mapping): an error that says which code to write.
        var d = Assert.Single(Estate(Cluster.Replace("provider: aws", $"provider: {written}", StringComparison.Ordinal)));
        Assert.Equal(DiagnosticCodes.InvalidValue, d.Code);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains($"'provider' is '{written}'", d.Message, StringComparison.Ordinal);
        Assert.EndsWith($"did you mean '{code}'?", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DanglingReference_ReportedAtTheReferenceWithSuggestion()
    {
        var yaml = Cluster + """
            ---
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {name: db}
            spec: {cluster: eu-1}
            ---
            apiVersion: compliance/v1
            kind: DataFlow
            metadata: {name: f}
            spec: {from: db, to: dbb}
            """;
        var d = Assert.Single(Estate(yaml));
        Assert.Equal(DiagnosticCodes.DanglingReference, d.Code);
        Assert.Contains("'dbb'", d.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'db'", d.Message, StringComparison.Ordinal);
        Assert.Equal(16, d.Location.Line);
    }

    [Fact]
    public void Load_DuplicateName_Reported()
    {
        var diags = Estate(Cluster + "---\n" + Cluster);
        var d = Assert.Single(diags);
        Assert.Equal(DiagnosticCodes.DuplicateName, d.Code);
        Assert.Contains("inv.yaml:1:1", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SensitiveAboveTotal_ValidationError()
    {
        var yaml = Cluster + "---\napiVersion: compliance/v1\nkind: DataStore\nmetadata: {name: db}\nspec: {cluster: eu-1, individuals: 5, sensitiveIndividuals: 9}\n";
        Assert.Equal(DiagnosticCodes.InvalidValue, Assert.Single(Estate(yaml)).Code);
    }

    [Fact]
    public void Load_OnPremWithoutCountry_MissingField()
    {
        var d = Assert.Single(Estate("apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: dc}\nspec: {provider: onprem}\n"));
        Assert.Equal(DiagnosticCodes.MissingField, d.Code);
        Assert.Contains("country", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManyMistakes_AllCollectedAndSorted()
    {
        var yaml = "apiVersion: compliance/v1\nkind: Cluster\nmetadata: {name: a}\nspec: {provder: aws, regon: x}\n";
        var diags = Estate(yaml);
        Assert.True(diags.Count >= 3);
        Assert.Equal(diags.Order().ToList(), diags.ToList());
    }

    [Fact]
    public void LoadFiles_FileTooLarge_Diagnostic()
    {
        using var dir = new TempDir();
        var file = dir.Write("big.yaml", new string('#', 2048));
        var bag = new DiagnosticBag();
        new DocumentLoader(new YamlLimits { MaxFileBytes = 1024 }).LoadFiles([file], bag);
        Assert.Equal(DiagnosticCodes.FileTooLarge, Assert.Single(bag.Sorted()).Code);
    }

    public static TheoryData<string> NoDocuments => ["", "\n\n", "# only a comment\n", "---\n---\n", "--- # nothing\n...\n"];

    /// <summary>
    /// A file that holds no document (empty, comments or markers only: a truncated export, an editor's half-saved file) is
    /// said, not read as "nothing here" without a word, on every path that reads files: one by one, several at once, and
    /// one file's text (the watch and the host).
    /// </summary>
    [Theory]
    [MemberData(nameof(NoDocuments))]
    public void LoadFiles_FileWithoutDocuments_Warning(string text)
    {
        using var dir = new TempDir();
        var empty = dir.Write("empty.yaml", text);
        var full = dir.Write("full.yaml", Cluster);
        foreach (var parallelism in new[] { 1, 2 })
        {
            var bag = new DiagnosticBag();
            var docs = new DocumentLoader { MaxDegreeOfParallelism = parallelism }.LoadFiles([empty, full], bag);
            Assert.Single(docs);
            var d = Assert.Single(bag.Sorted());
            Assert.Equal((DiagnosticCodes.FileHoldsNoDocuments, DiagnosticSeverity.Warning), (d.Code, d.Severity));
            Assert.Equal(new SourceLocation(empty, 1, 1), d.Location);
            Assert.Contains("no document", d.Message, StringComparison.Ordinal);
        }
        var textBag = new DiagnosticBag();
        Assert.Empty(new DocumentLoader().LoadText(text, "inline.yaml", textBag));
        Assert.Equal(new SourceLocation("inline.yaml", 1, 1), Assert.Single(textBag.Sorted()).Location);
        var partBag = new DiagnosticBag();
        Assert.Empty(new DocumentLoader().LoadFilePart(empty, partBag).Native);
        Assert.Equal(DiagnosticCodes.FileHoldsNoDocuments, Assert.Single(partBag.Sorted()).Code);
    }

    [Fact]
    public void LoadFiles_SyntaxErrorBeforeAnyDocument_OnlyTheError()
    {
        using var dir = new TempDir();
        var broken = dir.Write("broken.yaml", "apiVersion: compliance/v1\nkind: [\n");
        var bag = new DiagnosticBag();
        new DocumentLoader().LoadFiles([broken], bag);
        Assert.Equal(DiagnosticCodes.YamlSyntax, Assert.Single(bag.Sorted()).Code);
        var textBag = new DiagnosticBag();
        new DocumentLoader().LoadText("apiVersion: compliance/v1\nkind: [\n", "inline.yaml", textBag);
        Assert.Equal(DiagnosticCodes.YamlSyntax, Assert.Single(textBag.Sorted()).Code);
    }

    [Fact]
    public void FindFiles_MissingPath_Diagnostic()
    {
        var bag = new DiagnosticBag();
        DocumentLoader.FindFiles(["/definitely/not/here"], bag);
        Assert.Equal(DiagnosticCodes.FileNotFound, Assert.Single(bag.Sorted()).Code);
    }

    [Fact]
    public void FindFiles_SkipsTestFolders()
    {
        using var dir = new TempDir();
        dir.Write("pack/rules.yaml", "a: 1");
        dir.Write("pack/tests/case1/inventory.yaml", "a: 1");
        var files = DocumentLoader.FindFiles([dir.Path], new DiagnosticBag(), ["tests"]);
        Assert.Single(files);
    }
}
