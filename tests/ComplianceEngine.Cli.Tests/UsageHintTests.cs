namespace ComplianceEngine.Cli.Tests;

/// <summary>The "Run 'compliance ... --help'" hint after a usage error names the whole command, so the hint runs.</summary>
public sealed class UsageHintTests
{
    [Theory]
    [InlineData("compliance rules list --help", "rules", "list", "--jurisdiction", "eu")]
    [InlineData("compliance rules fields --help", "rules", "fields", "transfr")]
    [InlineData("compliance check --help", "check", "--frmat", "json", ".")]
    public void UsageError_HintNamesTheWholeCommand(string hint, params string[] args)
    {
        var (exit, _, error) = Cli.Run(args);

        Assert.Equal(2, exit);
        Assert.Contains($"Run '{hint}' for usage.", error, StringComparison.Ordinal);
    }
}
