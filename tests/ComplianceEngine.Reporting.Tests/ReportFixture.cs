using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Reporting.Tests;

/// <summary>
/// A small but rich finished report, built by hand: four jurisdictions with findings, one with passes only and one where nothing applied, every
/// status, a waived finding, a subject without a file, baseline states on some findings, waivers (matched and expiring
/// soon, expired, unused), evidence with and without a location, unicode, and text that needs escaping in every format
/// (&lt; &amp; quotes, commas, line breaks, a cell starting with '=').
/// </summary>
public static class ReportFixture
{
    public static readonly DateOnly AsOf = new(2026, 11, 25);

    public static readonly DateTimeOffset GeneratedAt = new(2026, 11, 25, 9, 30, 0, TimeSpan.Zero);

    private static SourceLocation At(string file, int line, int column = 3) => new(file, line, column);

    private static Evidence Ev(string fact, string value, SourceLocation? location = null) => new(fact, value, location ?? SourceLocation.None);

    public static ImmutableArray<RuleSummary> Rules { get; } =
    [
        new("BR-LGPD-TRANSFER", "International transfers need an LGPD Art. 33 basis", "BR", "high", "LGPD Art. 33", null,
            "Adopt standard contractual clauses approved by the ANPD.", Confidence.Unverified),
        new("CN-PIPL-EXPORT", "Personal information leaving China needs a CAC assessment, certification or standard contract", "CN", "high",
            "PIPL Art. 38", "https://www.cac.gov.cn/2021-08/20/c_1631050028355286.htm",
            "File a security assessment with the CAC or sign the standard contract.", Confidence.Unverified),
        new("CN-PIPL-LOCALISATION", "Personal information of a CIIO stays in China", "CN", "critical", "PIPL Art. 40", null,
            "Keep the data on a site in mainland China.", Confidence.Verified),
        new("GB-UK-GDPR-TRANSFER", "Restricted transfers from the UK need adequacy regulations or the IDTA", "GB", "high",
            "UK GDPR Art. 44–46; DPA 2018 s. 17A", "https://www.legislation.gov.uk/eur/2016/679/contents",
            "Sign the IDTA or the UK Addendum with the recipient.", Confidence.Verified),
        new("GDPR-CH5-TRANSFER", "Transfers outside the EEA need adequacy or appropriate safeguards", "EU", "critical",
            "GDPR Art. 44, 45, 46", "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
            "Rely on an adequacy decision, or sign SCCs (Art. 46(2)(c)) and record a transfer impact assessment.", Confidence.Verified),
        new("ORG-ENCRYPTION-AT-REST", "Stores holding personal data are encrypted at rest", "ORG", "medium", "Policy SEC-7 \"Encryption\" §2", null,
            "Set encryption.atRest: true.", Confidence.Verified),
        new("ORG-KEYS-IN-COUNTRY", "Keys are held in the country the data rests in", "ORG", "low", "Policy SEC-7 §4", null,
            "Move the keys to a KMS in {country}.", Confidence.Verified),
        new("ORG-TRANSIT-ENCRYPTION", "Flows are encrypted in transit", "ORG", "info", "Policy SEC-7 §3", null,
            "Set encryptedInTransit: true on the flow.", Confidence.Verified),
    ];

