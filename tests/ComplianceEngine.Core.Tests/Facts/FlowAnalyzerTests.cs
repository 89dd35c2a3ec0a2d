using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Facts;

public sealed class FlowAnalyzerTests
{
    private static readonly Lazy<Engine> Gdpr = new(TestEngine.Gdpr);

    private static List<Finding> Violations(string estate, string asOf = "2026-11-25") =>
        [.. Gdpr.Value.Evaluate(estate, asOf).Findings.Where(f => f.Status == FindingStatus.Violation)];

    private static readonly string DrTo = """
          disasterRecovery:
            strategy: warm-standby
            targets: [dr]
        """;

    [Fact]
    public void DisasterRecovery_ToNonAdequateCountry_ViolationWithClusterAsSubject()
    {
        var estate = Estates.Cluster("fra", "aws", "eu-central-1", DrTo) + Estates.Cluster("dr", "aws", "ap-southeast-1") + Estates.Store("db", "fra");
        var f = Assert.Single(Violations(estate));
        Assert.Equal("Cluster/fra", f.Subject.Reference);
        Assert.Equal("db > fra > dr", string.Join(" > ", f.Path));
        Assert.Contains(f.Evidence, e => e.Fact == "implied by" && e.Value.Contains("disasterRecovery", StringComparison.Ordinal));
    }

    [Fact]
    public void DisasterRecovery_ToAdequateCountry_Passes()
    {
        var estate = Estates.Cluster("fra", "aws", "eu-central-1", DrTo) + Estates.Cluster("dr", "aws", "eu-central-2") + Estates.Store("db", "fra");
        var report = Gdpr.Value.Evaluate(estate);
        Assert.Contains(report.Findings, f => f.Status == FindingStatus.Pass && f.Subject.Reference == "Cluster/fra");
        Assert.DoesNotContain(report.Findings, f => f.Status == FindingStatus.Violation);
    }

    [Fact]
    public void BackupStoreAbroad_ImpliedBackupTransferIsAViolation()
    {
        var estate = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("sg", "aws", "ap-southeast-1") +
                     Estates.Store("db", "fra", "  backups: [bk]") + Estates.Store("bk", "sg");
        var f = Assert.Single(Violations(estate));
        Assert.Equal("DataStore/db", f.Subject.Reference);
        Assert.Equal("db > fra > bk > sg", string.Join(" > ", f.Path));
    }

    [Fact]
    public void GeoRedundantInsideEea_NorthEuropeToWestEurope_NoViolation()
    {
        var estate = Estates.Cluster("dub", "azure", "northeurope") + Estates.Store("db", "dub", "  geoRedundant: true");
        Assert.Empty(Violations(estate));
    }

