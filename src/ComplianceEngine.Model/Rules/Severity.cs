namespace ComplianceEngine.Model.Rules;

/// <summary>How serious a breach is. Ordered: <c>Info &lt; Low &lt; Medium &lt; High &lt; Critical</c>.</summary>
public enum Severity
{
    Info = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

/// <summary>Parsing and printing of <see cref="Severity"/> in the lower-case contract form.</summary>
public static class SeverityNames
{
    /// <summary>The contract names, lowest first.</summary>
    public static IReadOnlyList<string> All { get; } = ["info", "low", "medium", "high", "critical"];

    /// <summary>Lower-case name.</summary>
    public static string ToName(this Severity severity) => All[(int)severity];

    /// <summary>Parses a contract name; false when unknown.</summary>
    public static bool TryParse(string? text, out Severity severity)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], text, StringComparison.Ordinal))
            {
                severity = (Severity)i;
                return true;
            }
        }
        severity = Severity.Info;
        return false;
    }
}
