using System.Text.RegularExpressions;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Reporting.Tests;

public sealed partial class HtmlReportWriterTests
{
    private static string Html(Report? report = null) => ReportFixture.Render(new HtmlReportWriter(), report);

    private static string Svg(string html)
    {
        var start = html.IndexOf("<svg", StringComparison.Ordinal);
        var end = html.IndexOf("</svg>", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "the report has an inline SVG");
        return html[start..(end + "</svg>".Length)];
    }

    [Fact]
    public void Write_MarkupInFindings_IsEscaped()
    {
        var f = ReportFixture.First(FindingStatus.Violation) with
        {
            Message = "<script>alert('x')</script> & \"quoted\"",
            Subject = new FindingSubject("DataFlow", "<img src=x onerror=alert(1)>", new SourceLocation("a.yaml", 1, 1)),
            Path = ["<b>site</b>", "us-analytics"],
        };

        var html = Html(ReportFixture.With([f]));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>site", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;site&lt;/b&gt;", Svg(html), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a<b>&\"'", "a&lt;b&gt;&amp;&quot;&#39;")]
    [InlineData("plain ünïcödé", "plain ünïcödé")]
    [InlineData("bell\u0007", "bell\uFFFD")]
    [InlineData("line\r\nbreak", "line\nbreak")]
    public void Escape_Text_Entitised(string text, string expected)
    {
        Assert.Equal(expected, HtmlReportWriter.Escape(text));
    }

    [Fact]
    public void Write_FixtureReport_SelfContainedWithoutScriptsOrExternalResources()
    {
        var html = Html();

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<style>", html, StringComparison.Ordinal);
        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
        Assert.DoesNotContain("url(http", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(SrcAttribute(), html);
    }

    [Fact]
    public void Write_FixtureReport_HeaderHasAsOfDate()
    {
        Assert.Contains("Law applied as of <strong>2026-11-25</strong>", Html(), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_FixtureReport_SummaryRowPerJurisdiction()
    {
        var html = Html();
        var summary = html[html.IndexOf("<table class=\"summary\">", StringComparison.Ordinal)..html.IndexOf("</table>", StringComparison.Ordinal)];

        foreach (var j in ReportFixture.Build().ByJurisdiction.Keys)
        {
            Assert.Matches($"<tr( class=\"nothing\")?><th scope=\"row\">(<a href=\"#j-{j}\">)?{j}(</a>)?</th><td><span class=\"badge status-", summary);
        }
        Assert.Contains("<th scope=\"row\">BR</th>", summary, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#j-EU\">EU</a>", summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EU", "violation\">non-compliant")]
    [InlineData("GB", "indeterminate\">undecided")]
    [InlineData("BR", "pass\">compliant")]
    [InlineData("JP", "none\">nothing applied")]
    public void Write_SummaryOutcome_FollowsCounts(string jurisdiction, string badge)
    {
        var html = Html();
        var row = html[html.IndexOf($"<th scope=\"row\">{(jurisdiction is "EU" or "GB" ? $"<a href=\"#j-{jurisdiction}\">" : "")}{jurisdiction}", StringComparison.Ordinal)..];

        Assert.StartsWith($"<span class=\"badge status-{badge}</span>", row[(row.IndexOf("<td>", StringComparison.Ordinal) + 4)..], StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Findings_GroupedByJurisdictionWithEvidenceAndBadges()
    {
        var html = Html();
        var violation = ReportFixture.First(FindingStatus.Violation);

        var article = html[html.IndexOf($"id=\"f-{violation.Id}\"", StringComparison.Ordinal)..];
        article = article[..article.IndexOf("</article>", StringComparison.Ordinal)];

        Assert.True(html.IndexOf("<h3 id=\"j-EU\">", StringComparison.Ordinal) < html.IndexOf($"id=\"f-{violation.Id}\"", StringComparison.Ordinal));
        Assert.Contains("<span class=\"badge status-violation\">violation</span>", article, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge sev-critical\">critical</span>", article, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge baseline-new\">new</span>", article, StringComparison.Ordinal);
        Assert.Contains("<li><code>source.country</code> = DE <span class=\"loc\">inventory/clusters.yaml:4</span></li>", article, StringComparison.Ordinal);
        Assert.Contains("<li><code>adequate for EU</code> = US: no adequacy decision for this recipient (not DPF-certified)</li>", article, StringComparison.Ordinal);
        Assert.Contains("<code>kundendaten-münchen</code><span class=\"arrow\"> → </span><code>eu-prod-1</code>", article, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_PassFindings_NotListed()
    {
        Assert.DoesNotContain($"f-{ReportFixture.First(FindingStatus.Pass).Id}", Html(), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Waivers_MarksExpiredExpiringSoonAndUnused()
    {
        var html = Html();
        var waivers = html[html.IndexOf("<section id=\"waivers\">", StringComparison.Ordinal)..];
        waivers = waivers[..waivers.IndexOf("</section>", StringComparison.Ordinal)];
        string Row(string name)
        {
            var start = waivers.IndexOf($"<code>{name}</code>", StringComparison.Ordinal);
            return waivers[start..waivers.IndexOf("</tr>", start, StringComparison.Ordinal)];
        }

        Assert.Contains("waiver-expired\">expired", Row("us-analytics-pilot"), StringComparison.Ordinal);
        Assert.Contains("waiver-unused\">unused", Row("us-analytics-pilot"), StringComparison.Ordinal);
        Assert.Contains("waiver-soon\">expires soon", Row("cn-replica-waiver"), StringComparison.Ordinal);
        Assert.Contains("in 12 days", Row("cn-replica-waiver"), StringComparison.Ordinal);
        Assert.DoesNotContain("unused", Row("cn-replica-waiver"), StringComparison.Ordinal);
        Assert.Contains("waiver-active\">active", Row("legacy-keys"), StringComparison.Ordinal);
        Assert.Contains("waiver-unused\">unused", Row("legacy-keys"), StringComparison.Ordinal);
        Assert.Contains("Security &lt;sec@example.com&gt;", Row("legacy-keys"), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WaiverApprovedAfterAsOf_MarkedNotYetApproved_NeverUnused()
    {
        var html = Html();
        var waivers = html[html.IndexOf("<section id=\"waivers\">", StringComparison.Ordinal)..];
        var start = waivers.IndexOf("<code>crm-bridge</code>", StringComparison.Ordinal);
        var row = waivers[waivers.LastIndexOf("<tr", start, StringComparison.Ordinal)..waivers.IndexOf("</tr>", start, StringComparison.Ordinal)];

        Assert.StartsWith("<tr class=\"not-yet-approved\">", row, StringComparison.Ordinal);
        Assert.Contains(">not yet approved</span> <span class=\"muted\">approved 2026-11-28", row, StringComparison.Ordinal);
        Assert.DoesNotContain("unused", row, StringComparison.Ordinal);
        Assert.DoesNotContain("active", row, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_FixtureReport_SvgGroupsSitesByCountry()
    {
        var svg = Svg(Html());

        foreach (var country in new[] { "CH", "CN", "DE", "GB", "SG", "US", "Unknown" })
        {
            Assert.Contains($"class=\"country-name\">{country}</text>", svg, StringComparison.Ordinal);
        }
        // Countries in order, unknown last; sites inside their country.
        Assert.True(svg.IndexOf(">DE</text>", StringComparison.Ordinal) < svg.IndexOf(">US</text>", StringComparison.Ordinal));
        Assert.True(svg.IndexOf(">US</text>", StringComparison.Ordinal) < svg.IndexOf(">Unknown</text>", StringComparison.Ordinal));
        Assert.Contains(">offshore-callcentre</text>", svg, StringComparison.Ordinal);
        Assert.Contains(">zürich-dr-1</text>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ViolatingTransfer_DrawnAsRedArrow()
    {
        var svg = Svg(Html());

        var arrow = TransferPath().Matches(svg).Single(m => m.Groups["title"].Value.StartsWith("eu-prod-1 → us-analytics", StringComparison.Ordinal));

        Assert.Equal("violation", arrow.Groups["status"].Value);
        Assert.Contains("<marker id=\"arrow-violation\"", svg, StringComparison.Ordinal);
        Assert.Contains("fill=\"#c62828\"", svg, StringComparison.Ordinal);
        Assert.Contains("svg.estate .transfer-violation { stroke: #c62828;", Html(), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_TransferFromStore_DrawnFromTheSiteHoldingIt()
    {
        // kundendaten-münchen rests on eu-prod-1 (a placement finding); its flows start there.
        var svg = Svg(Html());

        // The first line of a tooltip: "from → to (n findings)".
        var titles = TransferPath().Matches(svg).Select(m => m.Groups["title"].Value.Split('\n')[0].Split(" (")[0]).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(
            ["cn-shanghai-1 → sg-dr-1", "eu-prod-1 → eu-prod-2", "eu-prod-1 → uk-support", "eu-prod-1 → us-analytics", "eu-prod-1 → zürich-dr-1",
                "uk-support → offshore-callcentre"],
            titles);
        Assert.DoesNotContain(">kundendaten-münchen</text>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_Transfers_ViolationsDrawnLast()
    {
        var statuses = TransferPath().Matches(Svg(Html())).Select(m => m.Groups["status"].Value).ToList();

        Assert.Equal(["pass", "pass", "waived", "indeterminate", "violation", "violation"], statuses);
    }

    [Fact]
    public void Write_NoSites_SaysSoInsteadOfPicture()
    {
        var html = Html(ReportFixture.With([]));

        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
        Assert.Contains("No finding names a site", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_FiftySites_AllDrawnInsideTheViewBox()
    {
        var findings = Enumerable.Range(0, 50).Select(i => ReportFixture.First(FindingStatus.Violation) with
        {
            Id = $"id{i:D2}",
            Path = [$"site-{i:D2}", $"site-{(i + 7) % 50:D2}"],
            Evidence =
            [
                new Evidence("declared flow", "DataFlow/x", SourceLocation.None),
                new Evidence("source.country", $"C{i % 9}", SourceLocation.None),
                new Evidence("destination.country", $"C{(i + 7) % 50 % 9}", SourceLocation.None),
            ],
        });

        var svg = Svg(Html(ReportFixture.With([.. findings])));

        var box = ViewBox().Match(svg);
        var height = double.Parse(box.Groups["h"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var rects = SiteRect().Matches(svg).ToList();
        Assert.Equal(50, rects.Count);
        Assert.All(rects, r => Assert.True(double.Parse(r.Groups["y"].Value, System.Globalization.CultureInfo.InvariantCulture) + 36 <= height));
        Assert.Equal(50, TransferPath().Count(svg));
    }

    [GeneratedRegex(@"\ssrc\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex SrcAttribute();

    [GeneratedRegex("<path class=\"transfer transfer-(?<status>[a-z]+)\" d=\"[^\"]+\" marker-end=\"url\\(#arrow-[a-z]+\\)\"><title>(?<title>[^<]*)</title></path>")]
    private static partial Regex TransferPath();

    [GeneratedRegex("viewBox=\"0 0 1000 (?<h>[0-9.]+)\"")]
    private static partial Regex ViewBox();

    [GeneratedRegex("<g class=\"site[^\"]*\"><title>[^<]*</title><rect x=\"[0-9.]+\" y=\"(?<y>[0-9.]+)\"")]
    private static partial Regex SiteRect();
}
