using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ComplianceEngine.Hosting.Pipeline;

/// <summary>
/// The version of a rule set: a SHA-256 over every file of its rule folders and policy file (names relative to the
/// folder given, then contents, in ordinal order), so the same files give the same version on every machine.
/// </summary>
public static class RuleSetVersion
{
    /// <summary>The version of <paramref name="paths"/> (folders or files); missing paths hash as missing.</summary>
    public static string Compute(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in paths)
        {
            // Where the folder is does not count (the same files installed elsewhere are the same version); what is in it does.
            Add(hash, "root\0");
            var files = Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Select(f => (Full: f, Relative: Path.GetRelativePath(path, f).Replace('\\', '/')))
                    .Where(f => !IsHidden(f.Relative))
                    .OrderBy(f => f.Relative, StringComparer.Ordinal).ToList()
                : File.Exists(path) ? [(path, Path.GetFileName(path))] : [];
            if (files.Count == 0) Add(hash, "missing\0");
            foreach (var (full, relative) in files)
            {
                Add(hash, "file\0" + relative + "\0");
                hash.AppendData(ReadOrEmpty(full));
            }
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

    private static bool IsHidden(string relative) => relative.Split('/').Any(part => part.StartsWith('.') || part.EndsWith('~'));

    private static byte[] ReadOrEmpty(string file)
    {
        try
        {
            return File.ReadAllBytes(file);
        }
        catch (IOException)
        {
            return [0xFF]; // a file that vanished or is locked mid-hash: the version differs, the next reload sees it settled
        }
        catch (UnauthorizedAccessException)
        {
            return [0xFE];
        }
    }

    private static void Add(IncrementalHash hash, string text) => hash.AppendData(Encoding.UTF8.GetBytes(text));
}
