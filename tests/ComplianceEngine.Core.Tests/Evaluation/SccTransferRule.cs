using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;

namespace ComplianceEngine.Core.Tests.Evaluation;

/// <summary>One transfer rule (EU data out needs SCCs) and the sites its tests move data between: the findings tests' fixture.</summary>
internal static class SccTransferRule
{
    public static readonly EvaluationContext Context = new(new DateOnly(2026, 11, 25), null);

    public static readonly Lazy<CompiledRuleSet> RuleSet = new(() =>
    {
        var (engine, diagnostics) = TestEngine.Create(TestEngine.Pack("""
            - id: EU-A
              title: Transfers out of the EEA need SCCs
              appliesTo: transfer
              severity: high
              citations: [{instrument: GDPR, article: Art. 46}]
              when: {field: regimes, contains: EU}
              require: {field: mechanisms, contains: scc}
              message: "{subject} sends data to {destination.country} without SCCs"
              remediation: "Sign SCCs for {path}"
        """));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return engine.Rules;
    });

    public static Site Site(string name, string country) =>
        new("Cluster", name, country, null, [], ["EU"], new SourceLocation($"{name}.yaml", 1, 1));

    /// <summary>A transfer of EU contact data between <paramref name="source"/> and <paramref name="destination"/>.</summary>
    public static TransferFact Transfer(string flow, Site source, Site destination) =>
        new(Context, new FindingSubject("DataFlow", flow, new SourceLocation($"{flow}.yaml", 2, 3)), [source.Name, destination.Name], source, destination, "analytics")
        {
            Categories = ["user.contact"],
            Regimes = ["EU"],
        };
}
