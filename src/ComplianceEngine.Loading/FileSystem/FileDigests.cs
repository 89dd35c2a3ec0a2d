using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ComplianceEngine.Loading.FileSystem;

/// <summary>
/// The SHA-256 of every file a <see cref="Documents.DocumentLoader"/> read, taken from the bytes it read and parsed (a file
/// is never opened again to be hashed): what a rule set was compiled from, for its version (a file changed after it was
/// read does not change the digest of what was compiled). Thread-safe: files are read several at once.
/// </summary>
public sealed class FileDigests
{
    private readonly ConcurrentDictionary<string, byte[]> _digests = new(StringComparer.Ordinal);

    /// <summary>Records the digest of <paramref name="bytes"/>, read from <paramref name="file"/> (the path as the loader opened it).</summary>
    public void Add(string file, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(file);
        _digests[file] = SHA256.HashData(bytes);
    }

    /// <summary>Every file read, by path (ordinal order), with the SHA-256 of its bytes.</summary>
    public IReadOnlyList<(string File, byte[] Sha256)> All =>
        [.. _digests.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => (d.Key, d.Value))];
}
