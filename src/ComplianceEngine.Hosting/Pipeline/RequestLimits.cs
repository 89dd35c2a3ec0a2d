using ComplianceEngine.Loading.Yaml;

namespace ComplianceEngine.Hosting.Pipeline;

/// <summary>
/// The YAML caps for a request's body, derived from the body cap so that the two never disagree: whatever body the cap
/// accepts is not refused by a YAML size or node cap unless it is denser than any estate file
/// (<see cref="MinBytesPerNode"/>). Nesting depth keeps the configured cap: it guards the reader, not memory.
/// </summary>
public static class RequestLimits
{
    /// <summary>
    /// The fewest bytes per YAML node (parser event: scalar, start or end of a list, mapping or document) a body may
    /// average. An estate's keys, names and values make 4.6-8 bytes per node (measured: the generated benchmark estates
    /// 7.6, <c>examples/estate</c> 7.4, its files 6.7-7.9, the smallest mapping file in the tests 4.6), so a body at the
    /// cap is read whatever estate it holds; only a body built to be dense (<c>[a,a,a,...]</c>, 2 bytes per node) stops
    /// at the node cap (CE1014). Bounding nodes by bytes keeps the parsed tree of such a body within the memory the host
    /// reserves per body byte (16 MiB of 4-byte list items: 37 bytes per body byte at peak, under the 48 reserved).
    /// </summary>
    public const int MinBytesPerNode = 4;

    /// <summary>The YAML caps for a body of at most <paramref name="maxBodyBytes"/> bytes.</summary>
    public static YamlLimits ForBody(long maxBodyBytes, int maxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBodyBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDepth);
        return new YamlLimits
        {
            MaxFileBytes = maxBodyBytes,
            MaxDepth = maxDepth,
            // Never below the file cap's default, so a small body cap does not make small files unreadable.
            MaxEvents = (int)Math.Clamp(maxBodyBytes / MinBytesPerNode, YamlLimits.Default.MaxEvents, int.MaxValue),
        };
    }
}
