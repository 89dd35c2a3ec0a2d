using ComplianceEngine.Model.Diagnostics;
using ComplianceEngine.Model.Rules;

namespace ComplianceEngine.Hosting;

/// <summary>"Did you mean" for a policy's pack name that is not loaded: a case slip, a near name, or the folder name of a pack (<c>eu-gdpr</c> for <c>eu-gdpr-chapter-v</c>).</summary>
public static class PackHints
{
    /// <summary>", did you mean 'name'?" (with the folder when that is what matched), or empty.</summary>
    public static string Suggest(string written, IEnumerable<RulePack> loaded)
    {
        ArgumentNullException.ThrowIfNull(written);
        var packs = loaded.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        var caseFix = packs.FirstOrDefault(p => string.Equals(p.Name, written, StringComparison.OrdinalIgnoreCase));
        if (caseFix is not null) return $", did you mean '{caseFix.Name}'?";
        var near = Suggestions.DidYouMean(written, packs.Select(p => p.Name));
        if (near.Length > 0) return near;
        var byFolder = packs.Where(p => p.Location.File.Length > 0
            && string.Equals(Path.GetFileName(Path.GetDirectoryName(p.Location.File)), written, StringComparison.OrdinalIgnoreCase)).ToList();
        if (byFolder.Count > 0)
            return $", did you mean {string.Join(" or ", byFolder.Select(p => $"'{p.Name}'"))}? (a policy names packs by metadata.name, not by folder: the pack in folder {written})";
        var byPrefix = packs.Where(p => p.Name.StartsWith(written + "-", StringComparison.OrdinalIgnoreCase)).ToList();
        return byPrefix.Count is > 0 and <= 3 ? $", did you mean {string.Join(" or ", byPrefix.Select(p => $"'{p.Name}'"))}?" : string.Empty;
    }
}
