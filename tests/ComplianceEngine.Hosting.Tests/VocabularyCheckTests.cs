using ComplianceEngine.Hosting.Pipeline;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ComplianceEngine.Hosting.Tests;

/// <summary>The hosted path (inline documents through the one pipeline) checks vocabularies like the CLI does.</summary>
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

    private static CheckResult CheckInline(string yaml) =>
        Service.Check(new CheckRequest([], [], new DateOnly(2026, 11, 25), DateTimeOffset.UnixEpoch) { Documents = [new InlineDocument("body.yaml", yaml)] });

    [Fact]
    public void CheckInline_KnownVocabulary_Evaluates() =>
        Assert.False(CheckInline(Estate).Failed);

    [Fact]
    public void CheckInline_MistypedCategory_FailsWithSuggestion()
    {
        var result = CheckInline(Estate.Replace("[user.contact]", "[usr.contact]", StringComparison.Ordinal));
        Assert.True(result.Failed);
        var d = Assert.Single(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(DiagnosticCodes.UnknownCategory, d.Code);
        Assert.Contains("did you mean 'user.contact'", d.Message, StringComparison.Ordinal);
    }
}
