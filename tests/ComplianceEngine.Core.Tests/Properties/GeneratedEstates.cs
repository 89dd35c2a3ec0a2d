using ComplianceEngine.Bench;
using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Loading;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Tests;

namespace ComplianceEngine.Core.Tests.Properties;

/// <summary>What the property tests share: every built-in pack compiled once, and the benchmark's seeded estate generator.</summary>
internal static class GeneratedEstates
{
    private static readonly Lazy<(Engine Engine, GeoCatalog Geo)> Built = new(() =>
    {
        var rules = Repo.Path("rules");
        var bag = new DiagnosticBag();
        var source = new WorkspaceLoader().LoadRules([rules], bag);
        var engine = Engine.Create(source.Packs, source.Regimes, source.Groups, source.Regions, bag, source.Vocabulary);
        Assert.False(bag.HasErrors, string.Join("\n", bag.Sorted()));
        return (engine, new GeoCatalog(source, rules));
    });

    /// <summary>The engine with every built-in pack.</summary>
    public static Engine Engine => Built.Value.Engine;

    /// <summary>The generator's catalogue of the built-in packs' regions.</summary>
    public static GeoCatalog Geo => Built.Value.Geo;

    /// <summary>The estate of <paramref name="seed"/> with <paramref name="flows"/> flows (the same estate on every call).</summary>
    public static Model.Inventory.Estate Generate(int seed, int flows) => new EstateGenerator(Built.Value.Geo, seed).Generate(EstateSize.ForFlows(flows));

    /// <summary>One thread, a fixed date: the same report on every run.</summary>
    public static EvaluationOptions Options { get; } = new() { AsOf = new DateOnly(2026, 11, 25), MaxDegreeOfParallelism = 1 };
}
