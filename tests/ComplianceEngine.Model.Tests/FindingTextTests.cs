using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Model.Tests;

/// <summary>A finding's text can be rendered when it is read; such a finding behaves like one built with its text.</summary>
public sealed class FindingTextTests
{
    private sealed class CountingText : FindingText
    {
        public int Renders { get; private set; }

        public override string Message
        {
            get
            {
                Renders++;
                return "message";
            }
        }

        public override string Remediation => "remediation";

        public override ImmutableArray<Evidence> Evidence => [new Evidence("fact", "value", SourceLocation.None)];
    }

    private static readonly FindingSubject Subject = new("DataFlow", "f", SourceLocation.None);

    private static Finding Lazy(CountingText text) =>
        new("id", "R-1", "title", "EU", Severity.High, FindingStatus.Violation, Subject, ["a", "b"], "GDPR Art. 44", "verified", text);

    private static Finding Eager() =>
        new("id", "R-1", "title", "EU", Severity.High, FindingStatus.Violation, Subject, ["a", "b"], "GDPR Art. 44", "verified", "message", "remediation",
            [new Evidence("fact", "value", SourceLocation.None)]);

    [Fact]
    public void LazyText_RenderedOnEveryReadAndNeverKept()
    {
        var text = new CountingText();
        var finding = Lazy(text);
        Assert.Equal(0, text.Renders);

        Assert.Equal("message", finding.Message);
        Assert.Equal("message", finding.Message);

        Assert.Equal(2, text.Renders);
    }

    [Fact]
    public void LazyText_EqualsTheSameFindingBuiltWithItsText()
    {
        Assert.Equal(Eager(), Lazy(new CountingText()));
        Assert.Equal(Eager().GetHashCode(), Lazy(new CountingText()).GetHashCode());
        Assert.NotEqual(Eager(), Eager() with { Message = "other" });
    }

    [Fact]
    public void With_KeepsTheLazyTextAndOverridesWhatItSets()
    {
        var waived = Lazy(new CountingText()) with { Status = FindingStatus.Waived, WaiverName = "w" };
        Assert.Equal("message", waived.Message);
        Assert.Equal("value", Assert.Single(waived.Evidence).Value);
        Assert.Equal("w", waived.WaiverName);
        Assert.Equal("changed", (waived with { Message = "changed" }).Message);
    }
}
