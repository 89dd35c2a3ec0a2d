using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Loading.Tests.Validation;

/// <summary>
/// Every shape check of rules, adequacy entries and inventory documents, pinned by code, position and message (the
/// checks were FluentValidation rules; these expectations are what those gave, and the plain checks give the same).
/// </summary>
public sealed class ValidatorDiagnosticsTests
{
    private static string Lines(IEnumerable<Diagnostic> diagnostics, params string[] codes) =>
        string.Join("\n", diagnostics.Where(d => codes.Contains(d.Code)).Select(d => $"{d.Code} {d.Location.Line}:{d.Location.Column} {d.Message}"));

    [Fact]
    public void RuleChecks_EveryFailure_OneDiagnosticEach_Sorted()
    {
        using var dir = new TempDir();
        dir.Write("rules.yaml", """
            apiVersion: compliance/v1
            kind: RulePack
            metadata: {name: p}
            spec:
              jurisdiction: EU
              rules:
                - id: r_1
                  title: " "
                  appliesTo: transfer
                  severity: high
                  confidence: unverified
                  effective: {from: 2026-01-01, until: 2025-01-01}
                  citations:
                    - {instrument: "", article: Art. 44, url: "not a url"}
                    - {instrument: GDPR, article: Art. 45, url: "relative/path"}
                    - {instrument: GDPR, article: Art. 46, url: "https://eur-lex.europa.eu/eli/reg/2016/679/oj"}
                  message: "  "
                  remediation: ""
                - id: R-2
                  title: Fine
                  appliesTo: transfer
                  severity: high
                  citations: []
                  message: m
                  remediation: r

            """);
        var bag = new DiagnosticBag();
        new WorkspaceLoader().LoadRules([dir.Path, Repo.Path("rules", "catalog")], bag);

        Assert.Equal("""
            CE4001 7:7 rule 'r_1': a rule with confidence 'unverified' must say UNVERIFIED in its message
            CE4001 7:7 rule 'r_1': citation url 'not a url' is not an absolute URL
            CE4001 7:7 rule 'r_1': citation url 'relative/path' is not an absolute URL
            CE4001 7:7 rule 'r_1': effective.from (2026-01-01) must be before effective.until (2025-01-01)
            CE4001 7:7 rule 'r_1': every citation needs an instrument and an article
            CE4001 7:7 rule 'r_1': id must be upper-case letters, digits, '.' and '-' (e.g. GDPR-CH5-TRANSFER)
            CE4001 7:7 rule 'r_1': message must not be empty
            CE4001 7:7 rule 'r_1': remediation must not be empty
            CE4001 7:7 rule 'r_1': title must not be empty
            CE4001 19:7 rule 'R-2': at least one citation (instrument and article) is required
            """, Lines(bag.Sorted(), DiagnosticCodes.RuleInvalid));
    }

    [Fact]
    public void AdequacyChecks_EveryFailure_OneDiagnosticEach_Sorted()
    {
        using var dir = new TempDir();
        dir.Write("jurisdiction.yaml", """
            apiVersion: compliance/v1
            kind: Jurisdiction
            metadata: {name: XX}
            spec:
              name: Test
              countries: [DE]
              adequacy:
                - {country: AD, group: EEA, decision: " ", from: 2020-01-01, until: 2019-01-01}
                - country: CA
                  decision: "2002/2/EC"
                  conditions:
                    - {certification: pipeda}
                    - {exporterNotIn: []}

            """);
        var bag = new DiagnosticBag();
        new WorkspaceLoader().LoadRules([dir.Path, Repo.Path("rules", "catalog")], bag);

        Assert.Equal("""
            CE4008 8:7 adequacy entry for AD: 'from' must be before 'until'
            CE4008 8:7 an adequacy entry needs exactly one of 'country' or 'group'
            CE4008 8:7 an adequacy entry needs the decision that grants it
            CE4008 13:11 adequacy entry for CA: a condition needs 'certification' or 'exporterNotIn'
            """, Lines(bag.Sorted(), DiagnosticCodes.CatalogInvalid));
    }

    [Fact]
    public void InventoryChecks_EveryFailure_OneDiagnosticEach_Sorted()
    {
        using var dir = new TempDir();
        dir.Write("estate.yaml", """
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {name: cloud}
            spec: {provider: aws}
            ---
            apiVersion: compliance/v1
            kind: Cluster
            metadata: {name: basement}
            spec: {provider: onprem, region: rack-1}
            ---
            apiVersion: compliance/v1
            kind: Recipient
            metadata: {name: vendor}
            spec: {country: US, role: processor}
            ---
            apiVersion: compliance/v1
            kind: DataStore
            metadata: {name: db}
            spec: {cluster: cloud, recipient: vendor, categories: [user.contact], individuals: 10, sensitiveIndividuals: 20}
            ---
            apiVersion: compliance/v1
            kind: DataFlow
            metadata: {name: loop}
            spec: {from: db, to: db}

            """);
        var bag = new DiagnosticBag();
        new WorkspaceLoader().LoadEstate([dir.Path], bag);

        Assert.Equal("""
            CE2005 1:1 Cluster 'cloud': give 'region' (a aws region) or 'country'
            CE2005 6:1 Cluster 'basement': 'country' is required for onprem clusters (their region is not in the catalog)
            CE2005 16:1 DataStore 'db': give exactly one of 'cluster' or 'recipient'
            CE2007 16:1 DataStore 'db': sensitiveIndividuals (20) is larger than individuals (10)
            CE2007 24:22 DataFlow 'loop': 'from' and 'to' are the same ('db')
            """, Lines(bag.Sorted(), DiagnosticCodes.MissingField, DiagnosticCodes.InvalidValue));
    }
}
