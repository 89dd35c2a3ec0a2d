namespace ComplianceEngine.Loading.Yaml;

/// <summary>Caps that keep hostile YAML from exhausting the process.</summary>
public sealed record YamlLimits
{
    /// <summary>Largest file read, in bytes (default 16 MiB).</summary>
    public long MaxFileBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Deepest nesting of mappings and lists (default 64).</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>
    /// Most parser events (scalars, list and mapping starts and ends) per file (default 1 million). Every node read is
    /// kept until the file is read, so this bounds a file's memory: about 150 MB at the cap, whatever the file holds.
    /// A generated estate of 5,000 documents per file uses about 150,000.
    /// </summary>
    public int MaxEvents { get; init; } = 1_000_000;

    /// <summary>The defaults.</summary>
    public static YamlLimits Default { get; } = new();
}
