using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Documents;

/// <summary>Files of the built-in rules are named <c>builtin:rules/...</c>, never by the folder the application runs from.</summary>
public sealed class BuiltInRuleNamesTests
{
    [Fact]
    public void LoadRules_UnderTheBuiltInRoot_NamesFilesBuiltinRules()
    {
        var bag = new DiagnosticBag();
        var root = Repo.Path("rules");

        var source = new WorkspaceLoader().LoadRules([root], bag, builtInRoot: root);

        Assert.False(bag.HasErrors);
        Assert.All(source.Packs.SelectMany(p => p.Rules), r => Assert.StartsWith("builtin:rules/", r.Location.File, StringComparison.Ordinal));
        Assert.Contains(source.Packs.SelectMany(p => p.Rules), r => r.Location.File == "builtin:rules/eu-gdpr/rules.yaml" && r.Location.Line > 0);
    }

    [Fact]
    public void LoadRules_OwnRulesBesideTheBuiltIn_KeepTheirPaths()
    {
        using var own = new TempDir();
        own.Write("extra/jurisdiction.yaml", """
            apiVersion: compliance/v1
            kind: CountryGroup
            metadata: {name: MYGROUP}
            spec: {title: Mine, members: [DE], source: test}
            """);
        var bag = new DiagnosticBag();

        var source = new WorkspaceLoader().LoadRules([Repo.Path("rules", "catalog"), own.Path], bag, builtInRoot: Repo.Path("rules"));

        var mine = Assert.Single(source.Groups, g => g.Name == "MYGROUP");
        Assert.DoesNotContain("builtin:", mine.Location.File, StringComparison.Ordinal);
        Assert.EndsWith("extra/jurisdiction.yaml", mine.Location.File, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rules/eu-gdpr/rules.yaml", "rules", "builtin:rules/eu-gdpr/rules.yaml")]
    [InlineData("rules-extra/x.yaml", "rules", "rules-extra/x.yaml")]
    [InlineData("policies/org-baseline/rules.yaml", "rules", "policies/org-baseline/rules.yaml")]
    [InlineData("rules/eu-gdpr/rules.yaml", null, "rules/eu-gdpr/rules.yaml")]
    public void DisplayName_InsideOrOutsideTheRoot(string file, string? root, string expected) =>
        Assert.Equal(expected, WorkspaceLoader.DisplayName(file, root));
}
