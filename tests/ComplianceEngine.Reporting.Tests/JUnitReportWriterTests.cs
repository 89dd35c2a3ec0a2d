using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Reporting.Tests;

public sealed class JUnitReportWriterTests
{
    /// <summary>Validation problems against the copied junit.xsd (warnings too); empty when valid.</summary>
    private static List<string> Validate(string xml)
    {
        var problems = new List<string>();
        var schemas = new XmlSchemaSet();
        using (var xsd = XmlReader.Create(TestFiles.Output(Path.Combine("Schemas", "junit.xsd"))))
        {
            schemas.Add(null, xsd);
        }
        var settings = new XmlReaderSettings
        {
            ValidationType = ValidationType.Schema,
            Schemas = schemas,
            DtdProcessing = DtdProcessing.Prohibit,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings | XmlSchemaValidationFlags.ProcessIdentityConstraints,
        };
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity} {e.Exception.LineNumber}:{e.Exception.LinePosition}: {e.Message}");
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        while (reader.Read())
        {
        }
        return problems;
    }

    private static XDocument Parse(Report? report = null) => XDocument.Parse(ReportFixture.Render(new JUnitReportWriter(), report));

    private static XElement CaseFor(XDocument doc, Finding f) =>
        doc.Descendants("testcase").Single(c => (string?)c.Attribute("name") == JUnitReportWriter.CaseName(f));

    [Fact]
    public void Write_FixtureReport_ValidatesAgainstJUnitXsd()
    {
        var problems = Validate(ReportFixture.Render(new JUnitReportWriter()));

        Assert.Empty(problems);
    }

    [Fact]
    public void Write_SchemaCheck_RejectsASuiteWithoutHostname()
    {
        // Guards the validation itself: a document the xsd forbids must produce a validation event.
        var xml = ReportFixture.Render(new JUnitReportWriter()).Replace(" hostname=\"localhost\"", "", StringComparison.Ordinal);

        Assert.NotEmpty(Validate(xml));
    }

    [Fact]
    public void Write_Suites_OnePerJurisdictionWithRequiredAttributes()
    {
        var suites = Parse().Root!.Elements("testsuite").ToList();

        Assert.Equal(["BR", "CN", "EU", "GB", "JP", "ORG", "coverage"], suites.Select(s => (string?)s.Attribute("name")));
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6"], suites.Select(s => (string?)s.Attribute("id")));
        Assert.All(suites, s => Assert.Equal("2026-11-25T09:30:00", (string?)s.Attribute("timestamp")));
    }

    [Fact]
    public void Write_Coverage_SkippedCasePerDocumentNotJudgedAndCountsPerSuite()
    {
        var doc = Parse();
        var coverage = doc.Root!.Elements("testsuite").Single(s => (string?)s.Attribute("name") == "coverage");

        var cases = coverage.Elements("testcase").ToList();
        Assert.Equal(["not judged Cluster/lab-onprem", "not judged DataStore/build-cache"], cases.Select(c => (string?)c.Attribute("name")));
        Assert.Equal("location unknown: no region or country declared", (string?)cases[0].Element("skipped")!.Attribute("message"));
        Assert.Equal("2", (string?)coverage.Attribute("skipped"));
        Assert.Equal("0", (string?)coverage.Attribute("errors"));
        var eu = doc.Root.Elements("testsuite").Single(s => (string?)s.Attribute("name") == "EU");
        Assert.Equal("1", eu.Element("properties")!.Elements("property").Single(p => (string?)p.Attribute("name") == "coverage.transfers.onward").Attribute("value")!.Value);
    }

    [Fact]
    public void Write_NothingJudged_ErrorCaseInCoverageSuite()
    {
        var report = ReportFixture.Build() with { Coverage = Model.Findings.Coverage.Empty };
        var doc = System.Xml.Linq.XDocument.Parse(ReportFixture.Render(new JUnitReportWriter(), report));
        var coverage = doc.Root!.Elements("testsuite").Single(s => (string?)s.Attribute("name") == "coverage");

        var error = Assert.Single(coverage.Elements("testcase")).Element("error");
        Assert.Equal("nothing-judged", (string?)error!.Attribute("type"));
        Assert.Equal("1", (string?)coverage.Attribute("errors"));
    }

    [Fact]
    public void Write_Statuses_MapToFailureErrorSkippedOrPassingCase()
    {
        var doc = Parse();

        var violation = CaseFor(doc, ReportFixture.First(FindingStatus.Violation));
        var indeterminate = CaseFor(doc, ReportFixture.First(FindingStatus.Indeterminate));
        var waived = CaseFor(doc, ReportFixture.First(FindingStatus.Waived));
        var warning = CaseFor(doc, ReportFixture.First(FindingStatus.Warning));
        var pass = CaseFor(doc, ReportFixture.First(FindingStatus.Pass));

        Assert.Equal("critical", (string?)violation.Element("failure")!.Attribute("type"));
        Assert.Equal("indeterminate", (string?)indeterminate.Element("error")!.Attribute("type"));
        Assert.Equal(ReportFixture.First(FindingStatus.Waived).WaiverJustification, (string?)waived.Element("skipped")!.Attribute("message"));
        Assert.Empty(warning.Elements());
        Assert.Empty(pass.Elements());
    }

    [Fact]
    public void Write_Violation_BodyHasMessageCitationRemediationAndFileLine()
    {
        var f = ReportFixture.First(FindingStatus.Violation);

        var failure = CaseFor(Parse(), f).Element("failure")!;

        Assert.Equal(f.Message, (string?)failure.Attribute("message"));
        Assert.Contains(f.Message, failure.Value, StringComparison.Ordinal);
        Assert.Contains(f.Citation, failure.Value, StringComparison.Ordinal);
        Assert.Contains(f.Remediation, failure.Value, StringComparison.Ordinal);
        Assert.Contains($"{f.Subject.Location.File}:{f.Subject.Location.Line}", failure.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Case_NamedByRuleSubjectAndPathWithJurisdictionClass()
    {
        var f = ReportFixture.First(FindingStatus.Violation);

        var testcase = CaseFor(Parse(), f);

        Assert.Equal("GDPR-CH5-TRANSFER DataFlow/eu-to-us-analytics [kundendaten-münchen > eu-prod-1 > us-analytics]", (string?)testcase.Attribute("name"));
        Assert.Equal("EU.GDPR-CH5-TRANSFER", (string?)testcase.Attribute("classname"));
    }

    [Fact]
    public void Write_SuiteCounts_MatchTheirCases()
    {
        foreach (var suite in Parse().Root!.Elements("testsuite"))
        {
            var cases = suite.Elements("testcase").ToList();
            Assert.Equal(cases.Count, (int)suite.Attribute("tests")!);
            Assert.Equal(cases.Count(c => c.Element("failure") is not null), (int)suite.Attribute("failures")!);
            Assert.Equal(cases.Count(c => c.Element("error") is not null), (int)suite.Attribute("errors")!);
            Assert.Equal(cases.Count(c => c.Element("skipped") is not null), (int)suite.Attribute("skipped")!);
        }
    }

    [Fact]
    public void Write_Warning_ListedInSuiteSystemOut()
    {
        var warning = ReportFixture.First(FindingStatus.Warning);

        var systemOut = Parse().Root!.Elements("testsuite").Single(s => (string?)s.Attribute("name") == warning.Jurisdiction).Element("system-out")!;

        Assert.Contains($"WARNING {JUnitReportWriter.CaseName(warning)}", systemOut.Value, StringComparison.Ordinal);
        Assert.Contains(warning.Message, systemOut.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ControlCharacterInMessage_ReplacedAndStillValid()
    {
        var f = ReportFixture.First(FindingStatus.Violation) with { Message = "bell\u0007 and nul\u0000 here" };

        var xml = ReportFixture.Render(new JUnitReportWriter(), ReportFixture.With([f]));

        Assert.Empty(Validate(xml));
        Assert.Contains("bell\uFFFD and nul\uFFFD here", XDocument.Parse(xml).Descendants("failure").Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Declaration_SaysUtf8()
    {
        var xml = ReportFixture.Render(new JUnitReportWriter());

        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites>", xml, StringComparison.Ordinal);
    }
}
