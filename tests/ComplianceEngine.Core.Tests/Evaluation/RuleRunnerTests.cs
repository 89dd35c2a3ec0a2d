using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Core.Evaluation.Runners;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Evaluation;

/// <summary>The two runners over one compiled program: the same verdicts, and a condition that throws is indeterminate in both.</summary>
public sealed class RuleRunnerTests
{
    private static readonly EvaluationContext Context = new(new DateOnly(2026, 11, 25), null);

    private const string Rule = TestEngine.EuTransferNeedsScc;

    private static readonly Lazy<RuleSelection> Selection = new(() =>
    {
        var (engine, diagnostics) = TestEngine.Create(TestEngine.Pack(Rule));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return new RuleSelection(engine.Rules);
    });

    private static Site Site(string name, string country, params string[] regimes) =>
        new("Cluster", name, country, null, [], [.. regimes], SourceLocation.None);

    private static TransferFact Transfer(string name, string destination, string[] mechanisms) =>
        new(Context, new FindingSubject("DataFlow", name, SourceLocation.None), ["a", "b"], Site("a", "DE", "EU"), Site("b", destination), "analytics")
        {
            Categories = ["user.contact"],
            CarriesOnlyItsCategories = true,
            Regimes = ["EU"],
            Mechanisms = [.. mechanisms],
        };

    public static TheoryData<string> Runners() => ["batch", "nrules"];

    private static IRuleRunner Runner(string name) => name == "batch" ? new BatchRunner(Selection.Value) : new NRulesRunner(Selection.Value);

    [Theory]
    [MemberData(nameof(Runners))]
    public void Judge_ReturnsOnlyFactsARuleAppliesTo_WithTheirVerdicts(string runner)
    {
        var violation = Transfer("f1", "US", []);
        var pass = Transfer("f2", "US", ["scc"]);
        var inside = Transfer("f3", "FR", []);

        var judged = Runner(runner).Judge([violation, inside, pass], exhaustive: false);

        Assert.Equal([violation, pass], judged);
        Assert.Equal(Judgement.Violation, Assert.Single(violation.Verdicts!).Judgement);
        Assert.Equal(Judgement.Pass, Assert.Single(pass.Verdicts!).Judgement);
        Assert.Null(inside.Verdicts);
    }

    [Theory]
    [MemberData(nameof(Runners))]
    public void Judge_ConditionThrows_IndeterminateWithTheError(string runner)
    {
        // An uninitialised list makes the condition on categories throw: the rule could not be evaluated.
        var broken = Transfer("f1", "US", []);
        broken = new TransferFact(Context, broken.Subject, broken.Path, broken.Source, broken.Destination, "analytics")
        {
            Categories = default,
            CarriesOnlyItsCategories = true,
            Regimes = ["EU"],
        };

        var judged = Runner(runner).Judge([broken], exhaustive: false);

        var verdict = Assert.Single(Assert.Single(judged).Verdicts!);
        Assert.Equal(Judgement.Indeterminate, verdict.Judgement);
        Assert.StartsWith("the condition failed: ", verdict.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Judge_ConditionThrows_BothRunnersGiveTheSameError()
    {
        TransferFact Broken() => new(Context, new FindingSubject("DataFlow", "f", SourceLocation.None), ["a", "b"], Site("a", "DE", "EU"), Site("b", "US"), "analytics")
        {
            Categories = default,
            Regimes = ["EU"],
        };

        var batch = Assert.Single(Runner("batch").Judge([Broken()], exhaustive: true)).Verdicts!;
        var nrules = Assert.Single(Runner("nrules").Judge([Broken()], exhaustive: true)).Verdicts!;

        Assert.Equal(Assert.Single(batch).Error, Assert.Single(nrules).Error);
    }
}
