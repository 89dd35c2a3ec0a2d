using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Readers;

/// <summary>
/// Shapes the upstream projects document and the readers used to let fall through. Each source is named beside its test.
/// </summary>
public sealed class RealInputTests
{
    private const string Node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {compliance-engine.io/cluster: fra}}\nspec: {providerID: 'aws:///eu-central-1a/i-1'}\n---\n";

    private static string Workload(string name, string ns) =>
        $"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\n  namespace: {ns}\n  annotations: {{compliance-engine.io/cluster: fra, compliance-engine.io/categories: user.contact}}\nspec: {{}}\n---\n";

    private const string Bsl =
        "apiVersion: velero.io/v1\nkind: BackupStorageLocation\nmetadata: {name: bsl, namespace: velero}\nspec: {provider: aws, objectStorage: {bucket: bk}, config: {region: us-east-1}}\n---\n";

    // Velero 1.18 accepts glob patterns in included/excludedNamespaces: * (any run), ? (one character), [abc], [a-z]
    // (velero.io/docs/v1.18/namespace-glob-patterns). "payments-*" matched no namespace literally, so the schedule backed
    // up nothing and the transfer to us-east-1 was lost behind a warning.
    [Fact]
    public void Velero_NamespaceGlobs_MatchLikeVelero()
    {
        var text = Node + Workload("eu", "payments-eu") + Workload("us", "payments-us") + Workload("ops", "ops") + Bsl
            + "apiVersion: velero.io/v1\nkind: Schedule\nmetadata: {name: s, namespace: velero}\nspec:\n  schedule: '0 2 * * *'\n"
            + "  template: {includedNamespaces: ['payments-*', 'op?'], excludedNamespaces: ['payments-[u-z]s'], storageLocation: bsl}\n";
        var (estate, diagnostics) = ImportHarness.Load("x.yaml", text);
        Assert.DoesNotContain(diagnostics, d => d.Code == DiagnosticCodes.SourceDanglingReference);
        Assert.Equal("bk", Assert.Single(estate.Stores.Single(s => s.Name == "eu").Backups).Name);
        Assert.Equal("bk", Assert.Single(estate.Stores.Single(s => s.Name == "ops").Backups).Name);
        Assert.Empty(estate.Stores.Single(s => s.Name == "us").Backups);
    }

    [Theory]
    [InlineData("'pay**'")]
    [InlineData("'{a,b}'")]
    [InlineData("'!ops'")]
    [InlineData("'ns[]'")]
    [InlineData("'ns[ab'")]
    public void Velero_NamespacePatternVeleroRejects_IsAnErrorAtThePattern(string pattern)
    {
        var text = Node + Workload("eu", "payments-eu") + Bsl
            + $"apiVersion: velero.io/v1\nkind: Schedule\nmetadata: {{name: s, namespace: velero}}\nspec:\n  template:\n    includedNamespaces: [payments-eu, {pattern}]\n    storageLocation: bsl\n";
        var (_, diagnostics) = ImportHarness.Load("x.yaml", text);
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceMalformed);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Contains("is not a namespace pattern Velero accepts", d.Message, StringComparison.Ordinal);
        Assert.Equal(24, d.Location.Line);
    }
}
