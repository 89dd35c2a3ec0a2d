using ComplianceEngine.Model.Diagnostics;

namespace ComplianceEngine.Import.Tests.Readers;

/// <summary>Sources that hold nothing say so: an empty plan, state or List is never read as "nothing wrong" without a word.</summary>
public sealed class EmptyInputTests
{
    [Fact]
    public void Plan_WithAnEmptyResourceChangesList_IsAWarning()
    {
        var (_, diagnostics) = ImportHarness.Load("plan.json", """{"format_version":"1.2","terraform_version":"1.13.0","resource_changes":[]}""");
        Assert.Equal(DiagnosticSeverity.Warning, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEmpty).Severity);
    }

    [Fact]
    public void State_WithAnEmptyRootModule_IsAWarning()
    {
        var (_, diagnostics) = ImportHarness.Load("state.json", """{"format_version":"1.0","terraform_version":"1.13.0","values":{"root_module":{}}}""");
        Assert.Equal(DiagnosticSeverity.Warning, ImportHarness.Single(diagnostics, DiagnosticCodes.SourceEmpty).Severity);
    }

    [Fact]
    public void EmptyList_IsNamedAsEmpty()
    {
        var (_, diagnostics) = ImportHarness.Load("nodes.yaml", "apiVersion: v1\nkind: List\nitems: []\n");
        var warning = ImportHarness.Single(diagnostics, DiagnosticCodes.SourceNotRead);
        Assert.Contains("an empty List", warning.Message, StringComparison.Ordinal);
    }
}
