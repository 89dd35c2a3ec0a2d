using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary><c>compliance explain</c> takes a subject as reports and waivers write it (<c>Kind/name</c>), and a target that matches nothing gets a "did you mean".</summary>
public sealed class ExplainTargetTests
{
    private static (int Exit, string Out, string Err) Explain(string target) =>
        Cli.Run("explain", target, Repo.Path("examples", "estate"), "--rules", Repo.Path("rules"), "--as-of", "2026-11-25");

    [Fact]
    public void Explain_SubjectReference_ExplainsLikeTheName()
    {
        var byName = Explain("payroll-export");
        var byReference = Explain("DataFlow/payroll-export");
        Assert.Equal(1, byReference.Exit);
        Assert.Equal(byName.Out, byReference.Out);
    }

    [Theory]
    [InlineData("payroll-exprot", "payroll-export")]
    [InlineData("DataFlow/payroll-exprot", "DataFlow/payroll-export")]
    [InlineData("Payroll-Export", "payroll-export")]
    public void Explain_MistypedTarget_ExitsTwoWithSuggestion(string target, string suggestion)
    {
        var (exit, _, error) = Explain(target);
        Assert.Equal(2, exit);
        Assert.Contains("CE2063", error, StringComparison.Ordinal);
        Assert.Contains($"no finding is about '{target}'", error, StringComparison.Ordinal);
        Assert.Contains($"did you mean '{suggestion}'?", error, StringComparison.Ordinal);
    }
}
