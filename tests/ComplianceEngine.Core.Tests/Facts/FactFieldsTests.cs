using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Facts;

/// <summary>Fields computed by the fact builder, observed through a one-rule engine.</summary>
public sealed class FactFieldsTests
{
    private static string Rule(string appliesTo, string when, string message) => $$"""
            - id: T-1
              title: Test rule
              appliesTo: {{appliesTo}}
              severity: high
              citations: [{instrument: X, article: "1"}]
              when: {{when}}
              message: "{{message}}"
              remediation: r
        """;

    private static List<Finding> Run(string appliesTo, string when, string message, string estate)
    {
        var (engine, diags) = TestEngine.Create(TestEngine.Pack(Rule(appliesTo, when, message)));
        Assert.Empty(diags);
        return [.. engine.Evaluate(estate).Findings];
    }

    [Fact]
    public void ExportedIndividuals_SumsDirectCrossBorderTransfersFromTheCountry()
    {
        var estate = Estates.TwoSites("ap-southeast-1") + Estates.Store("db2", "fra") + Estates.Flow("f1", "db", "far") + Estates.Flow("f2", "db2", "far");
        var findings = Run("transfer", "{field: exportedIndividuals, gte: 2000}", "{exportedIndividuals}", estate);
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal("2,000", f.Message));
    }

    [Fact]
    public void ExportedIndividuals_OneCountMissing_TotalUnknownSoIndeterminate()
    {
        var estate = Estates.TwoSites("ap-southeast-1") + Estates.Store("db2", "fra").Replace("  individuals: 1000\n", "", StringComparison.Ordinal) +
                     Estates.Flow("f1", "db", "far") + Estates.Flow("f2", "db2", "far");
        var findings = Run("transfer", "{field: exportedIndividuals, gte: 2000}", "{exportedIndividuals}", estate);
        Assert.All(findings, f => Assert.Equal(FindingStatus.Indeterminate, f.Status));
        Assert.Equal(2, findings.Count);
    }

    [Fact]
    public void SameSite_FlowBetweenStoresOnOneCluster_True()
    {
        var estate = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Store("a", "fra") + Estates.Store("b", "fra") + Estates.Flow("f", "a", "b");
        var f = Assert.Single(Run("transfer", "{field: sameSite, equals: true}", "same", estate));
        Assert.Equal("DataFlow/f", f.Subject.Reference);
    }

    [Fact]
    public void CopyTarget_StoreNamedAsBackup_True()
    {
        var estate = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Store("a", "fra", "  backups: [bk]") + Estates.Store("bk", "fra");
        var findings = Run("placement", "{field: copyTarget, equals: true}", "copy", estate);
        Assert.Equal(["DataStore/bk"], findings.Where(f => !f.Path.Contains("a")).Select(f => f.Subject.Reference));
    }

    [Fact]
    public void ClusterAgreements_ReadIntoSiteAgreements()
    {
        var estate = Estates.Cluster("fra", "aws", "eu-central-1", "  agreements: [baa]") + Estates.Store("a", "fra");
        var f = Assert.Single(Run("placement", "{field: site.agreements, contains: baa}", "{site.agreements}", estate));
        Assert.Equal("baa", f.Message);
    }
}
