using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary>A policy that names a pack by its folder (<c>eu-gdpr</c>) is told the pack's name.</summary>
public sealed class PolicyPackHintTests
{
    [Theory]
    [InlineData("eu-gdpr", "did you mean 'eu-gdpr-chapter-v'? (a policy names packs by metadata.name, not by folder: the pack in folder eu-gdpr)")]
    [InlineData("EU-GDPR-CHAPTER-V", "did you mean 'eu-gdpr-chapter-v'?")]
    public void Check_PolicyNamesAPackByItsFolder_SuggestsThePackName(string written, string hint)
    {
        using var dir = new TempDir();
        var policy = dir.Write("policy.yaml", $"apiVersion: compliance/v1\nkind: Policy\nmetadata: {{name: p}}\nspec:\n  packs: [{written}]\n");
        var (exit, _, error) = Cli.Run("check", Repo.Path("examples", "estate"), "--rules", Repo.Path("rules"), "--policy", policy);
        Assert.Equal(2, exit);
        Assert.Contains("CE5007", error, StringComparison.Ordinal);
        Assert.Contains(hint, error, StringComparison.Ordinal);
    }
}
