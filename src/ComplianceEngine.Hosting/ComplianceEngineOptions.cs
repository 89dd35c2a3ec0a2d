using ComplianceEngine.Loading.Yaml;

namespace ComplianceEngine.Hosting;

/// <summary>Settings shared by the CLI and the hosted service (section "ComplianceEngine" of configuration).</summary>
public sealed class ComplianceEngineOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "ComplianceEngine";

    /// <summary>Folder of the built-in rules; default: <c>rules</c> next to the binary.</summary>
    public string BuiltInRules { get; set; } = Path.Combine(AppContext.BaseDirectory, "rules");

    /// <summary>Largest input file, in bytes.</summary>
    public long MaxFileBytes { get; set; } = YamlLimits.Default.MaxFileBytes;

    /// <summary>Deepest YAML nesting.</summary>
    public int MaxDepth { get; set; } = YamlLimits.Default.MaxDepth;

    /// <summary>The YAML caps these options describe.</summary>
    public YamlLimits Limits => new() { MaxFileBytes = MaxFileBytes, MaxDepth = MaxDepth };
}
