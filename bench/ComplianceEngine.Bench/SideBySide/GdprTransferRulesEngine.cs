using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using RulesEngine.Models;

namespace ComplianceEngine.Bench.SideBySide;

/// <summary>
/// GDPR-CH5-TRANSFER as a Microsoft RulesEngine 6.0.1 workflow: lambda-expression strings (System.Linq.Dynamic.Core) over
/// the same <see cref="TransferFact"/>s. RulesEngine rules are true or false, so the three-valued logic is written out:
/// each condition is an int (0 = false, 1 = unknown, 2 = true), AND is <c>Math.Min</c>, OR is <c>Math.Max</c> (Kleene
/// logic in that encoding), and the workflow's global parameters hold the shared parts. Three rules, one per outcome
/// (as the NRules compilation has three); a fact none of them matches is not applicable. The regimes a transfer is judged
/// under and the EU adequacy decision come from the engine, through two registered functions (<see cref="GdprFunctions"/>),
/// as any RulesEngine user calls into their own code for what an expression string cannot say; a third hands the fact's
/// sets to the expressions as arrays.
/// </summary>
internal sealed class GdprTransferRulesEngine
{
    public const string WorkflowName = "GDPR-CH5-TRANSFER";

    private static readonly Dictionary<string, Judgement> Outcomes = new(StringComparer.Ordinal)
    {
        ["violation"] = Judgement.Violation,
        ["pass"] = Judgement.Pass,
        ["indeterminate"] = Judgement.Indeterminate,
    };

    private readonly global::RulesEngine.RulesEngine _engine;

    public GdprTransferRulesEngine(FrozenSet<string> eea, AdequacyTable adequacy, DateOnly effectiveFrom)
    {
        GdprFunctions.EuAdequacy = adequacy;
        _engine = new global::RulesEngine.RulesEngine([Workflow(eea, effectiveFrom)], new ReSettings
        {
            CustomTypes = [typeof(GdprFunctions), typeof(TransferFact)],
        });
    }

    private static string List(IEnumerable<string> values) => "(" + string.Join(", ", values.Select(v => "\"" + v + "\"")) + ")";

    /// <summary>The workflow, as its JSON would say it (built here so the EEA list comes from the catalog).</summary>
    internal static Workflow Workflow(FrozenSet<string> eea, DateOnly effectiveFrom)
    {
        var safeguards = List(["scc", "bcr", "code-of-conduct", "certification", "public-body-instrument", "sa-scc", "sa-authorised-clauses", "sa-authorised-arrangement"]);
        var derogations = List(["consent", "contract", "public-interest", "legal-claims", "vital-interests", "public-register", "compelling-legitimate-interests"]);
        var systematic = List(["replication", "backup", "disaster-recovery", "sync", "analytics", "telemetry", "ml-training"]);
        var eeaList = List(eea.Order(StringComparer.Ordinal));
        ScopedParam P(string name, string expression) => new() { Name = name, Expression = expression };
        return new Workflow
        {
            WorkflowName = WorkflowName,
            GlobalParams =
            [
                P("inForce", string.Create(CultureInfo.InvariantCulture, $"input1.Context.AsOf.DayNumber >= {effectiveFrom.DayNumber} ? 2 : 0")),
                P("personal", "GdprFunctions.Items(input1.Categories).Any(c => c == \"user\" || c.StartsWith(\"user.\")) ? 2 : 0"),
                P("regimes", "GdprFunctions.Regimes(input1)"),
                P("euLaw", "regimes == null ? 1 : (regimes.Contains(\"EU\") ? 2 : 0)"),
                P("destination", "input1.Destination.Country"),
                P("outsideEea", $"destination == null ? 1 : (destination in {eeaList} ? 0 : 2)"),
                P("applies", "Math.Min(Math.Min(inForce, personal), Math.Min(euLaw, outsideEea))"),
                P("adequate", "GdprFunctions.AdequateForEu(input1)"),
                P("safeguard", $"GdprFunctions.Items(input1.Mechanisms).Any(m => m in {safeguards}) ? 2 : 0"),
                P("derogation", $"GdprFunctions.Items(input1.Mechanisms).Any(m => m in {derogations}) ? 2 : 0"),
                P("occasionalPurpose", $"input1.Purpose == null ? 1 : (input1.Purpose in {systematic} ? 0 : 2)"),
                P("occasional", "input1.Attribute(\"occasional\")"),
                P("occasionalDeclared", "occasional != null && occasional != \"\" ? 2 : 0"),
                P("occasionalTrue", "occasional == null ? 1 : (occasional == \"true\" ? 2 : 0)"),
                P("art49", "Math.Min(Math.Min(derogation, occasionalPurpose), Math.Min(occasionalDeclared, occasionalTrue))"),
                P("satisfied", "Math.Max(Math.Max(adequate, safeguard), art49)"),
            ],
            Rules =
            [
                new Rule { RuleName = "violation", Expression = "applies == 2 && satisfied == 0" },
                new Rule { RuleName = "pass", Expression = "applies != 0 && satisfied == 2" },
                new Rule { RuleName = "indeterminate", Expression = "(applies == 1 && satisfied != 2) || (applies == 2 && satisfied == 1)" },
            ],
        };
    }

    public void JudgeAll(IReadOnlyList<TransferFact> facts, Judgement[] into)
    {
        for (var i = 0; i < facts.Count; i++) into[i] = Judge(facts[i]);
    }

    /// <summary>The outcome the workflow gives; a rule that failed to run fails the benchmark (never "not applicable").</summary>
    public Judgement Judge(TransferFact fact)
    {
        var results = _engine.ExecuteAllRulesAsync(WorkflowName, fact).AsTask().GetAwaiter().GetResult();
        var judgement = Judgement.NotApplicable;
        foreach (var r in results)
        {
            if (!string.IsNullOrEmpty(r.ExceptionMessage))
                throw new InvalidOperationException($"RulesEngine rule '{r.Rule.RuleName}' failed on {fact.Subject.Name}: {r.ExceptionMessage}");
            if (!r.IsSuccess) continue;
            if (judgement != Judgement.NotApplicable)
                throw new InvalidOperationException($"RulesEngine rules '{judgement}' and '{r.Rule.RuleName}' both matched {fact.Subject.Name}");
            judgement = Outcomes[r.Rule.RuleName];
        }
        return judgement;
    }
}

/// <summary>The engine's own functions, registered with RulesEngine so its expressions can call them.</summary>
public static class GdprFunctions
{
    internal static AdequacyTable? EuAdequacy { get; set; }

    /// <summary>The regimes a transfer is judged under, or null when unknown (the compiled rule's <c>regimes</c> field).</summary>
    public static string[]? Regimes(TransferFact fact) =>
        RegimeIndex.RegimesOf(fact) is { } regimes ? ImmutableCollectionsMarshal.AsArray(regimes) : null;

    /// <summary>A fact's set as an array (System.Linq.Dynamic.Core finds no <c>Any</c> on an <c>ImmutableArray</c>; no copy).</summary>
    public static string[] Items(ImmutableArray<string> values) => ImmutableCollectionsMarshal.AsArray(values) ?? [];

    /// <summary>The EU adequacy decision as 0 (no), 1 (unknown), 2 (yes).</summary>
    public static int AdequateForEu(TransferFact fact) =>
        (EuAdequacy ?? throw new InvalidOperationException("no EU adequacy table")).IsAdequate(fact) switch
        {
            Tri.True => 2,
            Tri.Unknown => 1,
            _ => 0,
        };
}
