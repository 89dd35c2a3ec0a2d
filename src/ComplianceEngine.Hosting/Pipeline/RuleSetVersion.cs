using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ComplianceEngine.Loading.FileSystem;

namespace ComplianceEngine.Hosting.Pipeline;

/// <summary>
/// The version of a rule set: a SHA-256 over the files its rules were compiled from (every file the loader read from its
/// rule folders, and the policy file), each named relative to the folder given, in ordinal order, by the digest of the
/// bytes that were read and compiled (<see cref="FileDigests"/>). Files are never read again to be hashed: a file
/// changed after the rules were compiled (a hot reload under way) cannot give the compiled rules its version. Files the
/// loader does not read (a pack's scenario tests, a README) do not count. The same files give the same version on every
/// machine, wherever they are installed.
/// </summary>
public static class RuleSetVersion
{
    /// <summary>
    /// The version of the files in <paramref name="read"/>, grouped under <paramref name="roots"/> (the rule folders and
    /// files given, then the policy file, in order): each file counts once, under the first root that holds it; a root
    /// that gave no file counts as missing.
    /// </summary>
    public static string Of(IEnumerable<string> roots, IEnumerable<(string File, byte[] Sha256)> read)
    {
        ArgumentNullException.ThrowIfNull(roots);
        ArgumentNullException.ThrowIfNull(read);
        var left = read.Select(f => (Full: Path.GetFullPath(f.File), f.Sha256)).ToList();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var root in roots)
        {
            // Where the folder is does not count (the same files installed elsewhere are the same version); what is in it does.
            Add(hash, "root\0");
            var full = Path.GetFullPath(root);
            var folder = Path.EndsInDirectorySeparator(full) ? full : full + Path.DirectorySeparatorChar;
            var files = new List<(string Relative, byte[] Sha256)>();
            left.RemoveAll(f =>
            {
                var relative = f.Full == full ? Path.GetFileName(full)
                    : f.Full.StartsWith(folder, StringComparison.Ordinal) ? Path.GetRelativePath(full, f.Full).Replace('\\', '/')
                    : null;
                if (relative is not null) files.Add((relative, f.Sha256));
                return relative is not null;
            });
            if (files.Count == 0) Add(hash, "missing\0");
            foreach (var (relative, sha256) in files.OrderBy(f => f.Relative, StringComparer.Ordinal))
            {
                Add(hash, "file\0" + relative + "\0");
                hash.AppendData(sha256);
            }
        }
        // A file read outside every root given (not expected: the loader reads under them) still counts, by its path.
        foreach (var (full, sha256) in left.OrderBy(f => f.Full, StringComparer.Ordinal))
        {
            Add(hash, "other\0" + full + "\0");
            hash.AppendData(sha256);
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    /// <summary>The content hash of request bodies or files: <c>sha256:</c> and 64 hex digits.</summary>
    public static string OfContent(IEnumerable<byte[]> contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var i = 0;
        foreach (var content in contents)
        {
            Add(hash, (i++).ToString(CultureInfo.InvariantCulture) + "\0");
            hash.AppendData(content);
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Add(IncrementalHash hash, string text) => hash.AppendData(Encoding.UTF8.GetBytes(text));
}
