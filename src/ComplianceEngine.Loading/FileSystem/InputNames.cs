using System.Globalization;
using System.Text;

namespace ComplianceEngine.Loading.FileSystem;

/// <summary>Checks the names of files and folders: no invalid UTF-8, no control characters.</summary>
public static class InputNames
{
    /// <summary>
    /// Why <paramref name="name"/> is not accepted, or null when it is. .NET turns bytes that are not UTF-8 into
    /// U+FFFD when it lists a folder, so that character stands for an invalid name.
    /// </summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var c in name)
        {
            if (c == '\uFFFD') return "is not valid UTF-8";
            if (char.IsControl(c)) return c == '\0' ? "holds a NUL character" : "holds a control character";
            if (char.IsSurrogate(c) && !IsPairedSurrogate(name, c)) return "is not valid UTF-8";
        }
        return null;
    }

    /// <summary><paramref name="name"/> with control characters and invalid bytes escaped, safe to print on a terminal.</summary>
    public static string Printable(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsControl(c) || c == '\uFFFD' || char.IsSurrogate(c)) sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool IsPairedSurrogate(string name, char c)
    {
        var i = name.IndexOf(c, StringComparison.Ordinal);
        return char.IsHighSurrogate(c) ? i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]) : i > 0 && char.IsHighSurrogate(name[i - 1]);
    }
}