    [Fact]
    public void GeoRedundantAcrossBorder_BrazilSouthPairsWithSouthCentralUs()
    {
        // An EU exporter's store in brazilsouth: Azure GRS copies it to southcentralus (US), which is not adequate for uncertified sites.
        var estate = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("sao", "azure", "brazilsouth") +
                     Estates.Store("db", "fra") + Estates.Store("br", "sao", "  geoRedundant: true") + Estates.Flow("to-br", "db", "br");
        var f = Assert.Single(Violations(estate));
        Assert.Equal("DataStore/br", f.Subject.Reference);
        Assert.Equal("db > fra > br > sao > azure/southcentralus", string.Join(" > ", f.Path));
        Assert.Contains("from BR to US", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnwardChain_EuToSwitzerlandToUs_ViolationAtTheUsHopUnderEuLawWithWholePath()
    {
        var estate = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("zrh", "aws", "eu-central-2") + Estates.Store("db", "fra") +
                     Estates.Store("ch", "zrh") + Estates.Recipient("us-vendor", "US") +
                     Estates.Flow("to-ch", "db", "ch") + Estates.Flow("to-us", "ch", "us-vendor");
        var f = Assert.Single(Violations(estate));
        Assert.Equal("EU", f.Jurisdiction);
        Assert.Equal("DataFlow/to-us", f.Subject.Reference);
        Assert.Equal("db > fra > ch > zrh > us-vendor", string.Join(" > ", f.Path));
    }

    [Fact]
    public void OnwardChain_ThroughAFlowDeclaredFromTheStoresCluster_KeepsTheWholeChainAndItsOrigin()
    {
        // EU data reaches store ch on cluster zrh; zrh's cluster-wide flow carries it to us1, and us1 passes it on to sg.
        // The chain to the last hop goes back through the store the data reached, not through the cluster (which no flow
        // reaches), so it starts where the EU data started.
        var estate = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("zrh", "aws", "eu-central-2") +
                     Estates.Cluster("us1", "aws", "us-east-1") + Estates.Cluster("sg", "aws", "ap-southeast-1") +
                     Estates.Store("db", "fra") + Estates.Store("ch", "zrh") + Estates.Store("us-db", "us1") +
                     Estates.Flow("to-ch", "db", "ch") + Estates.Flow("zrh-out", "zrh", "us1") + Estates.Flow("us-on", "us1", "sg");
        var f = Assert.Single(Violations(estate), v => v.Jurisdiction == "EU" && v.Subject.Reference == "DataFlow/us-on");
        Assert.Equal("db > fra > ch > zrh > us1 > sg", string.Join(" > ", f.Path));
        Assert.Contains(f.Evidence, e => e.Fact == "implied by" && e.Value.StartsWith("onward transfer of data from fra (DE, EU)", StringComparison.Ordinal));
    }

    [Fact]
    public void ReplicaCycle_Terminates()
    {
        var estate = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("sg", "aws", "ap-southeast-1") +
                     Estates.Store("a", "fra", "  replicas: [b]") + Estates.Store("b", "sg", "  replicas: [a]");
        var violations = Violations(estate);
        Assert.Contains(violations, f => f.Subject.Reference == "DataStore/a" && f.Path.SequenceEqual(["a", "fra", "b", "sg"]));
    }

    [Fact]
    public void FlowFromCluster_CarriesEveryStoreOnIt()
    {
        var estate = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("sg", "aws", "ap-southeast-1") +
                     Estates.Store("db", "fra") + Estates.Store("other", "fra").Replace("user.contact", "user.financial", StringComparison.Ordinal) +
                     Estates.Flow("sync", "fra", "sg");
        var f = Assert.Single(Violations(estate));
        Assert.Contains("user.contact, user.financial", f.Message, StringComparison.Ordinal);
    }

    private static string FlowOf(string name, string from, string to, string category) =>
        Estates.Flow(name, from, to).Replace("  mechanisms: []", $"  mechanisms: []\n  categories: [{category}]", StringComparison.Ordinal);

    private static readonly string EuBothCategories = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("zrh", "aws", "eu-central-2") +
        Estates.Store("db", "fra", "  categories: [user.contact, user.financial]").Replace("  categories: [user.contact]\n", "", StringComparison.Ordinal) +
        Estates.Store("ch", "zrh") + Estates.Store("ch2", "zrh") + Estates.Recipient("us-vendor", "US");

    [Fact]
    public void OnwardHop_CarriesOnlyTheCategoriesThatArrived_NoHopForOthers()
    {
        // Only user.contact of the EU data reaches ch; a flow of user.financial out of ch carries none of it.
        var estate = EuBothCategories + FlowOf("to-ch", "db", "ch", "user.contact") + FlowOf("to-us", "ch", "us-vendor", "user.financial");
        Assert.Empty(Violations(estate));
    }

    [Fact]
    public void OnwardHop_CategoriesArrivingByALongerPath_FollowedToAFixedPoint()
    {
        // ch is first reached with user.contact (one hop), and only later with user.financial (two hops, through ch2).
        var estate = EuBothCategories + FlowOf("to-ch", "db", "ch", "user.contact") + FlowOf("to-ch2", "db", "ch2", "user.financial") +
                     FlowOf("ch2-to-ch", "ch2", "ch", "user.financial") + FlowOf("to-us", "ch", "us-vendor", "user.financial");
        var f = Assert.Single(Violations(estate));
        Assert.Equal("DataFlow/to-us", f.Subject.Reference);
        Assert.Contains("user.financial data", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnwardHop_EdgeDeclaringMoreCategories_NamesOnlyThoseThatArrived()
    {
        var estate = EuBothCategories + FlowOf("to-ch", "db", "ch", "user.contact") +
                     Estates.Flow("to-us", "ch", "us-vendor").Replace("  mechanisms: []", "  mechanisms: []\n  categories: [user.contact, user.financial]", StringComparison.Ordinal);
        var f = Assert.Single(Violations(estate));
        Assert.Contains("user.contact data", f.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("user.financial", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnwardHop_FlowDeclaringNoCategories_CarriesWhatArrivedEvenIfItsSourceDoesNotDeclareIt()
    {
        // fin declares only user.financial, but EU user.contact data was sent to it; a flow out of it declaring no
        // categories carries everything there, so the EU data goes on.
        var estate = EuBothCategories + Estates.Store("fin", "zrh").Replace("[user.contact]", "[user.financial]", StringComparison.Ordinal) +
                     FlowOf("to-fin", "db", "fin", "user.contact") + Estates.Flow("to-us", "fin", "us-vendor");
        var f = Assert.Single(Violations(estate));
        Assert.Equal("DataFlow/to-us", f.Subject.Reference);
        Assert.Contains("user.contact data", f.Message, StringComparison.Ordinal);
    }

    private static string Dr(params string[] targets) => $"""
          disasterRecovery:
            strategy: warm-standby
            targets: [{string.Join(", ", targets)}]
        """;

    [Fact]
    public void DisasterRecovery_ChainThroughTwoClustersWithNoStore_ReachesTheUs()
    {
        var estate = Estates.Cluster("fra", "aws", "eu-central-1", Dr("zrh")) + Estates.Cluster("zrh", "aws", "eu-central-2", Dr("zrh2")) +
                     Estates.Cluster("zrh2", "azure", "switzerlandnorth", Dr("us")) + Estates.Cluster("us", "aws", "us-east-1") + Estates.Store("db", "fra");
        var f = Assert.Single(Violations(estate));
        Assert.Equal("Cluster/zrh2", f.Subject.Reference);
        Assert.Equal("db > fra > zrh > zrh2 > us", string.Join(" > ", f.Path));
        Assert.Contains(f.Evidence, e => e.Fact == "implied by" && e.Value.StartsWith("onward transfer of data from fra (DE, EU)", StringComparison.Ordinal));
    }

    [Fact]
    public void DisasterRecovery_CycleThroughClustersWithNoStore_Terminates()
    {
        var estate = Estates.Cluster("fra", "aws", "eu-central-1", Dr("zrh")) + Estates.Cluster("zrh", "aws", "eu-central-2", Dr("zrh2")) +
                     Estates.Cluster("zrh2", "azure", "switzerlandnorth", Dr("zrh", "fra", "sg")) + Estates.Cluster("sg", "aws", "ap-southeast-1") +
                     Estates.Store("db", "fra");
        var f = Assert.Single(Violations(estate)); // once: the copies back to zrh and fra are not copied again
        Assert.Equal("db > fra > zrh > zrh2 > sg", string.Join(" > ", f.Path));
    }

    [Fact]
    public void Replica_OnAClusterWithNoStore_IsCopiedOnByThatClustersDr()
    {
        var estate = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("zrh", "aws", "eu-central-2", Dr("us")) +
                     Estates.Cluster("us", "aws", "us-east-1") + Estates.Store("db", "fra", "  replicas: [zrh]");
        var f = Assert.Single(Violations(estate));
        Assert.Equal("Cluster/zrh", f.Subject.Reference);
        Assert.Equal("db > fra > zrh > us", string.Join(" > ", f.Path));
    }
}
