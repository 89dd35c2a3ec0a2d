using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Model.Tests;

/// <summary>A finding's text held as data (templates and values) renders like the text it stands for, and compares without rendering.</summary>
public sealed class FindingTextTests
{
    private static readonly FindingSubject Subject = new("DataFlow", "f", SourceLocation.None);

    private static readonly TextTemplate Message = TextTemplate.Parse("{categories} data moves ({path}) with no basis {{sic}}");

    private static readonly TextTemplate Remediation = TextTemplate.Parse("Sign SCCs.");

    private static FindingText Text(string categories = "user.contact") =>
        new(Message, Remediation, [categories, null], [new Evidence("fact", "value", SourceLocation.None)]);

    private static Finding Lazy(FindingText text) =>
        new("id", "R-1", "title", "EU", Severity.High, FindingStatus.Violation, Subject, ["a", "b"], "GDPR Art. 44", "verified", text);

    private static Finding Eager() =>
        new("id", "R-1", "title", "EU", Severity.High, FindingStatus.Violation, Subject, ["a", "b"], "GDPR Art. 44", "verified",
            "user.contact data moves (a -> b) with no basis {sic}", "Sign SCCs.", [new Evidence("fact", "value", SourceLocation.None)]);

    [Fact]
    public void Template_RendersValuesAndThePathFromTheFinding()
    {
        var finding = Lazy(Text());
        Assert.Equal("user.contact data moves (a -> b) with no basis {sic}", finding.Message);
        Assert.Equal("user.contact data moves (x -> y -> z) with no basis {sic}", (finding with { Path = ["x", "y", "z"] }).Message);
        Assert.Equal("Sign SCCs.", finding.Remediation);
        Assert.Equal(["categories", "path"], Message.Placeholders);
    }

    [Fact]
    public void Template_ParsesLikeTheRuleRenderer_UnclosedBraceIsLiteral()
    {
        var t = TextTemplate.Parse("a {b} {{c}} d { e");
        Assert.Equal("a B {c} d { e", t.Render(["B"], 0, []));
        Assert.Equal("{x}", TextTemplate.Literal("{x}").Render([], 0, []));
    }

    [Fact]
    public void Text_EqualsTheSameFindingBuiltWithItsText()
    {
        Assert.Equal(Eager(), Lazy(Text()));
        Assert.Equal(Eager().GetHashCode(), Lazy(Text()).GetHashCode());
        Assert.NotEqual(Eager(), Eager() with { Message = "other" });
        Assert.NotEqual(Lazy(Text()), Lazy(Text("user.financial")));
    }

    [Fact]
    public void Text_ComparesAsData_TwoEqualTextsAreEqualWithoutBeingTheSameObject()
    {
        Assert.Equal(Text(), Text());
        Assert.Equal(Lazy(Text()), Lazy(Text()));
        Assert.NotEqual(Lazy(Text()), Lazy(Text()) with { RootCause = "other" });
    }

    [Fact]
    public void Text_RefusesAMissingValue()
    {
        Assert.Throws<ArgumentException>(() => new FindingText(Message, Remediation, ["only one"], []));
        Assert.Throws<ArgumentException>(() => new FindingText(Message, Remediation, [null, null], []));
    }

    [Fact]
    public void PathToken_StandsForThePathInTemplatesAndInGivenText()
    {
        Assert.Equal("user.contact data moves ({path}) with no basis {sic}", Lazy(Text()).MessageWithPathToken("{path}"));
        Assert.Equal("user.contact data moves ({path}) with no basis {sic}", Eager().MessageWithPathToken("{path}"));
    }

    [Fact]
    public void Literals_AroundThePlaceholders_BracesUnescaped()
    {
        Assert.Equal(["", " data moves (", ") with no basis {sic}"], Message.Literals);
        Assert.Equal(["Sign SCCs."], Remediation.Literals);
        Assert.Equal(["a {b}"], TextTemplate.Literal("a {b}").Literals);
    }

    [Fact]
    public void RenderedText_OnlyWhileNeitherTextIsGiven()
    {
        var lazy = Lazy(Text());

        Assert.Same(lazy.Text, lazy.RenderedText);
        Assert.Same(lazy.Text, (lazy with { Status = FindingStatus.Waived }).RenderedText);
        Assert.Null((lazy with { Message = "given" }).RenderedText);
        Assert.Null((lazy with { Remediation = "given" }).RenderedText);
        Assert.Null(new Finding("id", "R", "T", "EU", Severity.High, FindingStatus.Violation, Subject, ["a", "b"], "c", "verified", "m", "r", []).RenderedText);
    }

    [Fact]
    public void With_KeepsTheTextAndOverridesWhatItSets()
    {
        var waived = Lazy(Text()) with { Status = FindingStatus.Waived, WaiverName = "w" };
        Assert.Equal("user.contact data moves (a -> b) with no basis {sic}", waived.Message);
        Assert.Equal("value", Assert.Single(waived.Evidence).Value);
        Assert.Equal("w", waived.WaiverName);
        Assert.Equal("changed", (waived with { Message = "changed" }).Message);
    }
}

/// <summary>Evidence whose value ends with the finding's path keeps the path unjoined until read.</summary>
public sealed class EvidenceTests
{
    [Fact]
    public void EndingWithPath_ReadsAsTheJoinedTextAndEqualsIt()
    {
        var lazy = Evidence.EndingWithPath("implied by", "onward transfer of data from db (DE, EU) via ", ["db", "eu-1", "us-1"], SourceLocation.None);
        var eager = new Evidence("implied by", "onward transfer of data from db (DE, EU) via db -> eu-1 -> us-1", SourceLocation.None);

        Assert.Equal(eager.Value, lazy.Value);
        Assert.Equal(eager, lazy);
        Assert.Equal(eager.GetHashCode(), lazy.GetHashCode());
        Assert.Equal(lazy, Evidence.EndingWithPath("implied by", "onward transfer of data from db (DE, EU) via ", ["db", "eu-1", "us-1"], SourceLocation.None));
        Assert.NotEqual(lazy, Evidence.EndingWithPath("implied by", "onward transfer of data from db (DE, EU) via ", ["db", "eu-1", "jp-1"], SourceLocation.None));
        Assert.Equal("x", (lazy with { Value = "x" }).Value);
    }

    [Fact]
    public void TryGetPathEnding_GivesTheUnjoinedPartsOnlyOfAValueEndingWithAPath()
    {
        var lazy = Evidence.EndingWithPath("implied by", "via ", ["db", "eu-1"], SourceLocation.None);

        Assert.True(lazy.TryGetPathEnding(out var prefix, out var path));
        Assert.Equal("via ", prefix);
        Assert.Equal("db|eu-1", string.Join("|", path));
        Assert.Equal(lazy.Value, prefix + string.Join(" -> ", path));
        Assert.False(new Evidence("implied by", "via db -> eu-1", SourceLocation.None).TryGetPathEnding(out _, out _));
        Assert.False((lazy with { Value = "x" }).TryGetPathEnding(out _, out _));
    }
}
