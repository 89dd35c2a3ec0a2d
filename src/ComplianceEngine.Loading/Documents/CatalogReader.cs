using System.Collections.Immutable;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;
using ComplianceEngine.Model.Jurisdictions;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Loading.Documents;

/// <summary>Reads <c>CountryGroup</c> and <c>Jurisdiction</c> documents: the law as data.</summary>
public static class CatalogReader
{
    /// <summary>Reads every CountryGroup among <paramref name="documents"/>.</summary>
    public static ImmutableArray<CountryGroup> ReadGroups(IEnumerable<RawDocument> documents)
    {
        var result = ImmutableArray.CreateBuilder<CountryGroup>();
        foreach (var doc in documents.Where(d => d.Info.Kind == DocumentKind.CountryGroup))
        {
            var s = doc.Spec;
            var members = s.StringList("members", required: true).ToImmutableSortedSet(StringComparer.Ordinal);
            var unverified = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
            foreach (var (code, at) in s.StringItems("unverifiedMembers"))
            {
                if (members.Contains(code)) unverified.Add(code);
                else s.Diagnostics.Error(DiagnosticCodes.CatalogInvalid,
                    $"CountryGroup '{doc.Info.Name}': unverified member '{code}' is not among its members{Yaml.MapReader.Suggest(code, members)}", at);
            }
            var group = new CountryGroup(doc.Info.Name, s.String("title") ?? doc.Info.Name, members, s.String("source") ?? string.Empty, doc.Info.Location)
            {
                Confidence = s.Enum("confidence", [Confidence.Verified, Confidence.Unverified], fallback: Confidence.Verified)!,
                UnverifiedMembers = unverified.ToImmutable(),
            };
            s.Finish();
            result.Add(group);
        }
        return result.ToImmutable();
    }

    /// <summary>Reads every Jurisdiction (regime) among <paramref name="documents"/>.</summary>
    public static ImmutableArray<Regime> ReadRegimes(IEnumerable<RawDocument> documents)
    {
        var result = ImmutableArray.CreateBuilder<Regime>();
        foreach (var doc in documents.Where(d => d.Info.Kind == DocumentKind.Jurisdiction))
        {
            var s = doc.Spec;
            var entries = ImmutableArray.CreateBuilder<AdequacyEntry>();
            foreach (var a in s.MapList("adequacy"))
            {
                var conditions = ImmutableArray.CreateBuilder<AdequacyCondition>();
                foreach (var c in a.MapList("conditions"))
                {
                    conditions.Add(new AdequacyCondition(c.String("certification"), c.StringList("forSubjectTypes"), c.StringList("exporterNotIn"), c.Location));
                    c.Finish();
                }
                entries.Add(new AdequacyEntry(
                    a.String("country"), a.String("group"), a.String("decision", required: true) ?? string.Empty,
                    new EffectivePeriod(a.Date("from"), a.Date("until")), conditions.ToImmutable(),
                    a.String("note") ?? string.Empty,
                    a.Enum("confidence", [Confidence.Verified, Confidence.Unverified], fallback: Confidence.Verified)!,
                    a.Location));
                a.Finish();
            }
            var sensitive = s.StringItems("sensitiveCategories");
            var regime = new Regime(doc.Info.Name, s.String("title") ?? doc.Info.Name, s.String("law") ?? string.Empty,
                s.StringList("countries", required: true), entries.ToImmutable(), doc.Info.Location)
            {
                SensitiveCategories = [.. sensitive.Select(i => i.Value)],
                SensitiveCategoryLocations = [.. sensitive.Select(i => i.Location)],
            };
            s.Finish();
            result.Add(regime);
        }
        return result.ToImmutable();
    }
}
