using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary>
/// <c>--rules</c> folders that hold nothing: a mistyped or empty folder must not quietly add no rules to a check that
/// then passes on the built-in rules alone.
/// </summary>
public sealed class RuleOptionsTests
{
    private static readonly string Examples = Repo.Path("examples", "estate");

    [Fact]
    public void Check_RulesFolderWithNoRuleFiles_IsAnError()
    {
        using var dir = new TempDir();
        dir.Write("README.md", "my organisation's rules, to come");
        dir.Write("tests/some-case/case.yaml", "apiVersion: compliance/v1\n");

        var (exit, output, error) = Cli.Run("check", Examples, "--rules", dir.Path, "--as-of", "2026-11-25");

        Assert.Equal(2, exit);
        Assert.Contains("CE2009", error, StringComparison.Ordinal);
        Assert.Contains(dir.Path, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Jurisdiction", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Packs_RulesFolderWithNoRuleFiles_IsAnError()
    {
        using var dir = new TempDir();

        var (exit, _, error) = Cli.Run("packs", "--rules", dir.Path);

        Assert.Equal(2, exit);
        Assert.Contains("CE2009", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RulesFolderWithAPack_IsRead()
    {
        var (exit, _, error) = Cli.Run("check", Examples, "--rules", Repo.Path("policies", "org-baseline"), "--as-of", "2026-11-25");

        Assert.True(exit == 1, error);
        Assert.DoesNotContain("CE2009", error, StringComparison.Ordinal);
    }
}
