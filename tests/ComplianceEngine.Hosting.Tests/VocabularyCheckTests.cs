using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ComplianceEngine.Hosting.Tests;

/// <summary>The hosted path (CheckText) checks vocabularies like the CLI does.</summary>
public sealed class VocabularyCheckTests
{
    private static readonly ComplianceService Service = new(
        Options.Create(new ComplianceEngineOptions { BuiltInRules = Repo.Path("rules") }), NullLogger<ComplianceService>.Instance);

    private const string Estate = """
        apiVersion: compliance/v1
        kind: Cluster
        metadata: {name: fra}
        spec: {provider: aws, region: eu-central-1}
        ---
        apiVersion: compliance/v1
        kind: DataStore
        metadata: {name: db}
        spec: {cluster: fra, categories: [user.contact], subjects: [EU], subjectTypes: [customer]}

        """;

    [Fact]
    public void CheckText_KnownVocabulary_Evaluates() =>
        Assert.False(Service.CheckText(Estate, "body.yaml", new DateOnly(2026, 11, 25), DateTimeOffset.UnixEpoch).Failed);

    [Fact]
    public void CheckText_MistypedCategory_FailsWithSuggestion()
    {
        var result = Service.CheckText(Estate.Replace("[user.contact]", "[usr.contact]", StringComparison.Ordinal), "body.yaml", new DateOnly(2026, 11, 25), DateTimeOffset.UnixEpoch);
        Assert.True(result.Failed);
        var d = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(DiagnosticCodes.UnknownCategory, d.Code);
        Assert.Contains("did you mean 'user.contact'", d.Message, StringComparison.Ordinal);
    }
}
