using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Evaluation;

public sealed class EvaluatorTests
{
    private static readonly Lazy<Engine> Gdpr = new(TestEngine.Gdpr);

    [Fact]
    public void Evaluate_UnknownRegion_IndeterminateAndWarning()
    {
        var estate = TestEngine.Estate(Estates.TwoSites("eu-moon-1") + Estates.Flow("f", "db", "far"));
        var report = Gdpr.Value.Evaluate(estate, new EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });
        var f = Assert.Single(report.Findings);
        Assert.Equal(FindingStatus.Indeterminate, f.Status);
        Assert.Contains("eu-moon-1", f.Message, StringComparison.Ordinal);
        // Only the unknowns that decide the outcome are named (the derogation branch is false whatever 'occasional' is).
        Assert.DoesNotContain("attributes.occasional", f.Message, StringComparison.Ordinal);
        Assert.Equal(1, report.ByJurisdiction["EU"].Indeterminate);
        Assert.Contains(report.Diagnostics, d => d.Code == DiagnosticCodes.UnknownRegion && d.Severity == DiagnosticSeverity.Warning);
    }

    [Fact]
    public void Evaluate_RuleNotYetInEffect_NoFinding()
    {
        var report = Gdpr.Value.Evaluate(Estates.TwoSites("ap-southeast-1") + Estates.Flow("f", "db", "far"), "2018-05-24");
        Assert.Empty(report.Findings);
    }

    [Fact]
    public void Evaluate_PassesOnlyCountedUnlessAsked()
    {
        var estate = TestEngine.Estate(Estates.TwoSites("ap-southeast-1") + Estates.Flow("f", "db", "far", "[scc]"));
        var report = Gdpr.Value.Evaluate(estate, new EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });
        Assert.Empty(report.Findings);
        Assert.Equal(1, report.ByJurisdiction["EU"].Pass);
    }

    [Fact]
    public void Evaluate_SameInputsTwice_SameFindingsInSameOrder()
    {
        var yaml = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("sg", "aws", "ap-southeast-1") +
                   Estates.Store("a", "fra") + Estates.Store("b", "sg") + Estates.Store("c", "fra") +
                   Estates.Flow("f1", "a", "b") + Estates.Flow("f2", "c", "b") + Estates.Flow("f0", "a", "b");
        var first = Gdpr.Value.Evaluate(yaml).Findings;
        var second = Gdpr.Value.Evaluate(yaml).Findings;
        Assert.Equal(first.Select(f => f.Id), second.Select(f => f.Id));
        Assert.Equal(first.Select(f => f.Subject.Name).Order(StringComparer.Ordinal), first.Where(f => true).Select(f => f.Subject.Name));
    }

    [Fact]
    public void Evaluate_AdequacyEntryUnverified_FindingMarkedUnverified()
    {
        // The EU entry for GB (renewal decision number UNVERIFIED) decides this pass.
        var estate = TestEngine.Estate(Estates.TwoSites("eu-west-2") + Estates.Flow("f", "db", "far"));
        var report = Gdpr.Value.Evaluate(estate, new EvaluationOptions { AsOf = new DateOnly(2026, 11, 25), IncludePasses = true });
        var f = Assert.Single(report.Findings, x => x.RuleId == "GDPR-CH5-TRANSFER");
        Assert.Equal(FindingStatus.Pass, f.Status);
        Assert.Equal("unverified", f.Confidence);
        Assert.Contains("UNVERIFIED", f.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ñame-ü", new[] { "a", "b" })]
    [InlineData("数据流", new[] { "東京-1", "😀-store", "x" })]
    [InlineData("f", new string[0])]
    [InlineData("long", new[] { "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", "ü" })]
    public void Fingerprint_NamesOutsideAscii_HashTheUtf8Key(string name, string[] path)
    {
        // The contract's id: SHA-256 of "rule\njurisdiction\nKind/name\n" and the path joined by U+001F, in UTF-8, 16 hex digits.
        var key = "R-1\nEU\nDataFlow/" + name + "\n" + string.Join('\u001f', path);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)).AsSpan(0, 8));
        Assert.Equal(expected, FindingFactory.Fingerprint("R-1", "EU", new FindingSubject("DataFlow", name, new SourceLocation("x.yaml", 1, 1)), path));
    }

    [Fact]
    public void Fingerprint_IgnoresLineNumbers()
    {
        var a = FindingFactory.Fingerprint("R", "EU", new FindingSubject("DataFlow", "f", new SourceLocation("x.yaml", 1, 1)), ["a", "b"]);
        var b = FindingFactory.Fingerprint("R", "EU", new FindingSubject("DataFlow", "f", new SourceLocation("y.yaml", 99, 3)), ["a", "b"]);
        var c = FindingFactory.Fingerprint("R", "EU", new FindingSubject("DataFlow", "f", SourceLocation.None), ["a", "c"]);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Evaluate_EvidenceCarriesDeclaringLines()
    {
        var yaml = Estates.TwoSites("ap-southeast-1") + Estates.Flow("f", "db", "far");
        var lines = yaml.Split('\n');
        int DocumentLine(string kindAndName) => Array.FindIndex(lines, l => l.Contains("name: " + kindAndName.Split('/')[1], StringComparison.Ordinal) &&
            lines[Array.IndexOf(lines, l) - 2].EndsWith(kindAndName.Split('/')[0], StringComparison.Ordinal)) - 2;
        var report = Gdpr.Value.Evaluate(yaml);
        var f = Assert.Single(report.Findings, x => x.Status == FindingStatus.Violation);
        var dest = Assert.Single(f.Evidence, e => e.Fact == "destination.country");
        Assert.Equal("SG", dest.Value);
        Assert.Equal(new SourceLocation("estate.yaml", DocumentLine("Cluster/away"), 1), dest.Location);
        Assert.Equal(new SourceLocation("estate.yaml", DocumentLine("DataFlow/f"), 1), f.Subject.Location);
    }

    [Fact]
    public void Evaluate_OnwardHopOfDataFromUnknownOrigin_IndeterminateNotDropped()
    {
        // db rests on a cluster of unknown country; its data goes to SG and on to a US vendor. Whichever law binds it is
        // unknown, so the SG -> US hop is undecided under GDPR (not silently "not applicable").
        var yaml = Estates.Cluster("moon", "aws", "eu-moon-1") + Estates.Cluster("sg", "aws", "ap-southeast-1") +
                   Estates.Store("db", "moon") + Estates.Store("far", "sg") + Estates.Recipient("vendor", "US") +
                   Estates.Flow("in", "db", "far") + Estates.Flow("on", "far", "vendor");
        var report = Gdpr.Value.Evaluate(TestEngine.Estate(yaml), new EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });

        var onward = Assert.Single(report.Findings, f => f.Subject.Name == "on");
        Assert.Equal(FindingStatus.Indeterminate, onward.Status);
        Assert.Equal("db", onward.Path[0]);
        Assert.Equal(1, report.Coverage.ByJurisdiction["EU"].OnwardTransfers);
    }

    [Fact]
    public void Evaluate_RecipientCountryDeclaredUnknown_IndeterminateWithReason()
    {
        var yaml = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Store("db", "fra") + Estates.Recipient("somewhere", "ZZ") +
                   Estates.Flow("out", "db", "somewhere");
        var report = Gdpr.Value.Evaluate(TestEngine.Estate(yaml), new EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });

        var f = Assert.Single(report.Findings);
        Assert.Equal(FindingStatus.Indeterminate, f.Status);
        Assert.Contains(report.Diagnostics, d => d.Code == DiagnosticCodes.UnknownCountry && d.Message.Contains("declared unknown (ZZ)", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_OnwardHopOfAnUnlawfulTransfer_SharesItsRootCause()
    {
        // EU data goes to SG without a basis, then on to a US vendor: the onward violation is caused by the first hop.
        var yaml = Estates.Cluster("fra", "aws", "eu-central-1") + Estates.Cluster("sg", "aws", "ap-southeast-1") +
                   Estates.Store("db", "fra") + Estates.Store("far", "sg") + Estates.Recipient("vendor", "US") +
                   Estates.Flow("out", "db", "far") + Estates.Flow("on", "far", "vendor");
        var report = Gdpr.Value.Evaluate(TestEngine.Estate(yaml), new EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });

        var first = Assert.Single(report.Findings, f => f.Subject.Name == "out" && f.Status == FindingStatus.Violation);
        var onward = Assert.Single(report.Findings, f => f.Subject.Name == "on" && f.Path[0] == "db" && f.Status == FindingStatus.Violation);
        Assert.Equal(first.Id, first.RootCause);
        Assert.Equal(first.Id, onward.RootCause);
        Assert.Equal("sg", onward.Place!.Site.Name);
        Assert.Equal("US", onward.Place.Destination!.Country);
    }

    [Fact]
    public void Evaluate_IndeterminateHopsFromOneUnknownOrigin_ShareOneRootCause()
    {
        var yaml = Estates.Cluster("moon", "aws", "eu-moon-1") + Estates.Cluster("sg", "aws", "ap-southeast-1") +
                   Estates.Store("db", "moon") + Estates.Store("far", "sg") + Estates.Recipient("vendor", "US") + Estates.Recipient("other", "IN") +
                   Estates.Flow("in", "db", "far") + Estates.Flow("on", "far", "vendor") + Estates.Flow("on2", "far", "other");
        var report = Gdpr.Value.Evaluate(TestEngine.Estate(yaml), new EvaluationOptions { AsOf = new DateOnly(2026, 11, 25) });

        var on = Assert.Single(report.Findings, f => f.Subject.Name == "on");
        var on2 = Assert.Single(report.Findings, f => f.Subject.Name == "on2");
        Assert.Equal(FindingStatus.Indeterminate, on.Status);
        Assert.NotNull(on.RootCause);
        Assert.Equal(on.RootCause, on2.RootCause);
        Assert.NotEqual(on.Id, on.RootCause);
    }
}
