namespace ComplianceEngine.Loading.Yaml;

/// <summary>Caps that keep hostile YAML from exhausting the process.</summary>
public sealed record YamlLimits
{
    /// <summary>Largest file read, in bytes (default 16 MiB).</summary>
    public long MaxFileBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Deepest nesting of mappings and lists (default 64).</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>Most parser events per file (default 4 million).</summary>
    public int MaxEvents { get; init; } = 4_000_000;

    /// <summary>The defaults.</summary>
    public static YamlLimits Default { get; } = new();
}
