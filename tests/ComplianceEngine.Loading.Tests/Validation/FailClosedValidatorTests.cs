using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Validation;

/// <summary>
/// Shape checks found missing in review: values a rule reads that, mistyped, turn a finding into silence (a production
/// cluster written <c>prod</c>, a store replicated "to" its own cluster) or contradict each other.
/// </summary>
public sealed class FailClosedValidatorTests
{
    private const string Clusters = """
        apiVersion: compliance/v1
        kind: Cluster
        metadata: {name: fra}
        spec: {provider: aws, region: eu-central-1}
        ---
        apiVersion: compliance/v1
        kind: Cluster
        metadata: {name: iad}
        spec: {provider: aws, region: us-east-1}
        ---

        """;

    private static List<Diagnostic> Load(string documents)
    {
        using var dir = new TempDir();
        dir.Write("estate.yaml", Clusters + documents);
        var bag = new DiagnosticBag();
        new WorkspaceLoader().LoadEstate([dir.Path], bag);
        return [.. bag.Sorted().Where(d => d.Severity == DiagnosticSeverity.Error)];
    }

    [Fact]
    public void DataFlow_SensitiveIndividualsAboveIndividuals_IsAnError()
    {
        var errors = Load("""
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {name: db}
            spec: {cluster: fra, categories: [user.contact]}
            ---
            apiVersion: compliance/v1
            kind: DataFlow
            metadata: {name: f}
            spec: {from: db, to: iad, individuals: 5, sensitiveIndividuals: 50}
            """);
        var error = Assert.Single(errors);
        Assert.Equal((DiagnosticCodes.InvalidValue, 16), (error.Code, error.Location.Line));
        Assert.Contains("sensitiveIndividuals (50) is larger than individuals (5)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataStore_ReplicaOnItsOwnCluster_IsAnError()
    {
        var errors = Load("""
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {name: db}
            spec:
              cluster: fra
              categories: [user.contact]
              replicas: [fra]
            """);
        var error = Assert.Single(errors);
        Assert.Equal((DiagnosticCodes.InvalidValue, 17, 14), (error.Code, error.Location.Line, error.Location.Column));
        Assert.Contains("'fra'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataStore_BackupToItself_IsAnError()
    {
        var errors = Load("""
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {name: db}
            spec:
              cluster: fra
              categories: [user.contact]
              backups: [db]
            """);
        var error = Assert.Single(errors);
        Assert.Equal((DiagnosticCodes.InvalidValue, 17), (error.Code, error.Location.Line));
        Assert.Contains("backs up to itself", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("prod")]
    [InlineData("prd")]
    [InlineData("Production")]
    [InlineData("PROD")]
    [InlineData("live")]
    public void Cluster_ProductionWrittenAnotherWay_IsAnErrorNamingProduction(string environment)
    {
        var errors = Load($$"""
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {name: ams}
            spec: {provider: aws, region: eu-west-1, environment: {{environment}}}
            """);
        var error = Assert.Single(errors);
        Assert.Equal(DiagnosticCodes.InvalidValue, error.Code);
        Assert.Contains("did you mean 'production'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("production")]
    [InlineData("staging")]
    [InlineData("dev")]
    [InlineData("perf-test")]
    public void Cluster_OtherEnvironments_AreAccepted(string environment)
    {
        var errors = Load($$"""
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {name: ams}
            spec: {provider: aws, region: eu-west-1, environment: {{environment}}}
            """);
        Assert.Empty(errors);
    }
}
