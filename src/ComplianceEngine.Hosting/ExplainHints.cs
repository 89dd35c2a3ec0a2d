using ComplianceEngine.Core.Evaluation;
using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Inventory;

namespace ComplianceEngine.Hosting;

/// <summary>"Did you mean" for an <c>explain</c> target that matches nothing: the estate's names (and <c>Kind/name</c> references) and the finding ids.</summary>
public static class ExplainHints
{
    /// <summary>", did you mean 'x'?" (a case slip first, then the nearest), or empty.</summary>
    public static string Suggest(string target, Estate estate, IReadOnlyList<Explanation> explanations)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(estate);
        ArgumentNullException.ThrowIfNull(explanations);
        var infos = estate.Clusters.Select(c => c.Info).Concat(estate.Stores.Select(s => s.Info)).Concat(estate.Flows.Select(f => f.Info))
            .Concat(estate.Recipients.Select(r => r.Info)).ToList();
        var candidates = (target.Contains('/', StringComparison.Ordinal)
                ? infos.Select(i => $"{i.Kind}/{i.Name}")
                : infos.Select(i => i.Name).Concat(explanations.Select(e => e.Finding.Id)))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var caseFix = candidates.FirstOrDefault(c => string.Equals(c, target, StringComparison.OrdinalIgnoreCase));
        return caseFix is not null ? $", did you mean '{caseFix}'?" : Suggestions.DidYouMean(target, candidates);
    }
}