    public static ImmutableArray<Finding> Findings { get; } =
    [
        new("1a2b3c4d5e6f7081", "CN-PIPL-EXPORT", "Personal information leaving China needs a CAC assessment, certification or standard contract", "CN",
            Severity.High, FindingStatus.Waived,
            new FindingSubject("DataStore", "cn-orders", At("inventory/stores.yaml", 34)),
            ["cn-orders", "cn-shanghai-1", "sg-replica", "sg-dr-1"], "PIPL Art. 38", Confidence.Unverified,
            "Personal information of cn-orders is replicated from CN to SG (sg-dr-1) without a CAC assessment.",
            "File a security assessment with the CAC or sign the standard contract.",
            [
                Ev("implied by", "DataStore/cn-orders replicas: sg-replica", At("inventory/stores.yaml", 40, 7)),
                Ev("source.country", "CN", At("inventory/clusters.yaml", 30, 5)),
                Ev("destination.country", "SG", At("inventory/clusters.yaml", 52, 5)),
            ],
            WaiverJustification: "Security assessment \"CAC-2026-118\" filed; approval expected <Q1> & tracked",
            WaiverName: "cn-replica-waiver",
            BaselineState: BaselineState.Unchanged),
        new("2b3c4d5e6f708192", "CN-PIPL-LOCALISATION", "Personal information of a CIIO stays in China", "CN", Severity.Critical, FindingStatus.Pass,
            new FindingSubject("DataStore", "cn-orders", At("inventory/stores.yaml", 34)),
            ["cn-orders", "cn-shanghai-1"], "PIPL Art. 40", Confidence.Verified,
            "cn-orders rests in CN.", "Keep the data on a site in mainland China.",
            [Ev("country", "CN", At("inventory/clusters.yaml", 30, 5))]),
        new("3c4d5e6f708192a3", "CN-PIPL-LOCALISATION", "Personal information of a CIIO stays in China", "CN", Severity.Critical, FindingStatus.Indeterminate,
            new FindingSubject("Region", "azure:chinaeast3", SourceLocation.None),
            ["cn-orders", "azure:chinaeast3"], "PIPL Art. 40", Confidence.Verified,
            "Cannot decide whether Personal information of a CIIO stays in China applies or is met: country of region azure:chinaeast3 is unknown. An unknown is never treated as compliant.",
            "Keep the data on a site in mainland China.",
            [Ev("country", "unknown")]),
        new("5e6f708192a3b4c5", "GDPR-CH5-TRANSFER", "Transfers outside the EEA need adequacy or appropriate safeguards", "EU", Severity.Critical, FindingStatus.Pass,
            new FindingSubject("DataFlow", "eu-to-uk-support", At("inventory/flows.yaml", 3)),
            ["kundendaten-münchen", "eu-prod-1", "uk-support"], "GDPR Art. 44, 45, 46", Confidence.Verified,
            "eu-to-uk-support goes to GB, which has an adequacy decision.",
            "Rely on an adequacy decision, or sign SCCs (Art. 46(2)(c)) and record a transfer impact assessment.",
            [
                Ev("declared flow", "DataFlow/eu-to-uk-support", At("inventory/flows.yaml", 3)),
                Ev("destination.country", "GB", At("inventory/recipients.yaml", 2, 5)),
                Ev("adequate for EU", "GB: adequacy decision (EU) 2021/1772"),
            ]),
        new("6f708192a3b4c5d6", "GDPR-CH5-TRANSFER", "Transfers outside the EEA need adequacy or appropriate safeguards", "EU", Severity.Critical, FindingStatus.Violation,
            new FindingSubject("DataFlow", "eu-to-us-analytics", At("inventory/flows.yaml", 12)),
            ["kundendaten-münchen", "eu-prod-1", "us-analytics"], "GDPR Art. 44, 45, 46", Confidence.Verified,
            "Personal data of \"EU customers\" flows from eu-prod-1 (DE) to us-analytics (US) with no adequacy decision and no safeguard <scc|bcr> & no derogation.",
            "Rely on an adequacy decision, or sign SCCs (Art. 46(2)(c)) and record a transfer impact assessment.",
            [
                Ev("declared flow", "DataFlow/eu-to-us-analytics", At("inventory/flows.yaml", 12)),
                Ev("source.country", "DE", At("inventory/clusters.yaml", 4, 5)),
                Ev("destination.country", "US", At("inventory/recipients.yaml", 9, 5)),
                Ev("mechanisms", "none", At("inventory/flows.yaml", 12)),
                Ev("adequate for EU", "US: no adequacy decision for this recipient (not DPF-certified)"),
            ],
            BaselineState: BaselineState.New),
        new("708192a3b4c5d6e7", "GDPR-CH5-TRANSFER", "Transfers outside the EEA need adequacy or appropriate safeguards", "EU", Severity.Critical, FindingStatus.Pass,
            new FindingSubject("DataStore", "kundendaten-münchen", At("inventory/stores.yaml", 3)),
            ["kundendaten-münchen", "eu-prod-1", "kundendaten-backup", "zürich-dr-1"], "GDPR Art. 44, 45, 46", Confidence.Verified,
            "Backups of kundendaten-münchen go to CH (Zürich), which has an adequacy decision.",
            "Rely on an adequacy decision, or sign SCCs (Art. 46(2)(c)) and record a transfer impact assessment.",
            [
                Ev("implied by", "DataStore/kundendaten-münchen backups: kundendaten-backup", At("inventory/stores.yaml", 12, 7)),
                Ev("destination.country", "CH", At("inventory/clusters.yaml", 18, 5)),
            ]),
        new("4d5e6f708192a3b4", "GB-UK-GDPR-TRANSFER", "Restricted transfers from the UK need adequacy regulations or the IDTA", "GB",
            Severity.High, FindingStatus.Indeterminate,
            new FindingSubject("DataFlow", "uk-to-offshore-callcentre", At("inventory/flows.yaml", 24)),
            ["uk-support", "offshore-callcentre"], "UK GDPR Art. 44–46; DPA 2018 s. 17A", Confidence.Verified,
            "Cannot decide whether Restricted transfers from the UK need adequacy regulations or the IDTA applies or is met: destination.country is unknown. An unknown is never treated as compliant.",
            "Sign the IDTA or the UK Addendum with the recipient.",
            [
                Ev("declared flow", "DataFlow/uk-to-offshore-callcentre", At("inventory/flows.yaml", 24)),
                Ev("source.country", "GB", At("inventory/recipients.yaml", 2, 5)),
                Ev("destination.country", "unknown", At("inventory/recipients.yaml", 16, 5)),
            ]),
        new("8192a3b4c5d6e7f8", "ORG-ENCRYPTION-AT-REST", "Stores holding personal data are encrypted at rest", "ORG", Severity.Medium, FindingStatus.Violation,
            new FindingSubject("DataStore", "=legacy-invoices", At("inventory/stores.yaml", 55)),
            ["=legacy-invoices", "eu-prod-1"], "Policy SEC-7 \"Encryption\" §2", Confidence.Verified,
            "Store \"legacy, invoices\" <v1> & its archive are not encrypted at rest.\nIt holds 12,000 individuals.",
            "- set encryption.atRest: true\n- rotate the keys",
            [
                Ev("encryption.atRest", "false", At("inventory/stores.yaml", 60, 7)),
                Ev("country", "DE", At("inventory/clusters.yaml", 4, 5)),
            ],
            BaselineState: BaselineState.Unchanged),
        new("92a3b4c5d6e7f809", "ORG-KEYS-IN-COUNTRY", "Keys are held in the country the data rests in", "ORG", Severity.Low, FindingStatus.Warning,
            new FindingSubject("DataStore", "cn-orders", At("inventory/stores.yaml", 34)),
            ["cn-orders", "cn-shanghai-1"], "Policy SEC-7 §4", Confidence.Verified,
            "Keys for cn-orders are held in HK, not in CN where the data rests.", "Move the keys to a KMS in CN.",
            [
                Ev("encryption.keyCountry", "HK", At("inventory/stores.yaml", 38, 9)),
                Ev("country", "CN", At("inventory/clusters.yaml", 30, 5)),
            ]),
        new("a3b4c5d6e7f8091a", "ORG-KEYS-IN-COUNTRY", "Keys are held in the country the data rests in", "ORG", Severity.Low, FindingStatus.Pass,
            new FindingSubject("DataStore", "kundendaten-münchen", At("inventory/stores.yaml", 3)),
            ["kundendaten-münchen", "eu-prod-1"], "Policy SEC-7 §4", Confidence.Verified,
            "Keys for kundendaten-münchen are held in DE.", "Move the keys to a KMS in DE.",
            [
                Ev("encryption.keyCountry", "DE", At("inventory/stores.yaml", 8, 9)),
                Ev("country", "DE", At("inventory/clusters.yaml", 4, 5)),
            ]),
        new("b4c5d6e7f8091a2b", "ORG-TRANSIT-ENCRYPTION", "Flows are encrypted in transit", "ORG", Severity.Info, FindingStatus.Violation,
            new FindingSubject("DataFlow", "de-replication", At("inventory/flows.yaml", 30)),
            ["kundendaten-münchen", "eu-prod-1", "eu-prod-2"], "Policy SEC-7 §3", Confidence.Verified,
            "Flow de-replication is not encrypted in transit.", "Set encryptedInTransit: true on the flow.",
            [
                Ev("declared flow", "DataFlow/de-replication", At("inventory/flows.yaml", 30)),
                Ev("encryptedInTransit", "unknown", At("inventory/flows.yaml", 30)),
                Ev("destination.country", "DE", At("inventory/clusters.yaml", 10, 5)),
            ]),
    ];

