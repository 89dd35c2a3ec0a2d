using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Model.Policy;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Loading.Documents;

/// <summary>Reads <c>Policy</c> and <c>Waiver</c> documents.</summary>
public static class PolicyReader
{
    /// <summary>Reads every Policy among <paramref name="documents"/>.</summary>
    public static ImmutableArray<PolicyDocument> ReadPolicies(IEnumerable<RawDocument> documents, DiagnosticBag diagnostics)
    {
        var result = ImmutableArray.CreateBuilder<PolicyDocument>();
        foreach (var doc in documents.Where(d => d.Info.Kind == DocumentKind.Policy))
        {
            var s = doc.Spec;
            var overrides = ImmutableArray.CreateBuilder<SeverityOverride>();
            foreach (var o in s.MapList("severityOverrides"))
            {
                var rule = o.String("rule", required: true) ?? string.Empty;
                _ = SeverityNames.TryParse(o.Enum("severity", SeverityNames.All, required: true), out var severity);
                overrides.Add(new SeverityOverride(rule, severity, o.Location));
                o.Finish();
            }
            int? maxDays = null;
            if (s.Map("waivers") is { } w)
            {
                var days = w.Long("maxTermDays");
                if (days is <= 0 or > 3650)
                    diagnostics.Error(DiagnosticCodes.PolicyInvalid, $"Policy '{doc.Info.Name}': waivers.maxTermDays must be between 1 and 3650", w.LocationOf("maxTermDays"));
                maxDays = (int?)days;
                w.Finish();
            }
            var include = s.StringList("include");
            foreach (var path in include.Where(i => FileSystem.InputNames.Problem(i) is not null))
                diagnostics.Error(DiagnosticCodes.BadFileName,
                    $"Policy '{doc.Info.Name}': the included path {FileSystem.InputNames.Problem(path)}: {FileSystem.InputNames.Printable(path)}", s.LocationOf("include"));
            var policy = new PolicyDocument(doc.Info.Name, s.StringList("packs"), include, overrides.ToImmutable(),
                s.Enum("failOn", [.. SeverityNames.All, "none"]), s.Has("failOnIndeterminate") ? s.Bool("failOnIndeterminate") : null, maxDays, doc.Info.Location)
            {
                FailOnNothingJudged = s.Has("failOnNothingJudged") ? s.Bool("failOnNothingJudged") : null,
            };
            s.Finish();
            result.Add(policy);
        }
        return result.ToImmutable();
    }

    /// <summary>Reads every Waiver among <paramref name="documents"/>; every field but <c>approved</c> is required.</summary>
    public static ImmutableArray<Waiver> ReadWaivers(IEnumerable<RawDocument> documents, DiagnosticBag diagnostics)
    {
        var result = ImmutableArray.CreateBuilder<Waiver>();
        var names = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var doc in documents.Where(d => d.Info.Kind == DocumentKind.Waiver))
        {
            var s = doc.Spec;
            var waiver = new Waiver(doc.Info.Name,
                s.String("rule", required: true) ?? string.Empty,
                s.String("subject", required: true) ?? string.Empty,
                s.String("jurisdiction", required: true) ?? string.Empty,
                s.String("justification", required: true) ?? string.Empty,
                s.String("approvedBy", required: true) ?? string.Empty,
                s.String("ticket", required: true) ?? string.Empty,
                s.Date("approved"),
                s.Date("expires", required: true) ?? DateOnly.MinValue,
                doc.Info.Location)
            {
                RuleLocation = s.Has("rule") ? s.LocationOf("rule") : SourceLocation.None,
                SubjectLocation = s.Has("subject") ? s.LocationOf("subject") : SourceLocation.None,
                JurisdictionLocation = s.Has("jurisdiction") ? s.LocationOf("jurisdiction") : SourceLocation.None,
            };
            s.Finish();
            if (waiver.Subject.Length > 0 && !waiver.Subject.Contains('/', StringComparison.Ordinal))
                diagnostics.Error(DiagnosticCodes.PolicyInvalid, $"Waiver '{waiver.Name}': subject '{waiver.Subject}' must be Kind/name, e.g. DataFlow/crm-sync", s.LocationOf("subject"));
            if (waiver.Justification.Trim().Length is > 0 and < 10)
                diagnostics.Error(DiagnosticCodes.PolicyInvalid, $"Waiver '{waiver.Name}': the justification must say why the risk is accepted", s.LocationOf("justification"));
            if (waiver.Approved is { } approved && approved > waiver.Expires)
                diagnostics.Error(DiagnosticCodes.PolicyInvalid, $"Waiver '{waiver.Name}': approved ({approved:yyyy-MM-dd}) is after expires ({waiver.Expires:yyyy-MM-dd})", s.LocationOf("expires"));
            if (names.TryGetValue(waiver.Name, out var first))
                diagnostics.Error(DiagnosticCodes.DuplicateName, $"Waiver '{waiver.Name}' is declared twice (first at {first})", doc.Info.Location);
            else names[waiver.Name] = doc.Info.Location;
            result.Add(waiver);
        }
        return result.ToImmutable();
    }
}
