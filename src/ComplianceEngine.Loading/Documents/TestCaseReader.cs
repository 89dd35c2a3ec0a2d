using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Loading.Documents;

/// <summary>Reads <c>TestCase</c> documents (scenario expectations).</summary>
public static class TestCaseReader
{
    /// <summary>Reads the TestCase among <paramref name="documents"/> (one per folder).</summary>
    public static ImmutableArray<TestCase> Read(IEnumerable<RawDocument> documents, string folder, DiagnosticBag diagnostics)
    {
        var result = ImmutableArray.CreateBuilder<TestCase>();
        foreach (var doc in documents.Where(d => d.Info.Kind == DocumentKind.TestCase))
        {
            var s = doc.Spec;
            var asOf = s.Date("asOf", required: true) ?? DateOnly.MinValue;
            var expect = ImmutableArray.CreateBuilder<ExpectedFinding>();
            foreach (var e in s.MapList("expect"))
            {
                var statusText = e.Enum("status", ["violation", "warning", "indeterminate", "waived", "pass"], required: true, fallback: "violation");
                _ = FindingStatusNames.TryParse(statusText, out var status);
                var subject = e.String("subject", required: true) ?? string.Empty;
                if (subject.Length > 0 && !subject.Contains('/', StringComparison.Ordinal))
                    diagnostics.Error(DiagnosticCodes.TestCaseInvalid, $"TestCase '{doc.Info.Name}': subject '{subject}' must be Kind/name, e.g. DataFlow/crm-sync", e.LocationOf("subject"));
                expect.Add(new ExpectedFinding(e.String("ruleId", required: true) ?? string.Empty, subject, status, e.String("jurisdiction"),
                    e.StringList("path"), e.String("messageContains"), e.Location));
                e.Finish();
            }
            var jurisdictions = s.StringList("jurisdictions");
            if (jurisdictions.IsEmpty) jurisdictions = [.. expect.Select(x => x.Jurisdiction).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            if (jurisdictions.IsEmpty)
                diagnostics.Error(DiagnosticCodes.TestCaseInvalid, $"TestCase '{doc.Info.Name}': give 'jurisdictions' (the regimes whose findings this case checks) or a jurisdiction on an expectation", s.Location);
            var description = s.String("description") ?? string.Empty;
            s.Finish();
            result.Add(new TestCase(doc.Info.Name, description, asOf, jurisdictions, expect.ToImmutable(), folder, doc.Info.Location));
        }
        return result.ToImmutable();
    }
}
