using System.Runtime.InteropServices;

namespace ComplianceEngine.Loading.FileSystem;

/// <summary>What a path names on disk.</summary>
public enum EntryKind
{
    /// <summary>Nothing there (or a component of the path is not a folder).</summary>
    Missing,
    /// <summary>A regular file: the only kind read as input or replaced as output.</summary>
    Regular,
    /// <summary>A folder.</summary>
    Directory,
    /// <summary>A symbolic link (only when links are not followed).</summary>
    Symlink,
    /// <summary>A named pipe: reading it can block forever.</summary>
    Fifo,
    /// <summary>A character device such as <c>/dev/zero</c>: endless, and its length says 0.</summary>
    CharacterDevice,
    /// <summary>A block device.</summary>
    BlockDevice,
    /// <summary>A Unix socket.</summary>
    Socket,
    /// <summary>The path could not be examined (permissions, a loop of links); see <see cref="FileFacts.Error"/>.</summary>
    Unreadable,
}

/// <summary>The identity of a file: device and inode on Unix. Two paths with the same identity are the same file.</summary>
public readonly record struct FileId(ulong Device, ulong Inode);

/// <summary>What <see cref="FileProbe.Stat"/> found at a path.</summary>
/// <param name="Kind">The kind of entry.</param>
/// <param name="Id">Device and inode where the platform gives them (Linux); null elsewhere.</param>
/// <param name="Error">Why the path could not be examined, for <see cref="EntryKind.Unreadable"/>.</param>
public sealed record FileFacts(EntryKind Kind, FileId? Id, string? Error = null)
{
    /// <summary>A readable word for the kind, for messages.</summary>
    public string Describe() => Kind switch
    {
        EntryKind.Fifo => "a named pipe (FIFO)",
        EntryKind.CharacterDevice => "a character device",
        EntryKind.BlockDevice => "a block device",
        EntryKind.Socket => "a socket",
        EntryKind.Directory => "a folder",
        EntryKind.Symlink => "a symbolic link",
        EntryKind.Missing => "missing",
        EntryKind.Unreadable => "unreadable",
        _ => "a regular file",
    };
}

/// <summary>
/// Examines paths without opening them (opening a FIFO blocks, a device never ends). On Linux this is <c>statx(2)</c>,
/// whose structure is the same on every architecture, giving the file type and the device and inode that identify
/// the file; elsewhere it falls back on what .NET reports (no identity, and no way to tell a device from a file).
/// </summary>
public static class FileProbe
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const int StatxSize = 256;
    private const int Enoent = 2;
    private const int Enotdir = 20;

    private static bool s_native = OperatingSystem.IsLinux();

    /// <summary>Whether device and inode identities are available (Linux with glibc 2.28 or later).</summary>
    public static bool HasIdentity
    {
        get
        {
            if (s_native) Stat("/", followLinks: true);
            return s_native;
        }
    }

    /// <summary>What <paramref name="path"/> names; with <paramref name="followLinks"/> a symbolic link is examined through.</summary>
    public static FileFacts Stat(string path, bool followLinks = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains('\0', StringComparison.Ordinal)) return new FileFacts(EntryKind.Missing, null);
        if (s_native)
        {
            try
            {
                return NativeStat(path, followLinks);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                s_native = false;
            }
        }
        return ManagedStat(path, followLinks);
    }

    /// <summary>
    /// The real path of <paramref name="path"/>: absolute, with every symbolic link resolved. For a path that does not
    /// exist (a new output), the real path of the nearest existing folder above it plus the rest.
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var rest = new Stack<string>();
        var current = full;
        while (true)
        {
            var resolved = TryRealPath(current);
            if (resolved is not null)
            {
                return rest.Count == 0 ? resolved : Path.Combine([resolved, .. rest]);
            }
            var parent = Path.GetDirectoryName(current);
            if (parent is null) return full;
            rest.Push(Path.GetFileName(current));
            current = parent;
        }
    }

    private static string? TryRealPath(string path)
    {
        if (Stat(path, followLinks: true).Kind is EntryKind.Missing or EntryKind.Unreadable) return null;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            try
            {
                var p = realpath(path, IntPtr.Zero);
                if (p == IntPtr.Zero) return null;
                try
                {
                    return Marshal.PtrToStringUTF8(p);
                }
                finally
                {
                    free(p);
                }
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // Fall through to the managed resolution below.
            }
        }
        var info = new FileInfo(path);
        var target = info.LinkTarget is null ? null : info.ResolveLinkTarget(returnFinalTarget: true);
        return Path.GetFullPath(target?.FullName ?? path);
    }

    private static FileFacts NativeStat(string path, bool followLinks)
    {
        var buffer = new byte[StatxSize];
        var rc = statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxType | StatxIno, buffer);
        if (rc != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is Enoent or Enotdir) return new FileFacts(EntryKind.Missing, null);
            return new FileFacts(EntryKind.Unreadable, null, Marshal.GetPInvokeErrorMessage(errno));
        }
        var mode = BitConverter.ToUInt16(buffer, 28);
        var inode = BitConverter.ToUInt64(buffer, 32);
        var devMajor = BitConverter.ToUInt32(buffer, 136);
        var devMinor = BitConverter.ToUInt32(buffer, 140);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => EntryKind.Regular,
            0x4000 => EntryKind.Directory,
            0xA000 => EntryKind.Symlink,
            0x1000 => EntryKind.Fifo,
            0x2000 => EntryKind.CharacterDevice,
            0x6000 => EntryKind.BlockDevice,
            0xC000 => EntryKind.Socket,
            _ => EntryKind.Unreadable,
        };
        return new FileFacts(kind, new FileId(((ulong)devMajor << 32) | devMinor, inode), kind == EntryKind.Unreadable ? "unknown file type" : null);
    }

    private static FileFacts ManagedStat(string path, bool followLinks)
    {
        try
        {
            FileSystemInfo info = Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
            if (!info.Exists && info.LinkTarget is null) return new FileFacts(EntryKind.Missing, null);
            if (info.LinkTarget is not null)
            {
                if (!followLinks) return new FileFacts(EntryKind.Symlink, null);
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null || !target.Exists) return new FileFacts(EntryKind.Missing, null);
                info = target;
            }
            return new FileFacts(info is DirectoryInfo ? EntryKind.Directory : EntryKind.Regular, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new FileFacts(EntryKind.Unreadable, null, ex.Message);
        }
    }

#pragma warning disable CA5392, SYSLIB1054, CA2101 // libc is the system C library; the path is marshalled as UTF-8 on Unix
    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);
#pragma warning restore CA5392, SYSLIB1054, CA2101
}
