using System.Collections.Frozen;
using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;

namespace ComplianceEngine.Bench.SideBySide;

/// <summary>
/// GDPR-CH5-TRANSFER (rules/eu-gdpr/rules.yaml) written by hand in C#: what a developer would write for this one rule,
/// with the engine's three-valued handling of unknowns (an unknown country or regime list never passes silently).
/// It reads the same facts and the same derived fields as the compiled rule (the regimes a transfer is judged under,
/// the EU adequacy table); the operand lists are those of the rule, copied here (the equivalence check fails the run
/// if the rule file and this code ever disagree).
/// </summary>
internal sealed class GdprTransferByHand
{
    private static readonly FrozenSet<string> Safeguards = FrozenSet.ToFrozenSet(
        ["scc", "bcr", "code-of-conduct", "certification", "public-body-instrument", "sa-scc", "sa-authorised-clauses", "sa-authorised-arrangement"],
        StringComparer.Ordinal);

    private static readonly FrozenSet<string> Derogations = FrozenSet.ToFrozenSet(
        ["consent", "contract", "public-interest", "legal-claims", "vital-interests", "public-register", "compelling-legitimate-interests"],
        StringComparer.Ordinal);

    private static readonly FrozenSet<string> SystematicPurposes = FrozenSet.ToFrozenSet(
        ["replication", "backup", "disaster-recovery", "sync", "analytics", "telemetry", "ml-training"], StringComparer.Ordinal);

    private readonly FrozenSet<string> _eea;
    private readonly AdequacyTable _adequacy;
    private readonly int _fromDay;

    /// <param name="eea">The EEA country group of the catalog.</param>
    /// <param name="adequacy">The EU adequacy table (the one the compiled rule consults).</param>
    /// <param name="effectiveFrom">The rule's effective date.</param>
    public GdprTransferByHand(FrozenSet<string> eea, AdequacyTable adequacy, DateOnly effectiveFrom)
    {
        _eea = eea;
        _adequacy = adequacy;
        _fromDay = effectiveFrom.DayNumber;
    }

    public void JudgeAll(IReadOnlyList<TransferFact> facts, Judgement[] into)
    {
        for (var i = 0; i < facts.Count; i++) into[i] = Judge(facts[i]);
    }

    public Judgement Judge(TransferFact f)
    {
        if (f.Context.AsOf.DayNumber < _fromDay) return Judgement.NotApplicable;

        // when: personal data (categories under user), judged under EU law, to a country outside the EEA.
        if (!AnyUserCategory(f.Categories)) return Judgement.NotApplicable;
        var applies = Tri.True;
        if (RegimeIndex.RegimesOf(f) is not { } regimes) applies = Tri.Unknown;
        else if (!regimes.Contains("EU")) return Judgement.NotApplicable;
        if (f.Destination.Country is not { } destination) applies = Tri.Unknown;
        else if (_eea.Contains(destination)) return Judgement.NotApplicable;

        // require: an adequacy decision, an Art. 46 safeguard, or an Art. 49 derogation on an occasional transfer.
        var satisfied = _adequacy.IsAdequate(f);
        if (satisfied != Tri.True)
        {
            if (ContainsAny(f.Mechanisms, Safeguards)) satisfied = Tri.True;
            else
            {
                var derogation = Derogation(f);
                if (derogation == Tri.True) satisfied = Tri.True;
                else if (derogation == Tri.Unknown) satisfied = Tri.Unknown;
            }
        }

        return satisfied switch
        {
            Tri.True => Judgement.Pass,
            Tri.False when applies == Tri.True => Judgement.Violation,
            _ => Judgement.Indeterminate,
        };
    }

    /// <summary>Art. 49: a derogation, a purpose that is not a standing pipeline, and <c>occasional: "true"</c>.</summary>
    private static Tri Derogation(TransferFact f)
    {
        if (!ContainsAny(f.Mechanisms, Derogations)) return Tri.False;
        var purposeUnknown = f.Purpose is null;
        if (!purposeUnknown && SystematicPurposes.Contains(f.Purpose!)) return Tri.False;
        var occasional = f.Attribute("occasional");
        if (string.IsNullOrEmpty(occasional) || occasional != "true") return Tri.False;
        return purposeUnknown ? Tri.Unknown : Tri.True;
    }

    private static bool AnyUserCategory(ImmutableArray<string> categories)
    {
        foreach (var c in categories)
        {
            if (c == "user" || c.StartsWith("user.", StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private static bool ContainsAny(ImmutableArray<string> values, FrozenSet<string> wanted)
    {
        foreach (var v in values)
        {
            if (wanted.Contains(v)) return true;
        }
        return false;
    }
}
