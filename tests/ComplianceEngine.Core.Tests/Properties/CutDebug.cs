using ComplianceEngine.Core.Evaluation.Runners;
using ComplianceEngine.Core.Facts;
using ComplianceEngine.Core.Rules;
using ComplianceEngine.Model.Inventory;
using Xunit.Abstractions;

namespace ComplianceEngine.Core.Tests.Properties;

public sealed class CutDebug(ITestOutputHelper output)
{
    [Fact]
    public void Debug()
    {
        var engine = GeneratedEstates.Engine;
        var regimes = OnwardScope.Of(engine.Rules.Rules);
        var transferRules = new RuleSelection(engine.Rules).Transfer;
        var seed = 895638;
        (int, int, int)[] edits = [(2, 11327, 7401), (2, 26995, 79899), (6, 9413, 57691)];
        var estate = GeneratedEstates.Generate(seed, 150);
        var context = new EvaluationContext(GeneratedEstates.Options.AsOf, estate.Organization);
        var resolved = new FactBuilder(engine.Resolver).Resolve(estate);
        var index = OnwardIndex.Build(Direct(resolved, context), regimes, new OnwardRuleFilter(transferRules, workers: 1), workers: 1);
        var step = 0;
        foreach (var (kind, a, b) in edits)
        {
            step++;
            var i = a % estate.Flows.Length;
            var flow = estate.Flows[i];
            var targets = estate.Stores.Select(s => s.Name).Concat(estate.Recipients.Select(r => r.Name)).Where(n => n != flow.To.Name && n != flow.From.Name).ToList();
            var rerouted = estate with { Flows = estate.Flows.SetItem(i, flow with { To = new Reference(targets[b % targets.Count], flow.To.Location) }) };
            var flow2 = rerouted.Flows[i];
            var at = index.Direct.Select((t, e) => (t, e)).Where(x => !x.t.Implied && x.t.Subject.Name == flow2.Name).Select(x => x.e).ToList();
            var next = resolved.WithEstate(rerouted);
            if (at.Count != 1 || FactBuilder.Declared(next, context, flow2, FactBuilder.OrganizationMechanisms(next, context)) is not { } declared) { output.WriteLine($"skip {step}"); continue; }
            estate = rerouted;
            resolved = next;
            TransferFact[] changed = [.. index.Direct];
            changed[at[0]] = declared;
            ExportVolumes.Of(changed).Apply(declared);
            if (step == 3)
            {
                var old = index.Graph;
                var graph = old.Patched(changed, [at[0]], regimes)!;
                foreach (var regime in graph.Regimes)
                {
                    var before = index.SearchOf(regime);
                    var log = index.LogOf(regime)!;
                    var cut = graph.ReplayCut(before, log, old, new NodeLotTable(), new NodeLotTable(), out var log2, out var searched, out var unset, out var live);
                    graph.SetArrived(cut, new NodeLotTable(), []);
                    var full = graph.SearchRecorded(regime, new SearchScratch(), out var flog);
                    output.WriteLine($"{regime}: edge {at[0]} {old.From[at[0]]}: {old.To[at[0]]} -> {graph.To[at[0]]}; events {flog.EventNode.Count} vs {log2.EventNode.Count}, live {live.Count(x => x)}, searched {searched}; order equal {full.Order.SequenceEqual(cut.Order)}");
                    for (var k = 0; k < Math.Min(full.Order.Length, cut.Order.Length); k++)
                    {
                        if (full.Order[k] == cut.Order[k]) continue;
                        output.WriteLine($"  order differs at {k}: full {full.Order[k]} (ev {flog.ReachEvent[full.Order[k]]} slot {flog.ReachSlot[full.Order[k]]} live {live[full.Order[k]]}), cut {cut.Order[k]} (ev {log2.ReachEvent[cut.Order[k]]} slot {log2.ReachSlot[cut.Order[k]]} live {live[cut.Order[k]]}); lengths {full.Order.Length} {cut.Order.Length}");
                        output.WriteLine($"  full: {string.Join(" ", full.Order)}");
                        output.WriteLine($"  cut:  {string.Join(" ", cut.Order)}");
                        break;
                    }
                    var n = Math.Min(flog.EventNode.Count, log2.EventNode.Count);
                    for (var j = 0; j < n; j++)
                    {
                        var f1 = Enumerable.Range(flog.FreshStart[j], flog.FreshStart[j + 1] - flog.FreshStart[j]).Select(x => (flog.FreshKind[x], flog.FreshCategories[x])).OrderBy(x => x).ToList();
                        var f2 = Enumerable.Range(log2.FreshStart[j], log2.FreshStart[j + 1] - log2.FreshStart[j]).Select(x => (log2.FreshKind[x], log2.FreshCategories[x])).OrderBy(x => x).ToList();
                        var e1 = Enumerable.Range(flog.EnqueueStart[j], flog.EnqueueStart[j + 1] - flog.EnqueueStart[j]).Select(x => (flog.EnqueueSlot[x], flog.EnqueueNode[x])).ToList();
                        var e2 = Enumerable.Range(log2.EnqueueStart[j], log2.EnqueueStart[j + 1] - log2.EnqueueStart[j]).Select(x => (log2.EnqueueSlot[x], log2.EnqueueNode[x])).ToList();
                        if (flog.EventNode[j] != log2.EventNode[j] || !f1.SequenceEqual(f2) || !e1.SequenceEqual(e2))
                        {
                            output.WriteLine($"  first difference at event {j}: full node {flog.EventNode[j]} fresh [{string.Join(",", f1)}] enq [{string.Join(",", e1)}]; cut node {log2.EventNode[j]} live {live[log2.EventNode[j]]} fresh [{string.Join(",", f2)}] enq [{string.Join(",", e2)}]");
                            for (var k = Math.Max(0, j - 3); k < j; k++) output.WriteLine($"   before: event {k} node {flog.EventNode[k]} live {live[flog.EventNode[k]]}");
                            break;
                        }
                    }
                }
            }
            index = index.Update(changed).Index;
        }
    }

    private static List<TransferFact> Direct(ResolvedEstate resolved, EvaluationContext context)
    {
        var engine = GeneratedEstates.Engine;
        var direct = FactBuilder.Build(resolved, context).Concat(new FlowAnalyzer(engine.Resolver).Implied(resolved, context)).OfType<TransferFact>().ToList();
        var volumes = ExportVolumes.Of(direct);
        foreach (var t in direct) volumes.Apply(t);
        return direct;
    }
}
