using ComplianceEngine.Loading;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Import.Tests;

/// <summary>How loading treats files that are not native documents, with and without the importer.</summary>
public sealed class SourceSeamTests
{
    [Fact]
    public void UnreadKubernetesKind_IsAWarningNamingIt()
    {
        var (_, diagnostics) = ImportHarness.Load("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n");
        var d = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceNotRead);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("kind Service (v1)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonFileThatIsNoSource_IsAWarning()
    {
        var (_, diagnostics) = ImportHarness.Load("package.json", """{"name": "x", "version": "1.0.0"}""");
        Assert.Equal(DiagnosticSeverity.Warning, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceNotRead).Severity);
    }

    [Fact]
    public void WithoutTheImporter_KubernetesObjectsAreStillErrors()
    {
        var bag = new DiagnosticBag();
        new WorkspaceLoader().Documents.LoadText("apiVersion: v1\nkind: Node\nmetadata: {name: n}\nspec: {}\n", "n.yaml", bag);
        Assert.Contains(bag.Sorted(), d => d.Code == DiagnosticCodes.UnsupportedApiVersion);
    }

    [Fact]
    public void FindInputFiles_AddsJsonOnlyWithTheImporter()
    {
        using var dir = new TempDir();
        dir.Write("a.yaml", "x: 1\n");
        dir.Write("plan.json", "{}");
        dir.Write(".hidden/b.json", "{}");
        Assert.Single(new WorkspaceLoader().Documents.FindInputFiles([dir.Path], new DiagnosticBag()));
        var files = ImportHarness.Loader().Documents.FindInputFiles([dir.Path], new DiagnosticBag());
        Assert.Equal(["a.yaml", "plan.json"], files.Select(f => Path.GetFileName(f)!).ToArray());
    }

    [Fact]
    public void NativeComplianceDocument_WithWrongVersion_KeepsItsError()
    {
        var (_, diagnostics) = ImportHarness.Load("c.yaml", "apiVersion: compliance/v2\nkind: Cluster\nmetadata: {name: c}\nspec: {provider: aws, region: eu-west-1}\n");
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.UnsupportedApiVersion);
    }

    [Fact]
    public void ImportMapping_UnknownField_SuggestsTheRightOne()
    {
        var (_, diagnostics) = ImportHarness.Load("m.yaml", "apiVersion: compliance/v1\nkind: ImportMapping\nmetadata: {name: m}\nspec:\n  rules:\n    - match: {name: x}\n      countri: DE\n");
        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.UnknownField && d.Message.Contains("did you mean 'country'", StringComparison.Ordinal));
    }

    [Fact]
    public void ImportMapping_EmptyMatch_IsAnError()
    {
        var (_, diagnostics) = ImportHarness.Load("m.yaml", "apiVersion: compliance/v1\nkind: ImportMapping\nmetadata: {name: m}\nspec:\n  rules:\n    - match: {}\n      country: DE\n");
        Assert.Equal(DiagnosticSeverity.Error, ImportHarness.Single(diagnostics, DiagnosticCodes.ImportMappingInvalid).Severity);
    }
}
