using System.Text;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Reporting.Tests;

public sealed class CsvReportWriterTests
{
    /// <summary>A strict RFC 4180 reader (records end with \n), to read the output back.</summary>
    private static List<List<string>> ReadCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                Assert.True(cell.Length == 0, $"a quote inside an unquoted field at {i}");
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                cell.Append(c);
            }
        }
        Assert.False(quoted, "unterminated quoted field");
        Assert.True(cell.Length == 0 && row.Count == 0, "the last record ends with a line feed");
        return rows;
    }

    [Fact]
    public void Write_FixtureReport_HeaderThenOneRecordPerFinding()
    {
        var rows = ReadCsv(ReportFixture.Render(new CsvReportWriter()));

        Assert.Equal(
            ["id", "jurisdiction", "ruleId", "severity", "status", "subjectKind", "subjectName", "file", "line", "path", "citation", "message", "remediation", "waiver"],
            rows[0]);
        Assert.Equal(ReportFixture.Findings.Length + 1, rows.Count);
        Assert.All(rows, r => Assert.Equal(14, r.Count));
    }

    [Fact]
    public void Write_Finding_ReadsBackToItsValues()
    {
        var f = ReportFixture.First(FindingStatus.Violation);

        var row = ReadCsv(ReportFixture.Render(new CsvReportWriter())).Single(r => r[0] == f.Id);

        Assert.Equal(
            [f.Id, "EU", "GDPR-CH5-TRANSFER", "critical", "violation", "DataFlow", "eu-to-us-analytics", "inventory/flows.yaml", "12",
                "kundendaten-münchen > eu-prod-1 > us-analytics", "GDPR Art. 44, 45, 46", f.Message, f.Remediation, ""],
            row);
    }

    [Fact]
    public void Write_CommasQuotesAndLineBreaks_ReadBackUnchanged()
    {
        var f = ReportFixture.First(FindingStatus.Violation) with
        {
            Message = "a, \"quoted\" <b> & c\r\nnext line",
            Citation = "Art. 1, 2",
        };

        var row = ReadCsv(ReportFixture.Render(new CsvReportWriter(), ReportFixture.With([f])))[1];

        Assert.Equal("a, \"quoted\" <b> & c\nnext line", row[11]);
        Assert.Equal("Art. 1, 2", row[10]);
    }

    [Fact]
    public void Write_WaivedFinding_NamesItsWaiver()
    {
        var waived = ReportFixture.First(FindingStatus.Waived);

        var row = ReadCsv(ReportFixture.Render(new CsvReportWriter())).Single(r => r[0] == waived.Id);

        Assert.Equal(waived.WaiverName, row[13]);
    }

    [Fact]
    public void Write_FindingWithoutFile_EmptyFileAndLine()
    {
        var noFile = ReportFixture.Findings.Single(f => !f.Subject.Location.IsKnown);

        var row = ReadCsv(ReportFixture.Render(new CsvReportWriter())).Single(r => r[0] == noFile.Id);

        Assert.Equal("", row[7]);
        Assert.Equal("", row[8]);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    public void Text_LeadingFormulaCharacter_PrefixedWithQuote(string value, string expected)
    {
        Assert.Equal(expected, CsvReportWriter.Text(value));
    }

    [Fact]
    public void Write_SubjectStartingWithEquals_IsGuarded()
    {
        var rows = ReadCsv(ReportFixture.Render(new CsvReportWriter()));

        var row = rows.Single(r => r[6].Contains("legacy-invoices", StringComparison.Ordinal));

        Assert.Equal("'=legacy-invoices", row[6]);
        Assert.Equal("'=legacy-invoices > eu-prod-1", row[9]);
        Assert.Equal("'- set encryption.atRest: true\n- rotate the keys", row[12]);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("", "")]
    [InlineData("mid=dle", "mid=dle")]
    public void Quote_Field_QuotedOnlyWhenNeeded(string value, string expected)
    {
        Assert.Equal(expected, CsvReportWriter.Quote(value));
    }
}