    public static ImmutableArray<WaiverStatus> Waivers { get; } =
    [
        new("cn-replica-waiver", "CN-PIPL-EXPORT", "DataStore/cn-orders", "CN", AsOf.AddDays(12), "Li Wei (DPO)", "GRC-118",
            "Security assessment \"CAC-2026-118\" filed; approval expected <Q1> & tracked", Expired: false, Matched: 1,
            new SourceLocation("policy/waivers.yaml", 1, 1)),
        new("us-analytics-pilot", "GDPR-CH5-TRANSFER", "DataFlow/eu-to-us-analytics", "EU", new DateOnly(2026, 10, 31), "A. Müller", "GRC-77",
            "Pilot ended; SCCs to be signed", Expired: true, Matched: 0, new SourceLocation("policy/waivers.yaml", 14, 1)),
        new("legacy-keys", "ORG-KEYS-IN-COUNTRY", "DataStore/legacy-archive", "ORG", new DateOnly(2027, 6, 30), "Security <sec@example.com>", "SEC-9",
            "Archive decommissioned in Q2,\n\"no new data\"", Expired: false, Matched: 0, new SourceLocation("policy/waivers.yaml", 27, 1)),
        // Approved after the as-of date: not in force then, so it hid nothing; "not yet approved", never "unused".
        new("crm-bridge", "GDPR-CH5-TRANSFER", "DataFlow/eu-to-us-crm", "EU", new DateOnly(2027, 1, 31), "A. Müller", "GRC-91",
            "Bridge until the vendor's DPF certification is listed", Expired: false, Matched: 0, new SourceLocation("policy/waivers.yaml", 40, 1))
        {
            Approved = AsOf.AddDays(3),
            NotYetApproved = true,
        },
    ];

