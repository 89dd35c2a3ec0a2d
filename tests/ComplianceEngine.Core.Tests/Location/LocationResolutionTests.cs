using ComplianceEngine.Core.Facts;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Location;

/// <summary>How what a cluster's document says about its place reaches the findings: normalised, spread or indeterminate, never dropped.</summary>
public sealed class LocationResolutionTests
{
    private static readonly Lazy<Engine> Gdpr = new(TestEngine.Gdpr);

    private static string ToUs(string provider, string region, string extra = "") =>
        Estates.Cluster("fra", provider, region, extra) + Estates.Store("db", "fra") + Estates.Recipient("crm", "US") + Estates.Flow("to-crm", "db", "crm");

    // Misses first.

    [Fact]
    public void Evaluate_RegionTypo_IndeterminateAndAWarningWithDidYouMean()
    {
        var report = Gdpr.Value.Evaluate(ToUs("aws", "eu-centrl-1"));
        Assert.Contains(report.Findings, f => f.Status == FindingStatus.Indeterminate && f.Subject.Name == "to-crm");
        Assert.DoesNotContain(report.Findings, f => f.Status is FindingStatus.Pass or FindingStatus.Violation && f.Subject.Name == "to-crm");
        var d = Assert.Single(report.Diagnostics, d => d.Code == DiagnosticCodes.UnknownRegion);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Contains("did you mean 'eu-central-1'", d.Message, StringComparison.Ordinal);
        Assert.Equal((7, 11), (d.Location.Line, d.Location.Column)); // at the region's value, not the Cluster's first line
    }

