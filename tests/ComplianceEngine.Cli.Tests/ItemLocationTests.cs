using ComplianceEngine.Tests;

namespace ComplianceEngine.Cli.Tests;

/// <summary>
/// A mistake in one item of a list (a mechanism, a certification, an agreement), in a cluster's region, or in a waiver's
/// rule or subject is reported at that item's own line and column, not at the document's first line: a user with a
/// forty-line document (or an editor showing SARIF) must land on the word to fix.
/// </summary>
public sealed class ItemLocationTests
{
    private static readonly string Rules = Repo.Path("rules");

    private const string Estate = """
        apiVersion: compliance/v1
        kind: Organization
        metadata: {name: acme}
        spec:
          country: DE
          mechanisms:
            - bcr
            - bcrs
          certifications:
            - pipda
        ---
        apiVersion: compliance/v1
        kind: Cluster
        metadata: {name: fra}
        spec:
          provider: aws
          country: DE
          region: eu-centrl-1
        ---
        apiVersion: compliance/v1
        kind: Recipient
        metadata: {name: us-vendor}
        spec:
          country: US
          certifications:
            - eu-us-dpf
            - eu-us-dfp
        ---
        apiVersion: compliance/v1
        kind: DataStore
        metadata: {name: db}
        spec:
          cluster: fra
          categories: [user.contact]
          subjects: [EU]
          subjectTypes: [customer]
        ---
        apiVersion: compliance/v1
        kind: DataFlow
        metadata: {name: to-us}
        spec:
          from: db
          to: us-vendor
          mechanisms:
            - scc
            - sccs

        """;

    [Fact]
    public void Check_UnknownListItems_PointAtTheItem()
    {
        using var dir = new TempDir();
        dir.Write("estate.yaml", Estate);
        var (exit, _, error) = Cli.Run("check", dir.Path, "--rules", Rules, "--as-of", "2026-11-25");
        Assert.Equal(2, exit);
        Assert.Contains("estate.yaml:8:7: error CE2060: Organization 'acme': mechanisms 'bcrs'", error, StringComparison.Ordinal);
        Assert.Contains("estate.yaml:10:7: error CE2061: Organization 'acme': certifications 'pipda'", error, StringComparison.Ordinal);
        Assert.Contains("estate.yaml:27:7: error CE2061: Recipient 'us-vendor': certifications 'eu-us-dfp'", error, StringComparison.Ordinal);
        Assert.Contains("estate.yaml:46:7: error CE2060: DataFlow 'to-us': mechanisms 'sccs'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_UnknownRegion_WarningAtTheRegionField()
    {
        using var dir = new TempDir();
        dir.Write("estate.yaml", Estate.Replace("- bcrs", "- bcr", StringComparison.Ordinal).Replace("- pipda", "- pipeda", StringComparison.Ordinal)
            .Replace("- eu-us-dfp", "- eu-us-dpf", StringComparison.Ordinal).Replace("- sccs", "- scc", StringComparison.Ordinal));
        var (_, _, error) = Cli.Run("check", dir.Path, "--rules", Rules, "--as-of", "2026-11-25", "--format", "json", "--output", Path.Combine(dir.Path, "r.json"));
        Assert.DoesNotContain("error CE", error, StringComparison.Ordinal);
        Assert.Contains("estate.yaml:18:11: warning CE3003: Cluster 'fra': aws region 'eu-centrl-1'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WaiverForAnUnknownRuleOrSubject_PointsAtThatField()
    {
        using var dir = new TempDir();
        // No mechanism on the flow and no certification of the vendor: GDPR-CH5-TRANSFER finds DataFlow/to-us, so 'to-uss' is a near miss.
        dir.Write("estate.yaml", Estate.Replace("- bcrs", "- bcr", StringComparison.Ordinal).Replace("- pipda", "- pipeda", StringComparison.Ordinal)
            .Replace("  certifications:\n    - eu-us-dpf\n    - eu-us-dfp\n", "", StringComparison.Ordinal).Replace("  mechanisms:\n    - scc\n    - sccs\n", "", StringComparison.Ordinal)
            .Replace("region: eu-centrl-1", "region: eu-central-1", StringComparison.Ordinal));
        dir.Write("waivers.yaml", """
            apiVersion: compliance/v1
            kind: Waiver
            metadata: {name: typo-rule}
            spec:
              rule: GDPR-CH5-TRANSFR
              subject: DataFlow/to-us
              jurisdiction: EU
              justification: accepted while the SCCs are signed
              approvedBy: dpo@example.com
              ticket: RISK-1
              expires: 2027-01-31
            ---
            apiVersion: compliance/v1
            kind: Waiver
            metadata: {name: typo-subject}
            spec:
              rule: GDPR-CH5-TRANSFER
              subject: DataFlow/to-uss
              jurisdiction: EU
              justification: accepted while the SCCs are signed
              approvedBy: dpo@example.com
              ticket: RISK-2
              expires: 2027-01-31

            """);
        var (_, _, error) = Cli.Run("check", dir.Path, "--rules", Rules, "--as-of", "2026-11-25", "--format", "json", "--output", Path.Combine(dir.Path, "r.json"));
        Assert.Contains("waivers.yaml:5:9: warning CE5005: Waiver 'typo-rule' names rule 'GDPR-CH5-TRANSFR'", error, StringComparison.Ordinal);
        Assert.Contains("waivers.yaml:18:12: warning CE5003: Waiver 'typo-subject' matches no finding", error, StringComparison.Ordinal);
    }
}