    /// <summary>What the fixture's run judged, and two documents it did not.</summary>
    public static Coverage Coverage { get; } = new(
        new EstateCounts(Clusters: 6, Stores: 7, Flows: 5, Recipients: 2),
        new SortedDictionary<string, CoverageCounts>(StringComparer.Ordinal)
        {
            ["BR"] = new(Stores: 1, Flows: 1, Placements: 1, DeclaredTransfers: 1, ImpliedTransfers: 0, OnwardTransfers: 0),
            ["CN"] = new(2, 0, 2, 0, 1, 0),
            ["EU"] = new(4, 3, 4, 3, 2, 1),
            ["JP"] = CoverageCounts.Zero,
        }.ToImmutableSortedDictionary(StringComparer.Ordinal),
        [
            new NotJudged("Cluster", "lab-onprem", new SourceLocation("inventory/clusters.yaml", 40, 1), "location unknown: no region or country declared"),
            new NotJudged("DataStore", "build-cache", new SourceLocation("inventory/stores.yaml", 88, 1),
                "no regime binds its data (rests in US; subjects: none) <& \"quoted\">"),
        ]);

    /// <summary>The report every golden file is written from.</summary>
    public static Report Build() => With(Findings);

    /// <summary>The fixture report with other findings (counts recomputed).</summary>
    public static Report With(ImmutableArray<Finding> findings)
    {
        var counts = new SortedDictionary<string, StatusCounts>(StringComparer.Ordinal) 
        {
            ["BR"] = new StatusCounts(0, 0, 0, 0, 2),
            ["JP"] = StatusCounts.Zero,
        };
        foreach (var f in findings) counts[f.Jurisdiction] = counts.GetValueOrDefault(f.Jurisdiction, StatusCounts.Zero).Add(f.Status);
        return new Report(
            Report.CurrentSchemaVersion,
            AsOf,
            GeneratedAt,
            counts.ToImmutableSortedDictionary(StringComparer.Ordinal),
            findings,
            Rules,
            [Diagnostic.Warning("CE3003", "Region 'azure:chinaeast3' is not in the catalog; placements there are indeterminate.",
                new SourceLocation("inventory/stores.yaml", 70, 14))])
        {
            BaselineSuppressed = 2,
            RuleSetVersion = "sha256:0123456789abcdef",
            Waivers = Waivers,
            Coverage = Coverage,
            Gate = new Gate("low", FailOnIndeterminate: false, "policy 'acme' (failOnIndeterminate: false at policy/acme.yaml:1:1)", FailingFindings: 3),
        };
    }

    /// <summary>The first finding of the fixture with <paramref name="status"/>.</summary>
    public static Finding First(FindingStatus status) => Findings.First(f => f.Status == status);

    /// <summary>Writes <paramref name="report"/> with <paramref name="writer"/> into a string.</summary>
    public static string Render(IReportWriter writer, Report? report = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        writer.Write(report ?? Build(), text);
        return text.ToString();
    }

    /// <summary>Every writer of the Reporting assembly, by format name.</summary>
    public static IReportWriter Writer(string format) => format switch
    {
        "json" => new JsonReportWriter(),
        "markdown" => new MarkdownReportWriter(),
        "sarif" => new SarifReportWriter(),
        "junit" => new JUnitReportWriter(),
        "html" => new HtmlReportWriter(),
        "csv" => new CsvReportWriter(),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "no such writer"),
    };
}
