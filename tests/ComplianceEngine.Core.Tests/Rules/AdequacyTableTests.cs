using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Rules;

public sealed class AdequacyTableTests
{
    private static readonly Lazy<Engine> Gdpr = new(TestEngine.Gdpr);

    private static FindingStatus Status(string recipientCountry, string certifications, string subjectTypes = "[customer]", string asOf = "2026-11-25")
    {
        var yaml = Estates.Cluster("fra", "aws", "eu-central-1") +
                   Estates.Store("db", "fra").Replace("[customer]", subjectTypes, StringComparison.Ordinal) +
                   Estates.Recipient("r", recipientCountry, certifications) + Estates.Flow("f", "db", "r");
        return Assert.Single(Gdpr.Value.Evaluate(yaml, asOf).Findings, f => f.RuleId == "GDPR-CH5-TRANSFER").Status;
    }

    [Fact]
    public void Us_CertifiedRecipient_Adequate() => Assert.Equal(FindingStatus.Pass, Status("US", "[eu-us-dpf]"));

    [Fact]
    public void Us_UncertifiedRecipient_NotAdequate() => Assert.Equal(FindingStatus.Violation, Status("US", "[]"));

    [Fact]
    public void Us_BeforeDpfDecision_NotAdequateEvenIfCertified() => Assert.Equal(FindingStatus.Violation, Status("US", "[eu-us-dpf]", asOf: "2023-07-09"));

    [Fact]
    public void Us_HrDataWithoutHrCertification_NotAdequate() => Assert.Equal(FindingStatus.Violation, Status("US", "[eu-us-dpf]", "[employee]"));

    [Fact]
    public void Canada_OnlyPipedaRecipients()
    {
        Assert.Equal(FindingStatus.Violation, Status("CA", "[]"));
        Assert.Equal(FindingStatus.Pass, Status("CA", "[pipeda]"));
    }

    [Fact]
    public void Switzerland_Adequate() => Assert.Equal(FindingStatus.Pass, Status("CH", "[]"));
}
