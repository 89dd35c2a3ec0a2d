using System.Collections.Immutable;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Location;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Findings;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Core.Tests.Rules;

/// <summary>
/// Findings read field values as text through typed readers (<see cref="FieldText"/>: no boxing, shared set and number
/// texts); every field of the catalog must say exactly what <see cref="FieldSpec.Format(Fact)"/> says, on facts with known,
/// unknown, empty, inferred and fractional values.
/// </summary>
public sealed class FieldTextTests
{
    private static readonly EvaluationContext Context = new(new DateOnly(2026, 11, 25), null);

    private static readonly Lazy<CompiledRule> AnyRule = new(() =>
    {
        var (engine, diagnostics) = TestEngine.Create(TestEngine.Pack(TestEngine.EuTransferNeedsScc));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return engine.Rules.Rules[0];
    });

    private static Site Site(string name, string? country, params string[] regimes) =>
        new("Cluster", name, country, country is null ? "no region" : null, [], [.. regimes], new SourceLocation($"{name}.yaml", 1, 1));

    private static IEnumerable<Fact> Facts()
    {
        var de = Site("de-1", "DE", "EU");
        var us = Site("us-1", "US");
        var nowhere = Site("nowhere", null);
        var subject = new FindingSubject("DataFlow", "f", new SourceLocation("f.yaml", 2, 3));
        var inferred = CarriedData.None with
        {
            Categories = ["user.health", "user.contact"],
            Individuals = 1234567.891,
            SensitiveIndividuals = 1234567.891,
            SensitiveIndividualsInferred = "inferred: every category is sensitive, so all 1,234,567.89 individuals",
        };
        yield return new TransferFact(Context, subject, ["de-1", "us-1"], de, us, "analytics")
        {
            Data = inferred,
            Regimes = ["EU"],
            Mechanisms = ["scc", "bcr"],
            EncryptedInTransit = true,
            Pseudonymised = false,
            RetentionHours = 0.5,
            Origins = ["EU"],
            Attributes = ImmutableSortedDictionary<string, string>.Empty.Add("tier", "gold"),
        };
        yield return new TransferFact(Context, subject, ["us-1", "nowhere", "de-1"], nowhere, de, "backup")
        {
            Data = CarriedData.None with { SensitiveIndividualsUnknown = "not declared" },
            Implied = true,
            Hop = 2,
            Origin = us,
        };
        yield return new PlacementFact(Context, new FindingSubject("DataStore", "s", new SourceLocation("s.yaml", 4, 1)), ["de-1"], de, "s")
        {
            Data = inferred with { Individuals = 0, SensitiveIndividuals = 0, SensitiveIndividualsInferred = "inferred: none is sensitive" },
            EncryptedAtRest = true,
            KeyCountry = "DE",
            Attributes = ImmutableSortedDictionary<string, string>.Empty.Add("tier", "gold"),
        };
        yield return new PlacementFact(Context, new FindingSubject("DataStore", "t", new SourceLocation("t.yaml", 4, 1)), ["nowhere"], nowhere, "t");
    }

    private static readonly string[] AttributeFields = ["attributes.tier", "attributes.missing", "exporter.attributes.tier"];

    [Fact]
    public void Format_EveryCatalogField_SaysWhatFieldSpecFormatSays()
    {
        var compared = 0;
        foreach (var fact in Facts())
        {
            var kind = fact is PlacementFact ? FactKinds.Placement : FactKinds.Transfer;
            var fields = FieldCatalog.Instance.Fields(kind).Concat(
                AttributeFields.Select(n => FieldCatalog.Instance.Find(kind, n)!));
            var text = new FactText(AnyRule.Value, fact);
            foreach (var field in fields)
            {
                Assert.Equal(field.Format(fact), field.Text.Format(fact, text));
                // Read twice: the second time from the shared set and number texts.
                Assert.Equal(field.Format(fact), field.Text.Format(fact, text));
                compared++;
            }
        }
        Assert.True(compared > 100, $"only {compared} fields compared");
    }

    [Fact]
    public void Format_NumbersAndSets_AreSharedStringsAcrossFacts()
    {
        var facts = Facts().OfType<TransferFact>().ToArray();
        var text = new FactText(AnyRule.Value, facts[0]);
        var individuals = FieldCatalog.Instance.Find(FactKinds.Transfer, "individuals")!;
        var categories = FieldCatalog.Instance.Find(FactKinds.Transfer, "categories")!;
        var twin = new TransferFact(Context, facts[0].Subject, facts[0].Path, facts[0].Source, facts[0].Destination, "analytics") { Data = facts[0].Data };

        Assert.Equal("1,234,567.89", individuals.Text.Format(facts[0], text));
        Assert.Same(individuals.Text.Format(facts[0], text), individuals.Text.Format(twin, text));
        Assert.Equal("user.health, user.contact", categories.Text.Format(facts[0], text));
        Assert.Same(categories.Text.Format(facts[0], text), categories.Text.Format(twin, text));
    }
}