    [Fact]
    public void Evaluate_AwsLocalZone_IndeterminateNotTheParentRegionsCountry()
    {
        var report = Gdpr.Value.Evaluate(ToUs("aws", "eu-central-1-ham-1a"));
        Assert.Contains(report.Findings, f => f.Status == FindingStatus.Indeterminate && f.Subject.Name == "to-crm");
        Assert.Contains(report.Diagnostics, d => d.Code == DiagnosticCodes.ZoneOutsideRegion && d.Message.Contains("declare the cluster's country", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_AwsLocalZoneWithDeclaredCountry_JudgedThereWithAWarning()
    {
        var report = Gdpr.Value.Evaluate(ToUs("aws", "eu-central-1-ham-1a", "  country: DE"));
        Assert.Contains(report.Findings, f => f.Status == FindingStatus.Violation && f.Subject.Name == "to-crm");
        Assert.Contains(report.Diagnostics, d => d.Code == DiagnosticCodes.ZoneOutsideRegion && d.Severity == DiagnosticSeverity.Warning);
    }

    [Fact]
    public void Evaluate_GeoRedundantInAnUnknownRegion_ItsCopyIsIndeterminateNotDropped()
    {
        var report = Gdpr.Value.Evaluate(Estates.Cluster("sao", "azure", "brazilsouht") + Estates.Store("br", "sao", "  geoRedundant: true"));
        Assert.Contains(report.Findings, f => f.Status == FindingStatus.Indeterminate && f.Path.Contains("azure/brazilsouht (paired region)"));
        Assert.Contains(report.Diagnostics, d => d.Code == DiagnosticCodes.UnknownPairedRegion);
    }

    [Fact]
    public void Evaluate_GeoRedundantInARegionWithoutPair_ItsCopyIsIndeterminate()
    {
        // An EU exporter's geo-redundant store in azure austriaeast (paired=none): where its copy goes is unknown.
        var estate = Estates.Cluster("vie", "azure", "austriaeast") + Estates.Store("db", "vie", "  geoRedundant: true");
        var report = Gdpr.Value.Evaluate(estate);
        Assert.Contains(report.Findings, f => f.Status == FindingStatus.Indeterminate && f.Path.Contains("azure/austriaeast (paired region)"));
        var d = Assert.Single(report.Diagnostics, d => d.Code == DiagnosticCodes.UnknownPairedRegion);
        Assert.Contains("no paired region for azure region 'austriaeast'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_GeoRedundantStoreHeldByARecipient_ItsCopyIsIndeterminate()
    {
        var estate = Estates.Recipient("saas", "DE") + """
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {name: crm}
            spec:
              recipient: saas
              categories: [user.contact]
              subjects: [EU]
              geoRedundant: true
            """;
        var report = Gdpr.Value.Evaluate(estate);
        Assert.Contains(report.Findings, f => f.Status == FindingStatus.Indeterminate && f.Path.Contains("saas (geo-redundant copy)"));
        Assert.Contains(report.Diagnostics, d => d.Code == DiagnosticCodes.UnknownPairedRegion && d.Message.Contains("has no provider region", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_MultiRegionWithADeclaredCountryOutsideIt_Indeterminate()
    {
        var report = Gdpr.Value.Evaluate(ToUs("gcp", "EUR4", "  country: DE"));
        Assert.Contains(report.Findings, f => f.Status == FindingStatus.Indeterminate && f.Subject.Name == "to-crm");
        Assert.Contains(report.Diagnostics, d => d.Code == DiagnosticCodes.UnknownRegion && d.Message.Contains("declares country DE but gcp dual-region EUR4 spans FI, NL", StringComparison.Ordinal));
    }

    // Normalisations.

    [Theory]
    [InlineData("aws", "eu-central-1a")]
    [InlineData("gcp", "europe-west3-b")]
    [InlineData("gcp", "EUROPE-WEST3")]
    [InlineData("aws", "Europe (Frankfurt)")]
    [InlineData("azure", "Germany West Central")]
    public void Evaluate_NormalisedRegion_SameFindingAsTheCodeAndANote(string provider, string region)
    {
        var report = Gdpr.Value.Evaluate(ToUs(provider, region));
        Assert.DoesNotContain(report.Findings, f => f.Status == FindingStatus.Indeterminate);
        Assert.Contains(report.Findings, f => f.Status == FindingStatus.Violation && f.Subject.Name == "to-crm");
        var note = Assert.Single(report.Diagnostics, d => d.Code == DiagnosticCodes.RegionNormalised);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Equal(1, note.Location.Line);
        Assert.DoesNotContain(report.Diagnostics, d => d.Code == DiagnosticCodes.UnknownRegion);
    }

    [Fact]
    public void Evaluate_ExactRegion_NoNote() =>
        Assert.DoesNotContain(Gdpr.Value.Evaluate(ToUs("aws", "eu-central-1")).Diagnostics, d => d.Code == DiagnosticCodes.RegionNormalised);

    [Fact]
    public void Evaluate_DisplayNameGeoRedundant_CopiedToThePairAsWithTheCode()
    {
        // Azure "Brazil South" is brazilsouth: its GRS copy goes to southcentralus (US).
        var estate = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("sao", "azure", "Brazil South") +
                     Estates.Store("db", "fra") + Estates.Store("br", "sao", "  geoRedundant: true") + Estates.Flow("to-br", "db", "br");
        var report = Gdpr.Value.Evaluate(estate);
        Assert.Contains(report.Findings, f => f.Status == FindingStatus.Violation && f.Path.Contains("azure/southcentralus"));
    }

    [Fact]
    public void Implied_DualRegion_ACopyToTheOtherMembersCountryNamingTheLocation()
    {
        var engine = Gdpr.Value;
        var estate = TestEngine.Estate(Estates.Cluster("bucket", "gcp", "eur4") + Estates.Store("db", "bucket"));
        var resolved = new FactBuilder(engine.Resolver).Resolve(estate);
        var facts = new FlowAnalyzer(engine.Resolver).Implied(resolved, new EvaluationContext(new DateOnly(2026, 11, 25), null));
        var copy = Assert.Single(facts.OfType<TransferFact>());
        Assert.Equal("db > bucket > gcp/EUR4 > gcp/europe-west4", string.Join(" > ", copy.Path));
        Assert.Equal("FI", copy.Source.Country);
        Assert.Equal("NL", copy.Destination.Country);
        Assert.Contains(facts.OfType<PlacementFact>(), p => p.Copy && p.Site.Country == "NL");
    }

    [Theory]
    [InlineData("  disasterRecovery: {strategy: warm-standby, targets: [bucket]}", "")]
    [InlineData("", "  replicas: [bucket]")]
    public void Implied_DrTargetOrReplicaClusterAtADualRegion_CopiedOnToTheOtherMember(string clusterExtra, string storeExtra)
    {
        var engine = Gdpr.Value;
        var estate = TestEngine.Estate(Estates.Cluster("fra", "aws", "eu-central-1", clusterExtra) + Estates.Cluster("bucket", "gcp", "eur4") +
                                       Estates.Store("db", "fra", storeExtra));
        var resolved = new FactBuilder(engine.Resolver).Resolve(estate);
        var facts = new FlowAnalyzer(engine.Resolver).Implied(resolved, new EvaluationContext(new DateOnly(2026, 11, 25), null));
        var onward = Assert.Single(facts.OfType<TransferFact>(), t => t.Destination.Country == "NL");
        Assert.Equal("db > fra > bucket > gcp/EUR4 > gcp/europe-west4", string.Join(" > ", onward.Path));
        Assert.Equal("Cluster/bucket", onward.FromNode);
    }

    [Fact]
    public void Implied_MultiRegionInOneCountry_NoCopies()
    {
        var engine = Gdpr.Value;
        var estate = TestEngine.Estate(Estates.Cluster("bucket", "gcp", "US") + Estates.Store("db", "bucket"));
        var resolved = new FactBuilder(engine.Resolver).Resolve(estate);
        Assert.Empty(new FlowAnalyzer(engine.Resolver).Implied(resolved, new EvaluationContext(new DateOnly(2026, 11, 25), null)));
        Assert.Equal("US", resolved.Cluster("bucket")!.Country);
    }

    [Fact]
    public void Evaluate_FlowToAsiaMultiRegion_JudgedInEveryCountryItSpans()
    {
        // EU data sent to a bucket in GCS ASIA rests in every Asian region: the copy to India is an onward transfer to a
        // country without an EU adequacy decision, and its path names the location.
        var estate = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("asia", "gcp", "ASIA") +
                     Estates.Store("db", "fra") + Estates.Store("far", "asia") + Estates.Flow("to-asia", "db", "far", "[scc]");
        var report = Gdpr.Value.Evaluate(estate);
        Assert.Contains(report.Findings, f => f.Status == FindingStatus.Violation && f.Path.Contains("gcp/ASIA") && f.Path.Contains("gcp/asia-south1"));
        var note = Assert.Single(report.Diagnostics, d => d.Code == DiagnosticCodes.MultiRegionLocation);
        Assert.Equal(DiagnosticSeverity.Info, note.Severity);
        Assert.Contains("IN", note.Message, StringComparison.Ordinal);
    }
}
