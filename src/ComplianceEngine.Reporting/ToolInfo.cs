using System.Reflection;

namespace ComplianceEngine.Reporting;

/// <summary>The tool's name and version as reports print them.</summary>
public static class ToolInfo
{
    /// <summary>The informational version without build metadata.</summary>
    public static string Version { get; } =
        (typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    /// <summary>Where the project lives (for SARIF and HTML links).</summary>
    public const string InformationUri = "https://example.invalid/complianceengine";
}
